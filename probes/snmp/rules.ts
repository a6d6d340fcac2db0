// SNMP rules: pure functions over SnmpFacts (no I/O). Evidence names community labels (a default
// by its value, a supplied one as "supplied #n"), users, levels and algorithms, never a secret.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import type { SnmpFacts, V3UserFacts } from "./facts.js";
import { loadAlgorithms } from "./knowledge.js";

const DOCS = "https://www.rfc-editor.org/rfc/rfc3414";

function acceptedCommunities(f: SnmpFacts) {
  return f.communities.results.filter((r) => r.accepted);
}

function communityCheckBroken(f: SnmpFacts): RuleOutcome | null {
  if (!f.communities.ran) return { status: "error", message: `community check did not complete: ${f.communities.error ?? "unknown reason"}`, evidence: { endpoint: f.endpoint } };
  return null;
}

const LEVEL_RANK = { noAuthNoPriv: 0, authNoPriv: 1, authPriv: 2 } as const;

function acceptedLevels(u: V3UserFacts) {
  return u.attempts.filter((a) => a.outcome === "accepted").map((a) => a.level);
}

/** A user whose check could not run at all yields an error outcome, never a silent pass. */
function userError(u: V3UserFacts): RuleOutcome | null {
  if (u.error) return { status: "error", message: `SNMPv3 user ${u.user} could not be checked: ${u.error}`, evidence: { user: u.user, authProtocol: u.authProtocol, privProtocol: u.privProtocol, legacyProvider: u.legacyProvider } };
  return null;
}

export const v1v2cEnabled = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v1v2c.enabled",
    title: "SNMPv1/v2c (community in clear text) is enabled",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1", "CR 1.2"],
    severity: "medium",
    safety: "read",
    remediation: "Disable SNMPv1 and SNMPv2c; use SNMPv3 with authPriv (SHA-2 and AES) only.",
    docs: "https://www.rfc-editor.org/rfc/rfc3410#section-3",
  },
  check({ facts }) {
    const broken = communityCheckBroken(facts);
    if (broken) return broken;
    const acc = acceptedCommunities(facts);
    if (acc.length === 0) {
      return {
        status: "pass",
        message: `no v1/v2c answer to ${facts.communities.candidates} candidate communities (defaults and supplied) within ${facts.communities.waitMs} ms`,
        evidence: { candidates: facts.communities.candidates, v3Answers: facts.engine.answered },
      };
    }
    const versions = [...new Set(acc.map((a) => a.version))].sort();
    return {
      status: "fail",
      message: `SNMP ${versions.join(" and ")} answered: communities travel in clear text and authenticate nothing`,
      evidence: { versions, communities: [...new Set(acc.map((a) => a.label))] },
    };
  },
});

export const defaultCommunity = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.community.default",
    title: "A well-known default SNMP community is accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 7.7", "CR 1.1"],
    severity: "high",
    safety: "read",
    remediation: "Remove default communities (public, private, vendor defaults); disable v1/v2c or set unique, long communities limited to management hosts.",
    docs: "https://www.cve.org/CVERecord?id=CVE-1999-0517",
  },
  check({ facts }) {
    const broken = communityCheckBroken(facts);
    if (broken) return broken;
    const defaults = acceptedCommunities(facts).filter((a) => a.source === "default");
    if (defaults.length === 0) {
      return { status: "pass", message: `none of the well-known default communities was accepted (v1 and v2c)`, evidence: { tried: [...new Set(facts.communities.results.filter((r) => r.source === "default").map((r) => r.label))] } };
    }
    const byName = new Map<string, string[]>();
    for (const d of defaults) byName.set(d.label, [...(byName.get(d.label) ?? []), d.version]);
    return [...byName].map(([community, versions]) => ({
      status: "fail" as const,
      message: `default community '${community}' accepted over ${versions.join(" and ")}`,
      evidence: { community, versions },
    }));
  },
});

