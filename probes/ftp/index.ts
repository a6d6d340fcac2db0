// The FTP plugin: cleartext logins (a 331 to USER before AUTH TLS), anonymous login (RFC 1635,
// class read), AUTH TLS (RFC 4217) with one handshake's facts, the greeting as identity;
// --intrusive: factory-default and hard-coded accounts. Light module: zod, rules and data only;
// the probe and the simulator load lazily.
import { definePlugin, type FleetSignals, type ObservedProduct } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { FtpFacts } from "./facts.js";
import { recogniseProduct } from "./knowledge.js";
import { FtpSimProfile, profileFromFacts } from "./profile.js";
import { printable, replyText } from "./reply.js";
import { FTP_RULES } from "./rules.js";

function signals(facts: FtpFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "cleartext" | "defaultCredentials" | "keys">> = {
    remoteAccess: [],
    cleartext: [],
    defaultCredentials: [],
    keys: [],
  };
  for (const s of facts.services) {
    if (s.greeting?.code !== 220) continue;
    const asksPassword = s.cleartextUser?.reply?.code === 331 || s.cleartextUser?.reply?.code === 332;
    const anon = s.anonymous?.accepted === true || s.anonymous?.afterTls?.accepted === true;
    out.cleartext.push({
      scheme: "ftp",
      port: s.port,
      carries: asksPassword ? "credentials" : "data",
      detail: asksPassword ? "FTP asks for passwords before TLS" : "FTP control connection in clear until AUTH TLS",
    });
    out.remoteAccess.push({
      scheme: "ftp",
      port: s.port,
      factors: anon ? "none" : asksPassword || s.authTls?.tlsSession ? "single-factor" : "unknown",
      detail: anon ? "anonymous FTP login accepted" : "FTP user name and password",
    });
    const acc = s.defaultCredentials?.accepted;
    if (acc)
      out.defaultCredentials.push({
        scheme: "ftp",
        port: s.port,
        key: `ftp:${acc.id}`,
        label: `${acc.username} (${acc.vendor ?? acc.id})`,
        source: acc.source,
      });
    const cert = s.authTls?.tlsSession?.certificate;
    if (cert) out.keys.push({ kind: "x509-certificate", fingerprint: `sha256:${cert.sha256}`, scheme: "ftp", port: s.port, label: cert.subject });
  }
  return out;
}

function identify(facts: FtpFacts): ObservedProduct[] {
  return facts.services.flatMap((s): ObservedProduct[] => {
    if (!s.greeting) return [];
    const raw = s.greeting.lines.join("\n");
    const known = recogniseProduct(raw);
    return [
      known ? { ...known, source: "ftp greeting", raw, port: s.port } : { text: printable(replyText(s.greeting)), source: "ftp greeting", raw, port: s.port },
    ];
  });
}

export default definePlugin<FtpFacts>({
  id: "ftp",
  title: "FTP",
  schemes: ["ftp"],
  transport: "tcp",
  defaultPorts: [{ scheme: "ftp", port: 21 }],
  version: "1.0.0",
  factsSchema: FtpFacts,
  checks: Object.values(CHECKS),
  rules: FTP_RULES,
  async probe(ctx) {
    const { probeFtp } = await import("./probe.js");
    return probeFtp(ctx);
  },
  simulator: {
    profileSchema: FtpSimProfile,
    async start(profile, opts) {
      const { startFtpSimulator } = await import("./simulator.js");
      return startFtpSimulator(profile as FtpSimProfile, opts);
    },
  },
  profileFromFacts,
  identify,
  signals,
  discovery: { cleartextSchemes: ["ftp"] },
});
