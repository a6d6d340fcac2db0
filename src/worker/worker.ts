// A zone worker: connects out to PostgreSQL only, takes the device jobs of its zone and audits each
// with the same engine code as a local sweep (sweepOne: discovery, plugins, assessment), then
// stores the result and completes the job in ONE transaction (a device is stored exactly when its
// job is done; UNIQUE(sweep_id, host) is the final guard). Each lane first takes a zone slot and a
// global slot (src/worker/slots.ts), then one job. A device is stopped (not stored, job given back
// for a retry) before the job's lease or the slots could run out, on SIGTERM/SIGINT, and when the
// database cannot renew the slots. A worker never runs an intrusive sweep's job unless it was
// started with --intrusive itself: the database cannot make a worker try passwords.
import { hostname } from "node:os";
import type PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { AdvisorySet } from "../advisories/model.js";
import type { CredentialEntry } from "../config/credentials.js";
import type { AuditOptions } from "../engine/audit.js";
import { surfacePorts } from "../engine/surface.js";
import type { DeviceResult } from "../model/result.js";
import { PG_QUEUE_SCHEMA, PG_SCHEMA } from "../store/migrations.js";
import { PgStore } from "../store/postgres.js";
import { sleep } from "../net/tcp.js";
import type { SweepSettings } from "../store/types.js";
import { sweepOne } from "../sweep/run.js";
import type { PolitenessOptions } from "../sweep/politeness.js";
import type { SweepTarget } from "../sweep/targets.js";
import { selectPlugins } from "../cli/audit-setup.js";
import { ensureQueues, openQueue, queueName, type DeviceJob } from "./queue.js";
import { HEARTBEAT_MS, SLOT_SAFETY_MS, SLOT_TTL_S, readLimits, releaseSlots, renewSlots, tryAcquire, type Limits } from "./slots.js";

/** stop a device this long before its job's lease ends (the probe's settle grace + the store) */
export const JOB_MARGIN_MS = 8000;
/** --exit-when-idle: a worker that has done nothing yet waits this long for a sweep to enqueue */
export const IDLE_GRACE_MS = 30_000;
/** the database may be unreachable this long before the worker gives up (exit 3) */
const DB_PATIENCE_MS = 60_000;

export interface WorkerOptions {
  store: PgStore;
  zone: string;
  lanes: number;
  exitWhenIdle: boolean;
  intrusiveAllowed: boolean;
  credentials: CredentialEntry[];
  advisories?: AdvisorySet;
  log: Logger;
  id?: string;
  pollMs?: number;
  /** SIGTERM / SIGINT */
  signal: AbortSignal;
  onStart?: (e: { sweepId: string; host: string }) => void;
  onDevice?: (e: { sweepId: string; host: string; stored: boolean; failing: number }) => void;
  onNote?: (line: string) => void;
}

export interface WorkerSummary {
  id: string;
  devices: number;
  givenBack: number;
  /** why the worker stopped */
  reason: "idle" | "signal" | "database";
}

interface SweepContext {
  settings: SweepSettings;
  audit?: AuditOptions;
  politeness?: PolitenessOptions;
  refusal?: string;
}

export function defaultWorkerId(zone: string): string {
  return `${hostname()}:${process.pid}:${zone}`;
}

