// The dashboard's in-memory index of a sweep, built once by streaming the sweep's devices through
// the StoreReader (pages of CHUNK, yielding to the event loop between pages so the server keeps
// answering), then kept: a summary per device (src/serve/summary.ts), the fleet section (the store's
// fleet rules over light devices, or a result document's own), per-zone gap counts, per-rule failing
// counts, facets for the filters, verdict counts per element. A running sweep is followed: when the
// store holds more devices than the index, the index reads on from its cursor. Drift between sweeps
// compares per-device snapshot hashes; a baseline is reduced to its hashes once.
import type { Verdict } from "../model/common.js";
import { VERDICTS } from "../model/vocabulary.js";
import type { FleetDevice, FleetSection } from "../fleet/model.js";
import { evaluateFleetDevices } from "../fleet/index.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { FindingCounts } from "../report/common.js";
import type { BaselineInfo, StoreReader, SweepInfo } from "./reader.js";
import { GAP_KINDS, badness, lightFleetDevice, snapshotHash, summarize, zoneOfDevice, type DeviceSummary, type GapKindName } from "./summary.js";

/** devices per page read from the store: ~3 ms each to summarise, so the event loop is never held long */
const CHUNK = 50;
/** how long the list of sweeps (and their device counts) is trusted before the store is asked again */
const SWEEPS_TTL_MS = 2000;
/** most values listed per facet (vendors, models, firmware): the rest are reachable by typing */
const FACET_MAX = 200;
/**
 * Full sweep indexes kept at once (about 80 MB of heap per 10,000 devices); older ones are dropped
 * and rebuilt when asked for again. A drift timeline over many sweeps reads their digests instead.
 */
const MAX_FULL_INDEXES = 4;

export interface Count {
  value: string;
  devices: number;
}
export interface ZoneRow {
  zone: string;
  devices: number;
  gaps: Record<GapKindName, number>;
}
export interface RuleRow {
  id: string;
  title: string;
  severity: string;
  elements: number[];
  /** devices where this rule fails (unwaived) */
  failing: number;
}

export interface SweepIndex {
  sweep: SweepInfo;
  rows: DeviceSummary[];
  byHost: Map<string, DeviceSummary>;
  fleet: FleetSection;
  zones: ZoneRow[];
  rules: RuleRow[];
  facets: { zones: Count[]; protocols: Count[]; vendors: Count[]; models: Count[]; firmware: Count[] };
  /** per element (index 0 = element 1): devices per verdict */
  elementVerdicts: Record<Verdict, number>[];
  totals: FindingCounts;
  /** sorted copies of rows, by sort key */
  sorted: Map<string, DeviceSummary[]>;
  /** time the last build or extension took (ms) */
  buildMs: number;
  cursor: number | null;
  light: FleetDevice[];
  ruleMeta: Map<string, Omit<RuleRow, "failing" | "id">>;
}

/** What the drift views need of a sweep, kept for every sweep looked at (a few MB per 10,000 devices). */
export interface SweepDigest {
  sweep: SweepInfo;
  devices: number;
  failingFindings: number;
  failVerdicts: number;
  element1: Record<Verdict, number>;
  hosts: Map<string, { hash: string; zone: string; name: string | null }>;
}

export interface DriftBetween {
  from: string;
  to: string;
  changed: string[];
  added: string[];
  missing: string[];
  unchanged: number;
}

function tally(values: (string | null)[], max = FACET_MAX): Count[] {
  const m = new Map<string, number>();
  for (const v of values) if (v) m.set(v, (m.get(v) ?? 0) + 1);
  return [...m.entries()]
    .map(([value, devices]) => ({ value, devices }))
    .sort((a, b) => b.devices - a.devices || a.value.localeCompare(b.value))
    .slice(0, max);
}

const emptyCounts = (): FindingCounts => ({ fail: 0, waived: 0, undetermined: 0, error: 0, skipped: 0, pass: 0, notApplicable: 0 });

export class FleetIndex {
  private sweepList: { at: number; list: Promise<SweepInfo[]> } | undefined;
  private readonly cache = new Map<string, { index?: SweepIndex; pending?: Promise<SweepIndex>; used: number }>();
  private readonly digests = new Map<string, SweepDigest>();
  private readonly baselineCache = new Map<string, Promise<{ info: BaselineInfo; hashes: Map<string, string> } | undefined>>();
  private readonly driftCache = new Map<string, DriftBetween>();

  private readonly sweepsTtlMs: number;
  private readonly maxFull: number;

