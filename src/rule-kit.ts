// Outcome builders for rules (design.md "Evidence before verdict"). A pass needs positive evidence:
// `pass()` takes the evidence as a required, non-empty record; `undetermined()` names why no verdict
// is possible; `judgeItems()` turns a list of observed names judged against a knowledge base into
// one outcome where an unknown name can never pass. The engine enforces the same rule as a guard
// (src/engine/rules.ts): a pass with empty evidence becomes `undetermined` / `no-evidence`.
import type { Severity, UndeterminedReason } from "./model/common.js";
import type { RuleOutcome } from "./plugin.js";

export type Evidence = Record<string, unknown>;

interface Extra {
  port?: number;
  severity?: Severity;
}

/** True when the evidence holds at least one observed value (not undefined, not an empty list or string). */
export function hasEvidence(evidence: Evidence | undefined): boolean {
  if (!evidence) return false;
  return Object.values(evidence).some((v) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && v.length === 0));
}

/** A pass, with what was observed that makes it good. */
export function pass(message: string, evidence: Evidence, extra: Extra = {}): RuleOutcome {
  return { status: "pass", message, evidence, ...extra };
}

export function fail(message: string, evidence: Evidence, extra: Extra = {}): RuleOutcome {
  return { status: "fail", message, evidence, ...extra };
}

/** No verdict either way: say why (`reason`) and what was seen. Never counts as a pass. */
export function undetermined(reason: UndeterminedReason, message: string, evidence: Evidence = {}, extra: Extra = {}): RuleOutcome {
  return { status: "undetermined", reason, message, evidence, ...extra };
}

/** The check could not run (probe or sub-check error). */
export function error(message: string, evidence: Evidence = {}, extra: Extra = {}): RuleOutcome {
  return { status: "error", message, evidence, ...extra };
}

export function skipped(message: string, evidence: Evidence = {}, extra: Extra = {}): RuleOutcome {
  return { status: "skipped", message, evidence, ...extra };
}

export function notApplicable(message: string, evidence: Evidence = {}, extra: Extra = {}): RuleOutcome {
  return { status: "not_applicable", message, evidence, ...extra };
}

/**
 * Milliseconds of an ISO 8601 timestamp as probes record them (`Date.toISOString()`), or NaN for
 * anything else. `Date.parse` alone is lenient: V8 reads "x-1" as 2001-01-01, so a garbage date
 * would be judged as a real one.
 */
export function isoTime(s: string | null | undefined): number {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.test(s)) return Number.NaN;
  return Date.parse(s);
}

/** One observed item judged against a knowledge base. */
export interface JudgedItem {
  name: string;
  /** ok: known and acceptable; weak: known and bad; unknown: not in the knowledge base */
  status: "ok" | "weak" | "unknown";
  /** for weak items: why (shown in the message and evidence) */
  reasons?: string[];
  severity?: Severity;
}

/**
 * Judge a set of offered items (algorithms, cipher suites, security policies): any weak item is a
 * fail naming it; otherwise any unknown item makes the outcome undetermined (`unknown-value`); an
 * empty list is undetermined (`no-answer`: nothing offered is not evidence of good); only a
 * non-empty list of known good items passes.
 */
export function judgeItems(items: readonly JudgedItem[], label: string, extra: Extra & { evidence?: Evidence } = {}): RuleOutcome {
  const { evidence: more = {}, ...rest } = extra;
  const offered = items.map((i) => i.name);
  const weak = items.filter((i) => i.status === "weak");
  const unknown = items.filter((i) => i.status === "unknown").map((i) => i.name);
  const evidence: Evidence = { ...more, offered };
  if (unknown.length) evidence.unknown = unknown;
  if (weak.length) {
    evidence.weak = weak.map((w) => w.name);
    evidence.reasons = Object.fromEntries(weak.map((w) => [w.name, w.reasons ?? []]));
    const sev = worstSeverity(weak.map((w) => w.severity).filter((s): s is Severity => s !== undefined));
    return fail(`weak ${label} offered: ${weak.map((w) => (w.reasons?.length ? `${w.name} (${w.reasons.join(", ")})` : w.name)).join("; ")}`, evidence, {
      ...rest,
      ...(sev ? { severity: sev } : {}),
    });
  }
  if (unknown.length) return undetermined("unknown-value", `${label}: not in the knowledge base, cannot be judged: ${unknown.join(", ")}`, evidence, rest);
  if (items.length === 0) return undetermined("no-answer", `no ${label} was observed`, evidence, rest);
  return pass(`no weak ${label} offered (${offered.length} known, all acceptable)`, evidence, rest);
}

const ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];
function worstSeverity(xs: Severity[]): Severity | undefined {
  return xs.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b))[0];
}
