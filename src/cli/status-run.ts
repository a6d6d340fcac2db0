// `otaudit sweep status`: a sweep's progress per zone, from any machine that can reach the store.
// Read-only (nothing is created, migrated or changed). With PostgreSQL: devices per zone, queued,
// active, done (stored), failed (jobs out of retries), not queued (a coordinator that stopped
// before enqueuing them), the slots in use per scope and the workers seen lately; with a SQLite
// file: stored devices per zone.
import { UsageError } from "../errors.js";
import { openStoreSpec } from "../store/open.js";
import { PASSWORD_IN_ARGUMENT_WARNING, resolveDb } from "../store/db-url.js";
import type { Store, SweepRow } from "../store/types.js";
import type { PgStore } from "../store/postgres.js";
import { DEFAULT_ZONE } from "../sweep/politeness.js";
import type { SweepTarget } from "../sweep/targets.js";
import { checkWritableFile, writeJson } from "../report/write.js";
import { safeText } from "../report/safe-text.js";
import { say, warn } from "./ui.js";
import type { SweepStatusOptions } from "./option-types.js";

export interface ZoneStatus {
  devices: number;
  queued: number;
  active: number;
  done: number;
  failed: number;
  notQueued: number;
}

export interface WorkerStatus {
  id: string;
  zone: string;
  hostname: string;
  pid: number;
  startedAt: string;
  lastSeen: string;
  stoppedAt: string | null;
  devicesDone: number;
  alive: boolean;
}

export interface SweepStatusReport {
  sweepId: string;
  status: SweepRow["status"];
  distributed: boolean;
  createdAt: string;
  finishedAt: string | null;
  devices: number;
  zones: Record<string, ZoneStatus>;
  slots?: Record<string, { used: number; limit: number }>;
  workers?: WorkerStatus[];
}

function zoneTotals(sweep: SweepRow): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of sweep.targets as SweepTarget[]) out.set(t.zone ?? DEFAULT_ZONE, (out.get(t.zone ?? DEFAULT_ZONE) ?? 0) + 1);
  return out;
}

export async function sweepStatus(store: Store, sweepId?: string): Promise<SweepStatusReport> {
  const sweep = sweepId ? await store.getSweep(sweepId) : await store.latestSweep();
  if (!sweep) throw new UsageError(sweepId ? `--sweep-id ${sweepId}: no such sweep in ${store.label}` : `--db ${store.label}: the store holds no sweep`);
  const totals = zoneTotals(sweep);
  const zones: Record<string, ZoneStatus> = {};
  const zone = (z: string) => (zones[z] ??= { devices: totals.get(z) ?? 0, queued: 0, active: 0, done: 0, failed: 0, notQueued: 0 });
  for (const z of [...totals.keys()].sort()) zone(z);
  const report: SweepStatusReport = {
    sweepId: sweep.id,
    status: sweep.status,
    distributed: !!sweep.settings.distributed,
    createdAt: sweep.createdAt,
    finishedAt: sweep.finishedAt,
    devices: sweep.targets.length,
    zones,
  };
  if (store.kind === "postgres") {
    const pg = store as PgStore;
    const { sweepCounts } = await import("../worker/queue.js");
    const { slotsInUse, SLOT_TTL_S } = await import("../worker/slots.js");
    for (const [z, c] of await sweepCounts(pg, sweep.id)) Object.assign(zone(z), { queued: c.queued, active: c.active, done: c.done, failed: c.failed });
    report.slots = Object.fromEntries(await slotsInUse(pg));
    const w = await pg.q(
      `SELECT id, zone, hostname, pid, started_at, last_seen, stopped_at, devices_done, (stopped_at IS NULL AND last_seen > now() - make_interval(secs => $1)) AS alive
         FROM otaudit.workers WHERE last_seen > now() - interval '1 hour' ORDER BY zone, id`,
      [SLOT_TTL_S],
    );
    report.workers = w.rows.map((r) => ({
      id: String(r.id),
      zone: String(r.zone),
      hostname: String(r.hostname),
      pid: Number(r.pid),
      startedAt: (r.started_at as Date).toISOString(),
      lastSeen: (r.last_seen as Date).toISOString(),
      stoppedAt: r.stopped_at ? (r.stopped_at as Date).toISOString() : null,
      devicesDone: Number(r.devices_done),
      alive: Boolean(r.alive),
    }));
  } else {
    for (const d of await store.devices(sweep.id)) zone(d.zone ?? DEFAULT_ZONE).done++;
  }
  for (const z of Object.values(zones)) z.notQueued = Math.max(0, z.devices - z.queued - z.active - z.done - z.failed);
  return report;
}

export function renderStatus(r: SweepStatusReport): string {
  const lines = [
    `otaudit sweep ${r.sweepId}: ${r.status}${r.distributed ? ", distributed" : ""}, started ${r.createdAt}${r.finishedAt ? `, finished ${r.finishedAt}` : ""}; ${r.devices} devices`,
  ];
  const cols = ["devices", "queued", "active", "done", "failed", "notQueued"] as const;
  const names = Object.keys(r.zones);
  const width = Math.max(4, ...names.map((n) => n.length));
  lines.push(`  ${"zone".padEnd(width)}  ${cols.map((c) => (c === "notQueued" ? "not queued" : c).padStart(11)).join("")}`);
  const sum: Record<string, number> = {};
  for (const n of names) {
    const z = r.zones[n]!;
    lines.push(`  ${n.padEnd(width)}  ${cols.map((c) => String(z[c]).padStart(11)).join("")}`);
    for (const c of cols) sum[c] = (sum[c] ?? 0) + z[c];
  }
  if (names.length > 1) lines.push(`  ${"all".padEnd(width)}  ${cols.map((c) => String(sum[c] ?? 0).padStart(11)).join("")}`);
  if (r.slots && Object.keys(r.slots).length)
    lines.push(
      `  devices at once: ${Object.entries(r.slots)
        .map(([s, v]) => `${s} ${v.used}/${v.limit}`)
        .join(", ")}`,
    );
  if (r.workers) {
    const alive = r.workers.filter((w) => w.alive);
    lines.push(`  workers alive: ${alive.length ? alive.map((w) => `${w.id} (zone ${w.zone}, ${w.devicesDone} devices)`).join(", ") : "none"}`);
    const gone = r.workers.filter((w) => !w.alive);
    if (gone.length)
      lines.push(`  workers gone in the last hour: ${gone.map((w) => `${w.id} (${w.stoppedAt ? "stopped" : `silent since ${w.lastSeen}`})`).join(", ")}`);
  }
  return lines.map(safeText).join("\n") + "\n";
}

export async function runSweepStatus(opts: SweepStatusOptions): Promise<number> {
  const db = resolveDb(opts, "OTAUDIT_DB_URL");
  if (!db) throw new UsageError("--db: name the store (postgres://user@host:port/db or a SQLite file), or set OTAUDIT_DB_URL");
  if (opts.json && opts.json !== "-") checkWritableFile(opts.json, `--json ${opts.json}`);
  if (db.kind === "postgres" && db.passwordInArgument) warn(PASSWORD_IN_ARGUMENT_WARNING);
  const store = await openStoreSpec(db, { mustExist: true, readonly: true });
  try {
    const report = await sweepStatus(store, opts.sweepId);
    if (opts.json) writeJson(opts.json, report);
    if (opts.json !== "-") say(renderStatus(report));
    return 0;
  } finally {
    await store.close();
  }
}