  constructor(
    readonly reader: StoreReader,
    private readonly plugins: readonly ProtocolPlugin[],
    opts: { sweepsTtlMs?: number; maxFullIndexes?: number } = {},
  ) {
    this.sweepsTtlMs = opts.sweepsTtlMs ?? SWEEPS_TTL_MS;
    this.maxFull = Math.max(1, opts.maxFullIndexes ?? MAX_FULL_INDEXES);
  }

  /** Sweeps whose full index is held now (the rest keep only their digest). */
  get fullIndexes(): string[] {
    return [...this.cache.entries()].filter(([, e]) => e.index).map(([id]) => id);
  }

  /** Every sweep, newest first (asked again after SWEEPS_TTL_MS, so a running sweep shows up). */
  async sweeps(): Promise<SweepInfo[]> {
    const now = Date.now();
    if (!this.sweepList || now - this.sweepList.at > this.sweepsTtlMs) {
      const list = this.reader.sweeps();
      this.sweepList = { at: now, list };
      list.catch(() => (this.sweepList = undefined));
    }
    return this.sweepList.list;
  }

  /** The index of a sweep (default: the newest), built or brought up to date; undefined: no such sweep. */
  async index(sweepId?: string): Promise<SweepIndex | undefined> {
    const list = await this.sweeps();
    const info = sweepId ? list.find((s) => s.id === sweepId) : list[0];
    if (!info) return undefined;
    let entry = this.cache.get(info.id);
    if (!entry) this.cache.set(info.id, (entry = { used: 0 }));
    entry.used = performance.now();
    if (entry.pending) return entry.pending;
    const idx = entry.index;
    if (idx && idx.rows.length >= info.devices && idx.sweep.status === info.status) return idx;
    const e = entry;
    e.pending = (idx ? this.extend(idx, info) : this.build(info)).then(
      (built) => {
        e.index = built;
        e.pending = undefined;
        this.evict(info.id);
        return built;
      },
      (err: unknown) => {
        e.pending = undefined;
        throw err;
      },
    );
    return e.pending;
  }

  /** Keep at most maxFull full indexes: drop the least recently used ones (never `keep`). */
  private evict(keep: string): void {
    const full = [...this.cache.entries()].filter(([id, e]) => e.index && !e.pending && id !== keep).sort((a, b) => a[1].used - b[1].used);
    while (full.length > this.maxFull - 1) this.cache.delete(full.shift()![0]);
  }

  /** A sweep's digest (from its index, built if needed), kept after the full index is dropped. */
  async digest(sweepId: string): Promise<SweepDigest | undefined> {
    const info = (await this.sweeps()).find((s) => s.id === sweepId);
    if (!info) return undefined;
    const known = this.digests.get(info.id);
    if (known && known.devices >= info.devices && known.sweep.status === info.status) return known;
    const idx = await this.index(info.id);
    if (!idx) return undefined;
    const d: SweepDigest = {
      sweep: idx.sweep,
      devices: idx.rows.length,
      failingFindings: idx.totals.fail,
      failVerdicts: idx.elementVerdicts.reduce((n, e) => n + e.fail, 0),
      element1: { ...idx.elementVerdicts[0]! },
      hosts: new Map(idx.rows.map((r) => [r.host, { hash: r.driftHash, zone: r.zone, name: r.name }])),
    };
    this.digests.set(info.id, d);
    return d;
  }

  private async build(info: SweepInfo): Promise<SweepIndex> {
    const idx: SweepIndex = {
      sweep: info,
      rows: [],
      byHost: new Map(),
      fleet: { devices: 0, findings: [], gaps: [], zones: {} },
      zones: [],
      rules: [],
      facets: { zones: [], protocols: [], vendors: [], models: [], firmware: [] },
      elementVerdicts: [],
      totals: emptyCounts(),
      sorted: new Map(),
      buildMs: 0,
      cursor: null,
      light: [],
      ruleMeta: new Map(),
    };
    return this.extend(idx, info);
  }

  /** Read the devices stored after the index's cursor, then recompute the sweep-wide parts. */
  private async extend(idx: SweepIndex, info: SweepInfo): Promise<SweepIndex> {
    const started = performance.now();
    const stored = this.reader.storedFleet ? await this.reader.storedFleet(info.id) : undefined;
    for (;;) {
      const page = await this.reader.devicePage(info.id, idx.cursor, CHUNK);
      for (const row of page.rows) {
        const zone = zoneOfDevice(row.result, row.zone);
        const s = summarize(row.result, row.seq, zone, this.plugins);
        if (idx.byHost.has(s.host)) continue;
        idx.rows.push(s);
        idx.byHost.set(s.host, s);
        if (!stored) idx.light.push(lightFleetDevice(row.result, zone, this.plugins));
        for (const f of row.result.findings) {
          if (f.status === "fail" && !f.waiver && !idx.ruleMeta.has(f.ruleId))
            idx.ruleMeta.set(f.ruleId, { title: f.title, severity: f.severity, elements: [...f.elements] });
        }
      }
      idx.cursor = page.cursor;
      if (!page.more) break;
      await new Promise((r) => setImmediate(r));
    }
    idx.sweep = { ...info, devices: Math.max(info.devices, idx.rows.length) };
    idx.fleet = stored ?? evaluateFleetDevices(idx.light, { sweepId: info.id });
    this.finish(idx);
    idx.buildMs = performance.now() - started;
    return idx;
  }

