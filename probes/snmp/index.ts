// The SNMP plugin (UDP): v3 engine discovery, default communities over v1/v2c, the system group,
// v3 security levels and algorithms per supplied user, notification targets and access tables
// with a credential that reads, and (intrusive) community guesses and a write-back SET.
// Light on purpose: net-snmp and the network code load lazily in probe() / simulator.start().
import { definePlugin } from "../../src/plugin.js";
import { SNMP_CHECKS } from "./checks.js";
import { SnmpFacts } from "./facts.js";
import { SNMP_RULES } from "./rules.js";
import { SnmpProfile, profileFromFacts } from "./profile.js";
import { portOfUrl, versionInText } from "../../src/advisories/identify.js";
import { SNMP_CREDENTIALS, SNMP_DISCOVERY, SNMP_OPTIONS } from "./declarations.js";
import { snmpSignals } from "./signals.js";
import { SNMP_POLICY_SETS, snmpPolicyFacts } from "./policy.js";

export { SNMP_CHECKS };

export default definePlugin<SnmpFacts>({
  id: "snmp",
  title: "SNMP",
  schemes: ["snmp"],
  transport: "udp",
  defaultPorts: [{ scheme: "snmp", port: 161 }],
  maxEndpoints: 1, // one SNMP agent per device and run (probe.ts)
  version: "2.0.0", // 2.0.0: answers awaited up to --timeout, rejection proofs, denied/emptyView levels, notifications, access
  factsSchema: SnmpFacts,
  checks: Object.values(SNMP_CHECKS),
  rules: SNMP_RULES,
  // plugin contract v2 (declarations.ts, signals.ts)
  options: SNMP_OPTIONS,
  credentials: SNMP_CREDENTIALS,
  discovery: SNMP_DISCOVERY,
  signals: (facts) => snmpSignals(facts),
  // policies (src/policy): versions, v3 levels and protocols as named sets (policy.ts)
  policySets: SNMP_POLICY_SETS,
  policyFacts: snmpPolicyFacts,
  async probe(ctx) {
    const { probeSnmp } = await import("./probe.js");
    return probeSnmp(ctx, SNMP_CHECKS);
  },
  simulator: {
    profileSchema: SnmpProfile,
    async start(profile, opts) {
      const { startSnmpSimulator } = await import("./simulator.js");
      return startSnmpSimulator(profile, opts);
    },
  },
  redactFacts(facts) {
    // engine time and system uptime change between runs: system uptime stays out of recorded
    // fixtures, engine time is kept in whole days (what the restart-cadence rule reads)
    const { timeSeconds, ...rest } = facts.engine;
    const engine = timeSeconds === undefined ? rest : { ...rest, timeSeconds: Math.floor(timeSeconds / 86400) * 86400 };
    const system = facts.system ? { ...facts.system, sysUpTime: undefined } : undefined;
    return { ...facts, engine, ...(system ? { system } : {}) };
  },
  profileFromFacts,
  // sysDescr (RFC 3418 system group) is free text: vendor and product are searched in it; the
  // version is the one after a keyword ("firmware 2.4.1") or none when ambiguous
  identify: (facts) => {
    const d = facts.system?.sysDescr?.trim();
    if (!d) return [];
    const oid = facts.system?.sysObjectID;
    const enterprise = oid ? /^1\.3\.6\.1\.4\.1\.(\d+)/.exec(oid)?.[1] : undefined;
    const raw = `sysDescr=${d}${oid ? `, sysObjectID=${oid}${enterprise ? ` (enterprise ${enterprise})` : ""}` : ""}`;
    return [{ text: d, version: versionInText(d), source: "snmp sysDescr", raw, port: portOfUrl(facts.endpoint) }];
  },
});
