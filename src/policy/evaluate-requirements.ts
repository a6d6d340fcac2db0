// Policy requirement clauses (`requirements[]`): protocol-agnostic statements such as "no default
// credentials" or "MFA on remote access". A clause of concern C reads (1) the device's findings of
// every rule whose Secure by Demand `checks` share the checks of rule `policy.C` and that cite one of
// the clause's `derivesFrom` requirements, and (2) the typed signals the plugins derive from their
// facts (default credentials accepted, cleartext channels, remote access and its auth factors).
// Any verified failure fails the clause; otherwise anything undecided (undetermined, could not run,
// skipped, unknown factors) makes it `undetermined`; it passes only on positive evidence (a passed
// check or a verified signal) with nothing open; with no evidence at all it is `undetermined`.
import type { Finding } from "../model/result.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { UndeterminedReason } from "../model/common.js";
import { secureByDemandSpec } from "../catalog/spec.js";
import { deviceSignals, type DeviceSignals } from "../fleet/signals.js";
import type { Policy, RequirementClause } from "./format.js";
import { clauseFinding, list } from "./evaluate-sets.js";
import { boundEvidence } from "../engine/rules.js";
import { POLICY_SOURCE, policyRuleId, type PolicyConcern } from "./rules.js";

/** Items kept in a clause's evidence lists (the findings themselves are in the result). */
const KEEP = 20;

interface Item {
  status: "fail" | "pass" | "undecided";
  text: string;
  reason?: UndeterminedReason;
}

const where = (scheme: string, port: number | null) => `${scheme}${port ? `:${port}` : ""}`;

/** What the typed signals say about a concern (none for concerns no signal speaks to). */
function signalItems(concern: PolicyConcern, s: DeviceSignals): Item[] {
  const out: Item[] = [];
  const broken = s.errors.map((e): Item => ({ status: "undecided", reason: "unparsed", text: `${e.protocol}: signals could not be read (${e.message})` }));
  if (concern === "default-credentials") {
    for (const d of s.defaultCredentials) out.push({ status: "fail", text: `default credential ${d.label} accepted on ${where(d.scheme, d.port)}` });
    for (const c of s.defaultCredentialChecks)
      if (c.tried > 0 && !s.defaultCredentials.some((d) => d.scheme === c.scheme && d.port === c.port))
        out.push({ status: "pass", text: `${c.tried} default credential(s) tried on ${where(c.scheme, c.port)}, none accepted` });
    return [...out, ...broken];
  }
  if (concern === "cleartext") {
    for (const c of s.cleartext) out.push({ status: "fail", text: `${where(c.scheme, c.port)} carries ${c.carries} in clear (${c.detail})` });
    return [...out, ...broken];
  }
  if (concern === "mfa" || concern === "authentication") {
    for (const r of s.remoteAccess) {
      const at = `remote access ${where(r.scheme, r.port)}`;
      if (r.factors === "none") out.push({ status: "fail", text: `${at} needs no authentication (${r.detail})` });
      else if (concern === "authentication")
        continue; // a single factor is still authentication
      else if (r.factors === "single-factor") out.push({ status: "fail", text: `${at} accepts a single factor (${r.detail})` });
      else if (r.factors === "mfa-verified") out.push({ status: "pass", text: `${at}: a second factor was demanded (${r.detail})` });
      else out.push({ status: "undecided", reason: "unobservable", text: `${at}: factors not observable (${r.detail})` });
    }
    return [...out, ...broken];
  }
  return [];
}

/** The device's findings (other than policy findings) that give evidence for this clause. */
function relevantFindings(clause: RequirementClause, findings: readonly Finding[]): Finding[] {
  const spec = secureByDemandSpec();
  const checks = new Set(spec.rules[policyRuleId(clause.concern)]?.checks ?? []);
  return findings.filter(
    (f) =>
      !f.ruleId.startsWith("policy.") &&
      f.status !== "not_applicable" &&
      (spec.rules[f.ruleId]?.checks ?? []).some((c) => checks.has(c)) &&
      f.iec62443.some((r) => clause.derivesFrom.includes(r)),
  );
}

/** A finding as evidence for a clause; an informational failure is neither (scoring ignores it too). */
function findingItem(f: Finding): Item | undefined {
  const at = `${f.ruleId} (${where(f.protocol, f.port)})`;
  if (f.status === "fail") return f.severity === "info" ? undefined : { status: "fail", text: `${at}: ${f.message}` };
  if (f.status === "pass") return { status: "pass", text: at };
  const reason: UndeterminedReason = f.status === "skipped" ? "not-attempted" : f.status === "error" ? "no-answer" : (f.reason ?? "no-evidence");
  return { status: "undecided", reason, text: `${at}: ${f.status}${f.reason ? ` (${f.reason})` : ""}` };
}

function requirementFinding(policy: Policy, clause: RequirementClause, findings: readonly Finding[], signals: DeviceSignals): Finding {
  const f = judgeRequirement(policy, clause, findings, signals);
  return { ...f, evidence: boundEvidence(f.evidence) as Record<string, unknown> };
}

function judgeRequirement(policy: Policy, clause: RequirementClause, findings: readonly Finding[], signals: DeviceSignals): Finding {
  const items = [...relevantFindings(clause, findings).flatMap((f) => findingItem(f) ?? []), ...signalItems(clause.concern, signals)];
  const by = (s: Item["status"]) => items.filter((i) => i.status === s);
  const fails = by("fail");
  const open = by("undecided");
  const passes = by("pass");
  const base = clauseFinding(clause.concern, `Policy clause ${clause.id}: ${clause.title}`, clause.severity ?? policy.severity, POLICY_SOURCE, null);
  const evidence: Record<string, unknown> = {
    policy: policy.name,
    clause: clause.id,
    concern: clause.concern,
    derivesFrom: clause.derivesFrom,
    ...(clause.level ? { level: clause.level } : {}),
    ...(fails.length ? { failing: fails.slice(0, KEEP).map((i) => i.text) } : {}),
    ...(open.length ? { undecided: open.slice(0, KEEP).map((i) => i.text) } : {}),
    ...(passes.length ? { passed: passes.slice(0, KEEP).map((i) => i.text) } : {}),
    why: clause.why,
  };
  const texts = (xs: Item[]) => list(xs.map((i) => i.text));
  if (fails.length)
    return { ...base, status: "fail", message: `${clause.title}: ${fails.length} deviation(s) from policy '${policy.name}': ${texts(fails)}`, evidence };
  if (open.length)
    return { ...base, status: "undetermined", reason: open[0]!.reason ?? "no-evidence", message: `${clause.title}: not decided (${texts(open)})`, evidence };
  if (passes.length) return { ...base, status: "pass", message: `${clause.title}: shown by ${texts(passes)}`, evidence };
  return {
    ...base,
    status: "undetermined",
    reason: "no-evidence",
    message: `${clause.title}: nothing on this device could show it (no check of this kind ran, no signal speaks to it)`,
    evidence,
  };
}

/** Findings of every requirement clause of the policy on one device. */
export function requirementFindings(
  policy: Policy,
  device: { findings: readonly Finding[]; facts: Parameters<typeof deviceSignals>[0]["facts"] },
  plugins: readonly ProtocolPlugin[],
): Finding[] {
  if (policy.requirements.length === 0) return [];
  const signals = deviceSignals(device, plugins);
  return policy.requirements.map((c) => requirementFinding(policy, c, device.findings, signals));
}
