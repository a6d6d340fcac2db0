// The plugin contract every protocol under probes/<id>/ implements, and the rule shape.
// A plugin's index module must stay light: zod schemas and rules only; the probe and the
// simulator load their protocol libraries lazily (dynamic import) so `otaudit --help` stays fast.
import type { z } from "zod";
import type { Logger } from "pino";
import type { ElementId, FindingStatus, SafetyClass, Severity } from "./model/common.js";
import type { FactsEnvelope, ServiceEndpoint } from "./model/facts.js";
import type { CredentialEntry } from "./config/credentials.js";

/** A check the probe performs, declared up front with its safety class (shown by `otaudit rules`). */
export interface CheckDecl {
  id: string;
  safety: SafetyClass;
  description: string;
}

/**
 * Pacing of intrusive default-credential attempts, shared by every protocol: at most `budget`
 * attempts per device and protocol (below common lockout thresholds), `delayMs` apart, stopping at
 * the first accepted credential. From --login-budget / --login-delay; plugins keep their defaults
 * when unset.
 */
export const LOGIN_BUDGET_DEFAULT = 3;
export const LOGIN_BUDGET_MAX = 5;

export function loginPacing(options: Record<string, string | undefined>, defaultDelayMs: number): { budget: number; delayMs: number } {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const budget = Math.min(LOGIN_BUDGET_MAX, int(options["login.budget"]) ?? LOGIN_BUDGET_DEFAULT);
  const delayMs = Math.min(60_000, int(options["login.delayMs"]) ?? defaultDelayMs);
  return { budget, delayMs };
}

export interface ProbeContext {
  /** every endpoint of this protocol on this device (usually one) */
  endpoints: ServiceEndpoint[];
  /** per network operation (connect, each request/response) */
  timeoutMs: number;
  /** aborted on the run deadline or Ctrl-C: stop and return what was gathered */
  signal: AbortSignal;
  /** the operator opted into intrusive checks (--intrusive) */
  intrusive: boolean;
  /** entries of the credentials file that match this protocol and host */
  credentials: CredentialEntry[];
  /** plugin options from the command line or inventory, e.g. modbus write-test address */
  options: Record<string, string | undefined>;
  /** child logger bound to device and protocol; log every network action with its safety class */
  log: Logger;
  /** throws if the named check's safety class is not allowed in this run (defence in depth) */
  assertAllowed(check: CheckDecl): void;
}

/**
 * A probe either returns its facts, or throws a ProbeFailure (see src/errors.ts) for the whole
 * protocol: `absent` (nothing listens on a default port), `unreachable`, `timeout`, `protocol`.
 */
export type ProbeFn<F> = (ctx: ProbeContext) => Promise<F>;

export interface RuleMeta {
  id: string; // "ssh.kex.weak"
  title: string;
  elements: ElementId[];
  iec62443: string[];
  severity: Severity;
  /** the safety class of the facts this rule needs; intrusive rules are skipped in default runs */
  safety: SafetyClass;
  remediation: string;
  docs: string;
}

export interface RuleOutcome {
  status: FindingStatus;
  message: string;
  evidence?: Record<string, unknown>;
  /** override the meta severity for this outcome (e.g. a near-expiry cert is lower than expired) */
  severity?: Severity;
  /** port the outcome concerns, when the facts cover several endpoints */
  port?: number;
}

export interface RuleContext<F> {
  facts: F;
  envelope: FactsEnvelope<F>;
  host: string;
  intrusive: boolean;
  /** credentials were supplied for this protocol and device (so credentialed facts are meaningful) */
  credentialed: boolean;
}

/**
 * A rule: data-like meta plus a pure check over typed facts (ESLint's rule shape). Return one
 * outcome, several (one per endpoint or item), or null when the rule does not apply.
 */
export interface Rule<F = any> {
  meta: RuleMeta;
  check(ctx: RuleContext<F>): RuleOutcome | RuleOutcome[] | null;
}

export function defineRule<F>(rule: Rule<F>): Rule<F> {
  return rule;
}

export interface RunningSimulator {
  /** service URLs, e.g. ["ssh://127.0.0.1:40123"] */
  urls: string[];
  stop(): Promise<void>;
  /** optional counters, e.g. requests by function code, auth attempts */
  stats?(): Record<string, unknown>;
}

export interface SimulatorOptions {
  host: string; // 127.0.0.1 unless told otherwise
  port?: number; // 0 / undefined = ephemeral
  /** per-scheme ports for plugins that serve several endpoints (e.g. { "modbus+tls": 802 }) */
  ports?: Record<string, number>;
  /** folder for simulator state (keys, PKI); never the user's home */
  stateDir: string;
}

export interface SimulatorDef<P = any> {
  profileSchema: z.ZodType<P>;
  start(profile: P, opts: SimulatorOptions): Promise<RunningSimulator>;
}

export interface DefaultPort {
  scheme: string;
  port: number;
}

/**
 * A product and version a probe observed on the device (banner, device identification, BuildInfo,
 * sysDescr), for version-based advisory matching (src/advisories). Facts only: never a verdict.
 */
export interface ObservedProduct {
  vendor?: string;
  /** product name as the device states it, e.g. "OpenSSH", "LX-100 PLC" */
  product?: string;
  /** a second product designation, e.g. the Modbus ProductCode "LX-100" */
  model?: string;
  version?: string;
  /** a distribution build, e.g. "Debian-2+deb12u3": distributions backport fixes without changing the upstream version */
  distribution?: string;
  /** free text that names the product (e.g. sysDescr), searched when vendor/product are not separate fields */
  text?: string;
  /** where the version was read, e.g. "ssh banner", "modbus device identification", "opcua BuildInfo", "snmp sysDescr" */
  source: string;
  /** the observed string(s) as received */
  raw: string;
  port?: number;
}

export interface ProtocolPlugin<F = any> {
  id: string; // "ssh"
  title: string;
  /** URL schemes this plugin answers for, e.g. ["modbus", "modbus+tls"] */
  schemes: string[];
  transport: "tcp" | "udp";
  /** ports probed for a bare host target */
  defaultPorts: DefaultPort[];
  /**
   * How many endpoints of this protocol one probe run can audit on a device (absent = any). More
   * named services than that is a usage error rather than a silently unaudited service.
   */
  maxEndpoints?: number;
  /** bumped when the facts the probe records change meaning; recorded fixtures carry it */
  version: string;
  factsSchema: z.ZodType<F>;
  checks: CheckDecl[];
  rules: Rule<F>[];
  probe: ProbeFn<F>;
  simulator?: SimulatorDef;
  /** remove secrets and volatile data before a fixture is recorded (optional) */
  redactFacts?(facts: F): F;
  /** derive a simulator profile section from recorded facts, for `otaudit simulate RECORDING` */
  profileFromFacts?(facts: F): unknown;
  /** products and versions the facts show (pure; for version-based advisories, elements 11 and 12) */
  identify?(facts: F): ObservedProduct[];
}

export function definePlugin<F>(p: ProtocolPlugin<F>): ProtocolPlugin<F> {
  return p;
}
