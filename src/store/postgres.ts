// The shared store: PostgreSQL through `pg`, in the dedicated schema `otaudit` (tables always
// schema-qualified; nothing outside it is read or written). Same guarantees as SQLite: one
// transaction per device, UNIQUE(sweep_id, host) with ON CONFLICT DO NOTHING. Before anything is
// written the schema is inspected: absent or empty is ours to create, ours (a `migrations` table,
// only our tables) is migrated forward under an advisory lock, anything else is refused (exit 2)
// and left untouched. Read-only opens never create or migrate.
import { createRequire } from "node:module";
import pg from "pg";
import { UsageError } from "../errors.js";
import { trustedCasWithExtra } from "../net/extra-ca.js";
import type { DeviceResult } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { TOOL_VERSION } from "../version.js";
import { dbError, type DbSpec } from "./db-url.js";
import { defaultPgUser, pgPassword } from "./pgpass.js";
import { MIGRATIONS, PG_MIGRATIONS_TABLE, PG_SCHEMA, PG_TABLES, STORE_VERSION } from "./migrations.js";
import type { BaselineRow, SaveDeviceOptions, Store, StoredDevice, SweepRow, SweepSettings, SweepStatus, SweepSummary } from "./types.js";

const S = PG_SCHEMA;
/** pg_advisory_xact_lock key of store migrations ("otaudit" in ASCII, fits a bigint) */
const MIGRATION_LOCK = 0x6f7461756469_74n;

export type PgSpec = Extract<DbSpec, { kind: "postgres" }>;
export type Exec = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;

export interface PgOpenOptions {
  readonly?: boolean;
  /** connections in the pool (a worker: one per lane, plus the queue's and the heartbeat's) */
  poolMax?: number;
  /** tests: stop migrating at this version */
  migrateTo?: number;
  /** more refusals before anything is created or migrated (the queue schema of workers) */
  check?: (exec: Exec, flag: string) => Promise<void>;
}

// the URL is parsed as pg itself parses it (its own dependency: sslmode, sslrootcert, host=...)
const parseConnectionString = (
  createRequire(createRequire(import.meta.url).resolve("pg"))("pg-connection-string") as { parse(url: string): Record<string, unknown> }
).parse;

/**
 * Pool settings from the URL; a URL without password gets PGPASSWORD or the password file's entry
 * (src/store/pgpass.ts) when the server asks for one.
 */
export function poolConfig(url: string): pg.PoolConfig {
  const cfg = parseConnectionString(url) as pg.PoolConfig & Record<string, unknown>;
  // TLS that verifies with the default roots (no sslrootcert): the operator's NODE_EXTRA_CA_CERTS too
  const ssl = cfg.ssl;
  const cas = ssl && (typeof ssl !== "object" || ssl.ca === undefined) ? trustedCasWithExtra() : undefined;
  if (cas) cfg.ssl = { ...(typeof ssl === "object" ? ssl : {}), ca: cas };
  if (cfg.password) return cfg;
  const user = (cfg.user as string) || defaultPgUser();
  const target = {
    host: (cfg.host as string) || process.env.PGHOST || "localhost",
    port: Number(cfg.port || process.env.PGPORT || 5432),
    database: (cfg.database as string) || process.env.PGDATABASE || user,
    user,
  };
  return { ...cfg, password: () => pgPassword(target) as string };
}

export type SchemaState =
  | { kind: "absent" }
  | { kind: "empty" }
  | { kind: "ours"; version: number }
  | { kind: "newer"; version: number }
  | { kind: "foreign"; tables: string[] };

/** What the schema holds, read from the catalog (visible whatever the table privileges). */
export async function inspectSchema(exec: Exec, schema = PG_SCHEMA, ourTables = PG_TABLES): Promise<SchemaState> {
  const ns = await exec("SELECT 1 FROM pg_namespace WHERE nspname = $1", [schema]);
  if (ns.rows.length === 0) return { kind: "absent" };
  const rel = await exec(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname",
    [schema],
  );
  const tables = rel.rows.map((r) => String(r.relname));
  if (tables.length === 0) return { kind: "empty" };
  if (!tables.includes("migrations")) return { kind: "foreign", tables };
  let version = 0;
  try {
    const v = await exec(`SELECT coalesce(max(version), 0) AS v FROM ${schema}.migrations`);
    version = Number(v.rows[0]?.v ?? 0);
  } catch (e) {
    // a `migrations` that is not our table (other columns): not ours; anything else (permissions) is said as it is
    if (["42703", "42804", "22P02"].includes((e as { code?: string }).code ?? "")) return { kind: "foreign", tables };
    throw e;
  }
  if (version > STORE_VERSION) return { kind: "newer", version };
  if (!tables.every((t) => ourTables.includes(t))) return { kind: "foreign", tables };
  return { kind: "ours", version };
}

