// The option types of every command, declared once: commands/*.ts declare the flags and import
// these types; the *-run.ts modules that do the work import them from here too (no type circle
// between a command module and the module it loads lazily).
import type { LOG_LEVELS } from "./options.js";
import type { SeverityName } from "../model/vocabulary.js";

/** Flags of addAuditOptions (scan, sweep, record). Plugin flags (`--<id>-<name>`) come on top, by attribute name. */
export interface AuditCliOptions {
  protocols?: string[];
  timeout: number;
  concurrency: number;
  deadline?: number;
  credentials?: string;
  intrusive: boolean;
  loginBudget?: number;
  loginDelay?: number;
  /** false with --no-surface: no connects to the surface ports of a bare host */
  surface?: boolean;
  log?: string;
  logLevel?: (typeof LOG_LEVELS)[number];
  color: boolean;
}

/** Flags of addOutputOptions (scan, sweep). */
export interface OutputCliOptions {
  json?: string;
  failOn: SeverityName;
  /** also exit 1 on error and undetermined findings */
  failOnError?: boolean;
  format?: string[];
  out?: string;
  evidence?: string;
  waivers?: string;
  advisories?: string[];
  /** a policy file or the name of a built-in policy (src/policy) */
  policy?: string;
}

export interface ScanOptions extends AuditCliOptions, OutputCliOptions {
  fromFacts?: string;
}

export interface SweepOptions extends ScanOptions {
  /** a SQLite file or a postgres:// URL */
  db?: string;
  /** environment variable holding the --db value */
  dbEnv?: string;
  /** zone workers audit the devices (PostgreSQL store) */
  distribute: boolean;
  /** seconds a worker may hold one device's job (default: from the timeouts) */
  lease?: number;
  resume: boolean;
  sweepId?: string;
  yes: boolean;
  maxRange: number;
  discoveryTimeout: number;
  deviceRate?: number;
  zoneLimit?: string;
  giveUpAfter: number;
  baseline?: string;
  progress: boolean;
}

export type RecordOptions = Omit<ScanOptions, "out" | "format" | "failOn" | "evidence" | "waivers" | "fromFacts" | "policy"> & {
  out: string;
  transcripts?: string;
};

export interface BaselineOptions {
  db?: string;
  dbEnv?: string;
  sweep?: string;
  name: string;
  json?: string;
}

export interface CompareOptions {
  out: string;
  weights?: string;
  format: string[];
  /** a sweep store whose devices join the comparison (SQLite file or postgres:// URL) */
  db?: string;
  dbEnv?: string;
  sweep?: string;
}

export interface ReportOptions {
  format: string[];
  out: string;
  evidence?: string;
  waivers?: string;
  policy?: string;
  failOn?: SeverityName;
  failOnError?: boolean;
  sweep?: string;
  /** read the sweep from this sweep store */
  db?: string;
  dbEnv?: string;
}

/** `otaudit worker` */
export interface WorkerCliOptions {
  db?: string;
  dbEnv?: string;
  zone: string;
  concurrency: number;
  exitWhenIdle: boolean;
  intrusive: boolean;
  credentials?: string;
  advisories?: string[];
  name?: string;
  log?: string;
  logLevel?: (typeof LOG_LEVELS)[number];
}

/** `otaudit sweep status` */
export interface SweepStatusOptions {
  db?: string;
  dbEnv?: string;
  sweepId?: string;
  json?: string;
}

export interface RfpOptions {
  out: string;
  weights?: string;
}

export interface SimulateOptions {
  host: string;
  device?: string;
  protocols?: string[];
  /** scheme=port pairs, e.g. ["ssh=2222", "modbus=5020"] */
  port?: string[];
  defaultPorts: boolean;
}

export interface ServeCliOptions {
  db?: string;
  dbEnv?: string;
  host: string;
  port: number;
  /** file holding the API token (or OTAUDIT_SERVE_TOKEN); the token itself is never an argument */
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsClientCa?: string;
}

export interface PolicyMakeOptions {
  out?: string;
  device?: string;
  name?: string;
  force: boolean;
}
