// The coordinator of a distributed sweep (`otaudit sweep TARGETS --db postgres://... --distribute`):
// writes the sweep's politeness limits, enqueues one job per device not yet stored (and not already
// waiting: a resumed coordinator never enqueues a device twice), then waits until every device is
// stored or its job has failed for good, reporting the counts per zone. Ctrl-C or --deadline stop
// the waiting and cancel the jobs no worker has started; `sweep --resume --distribute` enqueues
// them again.
import { PG_SCHEMA } from "../store/migrations.js";
import { sleep } from "../net/tcp.js";
import type { PgStore } from "../store/postgres.js";
import type { DistributedSettings, SweepRow } from "../store/types.js";
import { DEFAULT_ZONE } from "../sweep/politeness.js";
import type { SweepTarget } from "../sweep/targets.js";
import { cancelQueued, enqueueDevices, openQueue, pendingHosts, sweepCounts, type DeviceJob, type ZoneCounts } from "./queue.js";
import { setLimits } from "./slots.js";

export interface DistributeProgress {
  total: number;
  done: number;
  active: number;
  queued: number;
  failed: number;
  zones: Map<string, ZoneCounts>;
  startedAt: number;
  /** devices stored before this run started (a resumed sweep) */
  alreadyDone: number;
}

export interface DistributeOutcome {
  progress: DistributeProgress;
  interrupted: boolean;
  enqueued: number;
  cancelled: number;
}

export function zoneOf(t: SweepTarget): string {
  return t.zone ?? DEFAULT_ZONE;
}

/** The effective limit of each zone of the sweep: its own, else "*", else the global one. */
export function zoneLimitsFor(targets: SweepTarget[], d: DistributedSettings): Map<string, number> {
  const out = new Map<string, number>();
  for (const z of new Set(targets.map(zoneOf))) out.set(z, d.zoneLimits[z] ?? d.zoneLimits["*"] ?? d.concurrency);
  return out;
}

/** One row per target (workers read their device by key), in batches; present rows are kept. */
export async function storeTargets(store: PgStore, sweepId: string, targets: SweepTarget[]): Promise<void> {
  for (let i = 0; i < targets.length; i += 1000) {
    const batch = targets.slice(i, i + 1000);
    await store.q(
      `INSERT INTO ${PG_SCHEMA}.sweep_targets (sweep_id, seq, target)
       SELECT $1, i - 1 + $2::int, t FROM json_array_elements($3::json) WITH ORDINALITY AS x(t, i)
       ON CONFLICT (sweep_id, seq) DO NOTHING`,
      [sweepId, i, JSON.stringify(batch)],
    );
  }
}

/** Poll the counts less often for big sweeps (each poll reads the sweep's jobs): 1 s up to 1,000 devices, at most 10 s. */
export function pollIntervalMs(devices: number): number {
  return Math.min(10_000, Math.max(1000, devices));
}

export async function progressOf(store: PgStore, sweepId: string, total: number, startedAt: number, alreadyDone: number): Promise<DistributeProgress> {
  const zones = await sweepCounts(store, sweepId);
  const p: DistributeProgress = { total, done: 0, active: 0, queued: 0, failed: 0, zones, startedAt, alreadyDone };
  for (const c of zones.values()) {
    p.done += c.done;
    p.active += c.active;
    p.queued += c.queued;
    p.failed += c.failed;
  }
  return p;
}

export async function distributeSweep(opts: {
  store: PgStore;
  sweep: SweepRow;
  targets: SweepTarget[];
  settings: DistributedSettings;
  signal: AbortSignal;
  pollMs?: number;
  onProgress?: (p: DistributeProgress) => void;
}): Promise<DistributeOutcome> {
  const { store, sweep, targets, settings } = opts;
  const boss = await openQueue(store, { supervise: true });
  try {
    await setLimits(store, settings.concurrency, zoneLimitsFor(targets, settings));
    await storeTargets(store, sweep.id, targets);
    const done = await store.doneHosts(sweep.id);
    const waiting = await pendingHosts(store, sweep.id);
    const jobs: DeviceJob[] = targets
      .map((t, seq) => ({ sweepId: sweep.id, seq, host: t.host, zone: zoneOf(t) }))
      .filter((j) => !done.has(j.host.toLowerCase()) && !waiting.has(j.host.toLowerCase()));
    await enqueueDevices(store, boss, jobs, settings.leaseS);
    const startedAt = Date.now();
    let progress = await progressOf(store, sweep.id, targets.length, startedAt, done.size);
    while (!opts.signal.aborted && progress.done + progress.failed < targets.length) {
      opts.onProgress?.(progress);
      await sleep(opts.pollMs ?? pollIntervalMs(targets.length), opts.signal);
      progress = await progressOf(store, sweep.id, targets.length, startedAt, done.size);
    }
    let cancelled = 0;
    if (opts.signal.aborted) {
      cancelled = await cancelQueued(boss, store, sweep.id);
      progress = await progressOf(store, sweep.id, targets.length, startedAt, done.size);
    }
    opts.onProgress?.(progress);
    return { progress, interrupted: opts.signal.aborted, enqueued: jobs.length, cancelled };
  } finally {
    await boss.stop({ close: false, graceful: false, wait: true }).catch(() => {});
  }
}

/** One line of progress for the terminal status line. */
export function progressLine(p: DistributeProgress, now = Date.now()): string {
  const elapsed = Math.max(0.001, (now - p.startedAt) / 1000);
  const rate = (p.done - p.alreadyDone) / elapsed;
  const left = p.total - p.done - p.failed;
  const eta = rate > 0 ? `${Math.ceil(left / rate)}s` : "?";
  return `sweep: ${p.done}/${p.total} devices stored, ${p.active} active, ${p.queued} queued${p.failed ? `, ${p.failed} failed` : ""} in ${p.zones.size} ${p.zones.size === 1 ? "zone" : "zones"}; ${rate.toFixed(1)} devices/s, ETA ${eta}`;
}
