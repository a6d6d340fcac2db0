// StoreReader over the SQLite sweep store (src/store/store.ts): opened READ-ONLY (better-sqlite3
// `readonly`, after checkStoreFile refused anything that is not an otaudit store), own SELECTs only.
// Every query is served by the store's own indexes: the sweeps primary key, UNIQUE(sweep_id, host)
// for one device, and rowid order within a sweep for paging (no new index is needed).
import Database from "better-sqlite3";
import { existsSync } from "node:fs";
import { basename } from "node:path";
import { UsageError } from "../errors.js";
import { checkStoreFile } from "../store/store.js";
import type { DeviceResult } from "../model/result.js";
import type { BaselineSnapshot } from "../fleet/drift.js";
import type { BaselineInfo, DevicePage, DeviceRow, StoreReader, SweepInfo } from "./reader.js";

interface RawDevice {
  rid: number;
  host: string;
  seq: number;
  zone: string | null;
  result: string;
}

export class SqliteReader implements StoreReader {
  readonly label: string;
  private readonly db: Database.Database;
  private readonly stmts;

  constructor(readonly file: string) {
    if (!existsSync(file)) throw new UsageError(`--db ${file}: no such store`);
    checkStoreFile(file);
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
    } catch (e) {
      throw new UsageError(`--db ${file}: cannot open read-only (${(e as Error).message})`);
    }
    this.label = basename(file);
    this.stmts = {
      sweeps: this.db.prepare(
        "SELECT s.id, s.created_at, s.finished_at, s.status, (SELECT count(*) FROM devices d WHERE d.sweep_id = s.id) AS n FROM sweeps s ORDER BY s.created_at DESC, s.rowid DESC",
      ),
      page: this.db.prepare("SELECT rowid AS rid, host, seq, zone, result FROM devices WHERE sweep_id = ? AND rowid > ? ORDER BY rowid LIMIT ?"),
      device: this.db.prepare("SELECT rowid AS rid, host, seq, zone, result FROM devices WHERE sweep_id = ? AND host = ?"),
      baselines: this.db.prepare("SELECT name, sweep_id, created_at FROM baselines ORDER BY created_at DESC, name"),
      baseline: this.db.prepare("SELECT name, sweep_id, created_at, snapshot FROM baselines WHERE name = ?"),
    };
  }

  private row(r: RawDevice): DeviceRow {
    return { host: r.host, seq: r.seq, zone: r.zone, result: JSON.parse(r.result) as DeviceResult };
  }

  async sweeps(): Promise<SweepInfo[]> {
    const rows = this.stmts.sweeps.all() as { id: string; created_at: string; finished_at: string | null; status: SweepInfo["status"]; n: number }[];
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at, finishedAt: r.finished_at, status: r.status, devices: r.n }));
  }

  async devicePage(sweepId: string, after: number | null, limit: number): Promise<DevicePage> {
    const raw = this.stmts.page.all(sweepId, after ?? 0, limit) as RawDevice[];
    return { rows: raw.map((r) => this.row(r)), cursor: raw.length ? raw[raw.length - 1]!.rid : after, more: raw.length === limit };
  }

  async device(sweepId: string, host: string): Promise<DeviceRow | undefined> {
    const r = this.stmts.device.get(sweepId, host) as RawDevice | undefined;
    return r ? this.row(r) : undefined;
  }

  async baselines(): Promise<BaselineInfo[]> {
    const rows = this.stmts.baselines.all() as { name: string; sweep_id: string; created_at: string }[];
    return rows.map((r) => ({ name: r.name, sweepId: r.sweep_id, createdAt: r.created_at }));
  }

  async baseline(name: string): Promise<(BaselineInfo & { snapshot: BaselineSnapshot }) | undefined> {
    const r = this.stmts.baseline.get(name) as { name: string; sweep_id: string; created_at: string; snapshot: string } | undefined;
    return r ? { name: r.name, sweepId: r.sweep_id, createdAt: r.created_at, snapshot: JSON.parse(r.snapshot) as BaselineSnapshot } : undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
