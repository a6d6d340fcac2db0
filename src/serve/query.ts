// The dashboard's view parameters: what the browser puts in the URL (so a view is shareable) and the
// API reads back. Each endpoint names the parameters it takes; an unknown parameter or value is a
// 400 with one line naming it ("verdict: unknown value 'x' (known: ...)"). Filtering is linear over
// the sweep's summaries, sorting is cached per sort key, pagination is server-side.
import { SEVERITIES, VERDICTS } from "../model/vocabulary.js";
import type { Verdict } from "../model/common.js";
import { GAP_KINDS, compareWorstFirst, type DeviceSummary, type GapKindName } from "./summary.js";
import type { SweepIndex } from "./fleet-index.js";

/** A request the server refuses with 400 and this one line. */
export class BadRequest extends Error {
  override name = "BadRequest";
}

export const SORTS = ["worst", "host", "zone", "score", "seq"] as const;
export type SortKey = (typeof SORTS)[number];
export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;
const MAX_PARAM = 256;

export interface DeviceFilter {
  zone?: string;
  element?: number;
  verdict?: Verdict;
  severity?: (typeof SEVERITIES)[number];
  protocol?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  q?: string;
  rule?: string;
  gap?: GapKindName;
}

export const FILTER_PARAMS = ["zone", "element", "verdict", "severity", "protocol", "vendor", "model", "firmware", "q", "rule", "gap"] as const;

/** Reads a request's parameters: only `allowed` names, each at most once and at most MAX_PARAM characters. */
export class Params {
  constructor(
    private readonly sp: URLSearchParams,
    allowed: readonly string[],
  ) {
    for (const key of new Set(sp.keys())) {
      if (!allowed.includes(key)) throw new BadRequest(`unknown parameter '${key.slice(0, 40)}' (known: ${allowed.join(", ") || "none"})`);
      const all = sp.getAll(key);
      if (all.length > 1) throw new BadRequest(`${key}: given ${all.length} times`);
      if (all[0]!.length > MAX_PARAM) throw new BadRequest(`${key}: longer than ${MAX_PARAM} characters`);
    }
  }

  str(key: string): string | undefined {
    const v = this.sp.get(key);
    return v === null || v === "" ? undefined : v;
  }

  required(key: string): string {
    const v = this.str(key);
    if (v === undefined) throw new BadRequest(`${key}: required`);
    return v;
  }

  oneOf<T extends string>(key: string, known: readonly T[]): T | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    if (!(known as readonly string[]).includes(v)) throw new BadRequest(`${key}: unknown value '${v.slice(0, 40)}' (known: ${known.join(", ")})`);
    return v as T;
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.str(key);
    if (v === undefined) return undefined;
    if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max) throw new BadRequest(`${key}: a whole number from ${min} to ${max}`);
    return Number(v);
  }
}

export function parseFilter(p: Params): DeviceFilter {
  const f: DeviceFilter = {};
  const set = <K extends keyof DeviceFilter>(k: K, v: DeviceFilter[K] | undefined) => v !== undefined && (f[k] = v);
  set("zone", p.str("zone"));
  set("element", p.int("element", 1, 12));
  set("verdict", p.oneOf("verdict", VERDICTS));
  set("severity", p.oneOf("severity", SEVERITIES));
  set("protocol", p.str("protocol"));
  set("vendor", p.str("vendor"));
  set("model", p.str("model"));
  set("firmware", p.str("firmware"));
  set("q", p.str("q"));
  set("rule", p.str("rule"));
  set("gap", p.oneOf("gap", GAP_KINDS));
  return f;
}

const has = (value: string | null, needle: string | undefined) => needle === undefined || (value ?? "").toLowerCase().includes(needle);

export function matches(s: DeviceSummary, f: DeviceFilter, lower: { vendor?: string; model?: string; firmware?: string; q?: string }): boolean {
  if (f.zone !== undefined && s.zone !== f.zone) return false;
  if (f.verdict !== undefined) {
    if (f.element !== undefined ? s.verdicts[f.element - 1] !== f.verdict : !s.verdicts.includes(f.verdict)) return false;
  } else if (f.element !== undefined && !["fail", "error", "undetermined", "partial"].includes(s.verdicts[f.element - 1]!)) {
    // an element alone: the devices where it needs attention
    return false;
  }
  if (f.severity !== undefined && !s.failBySeverity[SEVERITIES.indexOf(f.severity)]) return false;
  if (f.protocol !== undefined && !s.protocols.includes(f.protocol)) return false;
  if (f.rule !== undefined && !s.failingRules.includes(f.rule)) return false;
  if (f.gap !== undefined && !s.gaps.includes(f.gap)) return false;
  if (!has(s.identity.vendor, lower.vendor) || !has(s.identity.model, lower.model) || !has(s.identity.firmware, lower.firmware)) return false;
  if (lower.q !== undefined && !has(s.host, lower.q) && !has(s.name, lower.q)) return false;
  return true;
}

function sortedRows(idx: SweepIndex, sort: SortKey): DeviceSummary[] {
  let rows = idx.sorted.get(sort);
  if (!rows) {
    rows = [...idx.rows];
    if (sort === "worst") rows.sort(compareWorstFirst);
    else if (sort === "host") rows.sort((a, b) => a.host.localeCompare(b.host, "en", { numeric: true }));
    else if (sort === "zone") rows.sort((a, b) => a.zone.localeCompare(b.zone) || compareWorstFirst(a, b));
    else if (sort === "score") rows.sort((a, b) => (a.score ?? 101) - (b.score ?? 101) || compareWorstFirst(a, b));
    else rows.sort((a, b) => a.seq - b.seq || a.host.localeCompare(b.host));
    idx.sorted.set(sort, rows);
  }
  return rows;
}

/** Every device of the view, in order (for CSV export), and the requested page of it. */
export function selectDevices(idx: SweepIndex, f: DeviceFilter, sort: SortKey): DeviceSummary[] {
  const lower = { vendor: f.vendor?.toLowerCase(), model: f.model?.toLowerCase(), firmware: f.firmware?.toLowerCase(), q: f.q?.toLowerCase() };
  const rows = sortedRows(idx, sort);
  const noFilter = Object.keys(f).length === 0;
  return noFilter ? rows : rows.filter((s) => matches(s, f, lower));
}

export function paginate<T>(rows: T[], page: number, size: number): { rows: T[]; total: number; page: number; pages: number; size: number } {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const p = Math.min(page, pages);
  return { rows: rows.slice((p - 1) * size, p * size), total: rows.length, page: p, pages, size };
}
