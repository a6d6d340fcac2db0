// The Telnet plugin: a service that answers is cleartext remote access (RFC 854 has no encryption);
// the proof (IAC negotiation, text, a login or command prompt) is recorded byte for byte; options
// are refused passively and nothing is typed by default; --intrusive: factory-default accounts at
// the login prompt. Light module: zod, rules and data only; the probe and the simulator load lazily.
import { definePlugin, type FleetSignals, type ObservedProduct } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { TelnetFacts } from "./facts.js";
import { profileFromFacts, TelnetSimProfile } from "./profile.js";
import { printable } from "./knowledge.js";
import { TELNET_RULES } from "./rules.js";

function signals(facts: TelnetFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "cleartext" | "defaultCredentials">> = { remoteAccess: [], cleartext: [], defaultCredentials: [] };
  for (const s of facts.services) {
    if (!s.negotiation || (!s.negotiation.iac && !s.banner?.bytes)) continue;
    const login = s.prompt === "login" || s.prompt === "password";
    out.cleartext.push({
      scheme: "telnet",
      port: s.port,
      carries: login ? "credentials" : "management",
      detail: login ? `Telnet ${s.prompt} prompt` : "Telnet service",
    });
    out.remoteAccess.push({
      scheme: "telnet",
      port: s.port,
      factors: s.prompt === "command" ? "none" : login ? "single-factor" : "unknown",
      detail: `Telnet, last line ${JSON.stringify(s.banner?.lastLine ?? "")}`,
    });
    const acc = s.defaultCredentials?.accepted;
    if (acc)
      out.defaultCredentials.push({
        scheme: "telnet",
        port: s.port,
        key: `telnet:${acc.id}`,
        label: `${acc.username} (${acc.vendor ?? acc.id})`,
        source: acc.source,
      });
  }
  return out;
}

/** The banner text before the prompt, as free text for advisories (no product is guessed from it). */
function identify(facts: TelnetFacts): ObservedProduct[] {
  return facts.services.flatMap((s): ObservedProduct[] => {
    const text = s.banner?.text ?? "";
    const body = text
      .slice(0, text.lastIndexOf("\n") + 1)
      .replace(/[\r\0]/g, "")
      .trim();
    return body ? [{ text: printable(body.slice(0, 512)).replace(/\\x0a/g, "\n"), source: "telnet banner", raw: text, port: s.port }] : [];
  });
}

export default definePlugin<TelnetFacts>({
  id: "telnet",
  title: "Telnet",
  schemes: ["telnet"],
  transport: "tcp",
  defaultPorts: [{ scheme: "telnet", port: 23 }],
  version: "1.0.0",
  factsSchema: TelnetFacts,
  checks: Object.values(CHECKS),
  rules: TELNET_RULES,
  async probe(ctx) {
    const { probeTelnet } = await import("./probe.js");
    return probeTelnet(ctx);
  },
  simulator: {
    profileSchema: TelnetSimProfile,
    async start(profile, opts) {
      const { startTelnetSimulator } = await import("./simulator.js");
      return startTelnetSimulator(profile as TelnetSimProfile, opts);
    },
  },
  profileFromFacts,
  identify,
  signals,
  discovery: { cleartextSchemes: ["telnet"] },
});