  /** The sweep-wide parts, from the summaries and the fleet section. */
  private finish(idx: SweepIndex): void {
    const fleetGaps = new Map(idx.fleet.gaps.map((g) => [g.host, new Set(g.gaps.map((x) => x.kind))]));
    const zones = new Map<string, ZoneRow>();
    const failing = new Map<string, number>();
    idx.totals = emptyCounts();
    idx.elementVerdicts = Array.from({ length: 12 }, () => Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>);
    for (const s of idx.rows) {
      const kinds = new Set<GapKindName>(fleetGaps.get(s.host) ?? []);
      if (s.unaudited.length) kinds.add("unaudited-service");
      s.gaps = GAP_KINDS.filter((k) => kinds.has(k));
      s.bad = badness(s);
      let z = zones.get(s.zone);
      if (!z) zones.set(s.zone, (z = { zone: s.zone, devices: 0, gaps: Object.fromEntries(GAP_KINDS.map((k) => [k, 0])) as Record<GapKindName, number> }));
      z.devices++;
      for (const k of s.gaps) z.gaps[k]++;
      for (const r of s.failingRules) failing.set(r, (failing.get(r) ?? 0) + 1);
      for (const k of Object.keys(idx.totals) as (keyof FindingCounts)[]) idx.totals[k] += s.counts[k];
      s.verdicts.forEach((v, i) => {
        idx.elementVerdicts[i]![v]++;
      });
    }
    idx.zones = [...zones.values()].sort((a, b) => a.zone.localeCompare(b.zone));
    idx.rules = [...failing.entries()]
      .map(([id, n]) => ({ id, failing: n, ...(idx.ruleMeta.get(id) ?? { title: id, severity: "info", elements: [] }) }))
      .sort((a, b) => b.failing - a.failing || a.id.localeCompare(b.id));
    idx.facets = {
      zones: tally(
        idx.rows.map((s) => s.zone),
        Infinity,
      ),
      protocols: tally(
        idx.rows.flatMap((s) => s.protocols),
        Infinity,
      ),
      vendors: tally(idx.rows.map((s) => s.identity.vendor)),
      models: tally(idx.rows.map((s) => s.identity.model)),
      firmware: tally(idx.rows.map((s) => s.identity.firmware)),
    };
    idx.sorted.clear();
  }

  /** What changed between two indexed sweeps (device snapshots compared by hash). */
  async driftBetween(fromId: string, toId: string): Promise<DriftBetween | undefined> {
    const key = `${fromId}\u0000${toId}`;
    const [a, b] = [await this.digest(fromId), await this.digest(toId)];
    if (!a || !b) return undefined;
    const cached = this.driftCache.get(key);
    if (cached && a.devices + b.devices === (cached as DriftBetween & { n?: number }).n) return cached;
    const out: DriftBetween & { n: number } = { from: fromId, to: toId, changed: [], added: [], missing: [], unchanged: 0, n: a.devices + b.devices };
    for (const [host, now] of b.hosts) {
      const before = a.hosts.get(host);
      if (!before) out.added.push(host);
      else if (before.hash !== now.hash) out.changed.push(host);
      else out.unchanged++;
    }
    for (const host of a.hosts.keys()) if (!b.hosts.has(host)) out.missing.push(host);
    this.driftCache.set(key, out);
    return out;
  }

  /** A baseline reduced to a snapshot hash per host (the snapshot itself is not kept). */
  async baselineHashes(name: string): Promise<{ info: BaselineInfo; hashes: Map<string, string> } | undefined> {
    let p = this.baselineCache.get(name);
    if (!p) {
      p = this.reader.baseline(name).then((b) => {
        if (!b) return undefined;
        const hashes = new Map(Object.entries(b.snapshot.devices ?? {}).map(([host, snap]) => [host, snapshotHash(snap)]));
        return { info: { name: b.name, sweepId: b.sweepId, createdAt: b.createdAt }, hashes };
      });
      p.catch(() => this.baselineCache.delete(name));
      this.baselineCache.set(name, p);
    }
    return p;
  }
}
