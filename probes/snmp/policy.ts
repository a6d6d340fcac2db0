// What an SNMP agent offers, as named sets for policies (src/policy): the SNMP versions it serves
// and, for the SNMPv3 users supplied as bench credentials, the security levels (RFC 3414 §3.2) and
// the authentication and privacy protocols it accepts. Positive evidence only: v3 is offered when
// engine discovery (RFC 3414 §4) was answered; v1/v2c when a community was accepted; v1/v2c are
// shown absent only by a VACM read with no community security-to-group entries (RFC 3415). Silence
// proves nothing on UDP (another community may work), so without that read the set is incomplete.
import type { PolicyOffer, PolicySetDecl } from "../../src/plugin.js";
import type { SnmpFacts } from "./facts.js";

export const SNMP_POLICY_SETS: Readonly<Record<string, PolicySetDecl>> = {
  versions: { title: "SNMP versions served", concern: "protocol-version" },
  v3Levels: { title: "SNMPv3 security levels accepted (supplied users)", concern: "authentication" },
  v3AuthProtocols: { title: "SNMPv3 authentication protocols in use (supplied users)", concern: "cryptography" },
  v3PrivProtocols: { title: "SNMPv3 privacy protocols in use (supplied users)", concern: "cryptography" },
};

type Known = "present" | "absent" | "unknown";

function versions(f: SnmpFacts): PolicyOffer | undefined {
  const community = (v: "v1" | "v2c"): Known =>
    f.communities.results.some((r) => r.version === v && r.accepted) ? "present" : f.access?.communityGroups === "absent" ? "absent" : "unknown";
  const state: Record<string, Known> = { v1: community("v1"), v2c: community("v2c"), v3: f.engine.answered ? "present" : "unknown" };
  const unknown = Object.keys(state).filter((v) => state[v] === "unknown");
  const offered = Object.keys(state).filter((v) => state[v] === "present");
  if (offered.length === 0 && unknown.length === 3) return undefined;
  if (unknown.length === 0) return { offered, complete: true };
  return {
    offered,
    complete: false,
    note: `not shown whether ${unknown.join(", ")} ${unknown.length === 1 ? "is" : "are"} served (no answer proves a version absent; a VACM read with a working credential can)`,
  };
}

/** Levels and protocols of the supplied v3 users: complete when every user got a definite answer at every level. */
function v3Sets(f: SnmpFacts): Record<string, PolicyOffer> {
  const users = f.v3Users.filter((u) => !u.error);
  if (users.length === 0) return {};
  const levels = new Set<string>();
  const auth = new Set<string>();
  const priv = new Set<string>();
  const gaps: string[] = [];
  for (const u of f.v3Users) {
    if (u.error) {
      gaps.push(`${u.user}: ${u.error}`);
      continue;
    }
    for (const level of ["noAuthNoPriv", "authNoPriv", "authPriv"] as const) {
      const a = u.attempts.find((x) => x.level === level);
      if (!a || a.outcome === "no-answer" || a.outcome === "error") gaps.push(`${u.user}: ${level} ${a ? a.outcome : "not tried"}`);
      else if (a.outcome === "accepted") {
        levels.add(level);
        if (level !== "noAuthNoPriv" && u.authProtocol) auth.add(u.authProtocol);
        if (level === "authPriv" && u.privProtocol) priv.add(u.privProtocol);
      }
    }
  }
  const offer = (values: Set<string>): PolicyOffer =>
    gaps.length
      ? { offered: [...values], complete: false, note: gaps.slice(0, 5).join("; ") }
      : { offered: [...values], complete: true, note: `for the supplied users (${users.map((u) => u.user).join(", ")})` };
  return { v3Levels: offer(levels), v3AuthProtocols: offer(auth), v3PrivProtocols: offer(priv) };
}

export function snmpPolicyFacts(f: SnmpFacts): Record<string, PolicyOffer> {
  const v = versions(f);
  return { ...(v ? { versions: v } : {}), ...v3Sets(f) };
}
