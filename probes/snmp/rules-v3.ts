// SNMPv3 rules (RFC 3414 USM, RFC 3415 VACM) over SnmpFacts: noAuthNoPriv access, access without
// privacy, weak algorithms, user-name enumeration. A level "works" when the agent answered it
// with a Response: values, only exceptions (authenticated, empty view) or, at an authenticated
// level, an error status (the key verified, the access table refused: `denied`).
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, skipped, undetermined } from "../../src/rule-kit.js";
import type { LevelAttempt, SnmpFacts, V3UserFacts } from "./facts.js";
import { loadAlgorithms } from "./knowledge.js";

const DOCS = "https://www.rfc-editor.org/rfc/rfc3414";

const attempt = (u: V3UserFacts, level: LevelAttempt["level"]) => u.attempts.find((a) => a.level === level);
const works = (a: LevelAttempt | undefined) => a?.outcome === "accepted";
const refused = (a: LevelAttempt | undefined) => a?.outcome === "denied" || a?.outcome === "rejected";

/** The user's keys verified: an authenticated level was answered (accepted or denied). */
export function keysVerified(u: V3UserFacts): boolean {
  return u.attempts.some((a) => a.level !== "noAuthNoPriv" && (a.outcome === "accepted" || a.outcome === "denied"));
}

/** A user whose check could not run at all yields an error outcome, never a silent pass. */
function userError(u: V3UserFacts): RuleOutcome | null {
  if (u.error)
    return error(`SNMPv3 user ${u.user} could not be checked: ${u.error}`, {
      user: u.user,
      authProtocol: u.authProtocol,
      privProtocol: u.privProtocol,
      legacyProvider: u.legacyProvider,
    });
  return null;
}

function levelsEvidence(u: V3UserFacts) {
  return {
    user: u.user,
    attempts: u.attempts.map((a) => ({
      level: a.level,
      outcome: a.outcome,
      ...(a.emptyView ? { emptyView: true } : {}),
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    authProtocol: u.authProtocol,
    privProtocol: u.privProtocol,
  };
}

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
    if (facts.userNames.randomAnswer?.includes("data returned without authentication")) {
      out.push(
        fail("a random, surely unknown user name gets data with noAuthNoPriv: any name reads without a key", { user: "(random name)", level: "noAuthNoPriv" }),
      );
    }
    for (const n of facts.userNames.names) {
      if (n.dataReturned)
        out.push(fail(`user '${n.name}' gets data with noAuthNoPriv (no key needed)`, { user: n.name, level: "noAuthNoPriv", source: n.source }));
    }
    for (const u of facts.v3Users) {
      if (out.some((o) => o.evidence?.user === u.user)) continue;
      const err = userError(u);
      if (err) {
        out.push(err);
        continue;
      }
      const noauth = attempt(u, "noAuthNoPriv");
      const ev = levelsEvidence(u);
      // a refusal counts only for a user the agent knows: a denial (the access table refused the
      // level), usmStatsUnsupportedSecLevels, or keys that verified at another level
      const known = noauth?.outcome === "denied" || /unsupported security level/i.test(noauth?.reason ?? "") || keysVerified(u);
      if (works(noauth))
        out.push(
          fail(`user '${u.user}' is accepted at noAuthNoPriv${noauth!.emptyView ? " (its view shows nothing of the system group)" : ""}`, {
            ...ev,
            level: "noAuthNoPriv",
          }),
        );
      else if (refused(noauth) && known)
        out.push(pass(`user '${u.user}': noAuthNoPriv refused (${noauth!.outcome}: ${noauth!.reason ?? ""})`, { ...ev, level: "noAuthNoPriv" }));
      else if (refused(noauth))
        out.push(error(`user '${u.user}': every level refused (${noauth!.reason ?? noauth!.outcome}): the user or its keys are not known to the agent`, ev));
      else if (noauth?.outcome === "no-answer") out.push(undetermined("no-answer", `user '${u.user}': no answer at noAuthNoPriv`, ev));
      else out.push(error(`user '${u.user}': noAuthNoPriv outcome unknown (${noauth?.reason ?? "not tried"})`, ev));
    }
    if (out.length) return out;
    if (!credentialed || facts.v3Users.length === 0)
      return skipped("needs SNMPv3 credentials (user names) to check noAuthNoPriv access; default user names gave no data");
    return null;
  },
});