function refuse(flag: string, state: SchemaState): never {
  if (state.kind === "newer") throw new UsageError(`${flag}: written by a newer otaudit (store version ${state.version}); nothing was changed`);
  if (state.kind === "foreign") {
    const list = state.tables.slice(0, 8).join(", ") + (state.tables.length > 8 ? ", ..." : "");
    throw new UsageError(`${flag}: not an otaudit store (schema ${PG_SCHEMA} holds tables ${list}); nothing was changed`);
  }
  throw new UsageError(`${flag}: no otaudit store in this database (schema ${PG_SCHEMA} is ${state.kind === "absent" ? "missing" : "empty"})`);
}

const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));
const isoOrNull = (d: unknown): string | null => (d === null || d === undefined ? null : iso(d));

export class PgStore implements Store {
  readonly kind = "postgres" as const;
  version = 0;

  private constructor(
    readonly pool: pg.Pool,
    readonly spec: PgSpec,
  ) {}

  get label(): string {
    return this.spec.label;
  }

  /** Connect, check the schema, create or migrate it (read-write opens). Errors name --db only. */
  static async open(spec: PgSpec, opts: PgOpenOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({
      ...poolConfig(spec.url),
      max: opts.poolMax ?? 4,
      application_name: "otaudit",
      connectionTimeoutMillis: 15_000,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    });
    pool.on("error", () => {}); // an idle connection dropped by the server: the next query reports it
    const store = new PgStore(pool, spec);
    try {
      const client = await pool.connect();
      try {
        const exec: Exec = (t, v) => client.query(t, v as unknown[]);
        const state = await inspectSchema(exec);
        if (state.kind === "foreign" || state.kind === "newer") refuse(spec.flag, state);
        await opts.check?.(exec, spec.flag);
        if (opts.readonly) {
          if (state.kind !== "ours") refuse(spec.flag, state);
          store.version = state.version;
        } else {
          store.version = await migratePg(exec, spec.flag, opts.migrateTo ?? STORE_VERSION);
        }
      } finally {
        client.release();
      }
    } catch (e) {
      await pool.end().catch(() => {});
      throw dbError(e, spec.flag);
    }
    return store;
  }

  /** run a query; driver errors become one line naming --db */
  async q(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    try {
      return await this.pool.query(text, values as unknown[]);
    } catch (e) {
      throw dbError(e, this.spec.flag);
    }
  }

