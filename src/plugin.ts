// The plugin contract every protocol under probes/<id>/ implements, and the rule shape.
// A plugin's index module must stay light: zod schemas and rules only; the probe and the
// simulator load their protocol libraries lazily (dynamic import) so `otaudit --help` stays fast.
import type { z } from "zod";
import type { Logger } from "pino";
import type { ElementId, FindingStatus, SafetyClass, Severity, UndeterminedReason } from "./model/common.js";
import type { FactsEnvelope, ServiceEndpoint } from "./model/facts.js";

/** A check the probe performs, declared up front with its safety class (shown by `otaudit rules`). */
export interface CheckDecl {
  id: string;
  safety: SafetyClass;
  description: string;
  /**
   * The exact values this check puts on the wire (community strings, user names, unit ids), read
   * from the plugin's data when called: `otaudit rules --sends` and the README show them, and a
   * device-side test compares them with what the probe really sends.
   */
  sends?(): string[];
}

/**
 * Pacing of intrusive default-credential attempts, shared by every protocol: at most `budget`
 * attempts per device and protocol (below common lockout thresholds), `delayMs` apart, stopping at
 * the first accepted credential. From --login-budget / --login-delay; plugins keep their defaults
 * when unset.
 */
export const LOGIN_BUDGET_DEFAULT = 3;
export const LOGIN_BUDGET_MAX = 5;
export const LOGIN_DELAY_MAX_MS = 60_000;

