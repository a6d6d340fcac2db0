// Fleet signals of the SNMP plugin (plugin contract v2): a v1/v2c answer, or an agent whose VACM
// maps a community to a group, is a cleartext channel carrying its community (RFC 3410 §3: the
// community authenticates nothing and travels in clear); a well-known default community that was
// accepted is a default credential, labelled by its public value (supplied communities are never
// named). "Default communities checked, none accepted" needs the agent's own counters to prove the
// refusals (rules.ts defaultCommunitiesRefused, the decision snmp.community.default passes on):
// silence to a guessed community proves nothing.
import { portOfUrl } from "../../src/advisories/identify.js";
import type { FleetSignals } from "../../src/plugin.js";
import type { SnmpFacts } from "./facts.js";
import { defaultCommunitiesRefused } from "./rules.js";

export function snmpSignals(facts: SnmpFacts): FleetSignals {
  const port = portOfUrl(facts.endpoint) ?? null;
  const accepted = facts.communities.results.filter((r) => r.accepted);
  const out: FleetSignals = { cleartext: [], defaultCredentials: [], defaultCredentialChecks: [] };
  const refused = defaultCommunitiesRefused(facts);
  if (refused) out.defaultCredentialChecks!.push({ scheme: "snmp", port, tried: refused.tried.length });
  if (accepted.length) {
    const versions = [...new Set(accepted.map((r) => r.version))].sort();
    out.cleartext!.push({ scheme: "snmp", port, carries: "credentials", detail: `SNMP ${versions.join(" and ")} answered: the community travels in clear` });
  } else if (facts.access?.communityGroups === "present") {
    out.cleartext!.push({
      scheme: "snmp",
      port,
      carries: "credentials",
      detail: `the agent's VACM maps a community to an access group (read as ${facts.access.via}): v1/v2c access is configured, its community travels in clear`,
    });
  }
  const defaults = new Map<string, (typeof accepted)[number]>();
  for (const r of accepted) if (r.source === "default" && !defaults.has(r.label)) defaults.set(r.label, r);
  for (const [label, r] of defaults)
    out.defaultCredentials!.push({
      scheme: "snmp",
      port,
      key: `snmp:${label}`,
      label: `community '${label}'`,
      source: `well-known default${r.mode === "intrusive" ? " (guessed with --intrusive)" : ""}, accepted over ${r.version}`,
    });
  return out;
}
