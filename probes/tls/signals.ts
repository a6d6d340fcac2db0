// Fleet signals of the tls plugin (plugin contract v2): the leaf certificate of every TLS service
// as a key that identifies the device (the same certificate on several devices is a fleet finding:
// whoever extracts its key impersonates them all). TLS is no cleartext channel and no remote
// access by itself; the protocols above it (http, mqtt, ...) report those.
import type { FleetSignals } from "../../src/plugin.js";
import type { TlsFacts } from "./facts.js";

export function tlsSignals(facts: TlsFacts): FleetSignals {
  const keys: NonNullable<FleetSignals["keys"]> = [];
  for (const s of facts.services) {
    const leaf = s.tlsOffered ? s.certificates[0] : undefined;
    if (!leaf) continue;
    const cn = leaf.commonName ?? leaf.subject.split("\n").pop() ?? "";
    keys.push({ kind: "x509-certificate", fingerprint: leaf.sha256, scheme: "tls", port: s.port, label: `TLS server certificate ${cn}`.trim() });
  }
  return { keys };
}
