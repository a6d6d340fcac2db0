// The VNC plugin: RFB security types from the handshake alone (RFC 6143 §7.1.2). Type None is no
// authentication at all, VNC Authentication is DES with 8-character passwords and an unencrypted
// session; nothing is sent after the security types. Light module: zod, rules and data only; the
// probe and the simulator load lazily.
import { definePlugin, type FleetSignals } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { VncFacts } from "./facts.js";
import { classifyType, typeLabel } from "./knowledge.js";
import { profileFromFacts, VncSimProfile } from "./profile.js";
import { VNC_RULES } from "./rules.js";

function signals(facts: VncFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "cleartext">> = { remoteAccess: [], cleartext: [] };
  for (const s of facts.services) {
    const types = s.security?.types;
    if (!types?.length) continue;
    const labels = types.map((t) => typeLabel(t));
    const judged = types.map((t) => classifyType(t).status);
    const factors = types.includes(1) ? "none" : judged.every((j) => j === "weak") ? "single-factor" : "unknown";
    out.remoteAccess.push({ scheme: "vnc", port: s.port, factors, detail: `RFB security types: ${labels.join(", ")}` });
    if (types.includes(1) || types.includes(2))
      out.cleartext.push({
        scheme: "vnc",
        port: s.port,
        carries: "management",
        detail: `unencrypted RFB session possible (${labels.filter((_, i) => types[i] === 1 || types[i] === 2).join(", ")} offered)`,
      });
  }
  return out;
}

export default definePlugin<VncFacts>({
  id: "vnc",
  title: "VNC",
  schemes: ["vnc"],
  transport: "tcp",
  defaultPorts: [{ scheme: "vnc", port: 5900 }],
  version: "1.0.0",
  factsSchema: VncFacts,
  checks: Object.values(CHECKS),
  rules: VNC_RULES,
  async probe(ctx) {
    const { probeVnc } = await import("./probe.js");
    return probeVnc(ctx);
  },
  simulator: {
    profileSchema: VncSimProfile,
    async start(profile, opts) {
      const { startVncSimulator } = await import("./simulator.js");
      return startVncSimulator(profile as VncSimProfile, opts);
    },
  },
  profileFromFacts,
  signals,
});
