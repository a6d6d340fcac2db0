// The embedded store: SQLite (better-sqlite3, WAL mode), the default backend. Each device's result
// is committed in its own transaction as it completes, so a crash or SIGKILL loses only the devices
// in flight; UNIQUE(sweep_id, host) means a device is never stored twice (a resumed sweep skips
// it). A file that is not an otaudit store is refused (exit 2) before it is opened for writing
// (checkStoreFile); a store of an older version is migrated on its next read-write open
// (src/store/migrations.ts) and read as it is by read-only opens.
import Database from "better-sqlite3";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { DeviceResult } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { TOOL_VERSION } from "../version.js";
import { MIGRATIONS, STORE_VERSION, sqliteTablesAt } from "./migrations.js";
import type { BaselineRow, SaveDeviceOptions, Store, StoredDevice, SweepRow, SweepSettings, SweepSummary } from "./types.js";

const SQLITE_MAGIC = "SQLite format 3\0";

/** Does the file start like a SQLite database? (false when it cannot be read) */
export function isSqliteFile(file: string): boolean {
  try {
    const fd = openSync(file, "r");
    try {
      const head = Buffer.alloc(SQLITE_MAGIC.length);
      return readSync(fd, head, 0, head.length, 0) === head.length && head.toString("latin1") === SQLITE_MAGIC;
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Is `file` an otaudit store (or nothing yet: a new path, an empty file, an empty SQLite
 * database)? Anything else exits 2 with one line and is never modified: the file is read, then
 * opened read-only, before any read-write open (which would add tables to a foreign database).
 */
export function checkStoreFile(file: string): void {
  let st;
  try {
    st = statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new UsageError(`--db ${file}: cannot use (${(e as NodeJS.ErrnoException).code})`);
  }
  if (!st.isFile()) throw new UsageError(`--db ${file}: not a regular file`);
  if (st.size === 0) return;
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  let read = 0;
  try {
    const fd = openSync(file, "r");
    try {
      read = readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new UsageError(`--db ${file}: cannot read (${(e as NodeJS.ErrnoException).code})`);
  }
  if (read < head.length || head.toString("latin1") !== SQLITE_MAGIC)
    throw new UsageError(`--db ${file}: not an otaudit store (not a SQLite database); nothing was changed`);
  let tables: string[];
  let version: number;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter(
        (t) => !t.startsWith("sqlite_"),
      );
      version = db.pragma("user_version", { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch (e) {
    throw new UsageError(`--db ${file}: not an otaudit store (${(e as Error).message}); nothing was changed`);
  }
  if (tables.length === 0 && version === 0) return; // an empty database: ours to initialise
  const ours = (v: number) => sqliteTablesAt(v).every((t) => tables.includes(t));
  if (version > STORE_VERSION && ours(STORE_VERSION))
    throw new UsageError(`--db ${file}: written by a newer otaudit (store version ${version}); nothing was changed`);
  if (version < 1 || version > STORE_VERSION || !ours(version))
    throw new UsageError(
      `--db ${file}: not an otaudit store (SQLite database with tables ${tables.slice(0, 8).join(", ") || "(none)"}${tables.length > 8 ? ", ..." : ""}, user_version ${version}); nothing was changed`,
    );
}

/** Apply the migrations above `user_version` in one transaction (then the version is the latest). */
export function migrateSqlite(db: Database.Database, target = STORE_VERSION): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > STORE_VERSION) throw new UsageError(`written by a newer otaudit (store version ${version})`);
  if (version >= target) return;
  db.transaction(() => {
    for (const m of MIGRATIONS) {
      if (m.version <= version || m.version > target) continue;
      db.exec(m.sqlite);
      db.pragma(`user_version = ${m.version}`);
    }
    if (target >= 2) {
      // the versions applied before the migrations table existed are recorded too
      const record = db.prepare("INSERT OR IGNORE INTO migrations (version, name, applied_at, tool_version) VALUES (?, ?, ?, ?)");
      const now = new Date().toISOString();
      for (const m of MIGRATIONS) if (m.version <= target) record.run(m.version, m.name, now, TOOL_VERSION);
    }
  }).immediate();
}

type SweepDbRow = { id: string; created_at: string; finished_at: string | null; status: SweepRow["status"]; targets: string; settings: string };

export class SweepStore implements Store {
  readonly kind = "sqlite" as const;
  readonly db: Database.Database;
  private readonly insertDevice: Database.Statement;
  private readonly hasWorkerColumn: boolean;

  constructor(
    readonly file: string,
    opts: { mustExist?: boolean; readonly?: boolean } = {},
  ) {
    if (opts.mustExist && file !== ":memory:" && !existsSync(file)) throw new UsageError(`--db ${file}: no such store`);
    if (file !== ":memory:") checkStoreFile(file);
    try {
      this.db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.mustExist ?? false });
    } catch (e) {
      throw new UsageError(`--db ${file}: cannot open (${(e as Error).message})`);
    }
    if (!opts.readonly) {
      this.db.pragma("journal_mode = WAL");
      // NORMAL in WAL mode: a committed transaction survives a process crash (SIGKILL); an OS crash
      // may lose the last commits but never corrupts the database (sqlite.org/wal.html)
      this.db.pragma("synchronous = NORMAL");
      this.db.pragma("busy_timeout = 5000");
      try {
        migrateSqlite(this.db);
      } catch (e) {
        this.db.close();
        if (e instanceof UsageError) throw new UsageError(`--db ${file}: ${e.message}`);
        throw e;
      }
    }
    this.hasWorkerColumn = (this.db.pragma("user_version", { simple: true }) as number) >= 2;
    this.insertDevice = opts.readonly
      ? (undefined as unknown as Database.Statement)
      : this.db.prepare(
          "INSERT INTO devices (sweep_id, host, seq, zone, completed_at, result, worker) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sweep_id, host) DO NOTHING",
        );
  }

  get label(): string {
    return this.file;
  }

  /** the store's version (PRAGMA user_version) */
  version(): number {
    return this.db.pragma("user_version", { simple: true }) as number;
  }

  close(): void {
    this.db.close();
  }

  createSweep(id: string, targets: unknown[], settings: SweepSettings): SweepRow {
    const createdAt = new Date().toISOString();
    this.db
      .prepare("INSERT INTO sweeps (id, created_at, status, targets, settings) VALUES (?, ?, 'running', ?, ?)")
      .run(id, createdAt, JSON.stringify(targets), JSON.stringify(settings));
    return { id, createdAt, finishedAt: null, status: "running", targets, settings };
  }

  private toRow(r: SweepDbRow): SweepRow {
    return { id: r.id, createdAt: r.created_at, finishedAt: r.finished_at, status: r.status, targets: JSON.parse(r.targets), settings: JSON.parse(r.settings) };
  }

  getSweep(id: string): SweepRow | undefined {
    const r = this.db.prepare("SELECT * FROM sweeps WHERE id = ?").get(id) as SweepDbRow | undefined;
    return r ? this.toRow(r) : undefined;
  }

  /** The most recent sweep (optionally: the most recent one not finished). */
  latestSweep(unfinishedOnly = false): SweepRow | undefined {
    const r = this.db.prepare(`SELECT * FROM sweeps ${unfinishedOnly ? "WHERE status != 'done'" : ""} ORDER BY created_at DESC, rowid DESC LIMIT 1`).get() as
      | SweepDbRow
      | undefined;
    return r ? this.toRow(r) : undefined;
  }

  listSweeps(): SweepSummary[] {
    const rows = this.db
      .prepare(
        "SELECT s.id, s.created_at, s.finished_at, s.status, s.settings, json_array_length(s.targets) AS target_count, (SELECT count(*) FROM devices d WHERE d.sweep_id = s.id) AS device_count FROM sweeps s ORDER BY s.created_at DESC, s.rowid DESC",
      )
      .all() as (Omit<SweepDbRow, "targets"> & { target_count: number; device_count: number })[];
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.created_at,
      finishedAt: r.finished_at,
      status: r.status,
      settings: JSON.parse(r.settings),
      targetCount: r.target_count,
      deviceCount: r.device_count,
    }));
  }

  finishSweep(id: string, status: "done" | "interrupted"): void {
    this.db.prepare("UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?").run(status, new Date().toISOString(), id);
  }

  /** Store one device's result in its own transaction; false when it was already stored. */
  saveDevice(sweepId: string, seq: number, zone: string | undefined, result: DeviceResult, opts: SaveDeviceOptions = {}): boolean {
    const clean = scrubDeep(result);
    const info = this.db.transaction(() =>
      this.insertDevice.run(sweepId, clean.host, seq, zone ?? null, new Date().toISOString(), JSON.stringify(clean), opts.worker ?? null),
    )();
    return info.changes === 1;
  }

  doneHosts(sweepId: string): Set<string> {
    const rows = this.db.prepare("SELECT host FROM devices WHERE sweep_id = ?").pluck().all(sweepId) as string[];
    return new Set(rows.map((h) => h.toLowerCase()));
  }

  private toDevices(rows: { host: string; seq: number; zone: string | null; result: string }[]): StoredDevice[] {
    return rows.map((r) => ({ host: r.host, seq: r.seq, zone: r.zone, result: JSON.parse(r.result) as DeviceResult }));
  }

  devices(sweepId: string): StoredDevice[] {
    return this.toDevices(this.db.prepare("SELECT host, seq, zone, result FROM devices WHERE sweep_id = ? ORDER BY seq, host").all(sweepId) as never);
  }

  devicePage(sweepId: string, offset: number, limit: number): StoredDevice[] {
    return this.toDevices(
      this.db
        .prepare("SELECT host, seq, zone, result FROM devices WHERE sweep_id = ? ORDER BY seq, host LIMIT ? OFFSET ?")
        .all(sweepId, limit, offset) as never,
    );
  }

  deviceCount(sweepId: string): number {
    return this.db.prepare("SELECT count(*) FROM devices WHERE sweep_id = ?").pluck().get(sweepId) as number;
  }

  getDevice(sweepId: string, host: string): StoredDevice | undefined {
    return this.toDevices(
      this.db.prepare("SELECT host, seq, zone, result FROM devices WHERE sweep_id = ? AND lower(host) = lower(?)").all(sweepId, host) as never,
    )[0];
  }

  /** the worker that stored each device (distributed sweeps; empty for a version-1 store) */
  workersOf(sweepId: string): Map<string, string | null> {
    if (!this.hasWorkerColumn) return new Map();
    const rows = this.db.prepare("SELECT host, worker FROM devices WHERE sweep_id = ?").all(sweepId) as { host: string; worker: string | null }[];
    return new Map(rows.map((r) => [r.host, r.worker]));
  }

  saveBaseline(name: string, sweepId: string, snapshot: unknown): void {
    this.db
      .prepare(
        "INSERT INTO baselines (name, sweep_id, created_at, snapshot) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET sweep_id = excluded.sweep_id, created_at = excluded.created_at, snapshot = excluded.snapshot",
      )
      .run(name, sweepId, new Date().toISOString(), JSON.stringify(snapshot));
  }

  getBaseline(name: string): BaselineRow | undefined {
    const r = this.db.prepare("SELECT * FROM baselines WHERE name = ?").get(name) as
      | { name: string; sweep_id: string; created_at: string; snapshot: string }
      | undefined;
    return r ? { name: r.name, sweepId: r.sweep_id, createdAt: r.created_at, snapshot: JSON.parse(r.snapshot) } : undefined;
  }

  listBaselines(): Omit<BaselineRow, "snapshot">[] {
    const rows = this.db.prepare("SELECT name, sweep_id, created_at FROM baselines ORDER BY created_at DESC, name").all() as {
      name: string;
      sweep_id: string;
      created_at: string;
    }[];
    return rows.map((r) => ({ name: r.name, sweepId: r.sweep_id, createdAt: r.created_at }));
  }
}
