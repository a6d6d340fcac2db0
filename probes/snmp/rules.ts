// SNMP rules: pure functions over SnmpFacts (no I/O). Evidence names community labels (a default
// by its value, a supplied one as "supplied #n"), users, levels and algorithms, never a secret.
// This file: v1/v2c and community rules, and the rule list; rules-v3.ts: SNMPv3 user rules;
// rules-device.ts: engine restart cadence and notification (logging) rules.
// Silence is never a pass: an agent drops a wrong community without a word (RFC 1157 §4.1,
// RFC 3584 §4.2.1), so "not accepted" needs the agent's own counters or its VACM table.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, pass, undetermined } from "../../src/rule-kit.js";
import { droppedAnswers, type SnmpFacts } from "./facts.js";
import { RULES_DEVICE } from "./rules-device.js";
import { RULES_V3 } from "./rules-v3.js";

function acceptedCommunities(f: SnmpFacts) {
  return f.communities.results.filter((r) => r.accepted);
}

/** The community checks did not get their whole wait (aborted, port unreachable): no negative verdict. */
function communityCheckBroken(f: SnmpFacts): RuleOutcome | null {
  if (f.communities.ran) return null;
  return undetermined("incomplete", `community check did not complete: ${f.communities.error ?? "unknown reason"}`, { endpoint: f.endpoint });
}

/** Answers arrived that could not be used: one of them may have been an acceptance. */
function droppedOutcome(f: SnmpFacts, what: string): RuleOutcome | null {
  const n = droppedAnswers(f);
  if (n === 0) return null;
  return undetermined(
    "answer-dropped",
    `${n} answer(s) could not be used (${f.wire.malformedDatagrams} malformed, ${f.wire.unmatchedResponses} unmatched, ${f.wire.foreignDatagrams ?? 0} from another address or port, ${f.wire.floodDropped ?? 0} beyond the decode bound): ${what} cannot be concluded from silence`,
    { wire: f.wire },
  );
}

/** Counter deltas around the default-community requests (RFC 3418 §2 snmpInBadVersions / snmpInBadCommunityNames). */
export function counterDeltas(f: SnmpFacts): { badVersions?: number; badCommunityNames?: number; unansweredSent: number; via: string } | undefined {
  const p = f.communities.proof;
  if (!p?.before || !p.after) return undefined;
  const delta = (k: "snmpInBadVersions" | "snmpInBadCommunityNames") =>
    p.before![k] !== undefined && p.after![k] !== undefined && p.after![k]! >= p.before![k]! ? p.after![k]! - p.before![k]! : undefined;
  return { badVersions: delta("snmpInBadVersions"), badCommunityNames: delta("snmpInBadCommunityNames"), unansweredSent: p.unansweredSent, via: p.via };
}

/**
 * The default communities were all refused, and the agent's own counters prove it (RFC 3418 §2:
 * every unanswered request counted as a bad community or a bad version): the one decision behind
 * snmp.community.default's pass and the fleet signal "default communities checked, none accepted".
 */
export function defaultCommunitiesRefused(f: SnmpFacts): { tried: string[]; deltas: NonNullable<ReturnType<typeof counterDeltas>> } | undefined {
  const defaults = f.communities.results.filter((r) => r.source === "default");
  if (defaults.length === 0 || defaults.some((r) => r.accepted || !r.waitedFull)) return undefined;
  if (communityCheckBroken(f) || droppedOutcome(f, "a default community being refused")) return undefined;
  const d = counterDeltas(f);
  const rejected = (d?.badCommunityNames ?? 0) + (d?.badVersions ?? 0);
  if (!d || d.unansweredSent <= 0 || (d.badCommunityNames === undefined && d.badVersions === undefined) || rejected < d.unansweredSent) return undefined;
  return { tried: [...new Set(defaults.map((r) => r.label))], deltas: d };
}

