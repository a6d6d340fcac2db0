// Versioned store migrations, numbered and forward-only: a store at version N gets N+1, N+2, ...
// applied in one transaction on its next read-write open, and a store newer than this otaudit is
// refused (exit 2, nothing changed). Never edit a released migration (a test pins their text): add
// the next one. SQLite keeps its version in `PRAGMA user_version` (as store files always did) and,
// from version 2, a `migrations` table; PostgreSQL keeps it in the `otaudit.migrations` table
// (created first, under an advisory lock, inside the dedicated schema `otaudit`).

/** The dedicated PostgreSQL schema of the store (tables are always schema-qualified). */
export const PG_SCHEMA = "otaudit";
/** The dedicated PostgreSQL schema of the job queue (pg-boss). */
export const PG_QUEUE_SCHEMA = "otaudit_queue";

export interface Migration {
  version: number;
  name: string;
  sqlite: string;
  postgres: string;
}

const S = PG_SCHEMA;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "sweeps, devices (UNIQUE sweep_id, host), baselines",
    // the schema of every store file written before versioned migrations (user_version 1)
    sqlite: `
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
`,
    // json (not jsonb): keeps the exact text (key order, \\u0000 escapes of hostile device strings)
    postgres: `
CREATE TABLE ${S}.sweeps (
  id          text PRIMARY KEY,
  ord         bigint GENERATED ALWAYS AS IDENTITY,
  created_at  timestamptz NOT NULL,
  finished_at timestamptz,
  status      text NOT NULL CHECK (status IN ('running', 'done', 'interrupted')),
  targets     json NOT NULL,
  settings    json NOT NULL
);
CREATE TABLE ${S}.devices (
  sweep_id     text NOT NULL REFERENCES ${S}.sweeps (id),
  host         text NOT NULL,
  seq          integer NOT NULL,
  zone         text,
  completed_at timestamptz NOT NULL,
  result       json NOT NULL,
  UNIQUE (sweep_id, host)
);
CREATE INDEX devices_sweep_seq ON ${S}.devices (sweep_id, seq);
CREATE TABLE ${S}.baselines (
  name       text PRIMARY KEY,
  sweep_id   text NOT NULL,
  created_at timestamptz NOT NULL,
  snapshot   json NOT NULL
);
`,
  },
  {
    version: 2,
    name: "migrations table, devices.worker; zone limits, slot leases, sweep targets and workers (PostgreSQL)",
    sqlite: `
CREATE TABLE IF NOT EXISTS migrations (
  version      INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  applied_at   TEXT NOT NULL,
  tool_version TEXT NOT NULL
);
ALTER TABLE devices ADD COLUMN worker TEXT;
`,
    postgres: `
ALTER TABLE ${S}.devices ADD COLUMN worker text;
-- politeness across workers: scope ('zone:<name>' | 'global') -> devices at once
CREATE TABLE ${S}.limits (
  scope      text PRIMARY KEY,
  max_active integer NOT NULL CHECK (max_active >= 1),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- one row per slot of a scope; a worker holds a slot while it audits a device and renews it
-- (a dead worker's slot is free again once expires_at has passed)
CREATE TABLE ${S}.leases (
  scope      text NOT NULL,
  slot       integer NOT NULL,
  worker     text,
  lane       integer,
  expires_at timestamptz,
  PRIMARY KEY (scope, slot)
);
CREATE INDEX leases_worker ON ${S}.leases (worker) WHERE worker IS NOT NULL;
-- the targets of a distributed sweep, one row each: a worker reads its device by key (the sweep
-- row's target list of a 100,000-device sweep is tens of megabytes)
CREATE TABLE ${S}.sweep_targets (
  sweep_id text NOT NULL REFERENCES ${S}.sweeps (id),
  seq      integer NOT NULL,
  target   json NOT NULL,
  PRIMARY KEY (sweep_id, seq)
);
CREATE TABLE ${S}.workers (
  id           text PRIMARY KEY,
  zone         text NOT NULL,
  hostname     text NOT NULL,
  pid          integer NOT NULL,
  started_at   timestamptz NOT NULL,
  last_seen    timestamptz NOT NULL,
  stopped_at   timestamptz,
  devices_done integer NOT NULL DEFAULT 0
);
`,
  },
  {
    version: 3,
    name: "devices.txid: the storing transaction, the dashboard's commit-order cursor (PostgreSQL)",
    // SQLite has one writer at a time: rowid order is commit order already
    sqlite: `-- nothing: rowid order is commit order (one writer at a time)`,
    // several workers insert at once and a lower identity value can commit later than a higher one,
    // so a cursor over an identity could step past a device; the storing transaction's id (xid8,
    // PostgreSQL 13+) is final below the oldest running transaction (src/serve/pg-reader.ts)
    postgres: `
ALTER TABLE ${S}.devices ADD COLUMN txid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX devices_sweep_txid ON ${S}.devices (sweep_id, txid);
`,
  },
];

export const STORE_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Tables a SQLite store has at each version (a file missing one is not ours). */
export function sqliteTablesAt(version: number): string[] {
  return version >= 2 ? ["baselines", "devices", "migrations", "sweeps"] : ["baselines", "devices", "sweeps"];
}

/** Every table the store schema may hold in PostgreSQL at this otaudit's version. */
export const PG_TABLES = ["baselines", "devices", "leases", "limits", "migrations", "sweep_targets", "sweeps", "workers"];

/** The bookkeeping table, created before migration 1 (PostgreSQL). */
export const PG_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS ${S}.migrations (
  version      integer PRIMARY KEY,
  name         text NOT NULL,
  applied_at   timestamptz NOT NULL DEFAULT now(),
  tool_version text NOT NULL
)`;
