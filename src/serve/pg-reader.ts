// StoreReader over the PostgreSQL store (src/store/postgres.ts): opened READ-ONLY (the schema is
// inspected, never created or migrated; only SELECTs on schema `otaudit`), on a pool of two
// connections. A running sweep is followed in COMMIT order: several workers store devices at once
// and an identity value taken early can commit after a higher one, so the cursor is the storing
// transaction's id (devices.txid, migration 3), and a page holds only rows whose transaction is below
// the oldest transaction still running (pg_snapshot_xmin of the statement's own snapshot): every
// such transaction has ended, so no row can appear later below the cursor. A long transaction
// elsewhere in the cluster only delays new devices (the index catches up when it ends).
import { UsageError } from "../errors.js";
import type { DeviceResult } from "../model/result.js";
import type { BaselineSnapshot } from "../fleet/drift.js";
import { PG_SCHEMA } from "../store/migrations.js";
import type { PgSpec, PgStore } from "../store/postgres.js";
import type { BaselineInfo, DevicePage, DeviceRow, StoreReader, SweepInfo } from "./reader.js";

const S = PG_SCHEMA;
/** the store version that has devices.txid */
export const PG_READER_MIN_VERSION = 3;

const iso = (d: unknown): string => (d instanceof Date ? d.toISOString() : String(d));

export class PgReader implements StoreReader {
  readonly label: string;

  private constructor(private readonly store: PgStore) {
    this.label = store.label;
  }

  static async open(spec: PgSpec): Promise<PgReader> {
    const { openPgStore } = await import("../store/open.js");
    const store = await openPgStore(spec, { readonly: true, poolMax: 2 });
    if (store.version < PG_READER_MIN_VERSION) {
      await store.close();
      throw new UsageError(
        `${spec.flag}: store version ${store.version} predates the dashboard's reader (version ${PG_READER_MIN_VERSION}); any read-write command migrates it (a worker, otaudit sweep, otaudit baseline save)`,
      );
    }
    return new PgReader(store);
  }

  private row(r: Record<string, unknown>): DeviceRow {
    // json columns come back parsed (the exact stored text, see migration 1)
    return { host: String(r.host), seq: Number(r.seq), zone: (r.zone as string | null) ?? null, result: r.result as DeviceResult };
  }

  async sweeps(): Promise<SweepInfo[]> {
    const r = await this.store.q(
      `SELECT s.id, s.created_at, s.finished_at, s.status, (SELECT count(*) FROM ${S}.devices d WHERE d.sweep_id = s.id) AS n
         FROM ${S}.sweeps s ORDER BY s.created_at DESC, s.ord DESC`,
    );
    return r.rows.map((x) => ({
      id: String(x.id),
      createdAt: iso(x.created_at),
      finishedAt: x.finished_at == null ? null : iso(x.finished_at),
      status: x.status as SweepInfo["status"],
      devices: Number(x.n),
    }));
  }

  async devicePage(sweepId: string, after: number | null, limit: number): Promise<DevicePage> {
    const from = String(after ?? 0);
    const r = await this.store.q(
      `SELECT d.txid::text AS txid, d.host, d.seq, d.zone, d.result
         FROM ${S}.devices d
        WHERE d.sweep_id = $1 AND d.txid > $2::xid8 AND d.txid < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY d.txid, d.host LIMIT $3`,
      [sweepId, from, limit],
    );
    const rows = r.rows;
    const more = rows.length === limit;
    if (more) {
      // a transaction that stored several devices is never split by the cursor: its rest comes now
      const last = rows[rows.length - 1]!;
      const rest = await this.store.q(
        `SELECT d.txid::text AS txid, d.host, d.seq, d.zone, d.result FROM ${S}.devices d WHERE d.sweep_id = $1 AND d.txid = $2::xid8 AND d.host > $3 ORDER BY d.host`,
        [sweepId, last.txid, last.host],
      );
      rows.push(...rest.rows);
    }
    const cursor = rows.length ? Number(rows[rows.length - 1]!.txid) : after;
    return { rows: rows.map((x) => this.row(x)), cursor, more };
  }

  async device(sweepId: string, host: string): Promise<DeviceRow | undefined> {
    const r = await this.store.q(`SELECT host, seq, zone, result FROM ${S}.devices WHERE sweep_id = $1 AND host = $2`, [sweepId, host]);
    return r.rows[0] ? this.row(r.rows[0]) : undefined;
  }

  async baselines(): Promise<BaselineInfo[]> {
    return this.store.listBaselines();
  }

  async baseline(name: string): Promise<(BaselineInfo & { snapshot: BaselineSnapshot }) | undefined> {
    return (await this.store.getBaseline(name)) as (BaselineInfo & { snapshot: BaselineSnapshot }) | undefined;
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}
