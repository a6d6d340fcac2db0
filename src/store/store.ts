// The sweep store: an embedded SQLite database (better-sqlite3, WAL mode). Each device's result is
// committed in its own transaction as it completes, so a crash or SIGKILL loses only the devices in
// flight; UNIQUE(sweep_id, host) means a device is never stored twice (a resumed sweep skips it).
// `otaudit report` reads a whole sweep back with loadResultFromStore(). A file that is not an
// otaudit store is refused (exit 2) before it is opened for writing (checkStoreFile).
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readSync, statSync } from "node:fs";
import { UsageError } from "../errors.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import { newResultDocument } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { TOOL_VERSION } from "../version.js";
import type { Severity } from "../model/common.js";
import { evaluateFleet } from "../fleet/index.js";

/** Bump with a migration when the tables change. */
const STORE_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sweeps (
  id          TEXT PRIMARY KEY,
  created_at  TEXT NOT NULL,
  finished_at TEXT,
  status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
  targets     TEXT NOT NULL,  -- JSON: the expanded targets, in order
  settings    TEXT NOT NULL   -- JSON: SweepSettings
);
CREATE TABLE IF NOT EXISTS devices (
  sweep_id     TEXT NOT NULL REFERENCES sweeps(id),
  host         TEXT NOT NULL,
  seq          INTEGER NOT NULL,
  zone         TEXT,
  completed_at TEXT NOT NULL,
  result       TEXT NOT NULL,  -- JSON: DeviceResult, secrets scrubbed
  UNIQUE (sweep_id, host)
);
CREATE TABLE IF NOT EXISTS baselines (
  name       TEXT PRIMARY KEY,
  sweep_id   TEXT NOT NULL,
  created_at TEXT NOT NULL,
  snapshot   TEXT NOT NULL   -- JSON: per-device baseline snapshot
);
`;

const SQLITE_MAGIC = "SQLite format 3\0";
const TABLES = ["baselines", "devices", "sweeps"];

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
  if (read < head.length || head.toString("latin1") !== SQLITE_MAGIC) throw new UsageError(`--db ${file}: not an otaudit store (not a SQLite database); nothing was changed`);
  let tables: string[];
  let version: number;
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all() as string[]).filter((t) => !t.startsWith("sqlite_"));
      version = db.pragma("user_version", { simple: true }) as number;
    } finally {
      db.close();
    }
  } catch (e) {
    throw new UsageError(`--db ${file}: not an otaudit store (${(e as Error).message}); nothing was changed`);
  }
  if (tables.length === 0 && version === 0) return; // an empty database: ours to initialise
  if (version > STORE_VERSION && TABLES.every((t) => tables.includes(t))) throw new UsageError(`--db ${file}: written by a newer otaudit (store version ${version}); nothing was changed`);
  if (version !== STORE_VERSION || !TABLES.every((t) => tables.includes(t)))
    throw new UsageError(`--db ${file}: not an otaudit store (SQLite database with tables ${tables.slice(0, 8).join(", ") || "(none)"}${tables.length > 8 ? ", ..." : ""}, user_version ${version}); nothing was changed`);
}

export interface SweepSettings {
  intrusive: boolean;
  protocols: string[];
  failOn: Severity;
}

export interface SweepRow {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: "running" | "done" | "interrupted";
  targets: unknown[];
  settings: SweepSettings;
}

export interface StoredDevice {
  host: string;
  seq: number;
  zone: string | null;
  result: DeviceResult;
}

export function newSweepId(now = new Date()): string {
  return `sweep-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-${randomBytes(3).toString("hex")}`;
}

export class SweepStore {
  readonly db: Database.Database;
  private readonly insertDevice: Database.Statement;

  constructor(readonly file: string, opts: { mustExist?: boolean; readonly?: boolean } = {}) {
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
      const version = this.db.pragma("user_version", { simple: true }) as number;
      if (version > STORE_VERSION) throw new UsageError(`--db ${file}: written by a newer otaudit (store version ${version})`);
      this.db.exec(SCHEMA);
      this.db.pragma(`user_version = ${STORE_VERSION}`);
    }
    this.insertDevice = opts.readonly
      ? (undefined as unknown as Database.Statement)
      : this.db.prepare("INSERT INTO devices (sweep_id, host, seq, zone, completed_at, result) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sweep_id, host) DO NOTHING");
  }

  close(): void {
    this.db.close();
  }

  createSweep(id: string, targets: unknown[], settings: SweepSettings): SweepRow {
    const createdAt = new Date().toISOString();
    this.db.prepare("INSERT INTO sweeps (id, created_at, status, targets, settings) VALUES (?, ?, 'running', ?, ?)").run(id, createdAt, JSON.stringify(targets), JSON.stringify(settings));
    return { id, createdAt, finishedAt: null, status: "running", targets, settings };
  }

  private toRow(r: { id: string; created_at: string; finished_at: string | null; status: SweepRow["status"]; targets: string; settings: string }): SweepRow {
    return { id: r.id, createdAt: r.created_at, finishedAt: r.finished_at, status: r.status, targets: JSON.parse(r.targets), settings: JSON.parse(r.settings) };
  }

  getSweep(id: string): SweepRow | undefined {
    const r = this.db.prepare("SELECT * FROM sweeps WHERE id = ?").get(id) as Parameters<SweepStore["toRow"]>[0] | undefined;
    return r ? this.toRow(r) : undefined;
  }

  /** The most recent sweep (optionally: the most recent one not finished). */
  latestSweep(unfinishedOnly = false): SweepRow | undefined {
    const r = this.db.prepare(`SELECT * FROM sweeps ${unfinishedOnly ? "WHERE status != 'done'" : ""} ORDER BY created_at DESC, rowid DESC LIMIT 1`).get() as Parameters<SweepStore["toRow"]>[0] | undefined;
    return r ? this.toRow(r) : undefined;
  }

  finishSweep(id: string, status: "done" | "interrupted"): void {
    this.db.prepare("UPDATE sweeps SET status = ?, finished_at = ? WHERE id = ?").run(status, new Date().toISOString(), id);
  }

  /** Store one device's result in its own transaction; false when it was already stored. */
  saveDevice(sweepId: string, seq: number, zone: string | undefined, result: DeviceResult): boolean {
    const clean = scrubDeep(result);
    const info = this.db.transaction(() => this.insertDevice.run(sweepId, clean.host, seq, zone ?? null, new Date().toISOString(), JSON.stringify(clean)))();
    return info.changes === 1;
  }

  doneHosts(sweepId: string): Set<string> {
    const rows = this.db.prepare("SELECT host FROM devices WHERE sweep_id = ?").pluck().all(sweepId) as string[];
    return new Set(rows.map((h) => h.toLowerCase()));
  }

  devices(sweepId: string): StoredDevice[] {
    const rows = this.db.prepare("SELECT host, seq, zone, result FROM devices WHERE sweep_id = ? ORDER BY seq, host").all(sweepId) as { host: string; seq: number; zone: string | null; result: string }[];
    return rows.map((r) => ({ host: r.host, seq: r.seq, zone: r.zone, result: JSON.parse(r.result) as DeviceResult }));
  }

  saveBaseline(name: string, sweepId: string, snapshot: unknown): void {
    this.db.prepare("INSERT INTO baselines (name, sweep_id, created_at, snapshot) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET sweep_id = excluded.sweep_id, created_at = excluded.created_at, snapshot = excluded.snapshot").run(name, sweepId, new Date().toISOString(), JSON.stringify(snapshot));
  }

  getBaseline(name: string): { name: string; sweepId: string; createdAt: string; snapshot: unknown } | undefined {
    const r = this.db.prepare("SELECT * FROM baselines WHERE name = ?").get(name) as { name: string; sweep_id: string; created_at: string; snapshot: string } | undefined;
    return r ? { name: r.name, sweepId: r.sweep_id, createdAt: r.created_at, snapshot: JSON.parse(r.snapshot) } : undefined;
  }
}

/** Assemble a sweep's result document (devices in target order, fleet section evaluated). */
export function buildSweepDocument(sweep: SweepRow, stored: StoredDevice[], opts: { interrupted?: boolean; finishedAt?: string } = {}): ResultDocument {
  const finishedAt = opts.finishedAt ?? sweep.finishedAt ?? new Date().toISOString();
  const devices = stored.map((d) => d.result);
  const zones = new Map(stored.map((d) => [d.host, d.zone ?? undefined] as const));
  return {
    ...newResultDocument(
      {
        startedAt: sweep.createdAt,
        finishedAt,
        intrusive: sweep.settings.intrusive,
        protocols: sweep.settings.protocols,
        failOn: sweep.settings.failOn,
        interrupted: opts.interrupted ?? sweep.status !== "done",
        source: "live",
      },
      devices,
      TOOL_VERSION,
    ),
    fleet: evaluateFleet(devices, { zoneOf: (host) => zones.get(host), sweepId: sweep.id }) as unknown as Record<string, unknown>,
  };
}

/**
 * Read a sweep back from a store as a result document (for `otaudit report --db`). Without
 * `sweepId`, the most recent sweep. Throws UsageError (exit 2) for a missing store or sweep.
 */
export function loadResultFromStore(dbFile: string, sweepId?: string): ResultDocument {
  const store = new SweepStore(dbFile, { mustExist: true, readonly: true });
  try {
    const sweep = sweepId ? store.getSweep(sweepId) : store.latestSweep();
    if (!sweep) throw new UsageError(sweepId ? `--sweep ${sweepId}: no such sweep in ${dbFile}` : `--db ${dbFile}: the store holds no sweep`);
    return buildSweepDocument(sweep, store.devices(sweep.id));
  } finally {
    store.close();
  }
}
