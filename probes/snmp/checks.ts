// Every network step of the SNMP probe with its safety class, described exactly as sent (these
// descriptions are what `otaudit rules`, the README and the intrusive announcement show).
import type { CheckDecl } from "../../src/plugin.js";
import { communityPlan, loadCommunities, loadV3UserNames } from "./knowledge.js";

export const SNMP_CHECKS = {
  engine: {
    id: "snmp.engine",
    safety: "passive",
    description:
      "one SNMPv3 discovery GET (RFC 3414 §4: empty engine ID and user name, noAuthNoPriv, no varbinds); the Report gives engine ID, enterprise, boots and seconds since restart",
  },
  communities: {
    id: "snmp.communities",
    safety: "read",
    description:
      "a v1 and a v2c GET of sysDescr.0 with the documented factory-default read community 'public' (the defaultMode entries of probes/snmp/data/default-credentials.yaml) and with each community from the credentials file; each answer awaited up to --timeout",
    sends: () => communityPlan(false).defaultMode.map((e) => e.password),
  },
  communityGuesses: {
    id: "snmp.community-guesses",
    safety: "intrusive",
    description:
      "with --intrusive only: a v1 and a v2c GET of sysDescr.0 with each further default community of probes/snmp/data/default-credentials.yaml (private, admin, manager, ...), at most --login-budget of them (default 3, max 5), one at a time, --login-delay apart, stopping at the first accepted",
    sends: () =>
      loadCommunities()
        .entries.filter((e) => e.defaultMode !== true)
        .map((e) => e.password),
  },
  system: { id: "snmp.system", safety: "read", description: "one GET of the six system-group objects (RFC 3418 §2) with a community or v3 user that worked" },
  userNames: {
    id: "snmp.v3.usernames",
    safety: "read",
    description:
      "one noAuthNoPriv GET of sysDescr.0 per user name, without keys: a random name, the credentials file's names and the RFC 3414 Appendix A names initial, templateMD5, templateSHA",
    sends: () => ["otaudit-<12 random hex digits>", ...loadV3UserNames().v3UserNames.map((n) => n.name)],
  },
  v3Users: {
    id: "snmp.v3.levels",
    safety: "read",
    description: "per credentials-file v3 user: a GET of the system group at authPriv, authNoPriv and noAuthNoPriv (as far as its keys allow), one at a time",
  },
  reads: {
    id: "snmp.reads",
    safety: "read",
    description:
      "with a community or v3 user that worked, at most 48 GET/GETNEXT: snmpInBadVersions and snmpInBadCommunityNames before and after the default-community GETs (RFC 3418 §2), snmpEnableAuthenTraps.0, SNMP-TARGET-MIB snmpTargetAddrTable and snmpTargetParamsTable (never the security name: it holds trap communities), SNMP-NOTIFICATION-MIB snmpNotifyTable (16 rows each at most), the first vacmSecurityToGroupTable entry",
  },
  write: {
    id: "snmp.write",
    safety: "intrusive",
    description:
      "with --intrusive only: per accepted community, a GET of the operator-named OID (--snmp-write-oid, default sysLocation.0) and one SET writing back exactly the value just read",
  },
} satisfies Record<string, CheckDecl>;
export type SnmpChecks = typeof SNMP_CHECKS;
