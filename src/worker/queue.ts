// The job queue of distributed sweeps: pg-boss 10 in its own schema (`otaudit_queue`), sharing the
// store's connection pool. One queue per zone; one job per device ({sweepId, seq, host}; the
// target itself is read from the sweep row, so no device string ever goes into a jsonb column).
// A job's `expireInSeconds` is its lease: a worker that dies holding it (SIGKILL, power loss) loses
// it when the lease runs out, and pg-boss's maintenance (run by any live worker or coordinator)
// puts it back for a retry. Workers stop a device before their lease ends (src/worker/worker.ts),
// so a live worker never loses a job it is working on. Counts per zone and state are read from
// pg-boss's own tables (pinned pg-boss version; test/worker covers the query).
import PgBoss from "pg-boss";
import type { PoolClient } from "pg";
import { UsageError } from "../errors.js";
import { PG_QUEUE_SCHEMA, PG_SCHEMA } from "../store/migrations.js";
import { inspectSchema, type Exec, type PgStore } from "../store/postgres.js";

const Q = PG_QUEUE_SCHEMA;
export const QUEUE_PREFIX = "otaudit-zone-";
/** seconds between pg-boss maintenance runs (expiry of dead workers' jobs happens there) */
export const MAINTENANCE_S = 5;
/** a device's job is retried this often after its worker died or gave it back */
export const RETRY_LIMIT = 5;

export interface DeviceJob {
  sweepId: string;
  seq: number;
  host: string;
  zone: string;
}

export function queueName(zone: string): string {
  return `${QUEUE_PREFIX}${zone}`;
}

export function zoneOfQueue(name: string): string {
  return name.startsWith(QUEUE_PREFIX) ? name.slice(QUEUE_PREFIX.length) : name;
}

/** pg-boss's tables, or nothing: anything else in the queue schema is refused, untouched. */
export async function checkQueueSchema(exec: Exec, flag: string): Promise<"absent" | "ours"> {
  const state = await inspectSchema(exec, Q, []);
  if (state.kind === "absent" || state.kind === "empty") return "absent";
  const tables = await exec("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'version'", [
    Q,
  ]);
  if (tables.rows.length === 0)
    throw new UsageError(`${flag}: not an otaudit store (schema ${Q} holds tables that are not a pg-boss queue); nothing was changed`);
  return "ours";
}

/** pg_advisory_lock key of the queue's installation ("otaudiq" in ASCII) */
const QUEUE_LOCK = 0x6f74617564697_1n.toString();

/**
 * Install pg-boss's schema once, serialised by a session advisory lock and decided by a fresh
 * catalog query after the lock: pg-boss's own check-then-create, run by several workers starting
 * together against a new database, can fail with a duplicate key on pg_namespace (its IF NOT
 * EXISTS looks at a catalog snapshot older than the lock).
 */
async function installQueueSchema(store: PgStore): Promise<void> {
  await withQueueLock(store, async (client) => {
    const r = await client.query("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'version'", [Q]);
    if (r.rows.length === 0) await store.q(PgBoss.getConstructionPlans(Q));
  });
}

/**
 * Run `fn` while holding the queue's advisory lock (one otaudit process at a time): a transaction
 * lock on one connection (so it works through a transaction-pooling pgbouncer too); `fn` checks on
 * that connection and changes things through the pool, committed before the lock goes.
 */
async function withQueueLock<T>(store: PgStore, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await store.pool.connect();
  try {
    await client.query("BEGIN");
    try {
      await client.query("SELECT pg_advisory_xact_lock($1)", [QUEUE_LOCK]);
      return await fn(client);
    } finally {
      await client.query("COMMIT").catch(() => {});
    }
  } finally {
    client.release();
  }
}

/** A pg-boss instance on the store's pool (migrates its own schema; supervision expires dead workers' jobs). */
export async function openQueue(store: PgStore, opts: { supervise: boolean }): Promise<PgBoss> {
  const exec: Exec = (t, v) => store.q(t, v);
  await checkQueueSchema(exec, store.spec.flag);
  try {
    await installQueueSchema(store);
  } catch (e) {
    throw new UsageError(`${store.spec.flag}: cannot set up the job queue in schema ${Q} (${(e as Error).message})`);
  }
  const boss = new PgBoss({
    db: { executeSql: (text: string, values: unknown[]) => store.q(text, values) },
    schema: Q,
    migrate: true,
    supervise: opts.supervise,
    schedule: false,
    maintenanceIntervalSeconds: MAINTENANCE_S,
    // completed jobs: the store holds the result; failed ones stay visible to `sweep status` for a week
    archiveCompletedAfterSeconds: 3600,
    archiveFailedAfterSeconds: 7 * 24 * 3600,
    deleteAfterDays: 30,
  });
  boss.on("error", () => {}); // maintenance errors (a lost connection) recur on the next run; queries report their own
  try {
    await boss.start();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`${store.spec.flag}: cannot set up the job queue in schema ${Q} (${(e as Error).message})`);
  }
  return boss;
}

/**
 * Create the zones' queues that do not exist yet, one process at a time: pg-boss's createQueue
 * inserts the queue row and then adds a partition with a foreign key to it, and two processes
 * creating the same new queue deadlock (each waits for the other's lock on the queue table).
 */