export async function runWorker(opts: WorkerOptions): Promise<WorkerSummary> {
  const { store, zone, log } = opts;
  const id = opts.id ?? defaultWorkerId(zone);
  const pollMs = opts.pollMs ?? 1000;
  const queue = queueName(zone);
  const note = (line: string) => opts.onNote?.(line);
  const boss = await openQueue(store, { supervise: true });
  await ensureQueues(store, boss, [zone]);
  await store.q(
    `INSERT INTO ${PG_SCHEMA}.workers (id, zone, hostname, pid, started_at, last_seen) VALUES ($1, $2, $3, $4, now(), now())
     ON CONFLICT (id) DO UPDATE SET zone = excluded.zone, started_at = now(), last_seen = now(), stopped_at = NULL, devices_done = 0`,
    [id, zone, hostname(), process.pid],
  );
  const summary: WorkerSummary = { id, devices: 0, givenBack: 0, reason: "idle" };
  let stopping = false;
  let lastRenewSent = Date.now();
  let dbFailingSince: number | undefined;
  const stop = new AbortController();
  const onSignal = () => {
    if (!stopping) summary.reason = "signal";
    stopping = true;
    stop.abort(new Error("worker stopping"));
  };
  opts.signal.addEventListener("abort", onSignal, { once: true });
  if (opts.signal.aborted) onSignal();

  const dbTrouble = (e: unknown) => {
    dbFailingSince ??= Date.now();
    log.warn({ err: (e as Error).message }, "database error");
    if (Date.now() - dbFailingSince > DB_PATIENCE_MS) {
      summary.reason = "database";
      stopping = true;
      stop.abort(new Error("database unreachable"));
    }
  };
  const dbOk = () => (dbFailingSince = undefined);

  // the heartbeat: slots and last_seen renewed together
  const heartbeat = setInterval(() => {
    const sent = Date.now();
    Promise.all([renewSlots(store, id), store.q(`UPDATE ${PG_SCHEMA}.workers SET last_seen = now(), devices_done = $2 WHERE id = $1`, [id, summary.devices])])
      .then(() => {
        lastRenewSent = sent;
        dbOk();
      })
      .catch(dbTrouble);
  }, HEARTBEAT_MS);

  let limitsCache: { at: number; limits: Limits | undefined } | undefined;
  const limits = async () => {
    if (!limitsCache || Date.now() - limitsCache.at > 5000) limitsCache = { at: Date.now(), limits: await readLimits(store, zone) };
    return limitsCache.limits;
  };
  // one "anything waiting?" query per poll for all lanes
  let pendingCache: { at: number; value: Promise<{ waiting: number; inProgress: number }> } | undefined;
  const pending = () => {
    if (!pendingCache || Date.now() - pendingCache.at > pollMs / 2) {
      const value = store
        .q(
          `SELECT count(*) FILTER (WHERE state IN ('created', 'retry') AND start_after < now()) AS waiting, count(*) FILTER (WHERE state IN ('created', 'retry', 'active')) AS in_progress FROM ${PG_QUEUE_SCHEMA}.job WHERE name = $1`,
          [queue],
        )
        .then((r) => ({ waiting: Number(r.rows[0]!.waiting), inProgress: Number(r.rows[0]!.in_progress) }));
      value.catch(() => {});
      pendingCache = { at: Date.now(), value };
    }
    return pendingCache.value;
  };

  const sweeps = new Map<string, SweepContext>();
  const sweepContext = async (sweepId: string): Promise<SweepContext | undefined> => {
    let ctx = sweeps.get(sweepId);
    if (ctx) return ctx;
    const r = await store.q(`SELECT settings FROM ${PG_SCHEMA}.sweeps WHERE id = $1`, [sweepId]);
    if (!r.rows[0]) return undefined;
    const settings = r.rows[0].settings as SweepSettings;
    ctx = { settings };
    const d = settings.distributed;
    if (!d) ctx.refusal = "the sweep is not a distributed one";
    else if (settings.intrusive && !opts.intrusiveAllowed) ctx.refusal = "an intrusive sweep: this worker was not started with --intrusive";
    else {
      try {
        const plugins = selectPlugins(settings.protocols);
        ctx.audit = {
          plugins,
          // as a local sweep: a surface port counts as audited only when an enabled plugin claims it
          surface: d.surface ? surfacePorts(plugins) : [],
          timeoutMs: d.timeoutMs,
          concurrency: 1,
          intrusive: settings.intrusive,
          credentials: opts.credentials,
          failOn: settings.failOn,
          log,
          pluginOptions: d.pluginOptions,
          ...(opts.advisories ? { advisories: opts.advisories } : {}),
        };
        ctx.politeness = { concurrency: 1, zoneLimits: new Map(), deviceRate: d.deviceRate, giveUpAfter: d.giveUpAfter, backoffBaseMs: d.backoffBaseMs };
      } catch (e) {
        ctx.refusal = `this worker cannot audit it (${(e as Error).message})`;
      }
    }
    if (ctx.refusal) note(`sweep ${sweepId}: ${ctx.refusal}; its jobs are given back`);
    sweeps.set(sweepId, ctx);
    return ctx;
  };

  const giveBack = async (job: PgBoss.Job<DeviceJob>, why: string) => {
    summary.givenBack++;
    log.info({ host: job.data.host, sweep: job.data.sweepId, why }, "job given back");
    await boss.fail(queue, job.id, { message: why });
  };

  const processJob = async (job: PgBoss.Job<DeviceJob>, lane: number, fetchStart: number, slotsFrom: () => number) => {
    const data = job.data;
    const ctx = await sweepContext(data.sweepId);
    if (!ctx) return giveBack(job, "no such sweep");
    if (ctx.refusal || !ctx.audit || !ctx.politeness) return giveBack(job, ctx.refusal ?? "cannot audit");
    // the target, and whether the device is stored already (then the job is only completed)
    const t = await store.q(
      `SELECT t.target, EXISTS (SELECT 1 FROM ${PG_SCHEMA}.devices d WHERE d.sweep_id = $1 AND d.host = $3) AS stored
         FROM ${PG_SCHEMA}.sweep_targets t WHERE t.sweep_id = $1 AND t.seq = $2`,
      [data.sweepId, data.seq, data.host],
    );
    if (t.rows[0]?.stored) {
      await boss.complete(queue, job.id);
      return;
    }
    const target = t.rows[0]?.target as SweepTarget | undefined;
    if (!target || target.host !== data.host) return giveBack(job, "the job does not match the sweep's targets");
    const ac = new AbortController();
    const jobDeadline = fetchStart + Number(job.expireInSeconds) * 1000 - JOB_MARGIN_MS;
    const watch = setInterval(() => {
      const now = Date.now();
      if (now >= jobDeadline) ac.abort(new Error("the job's lease is running out"));
      else if (now >= Math.max(slotsFrom(), lastRenewSent) + SLOT_TTL_S * 1000 - SLOT_SAFETY_MS) ac.abort(new Error("the zone slot could not be renewed"));
    }, 250);
    const onStop = () => ac.abort(new Error("worker stopping"));
    stop.signal.addEventListener("abort", onStop, { once: true });
    let result: DeviceResult;
    try {
      if (Date.now() >= jobDeadline) return giveBack(job, "the job's lease is too short");
      opts.onStart?.({ sweepId: data.sweepId, host: data.host });
      result = await sweepOne(
        target,
        { audit: { ...ctx.audit, signal: ac.signal }, politeness: ctx.politeness, discoveryTimeoutMs: ctx.settings.distributed!.discoveryTimeoutMs },
        new Map(),
      );
    } finally {
      clearInterval(watch);
      stop.signal.removeEventListener("abort", onStop);
    }
    // a device cut short is not stored: its job goes back and another lane or worker redoes it
    if (ac.signal.aborted) return giveBack(job, (ac.signal.reason as Error).message);
    const isNew = await store.transaction(async (exec) => {
      const n = await PgStore.insertDevice(exec, data.sweepId, data.seq, data.zone, result, { worker: id });
      await boss.complete(queue, job.id, null as unknown as object, { db: { executeSql: (text: string, values: unknown[]) => exec(text, values) } });
      return n;
    });
    summary.devices++;
    const failing = result.findings.filter((f) => f.status === "fail").length;
    log.info({ host: data.host, sweep: data.sweepId, lane, stored: isNew }, "device done");
    opts.onDevice?.({ sweepId: data.sweepId, host: data.host, stored: isNew, failing });
  };

  // --exit-when-idle: nothing waiting or in progress in the zone, and the zone has had work since
  // this worker started or IDLE_GRACE_MS have passed (a coordinator may enqueue a moment later)
  const startedAt = Date.now();
  let zoneHadWork = false;
  const idle = async () => {
    if (!opts.exitWhenIdle) return false;
    const p = await pending();
    if (p.inProgress > 0) zoneHadWork = true;
    return p.inProgress === 0 && (zoneHadWork || Date.now() - startedAt >= IDLE_GRACE_MS);
  };

  const lane = async (n: number) => {
    let quiet = 0;
    while (!stopping) {
      try {
        const lim = await limits();
        const p = await pending();
        if (p.inProgress > 0) zoneHadWork = true;
        dbOk();
        if (!lim || p.waiting === 0) {
          if (await idle()) return;
          await sleep(Math.min(2000, pollMs * (1 + quiet++ * 0.25)) * (0.75 + Math.random() * 0.5), stop.signal);
          continue;
        }
        const acquiredAt = Date.now();
        if (!(await tryAcquire(store, id, n, zone, lim))) {
          await sleep(pollMs * (0.5 + Math.random()), stop.signal); // the zone or the sweep is full
          continue;
        }
        try {
          const fetchStart = Date.now();
          const jobs = (await boss.fetch<DeviceJob>(queue, { batchSize: 1 })) ?? [];
          if (jobs.length === 0) {
            pendingCache = undefined;
            continue;
          }
          quiet = 0;
          const job = jobs[0]!;
          try {
            await processJob(job, n, fetchStart, () => acquiredAt);
          } catch (e) {
            // whatever went wrong, the job goes back at once (not after its lease)
            await boss.fail(queue, job.id, { message: `worker error: ${(e as Error).message}` }).catch(() => {});
            throw e;
          }
        } finally {
          await releaseSlots(store, id, n).catch(dbTrouble);
        }
      } catch (e) {
        dbTrouble(e);
        await sleep(1000 + Math.random() * 1000, stop.signal);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.lanes) }, (_, i) => lane(i)));
  } finally {
    clearInterval(heartbeat);
    opts.signal.removeEventListener("abort", onSignal);
    await releaseSlots(store, id).catch(() => {});
    await store
      .q(`UPDATE ${PG_SCHEMA}.workers SET stopped_at = now(), last_seen = now(), devices_done = $2 WHERE id = $1`, [id, summary.devices])
      .catch(() => {});
    await boss.stop({ close: false, graceful: false, wait: true }).catch(() => {});
  }
  return summary;
}