  /** run `fn` in one transaction on one connection */
  async transaction<T>(fn: (exec: Exec) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw dbError(e, this.spec.flag);
    }
    try {
      await client.query("BEGIN");
      const out = await fn((t, v) => client.query(t, v as unknown[]));
      await client.query("COMMIT");
      return out;
    } catch (e) {
      await client.query("ROLLBACK").catch(() => {});
      throw dbError(e, this.spec.flag);
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  async createSweep(id: string, targets: unknown[], settings: SweepSettings): Promise<SweepRow> {
    const createdAt = new Date().toISOString();
    await this.q(`INSERT INTO ${S}.sweeps (id, created_at, status, targets, settings) VALUES ($1, $2, 'running', $3, $4)`, [
      id,
      createdAt,
      JSON.stringify(targets),
      JSON.stringify(settings),
    ]);
    return { id, createdAt, finishedAt: null, status: "running", targets, settings };
  }

  private toRow(r: Record<string, unknown>): SweepRow {
    return {
      id: String(r.id),
      createdAt: iso(r.created_at),
      finishedAt: isoOrNull(r.finished_at),
      status: r.status as SweepStatus,
      targets: r.targets as unknown[],
      settings: r.settings as SweepSettings,
    };
  }

  async getSweep(id: string): Promise<SweepRow | undefined> {
    const r = await this.q(`SELECT id, created_at, finished_at, status, targets, settings FROM ${S}.sweeps WHERE id = $1`, [id]);
    return r.rows[0] ? this.toRow(r.rows[0]) : undefined;
  }

  async latestSweep(unfinishedOnly = false): Promise<SweepRow | undefined> {
    const r = await this.q(
      `SELECT id, created_at, finished_at, status, targets, settings FROM ${S}.sweeps ${unfinishedOnly ? "WHERE status <> 'done'" : ""} ORDER BY created_at DESC, ord DESC LIMIT 1`,
    );
    return r.rows[0] ? this.toRow(r.rows[0]) : undefined;
  }

  async listSweeps(): Promise<SweepSummary[]> {
    const r = await this.q(
      `SELECT s.id, s.created_at, s.finished_at, s.status, s.settings, json_array_length(s.targets) AS target_count,
              (SELECT count(*) FROM ${S}.devices d WHERE d.sweep_id = s.id) AS device_count
         FROM ${S}.sweeps s ORDER BY s.created_at DESC, s.ord DESC`,
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      createdAt: iso(x.created_at),
      finishedAt: isoOrNull(x.finished_at),
      status: x.status as SweepStatus,
      settings: x.settings as SweepSettings,
      targetCount: Number(x.target_count),
      deviceCount: Number(x.device_count),
    }));
  }

  async finishSweep(id: string, status: "done" | "interrupted"): Promise<void> {
    await this.q(`UPDATE ${S}.sweeps SET status = $1, finished_at = $2 WHERE id = $3`, [status, new Date().toISOString(), id]);
  }

  /** The INSERT of one device (inside a caller's transaction): true when it was new. */
  static async insertDevice(
    exec: Exec,
    sweepId: string,
    seq: number,
    zone: string | undefined,
    result: DeviceResult,
    opts: SaveDeviceOptions = {},
  ): Promise<boolean> {
    const clean = scrubDeep(result);
    const r = await exec(
      `INSERT INTO ${S}.devices (sweep_id, host, seq, zone, completed_at, result, worker) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sweep_id, host) DO NOTHING`,
      [sweepId, clean.host, seq, zone ?? null, new Date().toISOString(), JSON.stringify(clean), opts.worker ?? null],
    );
    return r.rowCount === 1;
  }

  async saveDevice(sweepId: string, seq: number, zone: string | undefined, result: DeviceResult, opts: SaveDeviceOptions = {}): Promise<boolean> {
    return this.transaction((exec) => PgStore.insertDevice(exec, sweepId, seq, zone, result, opts));
  }

  async doneHosts(sweepId: string): Promise<Set<string>> {
    const r = await this.q(`SELECT host FROM ${S}.devices WHERE sweep_id = $1`, [sweepId]);
    return new Set(r.rows.map((x) => String(x.host).toLowerCase()));
  }

  private toDevices(rows: Record<string, unknown>[]): StoredDevice[] {
    return rows.map((r) => ({ host: String(r.host), seq: Number(r.seq), zone: (r.zone as string | null) ?? null, result: r.result as DeviceResult }));
  }

  async devices(sweepId: string): Promise<StoredDevice[]> {
    return this.toDevices((await this.q(`SELECT host, seq, zone, result FROM ${S}.devices WHERE sweep_id = $1 ORDER BY seq, host`, [sweepId])).rows);
  }

  async devicePage(sweepId: string, offset: number, limit: number): Promise<StoredDevice[]> {
    return this.toDevices(
      (await this.q(`SELECT host, seq, zone, result FROM ${S}.devices WHERE sweep_id = $1 ORDER BY seq, host LIMIT $2 OFFSET $3`, [sweepId, limit, offset]))
        .rows,
    );
  }

  async deviceCount(sweepId: string): Promise<number> {
    return Number((await this.q(`SELECT count(*) AS n FROM ${S}.devices WHERE sweep_id = $1`, [sweepId])).rows[0]!.n);
  }

  async getDevice(sweepId: string, host: string): Promise<StoredDevice | undefined> {
    return this.toDevices(
      (await this.q(`SELECT host, seq, zone, result FROM ${S}.devices WHERE sweep_id = $1 AND lower(host) = lower($2)`, [sweepId, host])).rows,
    )[0];
  }

  async saveBaseline(name: string, sweepId: string, snapshot: unknown): Promise<void> {
    await this.q(
      `INSERT INTO ${S}.baselines (name, sweep_id, created_at, snapshot) VALUES ($1, $2, $3, $4)
       ON CONFLICT (name) DO UPDATE SET sweep_id = excluded.sweep_id, created_at = excluded.created_at, snapshot = excluded.snapshot`,
      [name, sweepId, new Date().toISOString(), JSON.stringify(snapshot)],
    );
  }

  async getBaseline(name: string): Promise<BaselineRow | undefined> {
    const r = (await this.q(`SELECT name, sweep_id, created_at, snapshot FROM ${S}.baselines WHERE name = $1`, [name])).rows[0];
    return r ? { name: String(r.name), sweepId: String(r.sweep_id), createdAt: iso(r.created_at), snapshot: r.snapshot } : undefined;
  }

  async listBaselines(): Promise<Omit<BaselineRow, "snapshot">[]> {
    const r = await this.q(`SELECT name, sweep_id, created_at FROM ${S}.baselines ORDER BY created_at DESC, name`);
    return r.rows.map((x) => ({ name: String(x.name), sweepId: String(x.sweep_id), createdAt: iso(x.created_at) }));
  }
}

/**
 * Create the schema and apply the migrations above its version in one transaction, serialised by
 * an advisory lock (several workers may start at once); the schema is inspected again under the
 * lock. Returns the version reached.
 */
export async function migratePg(exec: Exec, flag: string, target = STORE_VERSION): Promise<number> {
  await exec("BEGIN");
  try {
    await exec("SELECT pg_advisory_xact_lock($1)", [MIGRATION_LOCK.toString()]);
    const state = await inspectSchema(exec);
    if (state.kind === "foreign" || state.kind === "newer") refuse(flag, state);
    let version = state.kind === "ours" ? state.version : 0;
    if (version < target) {
      await exec(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      await exec(PG_MIGRATIONS_TABLE);
      for (const m of MIGRATIONS) {
        if (m.version <= version || m.version > target) continue;
        await exec(m.postgres);
        await exec(`INSERT INTO ${S}.migrations (version, name, tool_version) VALUES ($1, $2, $3)`, [m.version, m.name, TOOL_VERSION]);
        version = m.version;
      }
    }
    await exec("COMMIT");
    return version;
  } catch (e) {
    await exec("ROLLBACK").catch(() => {});
    throw e;
  }
}
