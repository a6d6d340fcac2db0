// Fleet signals of the IEC 60870-5-104 plugin (plugin contract v2): plain IEC 104 is a cleartext
// control channel; the IEC 62351-3 server certificate is a key that must not be shared.
import type { FleetSignals } from "../../src/plugin.js";
import type { Iec104Facts } from "./facts.js";

export function iec104Signals(facts: Iec104Facts): FleetSignals {
  const out: FleetSignals = { cleartext: [], keys: [] };
  for (const p of facts.plain) {
    if (p.reachability !== "open") continue;
    out.cleartext!.push({
      scheme: "iec104",
      port: p.port,
      carries: "control",
      detail: `IEC 60870-5-104 on tcp/${p.port}${p.testfr === "testfr-con" ? " confirmed TESTFR" : " accepted a connection"}`,
    });
  }
  for (const t of facts.tls)
    if (t.certificate)
      out.keys!.push({
        kind: "x509-certificate",
        fingerprint: t.certificate.sha256,
        scheme: "iec104+tls",
        port: t.port,
        label: `IEC 62351-3 certificate ${t.certificate.subject}`,
      });
  return out;
}