export async function ensureQueues(store: PgStore, boss: PgBoss, zones: Iterable<string>): Promise<void> {
  const names = [...new Set([...zones].map(queueName))];
  const present = async (exec: (t: string, v: unknown[]) => Promise<{ rows: unknown[] }>) =>
    new Set((await exec(`SELECT name FROM ${Q}.queue WHERE name = ANY($1)`, [names])).rows.map((r) => (r as { name: string }).name));
  if (names.length === 0) return;
  if ((await present((t, v) => store.q(t, v))).size === names.length) return;
  await withQueueLock(store, async (client) => {
    const have = await present((t, v) => client.query(t, v));
    for (const name of names) if (!have.has(name)) await boss.createQueue(name, { name, policy: "standard" });
  });
}

/** Enqueue one job per device, in batches (a 100,000-device sweep is 100 statements). */
export async function enqueueDevices(store: PgStore, boss: PgBoss, jobs: DeviceJob[], leaseS: number): Promise<void> {
  await ensureQueues(
    store,
    boss,
    jobs.map((j) => j.zone),
  );
  for (let i = 0; i < jobs.length; i += 1000) {
    await boss.insert(
      jobs.slice(i, i + 1000).map((j) => ({
        name: queueName(j.zone),
        data: j,
        expireInSeconds: leaseS,
        retryLimit: RETRY_LIMIT,
        // a job back from a dead or stopping worker is taken again at once
        retryDelay: 1,
        retryBackoff: false,
        // earlier devices first, as a local sweep would take them
        priority: -j.seq,
      })),
    );
  }
}

export interface ZoneCounts {
  queued: number;
  active: number;
  done: number;
  failed: number;
  total: number;
}

/**
 * Per zone: queued (created or waiting for a retry), active, done (stored in the store) and
 * failed (retries used up or cancelled, and not stored). Done comes from the store's own devices.
 */
export async function sweepCounts(store: PgStore, sweepId: string): Promise<Map<string, ZoneCounts>> {
  const out = new Map<string, ZoneCounts>();
  const zoneOf = (z: string) => {
    let c = out.get(z);
    if (!c) out.set(z, (c = { queued: 0, active: 0, done: 0, failed: 0, total: 0 }));
    return c;
  };
  const installed =
    (await store.q("SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'job'", [Q])).rows.length > 0;
  if (installed) {
    const jobs = await store.q(
      `SELECT j.data->>'zone' AS zone, j.state::text AS state, count(*) AS n
         FROM ${Q}.job j
        WHERE j.name LIKE '${QUEUE_PREFIX}%' AND j.data->>'sweepId' = $1 AND j.state <> 'completed'
          AND NOT EXISTS (SELECT 1 FROM ${PG_SCHEMA}.devices d WHERE d.sweep_id = $1 AND d.host = j.data->>'host')
        GROUP BY 1, 2
       UNION ALL
       SELECT a.data->>'zone', a.state::text, count(*)
         FROM ${Q}.archive a
        WHERE a.name LIKE '${QUEUE_PREFIX}%' AND a.data->>'sweepId' = $1 AND a.state IN ('failed', 'cancelled')
          AND NOT EXISTS (SELECT 1 FROM ${PG_SCHEMA}.devices d WHERE d.sweep_id = $1 AND d.host = a.data->>'host')
        GROUP BY 1, 2`,
      [sweepId],
    );
    for (const r of jobs.rows) {
      const c = zoneOf(String(r.zone));
      const n = Number(r.n);
      if (r.state === "created" || r.state === "retry") c.queued += n;
      else if (r.state === "active") c.active += n;
      else if (r.state === "failed" || r.state === "cancelled") c.failed += n;
    }
  }
  const done = await store.q(`SELECT coalesce(zone, 'default') AS zone, count(*) AS n FROM ${PG_SCHEMA}.devices WHERE sweep_id = $1 GROUP BY 1`, [sweepId]);
  for (const r of done.rows) zoneOf(String(r.zone)).done += Number(r.n);
  for (const c of out.values()) c.total = c.queued + c.active + c.done + c.failed;
  return out;
}

/** Hosts of the sweep with a job waiting or in progress (a resumed coordinator does not enqueue them again). */
export async function pendingHosts(store: PgStore, sweepId: string): Promise<Set<string>> {
  const r = await store.q(
    `SELECT data->>'host' AS host FROM ${Q}.job WHERE name LIKE '${QUEUE_PREFIX}%' AND data->>'sweepId' = $1 AND state IN ('created', 'retry', 'active')`,
    [sweepId],
  );
  return new Set(r.rows.map((x) => String(x.host).toLowerCase()));
}

/** Cancel the sweep's jobs that no worker has started (Ctrl-C or --deadline of the coordinator). */
export async function cancelQueued(boss: PgBoss, store: PgStore, sweepId: string): Promise<number> {
  const r = await store.q(`SELECT name, id FROM ${Q}.job WHERE name LIKE '${QUEUE_PREFIX}%' AND data->>'sweepId' = $1 AND state IN ('created', 'retry')`, [
    sweepId,
  ]);
  const byQueue = new Map<string, string[]>();
  for (const x of r.rows) {
    const ids = byQueue.get(String(x.name));
    if (ids) ids.push(String(x.id));
    else byQueue.set(String(x.name), [String(x.id)]);
  }
  for (const [name, ids] of byQueue) for (let i = 0; i < ids.length; i += 1000) await boss.cancel(name, ids.slice(i, i + 1000));
  return r.rows.length;
}