export function loginPacing(options: Record<string, string | undefined>, defaultDelayMs: number): { budget: number; delayMs: number } {
  const int = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  const budget = Math.min(LOGIN_BUDGET_MAX, int(options["login.budget"]) ?? LOGIN_BUDGET_DEFAULT);
  const delayMs = Math.min(LOGIN_DELAY_MAX_MS, int(options["login.delayMs"]) ?? defaultDelayMs);
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
  /**
   * entries of the credentials file that match this plugin's kinds and this host, validated with
   * the plugin's own `credentials` declaration (env resolved, paths absolute); the plugin narrows
   * them to its typed entry (see probes/<id>/declarations.ts)
   */
  credentials: PluginCredentialEntry[];
  /** plugin options (`<plugin id>.<key>`) from the flags its `options` declare, plus login.* pacing */
  options: Record<string, string | undefined>;
  /** child logger bound to device and protocol; log every network action with its safety class */
  log: Logger;
  /** throws if the named check's safety class is not allowed in this run (defence in depth) */
  assertAllowed(check: CheckDecl): void;
  /**
   * Hand the core the facts gathered so far, at a consistent point (after each phase). When the
   * probe is capped, aborted or crashes later, or its final facts fail validation, the core keeps
   * this checkpoint (if it validates) marked `incomplete`: nothing learned is lost, and no pass is
   * drawn from it (passes become `undetermined` / `incomplete`).
   */
  checkpoint(partial: unknown): void;
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

interface OutcomeBase {
  message: string;
  /** override the meta severity for this outcome (e.g. a near-expiry cert is lower than expired) */
  severity?: Severity;
  /** port the outcome concerns, when the facts cover several endpoints */
  port?: number;
}

/**
 * A rule's outcome. A `pass` must carry positive evidence (what was observed that makes it good):
 * the engine turns a pass with empty evidence into `undetermined` (reason `no-evidence`). An
 * `undetermined` outcome names its reason. Build outcomes with the helpers in src/rule-kit.ts.
 */
export type RuleOutcome =
  | (OutcomeBase & { status: "pass"; evidence: Record<string, unknown>; reason?: undefined })
  | (OutcomeBase & { status: "undetermined"; reason: UndeterminedReason; evidence?: Record<string, unknown> })
  | (OutcomeBase & { status: Exclude<FindingStatus, "pass" | "undetermined">; evidence?: Record<string, unknown>; reason?: UndeterminedReason });

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
// biome-ignore lint/suspicious/noExplicitAny: the registry holds plugins of every facts type; each plugin is checked with its own
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

// biome-ignore lint/suspicious/noExplicitAny: the registry holds plugins of every facts type; each plugin is checked with its own
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

// ---- Plugin contract v2: what a plugin declares so the core never names a protocol ----

/**
 * A command-line option of a plugin (ESLint's `meta.schema` is the model). The core builds the
 * commander flag `--<plugin id>-<name>` (e.g. `--<id>-write`), its help line and its validation
 * from this, and hands the validated string to the probe as `ctx.options["<plugin id>.<key>"]`.
 */
export interface PluginOptionDecl {
  /** kebab-case name; the flag is `--<plugin id>-<name>` */
  name: string;
  /** placeholder shown in --help, e.g. "unit:type:address" */
  valueName: string;
  description: string;
  /** validates the raw value; the first issue's message becomes `--flag: message` (exit 2) */
  schema: z.ZodType<string>;
  /** the option (or this value of it) only makes sense with --intrusive: without it, exit 2 */
  requiresIntrusive?: boolean | ((value: string) => boolean);
  /** why it needs --intrusive, for the error line (e.g. "a write-back test is intrusive") */
  intrusiveNote?: string;
  /** the ctx.options key after `<plugin id>.` (default: the name in camelCase, `write-oid` -> `writeOid`) */
  key?: string;
  /**
   * several ctx.options entries from one value (keys after `<plugin id>.`), e.g. `all` ->
   * `{ sweep: "full" }`; without it the value goes to `key`
   */
  expand?(value: string): Record<string, string>;
}

/**
 * The credentials-file entries a plugin takes. The core builds the file's schema from every
 * plugin's declaration: `{ protocol: <kind>, host?: selector, ...fields }` (strict), accepts
 * `<secret>Env` (an environment variable name) beside every secret field, registers secrets for
 * scrubbing and resolves path fields relative to the credentials file.
 */
export interface PluginCredentialsDecl {
  /** the `protocol:` values this plugin answers for (usually [id]; a variant such as "<id>-tls") */
  kinds: string[];
  /**
   * zod fields of one entry besides `protocol` and `host`. A secret field may be given in the file
   * as `<field>` or as `<field>Env` (an environment variable name); its schema here applies to the
   * resolved value (`z.string()` accepts an empty password, `z.string().min(1)` does not).
   */
  fields: z.ZodRawShape;
  /** fields that hold secrets (an empty string is a value, e.g. an empty password); registered for scrubbing */
  secrets: string[];
  /** fields that hold file paths (resolved against the credentials file; read before any network work) */
  paths?: string[];
  /**
   * cross-field checks after env resolution; `files` holds the contents of the path fields that are
   * set (read by the core). Return messages `field: message` (path relative to the entry).
   */
  validate?(entry: PluginCredentialEntry, files: Readonly<Record<string, Buffer>>): string[];
}

/** A credentials-file entry as the probe receives it (v2): env resolved, paths absolute. */
export interface PluginCredentialEntry {
  protocol: string;
  host?: string;
  [field: string]: unknown;
}

/** A plugin's typed view of its entries: the fields it declared, as the core validated them. */
export type TypedCredentialEntry<Fields extends z.ZodRawShape> = z.infer<z.ZodObject<Fields>> & { protocol: string; host?: string };

/**
 * The entries of one kind, typed by the plugin's own `fields` declaration. The core validated every
 * entry against those fields before any probe runs, so this is a narrowing, not a second parse.
 */
export function credentialsOfKind<Fields extends z.ZodRawShape>(
  entries: readonly PluginCredentialEntry[],
  kind: string,
  _fields: Fields,
): TypedCredentialEntry<Fields>[] {
  return entries.filter((e) => e.protocol === kind) as unknown as TypedCredentialEntry<Fields>[];
}

/** An answer to a plugin's UDP discovery (e.g. an engine discovery request). */
export interface UdpDiscoveryAnswer {
  /** closed: the host said the port is unreachable (ICMP) */
  state: "answered" | "closed" | "timeout" | "error";
  /** facts worth keeping for the device's discovery record (enterprise number, engine id) */
  detail?: Record<string, unknown>;
}

/** How a sweep and `scan HOST` find this plugin's services. TCP: a clean connect to `defaultPorts`. */
export interface PluginDiscoveryDecl {
  /**
   * UDP services answer nothing to a connect: the plugin sends one safe discovery request (no
   * secret, no state change). Without it a UDP plugin is always handed to its probe (silence on
   * UDP proves nothing).
   */
  udp?(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<UdpDiscoveryAnswer>;
  /** schemes whose wire protocol is cleartext (no TLS, no secure channel of its own) */
  cleartextSchemes?: string[];
}

/** How strongly remote access to a service is authenticated, as the facts show it. */
export type AuthFactors = "mfa-verified" | "single-factor" | "none" | "unknown";

/**
 * Typed data fleet rules, the surface view and the dashboard read (never rule ids or fact paths).
 * Labels only, never secrets.
 */
export interface FleetSignals {
  /** services that give remote (interactive or engineering) access, with their auth factors */
  remoteAccess?: { scheme: string; port: number | null; factors: AuthFactors; detail: string }[];
  /** default credentials or communities the device accepted; `key` groups the same one across devices */
  defaultCredentials?: { scheme: string; port: number | null; key: string; label: string; source?: string }[];
  /** default-credential checks that ran and how many entries they tried (so "none accepted" has evidence) */
  defaultCredentialChecks?: { scheme: string; port: number | null; tried: number }[];
  /** cleartext channels in use: `credentials` when secrets would cross them */
  cleartext?: { scheme: string; port: number | null; carries: "management" | "control" | "data" | "credentials"; detail: string }[];
  /** keys and certificates that identify the device (shared ones are a fleet finding) */
  keys?: { kind: "host-key" | "x509-certificate" | "other"; fingerprint: string; scheme: string; port: number | null; label: string }[];
}

/**
 * What a policy clause about an offered set is about (src/policy): each maps to one policy rule
 * (`policy.<concern>`) whose elements and IEC 62443 references the Secure by Demand spec gives.
 * cryptography: algorithms, cipher suites, security policies and modes; protocol-version: protocol
 * versions and variants (plain or secured); authentication: authentication methods, token types,
 * security levels; exposure: services and functions offered at all.
 */
export type PolicySetConcern = "cryptography" | "protocol-version" | "authentication" | "exposure";

/** A named set of what a device offers (plugin declaration, for policies). */
export interface PolicySetDecl {
  /** what the set holds, e.g. "key exchange algorithms" */
  title: string;
  concern: PolicySetConcern;
}

/**
 * What a device offers in one named set, as its facts show it. `complete`: the facts show the whole
 * set (every value the device offers is listed); otherwise `offered` is only what was seen (a lower
 * bound) and `note` says why, so an allow-list can fail on it but never pass.
 */
export interface PolicyOffer {
  offered: string[];
  complete: boolean;
  note?: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds plugins of every facts type; each plugin is checked with its own
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
  /** CLI options (v2): flags, help and validation are built by the core */
  options?: PluginOptionDecl[];
  /** credentials-file entries (v2) */
  credentials?: PluginCredentialsDecl;
  /** discovery (v2): UDP discovery, cleartext schemes */
  discovery?: PluginDiscoveryDecl;
  /** fleet signals derived from the facts (v2, pure) */
  signals?(facts: F, endpoints: readonly ServiceEndpoint[]): FleetSignals;
  /** remove secrets and volatile data before a fixture is recorded (optional) */
  redactFacts?(facts: F): F;
  /** derive a simulator profile section from recorded facts, for `otaudit simulate RECORDING` */
  profileFromFacts?(facts: F): unknown;
  /** products and versions the facts show (pure; for version-based advisories, elements 11 and 12) */
  identify?(facts: F): ObservedProduct[];
  /** the named sets of what a device offers that policies can allow, deny or require (src/policy) */
  policySets?: Readonly<Record<string, PolicySetDecl>>;
  /**
   * What the device offers per declared set (pure). A set the facts do not show (not observed,
   * the check errored) is left out: a policy clause on it is `undetermined`, never a pass.
   */
  policyFacts?(facts: F): Record<string, PolicyOffer>;
}

export function definePlugin<F>(p: ProtocolPlugin<F>): ProtocolPlugin<F> {
  return p;
}
