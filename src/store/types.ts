// The store interface every reader and writer of sweeps uses (sweep, --resume, report, baseline,
// workers, the dashboard): two backends implement it, SQLite (src/store/sqlite.ts, the embedded
// default; synchronous underneath) and PostgreSQL (src/store/postgres.ts, shared by a team and by
// zone workers). Methods return `Awaitable<T>`: callers always `await`, so both backends serve the
// same code. Guarantees of both: one transaction per device, UNIQUE(sweep_id, host) with an
// idempotent insert (a device is never stored twice), results stored with secrets scrubbed.
import { randomBytes } from "node:crypto";
import type { DeviceResult } from "../model/result.js";
import type { Severity } from "../model/common.js";

export type Awaitable<T> = T | Promise<T>;

/** How a distributed sweep's workers audit (what a local sweep takes from its own flags). */
export interface DistributedSettings {
  timeoutMs: number;
  discoveryTimeoutMs: number;
  /** false with --no-surface */
  surface: boolean;
  /** validated plugin options (ctx.options), never secrets */
  pluginOptions: Record<string, string | undefined>;
  deviceRate?: number;
  giveUpAfter: number;
  backoffBaseMs: number;
  /** devices audited at once across all workers */
  concurrency: number;
  /** zone -> devices at once in that zone ("*": every zone without its own) */
  zoneLimits: Record<string, number>;
  /** seconds a worker may hold a device's job; the worker stops the device before it runs out */
  leaseS: number;
}

export interface SweepSettings {
  intrusive: boolean;
  protocols: string[];
  failOn: Severity;
  /** present when the sweep's devices are audited by zone workers (`sweep --distribute`) */
  distributed?: DistributedSettings;
}

export type SweepStatus = "running" | "done" | "interrupted";

export interface SweepRow {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: SweepStatus;
  targets: unknown[];
  settings: SweepSettings;
}

/** A sweep without its target list (lists of sweeps; a 100,000-device sweep's targets are big). */
export interface SweepSummary {
  id: string;
  createdAt: string;
  finishedAt: string | null;
  status: SweepStatus;
  settings: SweepSettings;
  targetCount: number;
  deviceCount: number;
}

export interface StoredDevice {
  host: string;
  seq: number;
  zone: string | null;
  result: DeviceResult;
}

export interface BaselineRow {
  name: string;
  sweepId: string;
  createdAt: string;
  snapshot: unknown;
}

export interface SaveDeviceOptions {
  /** the worker that audited the device (distributed sweeps) */
  worker?: string;
}

export interface Store {
  /** "sqlite" or "postgres" */
  readonly kind: "sqlite" | "postgres";
  /** how to name this store in messages (a PostgreSQL URL without its password) */
  readonly label: string;
  close(): Awaitable<void>;

  createSweep(id: string, targets: unknown[], settings: SweepSettings): Awaitable<SweepRow>;
  getSweep(id: string): Awaitable<SweepRow | undefined>;
  /** the most recent sweep (optionally: the most recent one not finished) */
  latestSweep(unfinishedOnly?: boolean): Awaitable<SweepRow | undefined>;
  /** every sweep, newest first, without target lists */
  listSweeps(): Awaitable<SweepSummary[]>;
  finishSweep(id: string, status: "done" | "interrupted"): Awaitable<void>;

  /** one device's result in its own transaction; false when it was already stored */
  saveDevice(sweepId: string, seq: number, zone: string | undefined, result: DeviceResult, opts?: SaveDeviceOptions): Awaitable<boolean>;
  /** hosts stored for the sweep, lower-cased */
  doneHosts(sweepId: string): Awaitable<Set<string>>;
  /** every stored device of the sweep in target order */
  devices(sweepId: string): Awaitable<StoredDevice[]>;
  /** a page of stored devices in target order (dashboards: never the whole sweep at once) */
  devicePage(sweepId: string, offset: number, limit: number): Awaitable<StoredDevice[]>;
  deviceCount(sweepId: string): Awaitable<number>;
  getDevice(sweepId: string, host: string): Awaitable<StoredDevice | undefined>;

  saveBaseline(name: string, sweepId: string, snapshot: unknown): Awaitable<void>;
  getBaseline(name: string): Awaitable<BaselineRow | undefined>;
  listBaselines(): Awaitable<Omit<BaselineRow, "snapshot">[]>;
}

export function newSweepId(now = new Date()): string {
  return `sweep-${now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "")}-${randomBytes(3).toString("hex")}`;
}
