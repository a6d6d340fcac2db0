// The audit pipeline for live targets: scheduler -> probes -> facts envelopes -> rules -> scoring.
// Devices run under a global concurrency limit; within a device, protocols run one after another
// (one polite connection at a time). Every probe gets a per-operation timeout and an abort signal
// that fires on the run deadline or Ctrl-C; the core also caps each probe as a safety net.
import pLimit from "p-limit";
import type { Logger } from "pino";
import { ProbeFailure } from "../errors.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import { newResultDocument } from "../model/result.js";
import type { Severity } from "../model/common.js";
import type { CheckDecl, ProbeContext, ProtocolPlugin } from "../plugin.js";
import { credentialsFor, type CredentialEntry } from "../config/credentials.js";
import type { SurfacePort } from "../../probes/surface.js";
import { DevicePacer } from "../sweep/politeness.js";
import { discoverDevice, surfaceEntry } from "./discovery.js";
import { runRules } from "./rules.js";
import { surfaceFindings } from "./surface-rules.js";
import { SURFACE_FACTS, surfaceEnvelope, unauditedByElement } from "./surface.js";
import { deviceScore, scoreElements, type Attestations } from "./scoring.js";
import type { DeviceSpec } from "./targets.js";
import { TOOL_VERSION } from "../version.js";
import type { AdvisorySet } from "../advisories/model.js";
import { advisoryFindings, observeProducts } from "../advisories/match.js";

export interface AuditOptions {
  plugins: ProtocolPlugin[];
  /** the result's `protocols` (default: the plugins' ids): every enabled protocol, loaded or not */
  protocols?: readonly string[];
  timeoutMs: number;
  concurrency: number;
  intrusive: boolean;
  credentials: CredentialEntry[];
  failOn: Severity;
  log: Logger;
  /** aborts the whole run (deadline, Ctrl-C); devices not started are left out, gathered ones kept */
  signal?: AbortSignal;
  pluginOptions?: Record<string, string | undefined>;
  /** bare host targets: the surface ports to connect to before the plugins run (none: no surface view) */
  surface?: readonly SurfacePort[];
  attestations?: (device: DeviceSpec) => Attestations;
  /** advisories supplied offline (--advisories): version-based findings for elements 11 and 12 */
  advisories?: AdvisorySet;
  onDeviceDone?: (d: DeviceResult) => void;
  /** a probe starts, or ends with its envelope (for --verbose progress; src/cli/ui.ts) */
  onProbe?: (e: { host: string; protocol: string; envelope?: FactsEnvelope }) => void;
}

/** A probe may take several operations; the core stops waiting after this many timeouts. */
export const PROBE_CAP_FACTOR = 12;
/**
 * After the cap fires (or the run is aborted) the probe is told to stop through its signal; the
 * core then waits up to this long for it to close its connections, so the next protocol never
 * opens a second connection to the device while the first is still closing.
 */
export const SETTLE_GRACE_MS = 5000;

export async function probeDevice(device: DeviceSpec, plugin: ProtocolPlugin, opts: AuditOptions): Promise<FactsEnvelope> {
  opts.onProbe?.({ host: device.host, protocol: plugin.id });
  const envelope = await probeDeviceInner(device, plugin, opts);
  opts.onProbe?.({ host: device.host, protocol: plugin.id, envelope });
  return envelope;
}

