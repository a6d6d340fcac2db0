// Drift views (element 1, configuration management: unauthorised change is detectable): the fleet's
// timeline across sweeps (what changed between consecutive sweeps, by device snapshot hash) and
// against each saved baseline; the devices that changed between two sweeps, each with its changes
// by category (src/fleet/drift.ts diffDevice, the same comparison `otaudit baseline drift` makes);
// one device's timeline. At most TIMELINE_SWEEPS recent sweeps are indexed for a timeline.
import { csvRow } from "../report/common.js";
import { diffDevice, snapshotDevice, type DeviceSnapshot } from "../fleet/drift.js";
import type { DeviceDrift } from "../fleet/model.js";
import type { FleetIndex, SweepDigest } from "./fleet-index.js";
import type { SweepInfo } from "./reader.js";
import { MAX_PAGE_SIZE, Params, paginate } from "./query.js";
import { snapshotHash } from "./summary.js";
import { NotFound, sweepIndex } from "./views.js";

export const TIMELINE_SWEEPS = 24;
/** changes shown per device (the rest are counted) */
const MAX_CHANGES = 200;
/** changed devices per page: each is two stored results read, snapshotted and compared */
const CHANGES_PAGE = 20;

/** The sweep named by `sweep` (default: the newest) as a digest; 404 when the store has no such sweep. */
async function sweepDigest(fi: FleetIndex, p: Params): Promise<SweepDigest> {
  const idx = await sweepIndex(fi, p);
  return (await fi.digest(idx.sweep.id))!;
}

async function timelineSweeps(fi: FleetIndex): Promise<SweepInfo[]> {
  return (await fi.sweeps()).slice(0, TIMELINE_SWEEPS).reverse();
}

function changeSummary(d: DeviceDrift) {
  const categories: Record<string, number> = {};
  for (const c of d.changes) categories[c.category] = (categories[c.category] ?? 0) + 1;
  return { state: d.state, categories, changes: d.changes.slice(0, MAX_CHANGES), more: Math.max(0, d.changes.length - MAX_CHANGES) };
}

export async function driftView(fi: FleetIndex, sp: URLSearchParams): Promise<unknown> {
  const p = new Params(sp, ["sweep"]);
  const list = await timelineSweeps(fi);
  const target = await sweepDigest(fi, p);
  const sweeps = [];
  let prev: SweepDigest | undefined;
  for (const info of list) {
    const dg = (await fi.digest(info.id))!;
    const vs = prev ? await fi.driftBetween(prev.sweep.id, dg.sweep.id) : undefined;
    sweeps.push({
      id: dg.sweep.id,
      createdAt: dg.sweep.createdAt,
      status: dg.sweep.status,
      devices: dg.devices,
      failingFindings: dg.failingFindings,
      failVerdicts: dg.failVerdicts,
      element1: dg.element1,
      vsPrevious: vs ? { from: vs.from, changed: vs.changed.length, added: vs.added.length, missing: vs.missing.length, unchanged: vs.unchanged } : null,
    });
    prev = dg;
  }
  const baselines = [];
  for (const b of await fi.reader.baselines()) {
    const h = await fi.baselineHashes(b.name);
    if (!h) continue;
    let changed = 0;
    let unchanged = 0;
    let added = 0;
    for (const [host, now] of target.hosts) {
      const was = h.hashes.get(host);
      if (was === undefined) added++;
      else if (was === now.hash) unchanged++;
      else changed++;
    }
    const missing = [...h.hashes.keys()].filter((host) => !target.hosts.has(host)).length;
    baselines.push({ ...b, against: target.sweep.id, changed, unchanged, added, missing });
  }
  return { sweeps, baselines, limit: TIMELINE_SWEEPS, target: target.sweep.id };
}

async function changedBetween(fi: FleetIndex, p: Params) {
  const from = p.required("from");
  const to = p.required("to");
  const d = await fi.driftBetween(from, to);
  if (!d) throw new NotFound(`sweeps '${from.slice(0, 80)}' and '${to.slice(0, 80)}': not both in this store`);
  const hosts = [
    ...d.changed.map((h) => ({ host: h, state: "changed" as const })),
    ...d.added.map((h) => ({ host: h, state: "new" as const })),
    ...d.missing.map((h) => ({ host: h, state: "missing" as const })),
  ];
  return { d, hosts };
}