export const writeCommunity = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.community.write",
    title: "An SNMP community has write access",
    elements: [8],
    iec62443: ["CR 2.1", "CR 3.5"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Remove read-write communities; grant SET only to SNMPv3 authPriv users restricted to the objects that need it.",
    docs: "https://www.rfc-editor.org/rfc/rfc3416#section-4.2.5",
  },
  check({ facts, intrusive }) {
    if (!facts.writeTests) {
      if (intrusive) return { status: "error", message: "write test did not run (the run was aborted before it)" };
      return { status: "skipped", message: "write test not run (needs --intrusive)" };
    }
    // a community accepted but never write-tested (e.g. it answered only after the wait) is not a
    // pass; one test per community covers its versions (the probe SETs once per community)
    const untested = [...new Map(acceptedCommunities(facts).filter((a) => !facts.writeTests!.some((w) => w.label === a.label)).map((a) => [a.label, a])).values()];
    const notDetermined = untested.map((a) => ({
      status: "error" as const,
      message: `community '${a.label}' (${a.version}) was accepted${a.lateMs !== undefined ? ` (late, after ${a.lateMs} ms)` : ""} but its write access was not tested`,
      evidence: { community: a.label, source: a.source, version: a.version, lateMs: a.lateMs },
    }));
    if (facts.writeTests.length === 0 && notDetermined.length === 0) return { status: "not_applicable", message: "no community was accepted: nothing to write with" };
    return [...notDetermined, ...facts.writeTests.map((w) => {
      const evidence = { community: w.label, source: w.source, version: w.version, oid: w.oid, outcome: w.outcome, detail: w.detail };
      if (w.outcome === "writable") return { status: "fail" as const, message: `community '${w.label}' (${w.version}) can SET ${w.oid} (the value read was written back unchanged)`, evidence };
      if (w.outcome === "refused") return { status: "pass" as const, message: `community '${w.label}' (${w.version}): SET refused (${w.detail ?? ""})`, evidence };
      return { status: "error" as const, message: `community '${w.label}' (${w.version}): write access not determined (${w.detail ?? w.outcome})`, evidence };
    })];
  },
});

export const noAuthAccepted = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v3.noauth",
    title: "SNMPv3 noAuthNoPriv access is accepted",
    elements: [9],
    iec62443: ["CR 1.1", "CR 1.2"],
    severity: "high",
    safety: "read",
    remediation: "Configure every SNMPv3 user and access group for authPriv; remove noAuthNoPriv users and 'noauth' access entries.",
    docs: DOCS,
  },
  check({ facts, credentialed }) {
    const out: RuleOutcome[] = [];
    for (const n of facts.userNames.names) {
      if (n.answer === "response" && n.detail === "data returned without authentication") {
        out.push({ status: "fail", message: `user '${n.name}' gets data with noAuthNoPriv (no key needed)`, evidence: { user: n.name, level: "noAuthNoPriv", source: n.source } });
      }
    }
    for (const u of facts.v3Users) {
      if (out.some((o) => o.evidence?.user === u.user)) continue;
      const err = userError(u);
      if (err) {
        out.push(err);
        continue;
      }
      const noauth = u.attempts.find((a) => a.level === "noAuthNoPriv");
      if (noauth?.outcome === "accepted") out.push({ status: "fail", message: `user '${u.user}' is accepted at noAuthNoPriv`, evidence: { user: u.user, level: "noAuthNoPriv" } });
      else if (noauth?.outcome === "rejected") out.push({ status: "pass", message: `user '${u.user}': noAuthNoPriv refused`, evidence: { user: u.user, level: "noAuthNoPriv", reason: noauth.reason } });
      else out.push({ status: "error", message: `user '${u.user}': noAuthNoPriv outcome unknown (${noauth?.reason ?? "not tried"})`, evidence: { user: u.user, level: "noAuthNoPriv" } });
    }
    if (out.length) return out;
    if (!credentialed || facts.v3Users.length === 0) {
      return { status: "skipped", message: "needs SNMPv3 credentials (user names) to check noAuthNoPriv access; default user names gave no data" };
    }
    return null;
  },
});

export const authNoPrivOnly = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v3.authnopriv-only",
    title: "SNMPv3 user works without privacy (authNoPriv only)",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "read",
    remediation: "Give every SNMPv3 user a privacy key (AES) and require authPriv in the access table.",
    docs: "https://www.rfc-editor.org/rfc/rfc3414#section-1.4.3",
  },
  check({ facts }) {
    if (facts.v3Users.length === 0) return { status: "skipped", message: "needs SNMPv3 credentials to check security levels" };
    return facts.v3Users.map((u) => {
      const err = userError(u);
      if (err) return err;
      const levels = acceptedLevels(u);
      const evidence = { user: u.user, acceptedLevels: levels, authProtocol: u.authProtocol, privProtocol: u.privProtocol };
      if (levels.length === 0) return { status: "error" as const, message: `user '${u.user}' was not accepted at any level: credentials wrong or access denied`, evidence: { ...evidence, attempts: u.attempts } };
      const top = levels.reduce((a, b) => (LEVEL_RANK[b] > LEVEL_RANK[a] ? b : a));
      if (top === "authPriv") return { status: "pass" as const, message: `user '${u.user}' works with authPriv`, evidence };
      if (top === "authNoPriv") return { status: "fail" as const, message: `user '${u.user}' works with authNoPriv only: data travels unencrypted`, evidence };
      return { status: "fail" as const, message: `user '${u.user}' works only without authentication and privacy`, evidence };
    });
  },
});

