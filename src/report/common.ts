// Shared pieces of the report formats: verdict labels, device labels, finding ordering, rule
// metadata gathered from a result (optionally enriched with the registry's rule meta), escaping.
// Everything here is pure; reporters are pure functions of the result document.
import { ELEMENTS } from "../catalog/elements.js";
import type { Verdict } from "../model/common.js";
import { severityRank } from "../model/common.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";

export interface RuleInfo {
  id: string;
  title: string;
  elements: number[];
  iec62443: string[];
  severity: Finding["severity"];
  safety: Finding["safety"];
  remediation: string;
  protocol: string;
  /** longer description from the rule meta, when the registry knows the rule */
  docs?: string;
}

export interface ReportContext {
  /** rule meta from the registry (probes/registry.ts), used for help text; reports work without it */
  rules?: RuleInfo[];
}

export const VERDICT_LABEL: Record<Verdict, string> = {
  pass: "Pass",
  fail: "Fail",
  partial: "Partial",
  undetermined: "Undetermined",
  attested: "Attested",
  unverified: "Unverified",
  error: "Error",
};

/** Ordering of verdicts from best to worst, for comparisons (attested: vendor word only). */
export const VERDICT_RANK: Record<Verdict, number> = { pass: 6, partial: 5, attested: 4, undetermined: 3, unverified: 2, error: 1, fail: 0 };

export function deviceLabel(d: { host: string; name?: string }): string {
  return d.name ? `${d.name} (${d.host})` : d.host;
}

const STATUS_ORDER: Record<Finding["status"], number> = { fail: 0, undetermined: 1, error: 2, skipped: 3, not_applicable: 4, pass: 5 };

/** Findings in report order: status (fail first), severity (worst first), rule id, port. */
export function sortedFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      Number(!!a.waiver) - Number(!!b.waiver) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      a.ruleId.localeCompare(b.ruleId) ||
      (a.port ?? 0) - (b.port ?? 0),
  );
}

/** Rules that occur in the result, by id (sorted), enriched with registry meta when given. */
export function rulesOf(doc: ResultDocument, ctx: ReportContext = {}): RuleInfo[] {
  const known = new Map((ctx.rules ?? []).map((r) => [r.id, r]));
  const out = new Map<string, RuleInfo>();
  for (const d of doc.devices)
    for (const f of d.findings) {
      if (out.has(f.ruleId)) continue;
      const reg = known.get(f.ruleId);
      out.set(f.ruleId, {
        id: f.ruleId,
        title: f.title,
        elements: [...f.elements],
        iec62443: [...f.iec62443],
        severity: reg?.severity ?? f.severity,
        safety: f.safety,
        remediation: f.remediation,
        protocol: f.protocol,
        ...(reg?.docs ? { docs: reg.docs } : {}),
      });
    }
  return [...out.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** Where a finding was observed: the device's service URL for that protocol and port. */
export function serviceUrl(d: DeviceResult, f: Finding): string {
  const s = d.services.find((x) => x.protocol === f.protocol && (f.port === null || x.port === f.port)) ?? d.services.find((x) => x.protocol === f.protocol);
  if (s) return s.url;
  const host = d.host.includes(":") ? `[${d.host}]` : d.host;
  return f.port ? `${f.protocol}://${host}:${f.port}` : `${f.protocol}://${host}`;
}

export function counts(d: DeviceResult): { fail: number; waived: number; error: number; skipped: number; pass: number; notApplicable: number } {
  const c = { fail: 0, waived: 0, error: 0, skipped: 0, pass: 0, notApplicable: 0 };
  for (const f of d.findings) {
    if (f.status === "fail") f.waiver ? c.waived++ : c.fail++;
    else if (f.status === "error") c.error++;
    else if (f.status === "skipped") c.skipped++;
    else if (f.status === "pass") c.pass++;
    else c.notApplicable++;
  }
  return c;
}

export function verdictOf(d: DeviceResult, elementId: number): Verdict {
  return d.elements.find((e) => e.id === elementId)?.verdict ?? "unverified";
}

/** IEC 62443 anchors of an element (4-2 component requirements, 4-1 practices). */
export function iecAnchors(elementId: number): string[] {
  const e = ELEMENTS.find((x) => x.id === elementId)!;
  return [...e.iec62443_4_2.map((r) => `62443-4-2 ${r}`), ...e.iec62443_4_1.map((r) => `62443-4-1 ${r}`)];
}

/** Compact one-line JSON of evidence for tables. */
export function evidenceText(evidence: Record<string, unknown>): string {
  const keys = Object.keys(evidence);
  if (keys.length === 0) return "";
  return keys.map((k) => `${k}=${typeof evidence[k] === "string" ? evidence[k] : JSON.stringify(evidence[k])}`).join("; ");
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Markdown inline text: neutralise table pipes, emphasis, links and raw HTML from device data. */
export function escapeMd(s: string): string {
  return s.replace(/\r?\n/g, " ").replace(/[\\`*_{}\[\]<>|#!]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
}

/** RFC 4180 field; cells that a spreadsheet would run as a formula get a leading apostrophe (OWASP CSV injection). */
export function csvField(v: string | number | boolean | null | undefined): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvRow(values: (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
