// Politeness across workers: a counting semaphore in PostgreSQL made of lease rows. A scope
// ('zone:<name>', 'global') has one row per slot (0 .. limit-1, table otaudit.leases); a worker lane
// takes one free slot of its zone AND one of the global scope in one statement (all or nothing,
// FOR UPDATE SKIP LOCKED) before it fetches a job, holds them while it audits the device and frees
// them after. Holders renew their slots every HEARTBEAT_MS; a dead worker's slots free themselves
// once SLOT_TTL_S has passed. A lane whose renewals fail stops its device before its slots could
// expire (the worker checks slotsValidUntil), so a zone never sees more devices at once than its
// limit. No connection is held while a device is audited (works through a pooler).
import { PG_SCHEMA } from "../store/migrations.js";
import type { PgStore } from "../store/postgres.js";

const S = PG_SCHEMA;
/** a slot not renewed for this long is free again */
export const SLOT_TTL_S = 20;
/** renewal period of a worker's slots (and its `workers.last_seen`) */
export const HEARTBEAT_MS = 4000;
/** a device is stopped when its slots could expire within this margin (covers the probe's settle grace) */
export const SLOT_SAFETY_MS = 7000;

export const GLOBAL_SCOPE = "global";
export const zoneScope = (zone: string): string => `zone:${zone}`;

export interface Limits {
  zone: number;
  global: number;
}

/** The sweep's limits (coordinator): rows for each scope and its slots. The latest sweep's limits win. */
export async function setLimits(store: PgStore, global: number, zones: Map<string, number>): Promise<void> {
  const scopes: [string, number][] = [[GLOBAL_SCOPE, global], ...[...zones].map(([z, n]) => [zoneScope(z), n] as [string, number])];
  await store.transaction(async (exec) => {
    for (const [scope, max] of scopes) {
      await exec(
        `INSERT INTO ${S}.limits (scope, max_active, updated_at) VALUES ($1, $2, now()) ON CONFLICT (scope) DO UPDATE SET max_active = excluded.max_active, updated_at = now()`,
        [scope, max],
      );
      await exec(`INSERT INTO ${S}.leases (scope, slot) SELECT $1, g FROM generate_series(0, $2::int - 1) g ON CONFLICT DO NOTHING`, [scope, max]);
    }
  });
}

/** The limits a lane of `zone` works under (zone without its own row: the global limit); none before any sweep set them. */
export async function readLimits(store: PgStore, zone: string): Promise<Limits | undefined> {
  const r = await store.q(`SELECT scope, max_active FROM ${S}.limits WHERE scope IN ($1, $2)`, [zoneScope(zone), GLOBAL_SCOPE]);
  const get = (scope: string) => r.rows.find((x) => x.scope === scope)?.max_active as number | undefined;
  const global = get(GLOBAL_SCOPE);
  if (global === undefined) return undefined;
  return { zone: get(zoneScope(zone)) ?? global, global };
}

/** Take a zone slot and a global slot together, or nothing. */
export async function tryAcquire(store: PgStore, worker: string, lane: number, zone: string, limits: Limits): Promise<boolean> {
  const r = await store.q(
    `WITH z AS (
       SELECT scope, slot FROM ${S}.leases
        WHERE scope = $1 AND slot < $2 AND (worker IS NULL OR expires_at < now())
        ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED
     ), g AS (
       SELECT scope, slot FROM ${S}.leases
        WHERE scope = $3 AND slot < $4 AND (worker IS NULL OR expires_at < now())
        ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED
     ), picked AS (
       SELECT scope, slot FROM z UNION ALL SELECT scope, slot FROM g
     )
     UPDATE ${S}.leases l SET worker = $5, lane = $6, expires_at = now() + make_interval(secs => $7)
       FROM picked
      WHERE l.scope = picked.scope AND l.slot = picked.slot AND (SELECT count(*) FROM picked) = 2
     RETURNING l.scope`,
    [zoneScope(zone), limits.zone, GLOBAL_SCOPE, limits.global, worker, lane, SLOT_TTL_S],
  );
  return r.rows.length === 2;
}

/** Extend every slot the worker holds (the heartbeat). */
export async function renewSlots(store: PgStore, worker: string): Promise<number> {
  const r = await store.q(`UPDATE ${S}.leases SET expires_at = now() + make_interval(secs => $2) WHERE worker = $1`, [worker, SLOT_TTL_S]);
  return r.rowCount ?? 0;
}

export async function releaseSlots(store: PgStore, worker: string, lane?: number): Promise<void> {
  if (lane === undefined) await store.q(`UPDATE ${S}.leases SET worker = NULL, lane = NULL, expires_at = NULL WHERE worker = $1`, [worker]);
  else await store.q(`UPDATE ${S}.leases SET worker = NULL, lane = NULL, expires_at = NULL WHERE worker = $1 AND lane = $2`, [worker, lane]);
}

/** Slots in use per scope now (for `sweep status`). */
export async function slotsInUse(store: PgStore): Promise<Map<string, { used: number; limit: number }>> {
  const r = await store.q(
    `SELECT l.scope, count(*) FILTER (WHERE s.worker IS NOT NULL AND s.expires_at > now() AND s.slot < l.max_active) AS used, l.max_active
       FROM ${S}.limits l LEFT JOIN ${S}.leases s ON s.scope = l.scope GROUP BY l.scope, l.max_active`,
  );
  return new Map(r.rows.map((x) => [String(x.scope), { used: Number(x.used), limit: Number(x.max_active) }]));
}
