// The sweep store's public face: the Store interface (src/store/types.ts) with its two backends,
// SQLite (src/store/sqlite.ts: SweepStore, the default, one file) and PostgreSQL
// (src/store/postgres.ts: PgStore, shared by a team and by zone workers), versioned migrations
// (src/store/migrations.ts), opening by --db / --db-env (open.ts, db-url.ts) and the result
// document of a stored sweep (document.ts). Importers of this module get SQLite only; PostgreSQL
// and `pg` load when a postgres:// URL is opened.
import { SweepStore } from "./sqlite.js";
import { buildSweepDocument } from "./document.js";
import { UsageError } from "../errors.js";
import type { ResultDocument } from "../model/result.js";

export * from "./types.js";
export { SweepStore, checkStoreFile, isSqliteFile, migrateSqlite } from "./sqlite.js";
export { buildSweepDocument, loadSweepDocument } from "./document.js";
export { openStore, openStoreSpec } from "./open.js";
export { resolveDb, dbLabel, isPostgresUrl, type DbSpec, type DbFlags } from "./db-url.js";

/**
 * Read a sweep back from a SQLite store file as a result document (synchronously). Without
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
