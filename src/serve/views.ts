// The dashboard's JSON views: meta (sweeps, baselines, the 12 elements), the fleet overview, one page
// of the device list (the heatmap rows), one device, and the CSV exports of those views. Views carry
// device strings exactly as stored; the server passes every answer through the escaping boundary
// (safeDeep / safeText, src/report/safe-text.ts) before it leaves, and the browser renders text only.
import { ELEMENTS } from "../catalog/elements.js";
import { SEVERITIES, VERDICTS } from "../model/vocabulary.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { ResultDocument } from "../model/result.js";
import { TOOL_VERSION } from "../version.js";
import { countsLine, csvRow, evidenceRows, iecAnchors, sortedFindings } from "../report/common.js";
import { renderCsv } from "../report/csv.js";
import { checkDetail, checkTitle } from "../report/titles.js";
import { discoveredPorts } from "../engine/surface.js";
import type { FleetIndex, SweepIndex } from "./fleet-index.js";
import { DEFAULT_PAGE_SIZE, FILTER_PARAMS, MAX_PAGE_SIZE, Params, SORTS, paginate, parseFilter, selectDevices } from "./query.js";
import { GAP_KINDS, inventoryOf, observations, type DeviceSummary } from "./summary.js";

export class NotFound extends Error {
  override name = "NotFound";
}

export const LIST_PARAMS = ["sweep", ...FILTER_PARAMS, "sort", "page", "size"] as const;

export async function sweepIndex(fi: FleetIndex, p: Params): Promise<SweepIndex> {
  const id = p.str("sweep");
  const idx = await fi.index(id);
  if (!idx) throw new NotFound(id ? `sweep '${id.slice(0, 80)}': not in this store` : "the store holds no sweep");
  return idx;
}

export async function metaView(fi: FleetIndex): Promise<unknown> {
  return {
    tool: { name: "otaudit", version: TOOL_VERSION },
    source: fi.reader.label,
    readOnly: true,
    sweeps: await fi.sweeps(),
    baselines: await fi.reader.baselines(),
    elements: ELEMENTS.map((e) => ({ id: e.id, name: e.name, summary: e.summary, verifiedBy: e.verifiedBy })),
    verdicts: VERDICTS,
    severities: SEVERITIES,
    gapKinds: GAP_KINDS,
  };
}

export async function overviewView(fi: FleetIndex, sp: URLSearchParams): Promise<unknown> {
  const p = new Params(sp, ["sweep"]);
  const idx = await sweepIndex(fi, p);
  const verdictTotals = Object.fromEntries(VERDICTS.map((v) => [v, idx.elementVerdicts.reduce((n, e) => n + e[v], 0)]));
  return {
    sweep: idx.sweep,
    devices: idx.rows.length,
    zones: idx.zones,
    elementVerdicts: idx.elementVerdicts,
    verdictTotals,
    findings: idx.totals,
    findingsLine: countsLine(idx.totals),
    rules: idx.rules.slice(0, 15),
    fleetFindings: idx.fleet.findings
      .filter((f) => f.status === "fail" || f.status === "undetermined" || f.status === "error")
      .slice(0, 30)
      .map((f) => ({
        ruleId: f.ruleId,
        title: f.title,
        status: f.status,
        severity: f.severity,
        message: f.message,
        zone: f.zone ?? null,
        devices: f.devices.length,
        sample: f.devices.slice(0, 5),
      })),
    facets: idx.facets,
    indexMs: Math.round(idx.buildMs),
  };
}

function deviceRow(s: DeviceSummary) {
  return {
    host: s.host,
    name: s.name,
    zone: s.zone,
    vendor: s.identity.vendor,
    model: s.identity.model,
    firmware: s.identity.firmware,
    protocols: s.protocols,
    verdicts: s.verdicts,
    fail: s.counts.fail,
    undetermined: s.counts.undetermined,
    error: s.counts.error,
    pass: s.counts.pass,
    failBySeverity: s.failBySeverity,
    gaps: s.gaps,
    score: s.score,
  };
}

function listed(p: Params, idx: SweepIndex) {
  const filter = parseFilter(p);
  const sort = p.oneOf("sort", SORTS) ?? "worst";
  return { filter, sort, rows: selectDevices(idx, filter, sort) };
}

export async function devicesView(fi: FleetIndex, sp: URLSearchParams): Promise<unknown> {
  const p = new Params(sp, LIST_PARAMS);
  const idx = await sweepIndex(fi, p);
  const { filter, sort, rows } = listed(p, idx);
  const pg = paginate(rows, p.int("page", 1, 1e9) ?? 1, p.int("size", 1, MAX_PAGE_SIZE) ?? DEFAULT_PAGE_SIZE);
  return {
    sweep: idx.sweep.id,
    filter,
    sort,
    total: pg.total,
    page: pg.page,
    pages: pg.pages,
    size: pg.size,
    of: idx.rows.length,
    rows: pg.rows.map(deviceRow),
  };
}

export const DEVICE_CSV_COLUMNS = [
  "host",
  "name",
  "zone",
  "vendor",
  "model",
  "firmware",
  "protocols",
  "score",
  "failing",
  "undetermined",
  "error",
  "passed",
  ...SEVERITIES.map((s) => `failing_${s}`),
  ...ELEMENTS.map((e) => `element_${e.id}`),
  "gaps",
];

