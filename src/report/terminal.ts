// Terminal reporter: the 12-element scorecard per device (side by side for several devices) and
// the failing findings. A pure function of the result; colour only when asked (TTY, no NO_COLOR).
import type { ResultDocument, Finding } from "../model/result.js";
import type { Verdict } from "../model/common.js";
import { severityRank } from "../model/common.js";
import { ELEMENTS } from "../catalog/elements.js";
import { humanView } from "./safe-text.js";
import { counts, countsLine } from "./common.js";

export interface TerminalOptions {
  color: boolean;
  /** max failing findings listed per device */
  maxFindings?: number;
}

const VERDICT_STYLE: Record<Verdict, [string, number]> = {
  pass: ["PASS", 32],
  fail: ["FAIL", 31],
  partial: ["PARTIAL", 33],
  undetermined: ["UNDETERMINED", 33],
  attested: ["ATTESTED", 36],
  unverified: ["unverified", 90],
  error: ["ERROR", 35],
};

function paint(text: string, code: number, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export function deviceLabel(d: { host: string; name?: string }): string {
  return d.name ? `${d.name} (${d.host})` : d.host;
}

export function renderScorecards(result: ResultDocument, opts: TerminalOptions): string {
  const doc = humanView(result);
  const out: string[] = [];
  const devices = doc.devices;
  if (devices.length === 0) return "No device was audited.\n";
  const nameWidth = ELEMENTS.reduce((m, e) => Math.max(m, `${e.id}. ${e.name}`.length), 0) + 2;
  const column = (d: { host: string; name?: string }) => d.name ?? d.host;
  const colWidth = devices.reduce((m, d) => Math.max(m, column(d).length + 2), 12);
  // side by side, as many devices per block as fit a 110-column terminal
  const perBlock = Math.max(1, Math.floor((110 - nameWidth) / colWidth));
  for (let i = 0; i < devices.length; i += perBlock) {
    const block = devices.slice(i, i + perBlock);
    out.push(pad("Element", nameWidth) + block.map((d) => pad(column(d), colWidth)).join(""));
    out.push("-".repeat(nameWidth + colWidth * block.length));
    for (const el of ELEMENTS) {
      const cells = block.map((d) => {
        const v = d.elements.find((e) => e.id === el.id)?.verdict ?? "unverified";
        const [label, code] = VERDICT_STYLE[v];
        return paint(pad(label, colWidth), code, opts.color);
      });
      out.push(pad(`${el.id}. ${el.name}`, nameWidth) + cells.join(""));
    }
    out.push(pad("Score", nameWidth) + block.map((d) => pad(d.score !== undefined ? `${d.score}` : "-", colWidth)).join(""));
    out.push("");
  }
  for (const d of devices) out.push(renderDeviceFindings(d, opts));
  return out.join("\n");
}

function renderDeviceFindings(d: ResultDocument["devices"][number], opts: TerminalOptions): string {
  const lines: string[] = [];
  const failing = d.findings.filter((f) => f.status === "fail" && !f.waiver).sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const undetermined = d.findings.filter((f) => f.status === "undetermined");
  const errors = d.findings.filter((f) => f.status === "error");
  const services = Object.values(d.facts)
    .map((f) => `${f.protocol}:${f.status}`)
    .join(" ");
  lines.push(`${deviceLabel(d)}: ${countsLine(counts(d))}  [${services}]`);
  const max = opts.maxFindings ?? 40;
  for (const f of failing.slice(0, max)) lines.push("  " + findingLine(f, opts.color));
  if (failing.length > max) lines.push(`  ... ${failing.length - max} more failing (see --json or --format html)`);
  const maxOpen = Math.max(5, Math.floor(max / 4));
  for (const f of undetermined.slice(0, maxOpen))
    lines.push("  " + paint(`UNDETERMINED ${where(f)} ${f.ruleId} (${f.reason ?? "no reason given"}): ${f.message}`, 33, opts.color));
  if (undetermined.length > maxOpen) lines.push(`  ... ${undetermined.length - maxOpen} more undetermined`);
  const errorRules = new Set<string>();
  for (const f of errors) {
    const key = `${f.protocol}:${f.message}`;
    if (errorRules.has(key)) continue;
    errorRules.add(key);
    if (errorRules.size > maxOpen) break;
    lines.push("  " + paint(`ERROR ${f.protocol}: ${f.message}`, 35, opts.color));
  }
  const unaudited = new Map<string, number[]>();
  for (const e of d.elements) for (const s of e.unaudited ?? []) unaudited.set(s, [...(unaudited.get(s) ?? []), e.id]);
  for (const [s, ids] of unaudited) lines.push(`  NOT AUDITED ${s} (bears on element${ids.length > 1 ? "s" : ""} ${ids.join(", ")})`);
  lines.push("");
  return lines.join("\n");
}

function where(f: Finding): string {
  return f.port ? `${f.protocol}/${f.port}` : f.protocol;
}

function findingLine(f: Finding, color: boolean): string {
  const sevColor = f.severity === "critical" || f.severity === "high" ? 31 : f.severity === "medium" ? 33 : 90;
  const times = f.occurrences && f.occurrences > 1 ? ` (${f.occurrences} occurrences)` : "";
  return `${paint(pad(f.severity.toUpperCase(), 9), sevColor, color)}${pad(where(f), 14)}${f.ruleId}: ${f.message}${times}`;
}

export function useColor(flag: boolean, stream: NodeJS.WriteStream = process.stdout): boolean {
  return flag && !!stream.isTTY && !("NO_COLOR" in process.env && process.env.NO_COLOR !== "");
}
