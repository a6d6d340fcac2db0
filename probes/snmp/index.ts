// The SNMP plugin (UDP): v3 engine discovery, default communities over v1/v2c, the system group,
// v3 security levels and algorithms per supplied user, and (intrusive) a write-back SET.
// Light on purpose: net-snmp and the network code load lazily in probe() / simulator.start().
import { definePlugin, type CheckDecl } from "../../src/plugin.js";
import { SnmpFacts } from "./facts.js";
import { SNMP_RULES } from "./rules.js";
import { SnmpProfile, profileFromFacts } from "./profile.js";
import { portOfUrl, versionInText } from "../../src/advisories/identify.js";
import { loadDefaults } from "./knowledge.js";

export const SNMP_CHECKS = {
  engine: { id: "snmp.engine", safety: "passive", description: "SNMPv3 engine discovery (RFC 3414 §4): engine ID, enterprise, boots, uptime" },
  communities: { id: "snmp.communities", safety: "read", description: "v1 and v2c GET of sysDescr.0 with a short list of well-known default communities (and supplied ones), one bounded wait", sends: () => loadDefaults().communities.map((c) => c.community) },
  system: { id: "snmp.system", safety: "read", description: "GET of the system group with a community or v3 user that worked" },
  userNames: { id: "snmp.v3.usernames", safety: "read", description: "one noAuthNoPriv GET per user name (random, supplied, RFC 3414 defaults; no keys) to see whether reports reveal valid names", sends: () => ["otaudit-<12 random hex digits>", ...loadDefaults().v3UserNames.map((u) => u.name)] },
  v3Users: { id: "snmp.v3.levels", safety: "read", description: "supplied SNMPv3 users: which of authPriv, authNoPriv, noAuthNoPriv the agent accepts (GET only)" },
  write: { id: "snmp.write", safety: "intrusive", description: "SET writing back the exact value just read, to the operator-named OID (snmp.writeOid, default sysLocation.0), per accepted community" },
} satisfies Record<string, CheckDecl>;

export default definePlugin<SnmpFacts>({
  id: "snmp",
  title: "SNMP",
  schemes: ["snmp"],
  transport: "udp",
  defaultPorts: [{ scheme: "snmp", port: 161 }],
  maxEndpoints: 1, // one SNMP agent per device and run (probe.ts)
  version: "1.0.0",
  factsSchema: SnmpFacts,
  checks: Object.values(SNMP_CHECKS),
  rules: SNMP_RULES,
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
    // engine time and system uptime change between runs: keep them out of recorded fixtures
    const { timeSeconds: _t, ...engine } = facts.engine;
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
