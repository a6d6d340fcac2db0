// Fleet signals of the SNMP plugin (plugin contract v2): a v1/v2c answer is a cleartext channel
// carrying its community (RFC 3410 §3: the community authenticates nothing and travels in clear);
// a well-known default community that was accepted is a default credential, labelled by its public
// value (supplied communities are never named).
import { portOfUrl } from "../../src/advisories/identify.js";
import type { FleetSignals } from "../../src/plugin.js";
import type { SnmpFacts } from "./facts.js";

export function snmpSignals(facts: SnmpFacts): FleetSignals {
  const port = portOfUrl(facts.endpoint) ?? null;
  const accepted = facts.communities.results.filter((r) => r.accepted);
  const out: FleetSignals = { cleartext: [], defaultCredentials: [], defaultCredentialChecks: [] };
  const defaultsTried = new Set(facts.communities.results.filter((r) => r.source === "default").map((r) => r.label)).size;
  if (facts.communities.ran && defaultsTried > 0) out.defaultCredentialChecks!.push({ scheme: "snmp", port, tried: defaultsTried });
  if (accepted.length) {
    const versions = [...new Set(accepted.map((r) => r.version))].sort();
    out.cleartext!.push({ scheme: "snmp", port, carries: "credentials", detail: `SNMP ${versions.join(" and ")} answered: the community travels in clear` });
  }
  const defaults = new Map<string, (typeof accepted)[number]>();
  for (const r of accepted) if (r.source === "default" && !defaults.has(r.label)) defaults.set(r.label, r);
  for (const [label, r] of defaults) out.defaultCredentials!.push({ scheme: "snmp", port, key: `snmp:${label}`, label: `community '${label}'`, source: `well-known default, accepted over ${r.version}` });
  return out;
}