async function probeDeviceInner(device: DeviceSpec, plugin: ProtocolPlugin, opts: AuditOptions): Promise<FactsEnvelope> {
  const endpoints = device.endpoints.filter((e) => e.protocol === plugin.id);
  const startedAt = new Date();
  const log = opts.log.child({ device: device.host, protocol: plugin.id });
  const cap = new AbortController();
  const signal = opts.signal ? AbortSignal.any([opts.signal, cap.signal]) : cap.signal;
  let lastCheckpoint: unknown;
  const ctx: ProbeContext = {
    endpoints,
    timeoutMs: opts.timeoutMs,
    signal,
    intrusive: opts.intrusive,
    credentials: credentialsFor(opts.credentials, plugin.id, device.host, opts.plugins),
    options: opts.pluginOptions ?? {},
    log,
    assertAllowed(check: CheckDecl) {
      if (check.safety === "intrusive" && !opts.intrusive) throw new Error(`check ${check.id} is intrusive and was not enabled`);
    },
    checkpoint(partial: unknown) {
      lastCheckpoint = partial;
    },
  };
  const base = { protocol: plugin.id, endpoints, startedAt: startedAt.toISOString(), probeVersion: plugin.version };
  const elapsed = () => Date.now() - startedAt.getTime();
  /** The last checkpoint, if it validates: the facts gathered before the probe stopped. */
  const salvage = (code: string, message: string): FactsEnvelope | undefined => {
    if (lastCheckpoint === undefined) return undefined;
    const parsed = plugin.factsSchema.safeParse(lastCheckpoint);
    if (!parsed.success) return undefined;
    log.info({ code }, "probe stopped early; keeping the facts of its last checkpoint");
    return { ...base, status: "ok", durationMs: elapsed(), data: parsed.data, incomplete: { code, message } };
  };
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  try {
    const capMs = opts.timeoutMs * PROBE_CAP_FACTOR;
    const capped = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cap.abort();
        reject(new ProbeFailure("timeout", `probe did not finish within ${capMs} ms`));
      }, capMs);
    });
    running = plugin.probe(ctx);
    const data = await Promise.race([running, capped]);
    running = undefined;
    const parsed = plugin.factsSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      log.error({ issue }, "probe facts failed validation");
      const message = `facts failed validation at ${issue.path.join(".")}: ${issue.message}`;
      return salvage("internal", message) ?? { ...base, status: "error", durationMs: elapsed(), error: { code: "internal", message } };
    }
    return { ...base, status: "ok", durationMs: elapsed(), data: parsed.data };
  } catch (e) {
    const err = e as Error;
    if (err instanceof ProbeFailure) {
      const status = err.code === "absent" ? "absent" : err.code === "unreachable" ? "unreachable" : "error";
      log.info({ code: err.code }, err.message);
      return (
        (status === "error" ? salvage(err.code, err.message) : undefined) ?? {
          ...base,
          status,
          durationMs: elapsed(),
          error: { code: err.code, message: err.message },
        }
      );
    }
    log.error({ err: err.message }, "probe crashed");
    return salvage("internal", err.message) ?? { ...base, status: "error", durationMs: elapsed(), error: { code: "internal", message: err.message } };
  } finally {
    clearTimeout(timer);
    cap.abort();
    if (running) await settle(running, Math.min(SETTLE_GRACE_MS, opts.timeoutMs * 2), log);
  }
}

/** Wait (bounded) for an aborted probe to finish closing its connections. */
async function settle(probe: Promise<unknown>, graceMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    probe.then(
      () => true,
      () => true,
    ),
    new Promise<false>((r) => (timer = setTimeout(() => r(false), graceMs))),
  ]);
  clearTimeout(timer);
  if (!settled) log.warn({ graceMs }, "probe did not settle after abort; moving on");
}

/** Consecutive unanswered surface connects after which the rest are skipped (a silent host). */
const SURFACE_GIVE_UP_AFTER = 3;

/**
 * `scan HOST`: the same polite connects to the surface ports as a sweep's discovery (one at a time,
 * clean close), except ports a plugin audits on this device. Each waits at most --timeout.
 */
async function surveySurface(device: DeviceSpec, opts: AuditOptions): Promise<FactsEnvelope | undefined> {
  const taken = new Set(device.endpoints.filter((e) => e.transport === "tcp").map((e) => e.port));
  const tcp = (opts.surface ?? []).filter((s) => !taken.has(s.port)).map(surfaceEntry);
  if (!device.surface || tcp.length === 0 || opts.signal?.aborted) return undefined;
  const startedAt = new Date();
  const pacer = new DevicePacer({ giveUpAfter: SURFACE_GIVE_UP_AFTER, backoffBaseMs: 0 });
  opts.log
    .child({ device: device.host })
    .info({ action: "surface", safety: "passive", ports: tcp.map((t) => t.port) }, "TCP connect with a clean close to the surface ports");
  const found = await discoverDevice(device.address, { tcp, udp: [] }, opts.timeoutMs, pacer, opts.signal);
  return surfaceEnvelope(startedAt, found);
}