const silenceHint =
  "an agent drops a wrong community silently, so silence does not prove a refusal; with a community or SNMPv3 user in the credentials file otaudit reads the agent's snmpInBadCommunityNames/snmpInBadVersions counters around its requests";

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
    const acc = acceptedCommunities(facts);
    if (acc.length > 0) {
      const versions = [...new Set(acc.map((a) => a.version))].sort();
      return fail(`SNMP ${versions.join(" and ")} answered: communities travel in clear text and authenticate nothing`, {
        versions,
        communities: [...new Set(acc.map((a) => a.label))],
      });
    }
    if (facts.access?.communityGroups === "present") {
      return fail(
        `no tried community was accepted, but the agent's VACM maps communities to an access group (${facts.access.detail ?? "v1/v2c entries"}): v1/v2c access is configured`,
        { access: facts.access },
      );
    }
    const broken = communityCheckBroken(facts) ?? droppedOutcome(facts, "v1/v2c being disabled");
    if (broken) return broken;
    const tried = facts.communities.results.length;
    const d = counterDeltas(facts);
    if (d && d.unansweredSent > 0 && d.badVersions !== undefined && d.badVersions >= d.unansweredSent) {
      return pass(
        `the agent counted all ${d.unansweredSent} of our unanswered v1/v2c requests as bad versions (snmpInBadVersions +${d.badVersions}, read as ${d.via}): v1 and v2c are disabled`,
        { snmpInBadVersionsDelta: d.badVersions, unansweredSent: d.unansweredSent, via: d.via },
      );
    }
    if (facts.access?.communityGroups === "absent") {
      return pass(`no community is mapped to any access group (VACM vacmSecurityToGroupTable, RFC 3415, read as ${facts.access.via}): v1/v2c give no access`, {
        access: facts.access,
        tried,
      });
    }
    return undetermined("no-answer", `no v1/v2c answer to ${tried} community requests within ${facts.communities.waitMs} ms each; ${silenceHint}`, {
      tried,
      v3Answers: facts.engine.answered,
      ...(d ? { counters: d } : {}),
    });
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
    const defaults = facts.communities.results.filter((r) => r.source === "default");
    const accepted = defaults.filter((r) => r.accepted);
    if (accepted.length > 0) {
      const byName = new Map<string, string[]>();
      for (const d of accepted) byName.set(d.label, [...(byName.get(d.label) ?? []), d.version]);
      return [...byName].map(([community, versions]) =>
        fail(`default community '${community}' accepted over ${versions.join(" and ")}`, {
          community,
          versions,
          ...(accepted.some((a) => a.label === community && a.lateMs !== undefined) ? { late: true } : {}),
        }),
      );
    }
    if (defaults.length === 0) return error("no default community was sent (aborted before the default communities)", { endpoint: facts.endpoint });
    const broken = communityCheckBroken(facts) ?? droppedOutcome(facts, "a default community being refused");
    if (broken) return broken;
    const tried = [...new Set(defaults.map((r) => r.label))];
    if (defaults.some((r) => !r.waitedFull)) return undetermined("incomplete", "a default community request did not get its whole wait", { tried });
    const d = counterDeltas(facts);
    if (d && defaultCommunitiesRefused(facts)) {
      return pass(
        `the agent counted all ${d.unansweredSent} of our default-community requests (${tried.join(", ")}) as rejected (snmpInBadCommunityNames +${d.badCommunityNames ?? "?"}, snmpInBadVersions +${d.badVersions ?? "?"}, read as ${d.via})`,
        {
          tried,
          snmpInBadCommunityNamesDelta: d.badCommunityNames,
          snmpInBadVersionsDelta: d.badVersions,
          unansweredSent: d.unansweredSent,
          via: d.via,
        },
      );
    }
    return undetermined(
      "no-answer",
      `no answer to the default communities ${tried.map((x) => `'${x}'`).join(", ")} (v1 and v2c) within ${facts.communities.waitMs} ms each; ${silenceHint}`,
      { tried, ...(d ? { counters: d } : {}), ...(facts.communities.proof?.error ? { counterError: facts.communities.proof.error } : {}) },
    );
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
      if (intrusive) return error("write test did not run (the run was aborted before it)");
      return { status: "skipped", message: "write test not run (needs --intrusive)" };
    }
    // a community accepted but never write-tested (e.g. it answered only after the wait) is not a
    // pass; one test per community covers its versions (the probe SETs once per community)
    const untested = [
      ...new Map(
        acceptedCommunities(facts)
          .filter((a) => !facts.writeTests!.some((w) => w.label === a.label))
          .map((a) => [a.label, a]),
      ).values(),
    ];
    const notDetermined = untested.map((a) =>
      error(
        `community '${a.label}' (${a.version}) was accepted${a.lateMs !== undefined ? ` (late, after ${a.lateMs} ms)` : ""} but its write access was not tested`,
        { community: a.label, source: a.source, version: a.version, lateMs: a.lateMs },
      ),
    );
    if (facts.writeTests.length === 0 && notDetermined.length === 0)
      return { status: "not_applicable", message: "no community was accepted: nothing to write with" };
    return [
      ...notDetermined,
      ...facts.writeTests.map((w): RuleOutcome => {
        const evidence = { community: w.label, source: w.source, version: w.version, oid: w.oid, outcome: w.outcome, detail: w.detail };
        if (w.outcome === "writable")
          return fail(`community '${w.label}' (${w.version}) can SET ${w.oid} (the value read was written back unchanged and echoed)`, evidence);
        if (w.outcome === "refused") return pass(`community '${w.label}' (${w.version}): ${w.detail ?? "SET refused"}`, evidence);
        if (w.outcome === "unverified")
          return undetermined("unparsed", `community '${w.label}' (${w.version}): write access not proven either way (${w.detail ?? ""})`, evidence);
        if (w.outcome === "no-answer") return undetermined("no-answer", `community '${w.label}' (${w.version}): ${w.detail ?? "no answer"}`, evidence);
        return error(`community '${w.label}' (${w.version}): write access not determined (${w.detail ?? w.outcome})`, evidence);
      }),
    ];
  },
});

export const SNMP_RULES: Rule<SnmpFacts>[] = [v1v2cEnabled, defaultCommunity, writeCommunity, ...RULES_V3, ...RULES_DEVICE];