export const authNoPrivAccepted = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.v3.authnopriv-only",
    title: "SNMPv3 user is accepted without privacy (authNoPriv or noAuthNoPriv)",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "read",
    remediation: "Give every SNMPv3 user a privacy key (AES) and require authPriv in the access table (e.g. Net-SNMP 'rouser NAME priv').",
    docs: "https://www.rfc-editor.org/rfc/rfc3414#section-1.4.3",
  },
  check({ facts }) {
    if (facts.v3Users.length === 0) return skipped("needs SNMPv3 credentials to check security levels");
    return facts.v3Users.map((u) => {
      const err = userError(u);
      if (err) return err;
      const ev = levelsEvidence(u);
      const priv = attempt(u, "authPriv");
      const authOnly = attempt(u, "authNoPriv");
      const none = attempt(u, "noAuthNoPriv");
      if (works(authOnly))
        return fail(`user '${u.user}' works at authNoPriv${works(priv) ? " as well as at authPriv" : ""}: its data can travel unencrypted`, ev);
      if (works(none)) return fail(`user '${u.user}' works at noAuthNoPriv: its data travels unencrypted and unauthenticated`, ev);
      if (!keysVerified(u)) {
        if (u.attempts.some((a) => a.outcome === "no-answer"))
          return undetermined("no-answer", `user '${u.user}': no answer at some level, keys not verified`, ev);
        return error(`user '${u.user}' was not accepted at any authenticated level: credentials wrong or access denied`, ev);
      }
      if (!authOnly) return error(`user '${u.user}': authNoPriv was not tried`, ev);
      if (refused(authOnly) && (!none || refused(none)))
        return pass(
          `user '${u.user}': the keys work and the agent refuses authNoPriv (${authOnly.outcome}: ${authOnly.reason ?? ""})${priv ? `; authPriv ${priv.outcome}` : ""}`,
          ev,
        );
      if (authOnly.outcome === "no-answer" || none?.outcome === "no-answer")
        return undetermined("no-answer", `user '${u.user}': no answer at a level without privacy`, ev);
      return error(`user '${u.user}': a level without privacy could not be checked (${authOnly.reason ?? authOnly.outcome})`, ev);
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
    if (facts.v3Users.length === 0) return skipped("needs SNMPv3 credentials to see the algorithms in use");
    const algs = loadAlgorithms();
    return facts.v3Users.map((u) => {
      const err = userError(u);
      if (err) return err;
      const privAttempt = attempt(u, "authPriv");
      // a Response at an authenticated level (values, exceptions only, or an error status) verified our digest
      const usesAuth = keysVerified(u);
      const usesPriv = privAttempt?.outcome === "accepted" || privAttempt?.outcome === "denied";
      const weak: { algorithm: string; label: string; why: string[] }[] = [];
      if (usesAuth && u.authProtocol && algs.auth[u.authProtocol]?.weak)
        weak.push({
          algorithm: u.authProtocol,
          label: algs.auth[u.authProtocol]!.label,
          why: algs.auth[u.authProtocol]!.reasons.map((r) => algs.reasons[r] ?? r),
        });
      if (usesPriv && u.privProtocol && algs.priv[u.privProtocol]?.weak)
        weak.push({
          algorithm: u.privProtocol,
          label: algs.priv[u.privProtocol]!.label,
          why: algs.priv[u.privProtocol]!.reasons.map((r) => algs.reasons[r] ?? r),
        });
      const evidence = { ...levelsEvidence(u), weak };
      if (weak.length) return fail(`user '${u.user}' uses ${weak.map((w) => w.label).join(" and ")}`, evidence);
      if (!usesAuth) {
        if (u.attempts.some((a) => a.level !== "noAuthNoPriv" && a.outcome === "no-answer"))
          return undetermined("no-answer", `user '${u.user}': no answer at an authenticated level`, evidence);
        if (!u.authProtocol) return notApplicable(`user '${u.user}' has no authentication protocol: no algorithm in use`, evidence);
        return error(`user '${u.user}': no authenticated level was accepted, the algorithms in use are not known (credentials wrong?)`, evidence);
      }
      return pass(`user '${u.user}' uses current algorithms (${[u.authProtocol, usesPriv ? u.privProtocol : undefined].filter(Boolean).join(", ")})`, evidence);
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
    if (!u.ran)
      return facts.engine.answered
        ? undetermined("not-attempted", `user-name check did not run: ${u.error ?? "engine ID not usable"}`, { error: u.error })
        : skipped(`user-name check did not run: ${u.error ?? "SNMPv3 not answering"}`);
    if (!u.unknownNameReport && !u.randomAnswer?.startsWith("response")) {
      if (u.error) return undetermined("no-answer", `could not tell whether user names are revealed: ${u.error}`, { error: u.error });
      return undetermined(
        "unknown-value",
        `a random user name got ${u.randomAnswer ?? "no usmStatsUnknownUserNames report"}: nothing to compare other names with`,
        { randomAnswer: u.randomAnswer },
      );
    }
    const revealed = u.names.filter((n) => n.answer === "other-report" || n.answer === "response");
    if (u.unknownNameReport && revealed.length) {
      return fail(
        `unknown names get usmStatsUnknownUserNames (RFC 3414 §3.2 step 3) while ${revealed.map((r) => `'${r.name}' (${r.detail ?? r.answer})`).join(", ")} get${revealed.length === 1 ? "s" : ""} a different answer${revealed.some((r) => r.detail === "usmStatsUnsupportedSecLevels") ? " (usmStatsUnsupportedSecLevels: a known name that needs authentication, step 4)" : ""}: valid user names can be enumerated`,
        { revealed: revealed.map((r) => ({ user: r.name, answer: r.answer, detail: r.detail })) },
      );
    }
    if (!u.unknownNameReport)
      return undetermined("unknown-value", `a random user name got ${u.randomAnswer}: names answer alike, but not with the report RFC 3414 prescribes`, {
        randomAnswer: u.randomAnswer,
      });
    // no tested name answered differently: only a name known to be valid can show that valid names are hidden
    const valid = facts.v3Users.filter((x) => x.attempts.some((a) => a.outcome === "accepted" || a.outcome === "denied")).map((x) => x.user);
    const hidden = u.names.filter((n) => valid.includes(n.name) && n.answer === "unknown-user");
    if (hidden.length)
      return pass(
        `valid user ${hidden.map((h) => `'${h.name}'`).join(", ")} gets the same usmStatsUnknownUserNames report as a random name: names are not revealed this way`,
        { hidden: hidden.map((h) => h.name), tested: u.names.map((n) => n.name) },
      );
    return undetermined(
      "unobservable",
      `none of the ${u.names.length} tested names (${u.names.map((n) => n.name).join(", ")}) is known to be valid, so whether a valid name answers differently was not observed (RFC 3414 §3.2 makes a compliant agent answer it differently); supply a v3 user to check`,
      { tested: u.names.map((n) => n.name) },
    );
  },
});

export const RULES_V3: Rule<SnmpFacts>[] = [noAuthAccepted, authNoPrivAccepted, weakAlgorithms, userEnumeration];