export async function auditDevice(device: DeviceSpec, opts: AuditOptions): Promise<DeviceResult> {
  const facts: Record<string, FactsEnvelope> = {};
  const surface = await surveySurface(device, opts);
  if (surface) facts[SURFACE_FACTS] = surface;
  for (const plugin of opts.plugins) {
    if (!device.endpoints.some((e) => e.protocol === plugin.id)) continue;
    if (opts.signal?.aborted) break;
    facts[plugin.id] = await probeDevice(device, plugin, opts);
  }
  return assessDevice(device, facts, {
    plugins: opts.plugins,
    intrusive: opts.intrusive,
    credentialed: (pluginId) => credentialsFor(opts.credentials, pluginId, device.host, opts.plugins).length > 0,
    attestations: opts.attestations?.(device),
    advisories: opts.advisories,
  });
}

export interface AssessOptions {
  plugins: readonly ProtocolPlugin[];
  intrusive: boolean;
  /** credentials were supplied for this protocol on this device */
  credentialed: (pluginId: string) => boolean;
  attestations?: Attestations;
  /** supplied advisories; without them no advisory finding is made (elements 11/12 stay unverified) */
  advisories?: AdvisorySet;
}

/**
 * Facts -> findings -> element verdicts for one device. Live audits and recorded-facts replay
 * (src/fixtures/replay.ts) both come through here, so they run identical rule code.
 */
export function assessDevice(device: Pick<DeviceSpec, "host" | "name" | "endpoints">, facts: Record<string, FactsEnvelope>, opts: AssessOptions): DeviceResult {
  const findings = [];
  for (const plugin of opts.plugins) {
    const envelope = facts[plugin.id];
    if (!envelope) continue;
    findings.push(...runRules(plugin, envelope, { host: device.host, intrusive: opts.intrusive, credentialed: opts.credentialed(plugin.id) }));
  }
  if (opts.advisories) {
    const { observed, problems } = observeProducts(opts.plugins, facts);
    findings.push(...advisoryFindings(observed, opts.advisories, problems));
  }
  // services that answered but no plugin audited (scan's surface, a sweep's discovery)
  findings.push(...surfaceFindings(facts));
  const elements = scoreElements(findings, opts.attestations, unauditedByElement(facts));
  const services = device.endpoints.filter((e) => facts[e.protocol]?.status !== "absent");
  const result: DeviceResult = { host: device.host, services, facts, findings, elements, score: deviceScore(elements) };
  if (device.name) result.name = device.name;
  return result;
}

export async function auditDevices(devices: DeviceSpec[], opts: AuditOptions): Promise<ResultDocument> {
  const started = new Date();
  const limit = pLimit(Math.max(1, opts.concurrency));
  const results: (DeviceResult | undefined)[] = await Promise.all(
    devices.map((d) =>
      limit(async () => {
        if (opts.signal?.aborted) return undefined;
        const r = await auditDevice(d, opts);
        opts.onDeviceDone?.(r);
        return r;
      }),
    ),
  );
  return newResultDocument(
    {
      startedAt: started,
      finishedAt: new Date(),
      intrusive: opts.intrusive,
      protocols: opts.protocols ? [...opts.protocols] : opts.plugins.map((p) => p.id),
      failOn: opts.failOn,
      interrupted: opts.signal?.aborted ?? false,
      source: "live",
    },
    results.filter((r): r is DeviceResult => r !== undefined),
    TOOL_VERSION,
  );
}

/** True when no protocol on any device produced facts (nothing reachable). */
export function nothingAudited(doc: ResultDocument): boolean {
  return !doc.devices.some((d) => Object.values(d.facts).some((f) => f.status === "ok"));
}
