// The dashboard's read interface over a sweep store (issue 19; issue 18 adds PostgreSQL). `otaudit
// serve` reads ONLY through this: a backend implements these few read-only calls and the whole
// dashboard (index, filters, drift, device pages, CSV) works on it. Nothing here writes. Every
// method is async so a network database fits; the SQLite and result-document readers answer at once.
import type { DeviceResult } from "../model/result.js";
import type { FleetSection } from "../fleet/model.js";
import type { BaselineSnapshot } from "../fleet/drift.js";

export interface SweepInfo {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: "running" | "done" | "interrupted";
  /** devices stored so far */
  devices: number;
}

export interface BaselineInfo {
  name: string;
  sweepId: string;
  createdAt: string;
}

export interface DeviceRow {
  host: string;
  /** position in the sweep's target order */
  seq: number;
  zone: string | null;
  result: DeviceResult;
}

/** One page of a sweep's devices in storage order, with the cursor to ask for the next page. */
export interface DevicePage {
  rows: DeviceRow[];
  /** the last row's cursor (or `after` when no row came): pass it back as `after` */
  cursor: number | null;
  /** false when the page came back short: nothing more is stored yet */
  more: boolean;
}

export interface StoreReader {
  /** what is served, for the page header (a file name or a database name; never a password) */
  readonly label: string;
  /** every sweep, newest first */
  sweeps(): Promise<SweepInfo[]>;
  /**
   * A sweep's devices in storage (insertion) order, `limit` at a time after the cursor `after`
   * (null: from the start). The cursor only grows as devices are added, so a running sweep is
   * followed by asking again from the last cursor (SQLite: rowid; PostgreSQL: a serial column).
   */
  devicePage(sweepId: string, after: number | null, limit: number): Promise<DevicePage>;
  /** one device of a sweep by host (exact match), or undefined */
  device(sweepId: string, host: string): Promise<DeviceRow | undefined>;
  baselines(): Promise<BaselineInfo[]>;
  /** a baseline's snapshot (src/fleet/drift.ts), or undefined */
  baseline(name: string): Promise<(BaselineInfo & { snapshot: BaselineSnapshot }) | undefined>;
  /** the fleet section a result document carries (documents only; a store's is computed) */
  storedFleet?(sweepId: string): Promise<FleetSection | undefined>;
  /** document-level parts a result document carries (vendor evidence applied, waivers) */
  documentExtras?(sweepId: string): Promise<{ evidence?: unknown[]; waivers?: unknown } | undefined>;
  close(): Promise<void>;
}
