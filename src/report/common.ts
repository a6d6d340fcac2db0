// Shared pieces of the report formats: verdict labels, device labels, finding ordering, rule
// metadata gathered from a result (optionally enriched with the registry's rule meta), escaping.
// Everything here is pure; reporters are pure functions of the result document.
import { isAbsolute, relative, sep } from "node:path";
import { ELEMENTS } from "../catalog/elements.js";
import { PACKAGE_ROOT } from "../version.js";
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
        // a policy finding's title names its clause; the rule's own title describes the rule
        title: reg?.title ?? f.title,
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

export interface FindingCounts {
  /** unwaived failing findings, every severity: the "failing" number every report shows */
  fail: number;
  waived: number;
  undetermined: number;
  error: number;
  skipped: number;
  pass: number;
  notApplicable: number;
}

/** The one way findings are counted, so terminal, HTML, Markdown, JUnit, CSV and SARIF agree. */
export function counts(d: DeviceResult): FindingCounts {
  const c: FindingCounts = { fail: 0, waived: 0, undetermined: 0, error: 0, skipped: 0, pass: 0, notApplicable: 0 };
  for (const f of d.findings) {
    if (f.status === "fail") f.waiver ? c.waived++ : c.fail++;
    else if (f.status === "undetermined") c.undetermined++;
    else if (f.status === "error") c.error++;
    else if (f.status === "skipped") c.skipped++;
    else if (f.status === "pass") c.pass++;
    else c.notApplicable++;
  }
  return c;
}

/** Counts over every device of a result. */
export function totalCounts(doc: ResultDocument): FindingCounts {
  const t: FindingCounts = { fail: 0, waived: 0, undetermined: 0, error: 0, skipped: 0, pass: 0, notApplicable: 0 };
  for (const d of doc.devices) {
    const c = counts(d);
    for (const k of Object.keys(t) as (keyof FindingCounts)[]) t[k] += c[k];
  }
  return t;
}

/** The one count style of every human output: "1 finding", "2 findings", "0 findings". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** "6 failing, 1 waived, 2 undetermined, 1 error, 3 skipped, 20 passed, 4 not applicable" (zero counts after "failing" left out). */
export function countsLine(c: FindingCounts): string {
  const parts = [`${c.fail} failing`];
  if (c.waived) parts.push(`${c.waived} waived`);
  if (c.undetermined) parts.push(`${c.undetermined} undetermined`);
  if (c.error) parts.push(plural(c.error, "error"));
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.pass) parts.push(`${c.pass} passed`);
  if (c.notApplicable) parts.push(`${c.notApplicable} not applicable`);
  return parts.join(", ");
}

/** Status words shown first in every human report. */
export const STATUS_LABEL: Record<Finding["status"], string> = {
  fail: "FAIL",
  undetermined: "UNDETERMINED",
  error: "ERROR",
  skipped: "SKIPPED",
  not_applicable: "N/A",
  pass: "PASS",
};

export function verdictOf(d: DeviceResult, elementId: number): Verdict {
  return d.elements.find((e) => e.id === elementId)?.verdict ?? "unverified";
}

/** IEC 62443 anchors of an element (4-2 component requirements, 4-1 practices). */
export function iecAnchors(elementId: number): string[] {
  const e = ELEMENTS.find((x) => x.id === elementId)!;
  return [...e.iec62443_4_2.map((r) => `62443-4-2 ${r}`), ...e.iec62443_4_1.map((r) => `62443-4-1 ${r}`)];
}

/** Compact one-line text of evidence (CSV cells, JUnit bodies): `key=value; key=value`. */
export function evidenceText(evidence: Record<string, unknown>): string {
  return evidenceRows(evidence)
    .map(([k, v]) => `${k}=${v}`)
    .join("; ");
}

const MAX_LIST = 20;

function valueText(v: unknown, depth: number): string {
  if (v === null || v === undefined) return "none";
  if (typeof v === "string") return displayPath(v);
  if (typeof v !== "object") return String(v);
  if (Array.isArray(v)) {
    const shown = v.slice(0, MAX_LIST).map((x) => valueText(x, depth + 1));
    return shown.join(", ") + (v.length > MAX_LIST ? `, ... (${v.length - MAX_LIST} more)` : "") || "(none)";
  }
  if (depth >= 2) return JSON.stringify(v);
  const entries = Object.entries(v as Record<string, unknown>);
  return `{${entries.map(([k, x]) => `${k}: ${valueText(x, depth + 1)}`).join("; ")}}`;
}

/** Evidence as key/value rows for small tables: lists joined, nested objects one line each. */
export function evidenceRows(evidence: Record<string, unknown>): [string, string][] {
  return Object.entries(evidence).map(([k, v]) => [k, valueText(v, 0)]);
}

/**
 * Paths in reports read relative to the run: an absolute path under the folder the report is made
 * in shows relative to it, one inside otaudit's own package (bundled fixtures) as `<otaudit>/...`.
 */
export function displayPath(s: string, base = process.cwd()): string {
  if (!isAbsolute(s) || /\s/.test(s)) return s;
  if (s.startsWith(base + sep)) return `.${sep}${relative(base, s)}`;
  if (s.startsWith(PACKAGE_ROOT + sep)) return `<otaudit>${sep}${relative(PACKAGE_ROOT, s)}`;
  return s;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/** Markdown inline text: neutralise table pipes, emphasis, links and raw HTML from device data. */
export function escapeMd(s: string): string {
  return s.replace(/\r?\n/g, " ").replace(/[\\`*_{}[\]<>|#!]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : `\\${c}`));
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
