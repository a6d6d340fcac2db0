// Fleet signals of the Modbus/TCP plugin (plugin contract v2): plain Modbus/TCP is a cleartext
// control channel without authentication (Modbus Messaging on TCP/IP Implementation Guide V1.0b:
// no security of its own); Modbus/TCP Security server certificates are keys that must not be shared.
import type { FleetSignals } from "../../src/plugin.js";
import type { ModbusFacts } from "./facts.js";

export function modbusSignals(facts: ModbusFacts): FleetSignals {
  const out: FleetSignals = { cleartext: [], keys: [] };
  for (const p of facts.plain) {
    if (p.reachability !== "open") continue;
    out.cleartext!.push({
      scheme: "modbus",
      port: p.port,
      carries: "control",
      detail: `Modbus/TCP on tcp/${p.port}${p.answersUnauthenticated ? " answered without authentication" : " accepted a connection"}`,
    });
  }
  for (const t of facts.secure) {
    const c = t.certificate;
    if (c)
      out.keys!.push({
        kind: "x509-certificate",
        fingerprint: c.sha256,
        scheme: "modbus+tls",
        port: t.port,
        label: `Modbus/TCP Security certificate ${c.subject}`,
      });
  }
  return out;
}