/** The device list of the current view (every page) as CSV; text escaped by the caller's boundary. */
export async function devicesCsv(fi: FleetIndex, sp: URLSearchParams, text: (s: string) => string): Promise<string> {
  const p = new Params(sp, LIST_PARAMS);
  const idx = await sweepIndex(fi, p);
  const { rows } = listed(p, idx);
  const out = [csvRow(DEVICE_CSV_COLUMNS)];
  for (const s of rows)
    out.push(
      csvRow(
        [
          s.host,
          s.name ?? "",
          s.zone,
          s.identity.vendor ?? "",
          s.identity.model ?? "",
          s.identity.firmware ?? "",
          s.protocols.join(" "),
          s.score ?? "",
          s.counts.fail,
          s.counts.undetermined,
          s.counts.error,
          s.counts.pass,
          ...s.failBySeverity,
          ...s.verdicts,
          s.gaps.join(" "),
        ].map((v) => (typeof v === "string" ? text(v) : v)),
      ),
    );
  return out.join("");
}

async function loadDevice(fi: FleetIndex, sp: URLSearchParams) {
  const p = new Params(sp, ["sweep", "host"]);
  const idx = await sweepIndex(fi, p);
  const host = p.required("host");
  const row = await fi.reader.device(idx.sweep.id, host);
  if (!row) throw new NotFound(`host '${host.slice(0, 80)}': not in sweep ${idx.sweep.id}`);
  return { idx, row };
}

export async function deviceView(fi: FleetIndex, sp: URLSearchParams, plugins: readonly ProtocolPlugin[]): Promise<unknown> {
  const { idx, row } = await loadDevice(fi, sp);
  const d = row.result;
  const s = idx.byHost.get(d.host);
  const extras = fi.reader.documentExtras ? await fi.reader.documentExtras(idx.sweep.id) : undefined;
  const waivers =
    (extras?.waivers as ResultDocument["waivers"] | undefined)?.entries.filter(
      (w) => w.devices.length === 0 || w.devices.includes(d.host) || (d.name !== undefined && w.devices.includes(d.name)),
    ) ?? [];
  const evidence = ((extras?.evidence ?? []) as NonNullable<ResultDocument["evidence"]>).filter((e) => e.devices.includes(d.host));
  return {
    sweep: idx.sweep,
    host: d.host,
    name: d.name ?? null,
    zone: s?.zone ?? row.zone,
    score: d.score ?? null,
    identity: s?.identity ?? null,
    inventory: inventoryOf(d) ?? null,
    observations: observations(d, plugins).map((o) => ({
      protocol: o.protocol,
      vendor: o.vendor ?? null,
      product: o.product ?? null,
      model: o.model ?? null,
      version: o.version ?? null,
      source: o.source,
      raw: o.raw,
    })),
    services: d.services.map((e) => ({
      url: e.url,
      protocol: e.protocol,
      port: e.port,
      transport: e.transport,
      status: d.facts[e.protocol]?.status ?? "not probed",
      error: d.facts[e.protocol]?.error?.message ?? null,
    })),
    surface: discoveredPorts(d.facts)
      .filter((p) => p.state === "open")
      .map((p) => ({
        port: p.port,
        transport: p.transport,
        service: p.service,
        cleartext: p.cleartext,
        audited: !!p.plugin || d.services.some((e) => e.port === p.port && e.transport === p.transport),
      })),
    unaudited: s?.unaudited ?? [],
    gaps: idx.fleet.gaps.find((g) => g.host === d.host)?.gaps ?? [],
    elements: d.elements.map((e) => ({
      id: e.id,
      name: e.name,
      verdict: e.verdict,
      basis: e.basis,
      counts: e.counts,
      unaudited: e.unaudited ?? [],
      attestation: e.attestation ?? null,
      iec62443: iecAnchors(e.id),
    })),
    countsLine: countsLine(s?.counts ?? { fail: 0, waived: 0, undetermined: 0, error: 0, skipped: 0, pass: 0, notApplicable: 0 }),
    findings: sortedFindings(d.findings).map((f) => ({
      ruleId: f.ruleId,
      title: checkTitle(f),
      detail: checkDetail(f),
      status: f.status,
      waived: !!f.waiver,
      severity: f.severity,
      protocol: f.protocol,
      port: f.port,
      reason: f.reason ?? null,
      occurrences: f.occurrences ?? 1,
      evidence: evidenceRows(f.evidence),
      remediation: f.remediation,
      elements: f.elements,
      iec62443: f.iec62443,
      safety: f.safety,
      waiver: f.waiver ?? null,
    })),
    fleetFindings: idx.fleet.findings
      .filter((f) => f.devices.includes(d.host) && f.status !== "pass" && f.status !== "not_applicable")
      .map((f) => ({ ruleId: f.ruleId, title: f.title, status: f.status, severity: f.severity, message: f.message, devices: f.devices.length })),
    waivers,
    evidence,
  };
}

/** One device's findings as CSV, the CSV reporter's own columns and escaping (renderCsv). */
export async function deviceCsv(fi: FleetIndex, sp: URLSearchParams): Promise<string> {
  const { row } = await loadDevice(fi, sp);
  return renderCsv({ devices: [row.result] } as unknown as ResultDocument);
}
