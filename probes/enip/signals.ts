// Fleet signals of the EtherNet/IP plugin (plugin contract v2): plain EtherNet/IP is a cleartext
// control channel without authentication (CIP Vol. 2); a certificate seen on the CIP Security TLS
// port (2221) identifies the device and must not be shared across devices.
import type { FleetSignals } from "../../src/plugin.js";
import type { EnipFacts } from "./facts.js";

export function enipSignals(facts: EnipFacts): FleetSignals {
  const out: FleetSignals = { cleartext: [], keys: [] };
  if (facts.listIdentity.status === "ok" || facts.session.status === "registered")
    out.cleartext!.push({ scheme: "enip", port: facts.port, carries: "control", detail: `EtherNet/IP on tcp/${facts.port} answered without authentication` });
  else if (facts.udp.status === "answered")
    out.cleartext!.push({ scheme: "enip", port: facts.port, carries: "control", detail: `EtherNet/IP ListIdentity answered on udp/${facts.port}` });
  const c = facts.tls.certificate;
  if (c)
    out.keys!.push({
      kind: "x509-certificate",
      fingerprint: c.sha256,
      scheme: "enip",
      port: facts.tls.port,
      label: `CIP Security (EtherNet/IP over TLS) certificate ${c.subject}`,
    });
  return out;
}