export const weakAlgorithms = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v3.weak-algorithms",
    title: "SNMPv3 uses MD5, SHA-1 or DES",
    elements: [7],
    iec62443: ["CR 4.3", "CR 1.2"],
    severity: "medium",
    safety: "read",
    remediation: "Move SNMPv3 users to HMAC-SHA-2 (RFC 7860) authentication and AES privacy (RFC 3826).",
    docs: "https://www.rfc-editor.org/rfc/rfc7860",
  },
  check({ facts }) {
    if (facts.v3Users.length === 0) return { status: "skipped", message: "needs SNMPv3 credentials to see the algorithms in use" };
    const algs = loadAlgorithms();
    return facts.v3Users.map((u) => {
      const err = userError(u);
      if (err) return err;
      const levels = acceptedLevels(u);
      const usesAuth = levels.some((l) => l !== "noAuthNoPriv");
      const usesPriv = levels.includes("authPriv");
      const weak: { algorithm: string; label: string; why: string[] }[] = [];
      if (usesAuth && u.authProtocol && algs.auth[u.authProtocol]?.weak) weak.push({ algorithm: u.authProtocol, label: algs.auth[u.authProtocol]!.label, why: algs.auth[u.authProtocol]!.reasons.map((r) => algs.reasons[r] ?? r) });
      if (usesPriv && u.privProtocol && algs.priv[u.privProtocol]?.weak) weak.push({ algorithm: u.privProtocol, label: algs.priv[u.privProtocol]!.label, why: algs.priv[u.privProtocol]!.reasons.map((r) => algs.reasons[r] ?? r) });
      const evidence = { user: u.user, acceptedLevels: levels, authProtocol: u.authProtocol, privProtocol: u.privProtocol, weak };
      if (!usesAuth) return { status: "not_applicable" as const, message: `user '${u.user}': no authenticated level accepted, algorithms not in use`, evidence };
      if (weak.length) return { status: "fail" as const, message: `user '${u.user}' uses ${weak.map((w) => w.label).join(" and ")}`, evidence };
      return { status: "pass" as const, message: `user '${u.user}' uses current algorithms (${[u.authProtocol, usesPriv ? u.privProtocol : undefined].filter(Boolean).join(", ")})`, evidence };
    });
  },
});

export const userEnumeration = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v3.user-enumeration",
    title: "SNMPv3 engine answers reveal valid user names",
    elements: [9],
    iec62443: ["CR 1.1"],
    severity: "info",
    safety: "read",
    remediation: "Expected RFC 3414 behaviour: restrict SNMP to management hosts (ACL) and use user names that are not guessable.",
    docs: "https://www.rfc-editor.org/rfc/rfc3414#section-3.2",
  },
  check({ facts }) {
    const u = facts.userNames;
    if (!u.ran) return { status: "skipped", message: `user-name check did not run: ${u.error ?? "SNMPv3 not answering"}` };
    // no answer for the random name: nothing to compare the others with (could not test)
    if (!u.unknownNameReport && u.error) return { status: "error", message: `could not tell whether user names are revealed: ${u.error}`, evidence: { error: u.error } };
    if (!u.unknownNameReport) return { status: "pass", message: "an unknown user name gets no usmStatsUnknownUserNames report: names are not revealed this way", evidence: { error: u.error } };
    const revealed = u.names.filter((n) => n.answer === "other-report" || n.answer === "response");
    if (revealed.length === 0) return { status: "pass", message: `no tested name answered differently from an unknown one (${u.names.length} tested)`, evidence: { tested: u.names.map((n) => n.name) } };
    return {
      status: "fail",
      message: `unknown names get usmStatsUnknownUserNames while ${revealed.map((r) => `'${r.name}'`).join(", ")} get${revealed.length === 1 ? "s" : ""} a different answer: valid user names can be enumerated`,
      evidence: { revealed: revealed.map((r) => ({ user: r.name, answer: r.answer, detail: r.detail })) },
    };
  },
});

export const SNMP_RULES: Rule<SnmpFacts>[] = [v1v2cEnabled, defaultCommunity, writeCommunity, noAuthAccepted, authNoPrivOnly, weakAlgorithms, userEnumeration];