async function deviceChanges(fi: FleetIndex, from: string, to: string, host: string): Promise<DeviceDrift> {
  const [a, b] = await Promise.all([fi.reader.device(from, host), fi.reader.device(to, host)]);
  return diffDevice(host, a && snapshotDevice(a.result), b && snapshotDevice(b.result));
}

export async function driftChangesView(fi: FleetIndex, sp: URLSearchParams): Promise<unknown> {
  const p = new Params(sp, ["from", "to", "page", "size"]);
  const { d, hosts } = await changedBetween(fi, p);
  const pg = paginate(hosts, p.int("page", 1, 1e9) ?? 1, p.int("size", 1, MAX_PAGE_SIZE) ?? CHANGES_PAGE);
  const to = (await fi.digest(d.to))!;
  const from = (await fi.digest(d.from))!;
  const rows = [];
  for (const h of pg.rows) {
    const s = to.hosts.get(h.host) ?? from.hosts.get(h.host);
    const changes =
      h.state === "changed" ? changeSummary(await deviceChanges(fi, d.from, d.to, h.host)) : { state: h.state, categories: {}, changes: [], more: 0 };
    rows.push({ host: h.host, name: s?.name ?? null, zone: s?.zone ?? null, ...changes });
  }
  return {
    from: d.from,
    to: d.to,
    counts: { changed: d.changed.length, new: d.added.length, missing: d.missing.length, unchanged: d.unchanged },
    total: pg.total,
    page: pg.page,
    pages: pg.pages,
    size: pg.size,
    rows,
  };
}

export async function driftCsv(fi: FleetIndex, sp: URLSearchParams, text: (s: string) => string): Promise<string> {
  const p = new Params(sp, ["from", "to"]);
  const { d, hosts } = await changedBetween(fi, p);
  const [to, from] = [(await fi.digest(d.to))!, (await fi.digest(d.from))!];
  const out = [csvRow(["host", "zone", "state", "from_sweep", "to_sweep"])];
  for (const h of hosts)
    out.push(csvRow([text(h.host), text((to.hosts.get(h.host) ?? from.hosts.get(h.host))?.zone ?? ""), h.state, text(d.from), text(d.to)]));
  return out.join("");
}

/** The baseline's snapshot of one host: from the sweep it was taken of when that hashes the same, else from the baseline itself. */
async function baselineSnapshotOf(fi: FleetIndex, name: string, sweepId: string, host: string, hash: string): Promise<DeviceSnapshot | undefined> {
  const row = await fi.reader.device(sweepId, host);
  if (row) {
    const snap = snapshotDevice(row.result);
    if (snapshotHash(snap) === hash) return snap;
  }
  return (await fi.reader.baseline(name))?.snapshot.devices[host];
}

export async function deviceDriftView(fi: FleetIndex, sp: URLSearchParams): Promise<unknown> {
  const p = new Params(sp, ["host", "sweep"]);
  const host = p.required("host");
  const target = await sweepIndex(fi, p);
  const timeline = [];
  let prev: { sweep: string; snap: DeviceSnapshot } | undefined;
  for (const info of await timelineSweeps(fi)) {
    const row = await fi.reader.device(info.id, host);
    if (!row) {
      timeline.push({ sweep: info.id, createdAt: info.createdAt, state: "absent", categories: {}, changes: [], more: 0, score: null });
      continue;
    }
    const snap = snapshotDevice(row.result);
    const drift = prev ? diffDevice(host, prev.snap, snap) : { host, state: "new" as const, changes: [] };
    timeline.push({
      sweep: info.id,
      createdAt: info.createdAt,
      since: prev?.sweep ?? null,
      score: row.result.score ?? null,
      failing: row.result.findings.filter((f) => f.status === "fail" && !f.waiver).length,
      ...changeSummary(drift),
    });
    prev = { sweep: info.id, snap };
  }
  const current = await fi.reader.device(target.sweep.id, host);
  if (!current && timeline.every((t) => t.state === "absent")) throw new NotFound(`host '${host.slice(0, 80)}': in no sweep of this store`);
  const baselines = [];
  for (const b of await fi.reader.baselines()) {
    const h = await fi.baselineHashes(b.name);
    const hash = h?.hashes.get(host);
    const before = hash === undefined ? undefined : await baselineSnapshotOf(fi, b.name, b.sweepId, host, hash);
    const drift = diffDevice(host, before, current && snapshotDevice(current.result));
    baselines.push({ name: b.name, sweepId: b.sweepId, createdAt: b.createdAt, against: target.sweep.id, ...changeSummary(drift) });
  }
  return { host, target: target.sweep.id, timeline, baselines };
}
