// The sweep scheduler: for each asset (under the global and zone limits) discover its services,
// then audit only what was found with the engine's own per-device pipeline (probeDevice +
// assessDevice, the same code `otaudit scan` runs), one connection at a time, paced and backed
// off by the device's pacer, and commit the device's result to the store as soon as it is done.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { assessDevice, probeDevice, type AuditOptions } from "../engine/audit.js";
import { parseTargetStrings, type DeviceSpec } from "../engine/targets.js";
import { credentialsFor, loadCredentials, type CredentialEntry } from "../config/credentials.js";
import type { FactsEnvelope, ServiceEndpoint } from "../model/facts.js";
import type { DeviceResult } from "../model/result.js";
import type { Store } from "../store/types.js";
import { discoverDevice, discoveryPlan, type DiscoveryResult } from "../engine/discovery.js";
import { DISCOVERY_FACTS, SURFACE_VERSION } from "../engine/surface.js";
import { DevicePacer, SweepLimiter, type PolitenessOptions } from "./politeness.js";
import type { SweepTarget } from "./targets.js";

/** Version of the discovery facts (facts.discovery.data) recorded with each device. */
export const DISCOVERY_VERSION = SURFACE_VERSION;

export interface SweepRunOptions {
  audit: AuditOptions;
  politeness: PolitenessOptions;
  discoveryTimeoutMs: number;
  /** either backend (src/store/types.ts) */
  store: Store;
  sweepId: string;
  targets: SweepTarget[];
  /** per-asset credentials files, loaded (and validated) before the sweep starts; else loaded on first use */
  assetCredentials?: Map<string, CredentialEntry[]>;
  onDeviceDone?: (d: DeviceResult, stats: SweepStats) => void;
}

export interface SweepStats {
  total: number;
  alreadyDone: number;
  done: number;
  failingFindings: number;
  startedAt: number;
}

export interface SweepOutcome {
  stats: SweepStats;
  interrupted: boolean;
}

/** Per-asset credentials files are read once each; entries without a host selector bind to the asset. */
function credentialsForTarget(cache: Map<string, CredentialEntry[]>, t: SweepTarget): CredentialEntry[] {
  if (!t.credentialsFile) return [];
  let entries = cache.get(t.credentialsFile);
  if (!entries) cache.set(t.credentialsFile, (entries = loadCredentials(t.credentialsFile)));
  return entries.map((c) => ({ ...c, host: c.host ?? t.host }));
}

function discoveryEnvelope(
  t: SweepTarget,
  address: string | undefined,
  startedAt: Date,
  d: DiscoveryResult | undefined,
  error?: { code: string; message: string },
): FactsEnvelope {
  const answered = d?.ports.some((p) => p.state === "open") ?? false;
  const inventory = {
    ...(t.zone ? { zone: t.zone } : {}),
    ...(t.vendor ? { vendor: t.vendor } : {}),
    ...(t.model ? { model: t.model } : {}),
    ...(t.expectedProtocols ? { expectedProtocols: t.expectedProtocols } : {}),
    source: t.source,
  };
  const err =
    error ??
    (answered
      ? undefined
      : d?.backedOff
        ? { code: "backoff", message: "the device stopped answering; remaining ports skipped" }
        : { code: "no-services", message: "no service answered discovery" });
  return {
    protocol: DISCOVERY_FACTS,
    status: answered ? "ok" : "unreachable",
    endpoints: [],
    ...(err ? { error: err } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    probeVersion: DISCOVERY_VERSION,
    data: { address: address ?? null, ports: d?.ports ?? [], backedOff: d?.backedOff ?? false, inventory },
  };
}

/**
 * Which plugin endpoints to audit: those discovery found, what the inventory expects, and every
 * UDP endpoint. UDP discovery cannot prove absence: an SNMP agent that speaks only v1/v2c ignores
 * the v3 engine discovery, and those are the agents an auditor most needs to find. The UDP probe
 * itself reports `absent` when nothing answers on a default port (as `otaudit scan HOST` does).
 */
export function endpointsToAudit(t: SweepTarget, address: string, d: DiscoveryResult, opts: AuditOptions): ServiceEndpoint[] {
  const all = parseTargetStrings([address], opts.plugins)[0]!.endpoints;
  const open = (e: ServiceEndpoint) => d.ports.some((p) => p.port === e.port && p.transport === e.transport && p.state === "open");
  const expected = new Set(t.expectedProtocols ?? []);
  return all
    .filter((e) => open(e) || expected.has(e.protocol) || e.transport === "udp")
    .map((e) => (expected.has(e.protocol) && !open(e) ? { ...e, explicit: true } : e));
}

/** Discover and audit one asset: the unit of work of a local sweep and of a zone worker's job. */
export async function sweepOne(
  t: SweepTarget,
  opts: Pick<SweepRunOptions, "audit" | "politeness" | "discoveryTimeoutMs">,
  credCache: Map<string, CredentialEntry[]>,
): Promise<DeviceResult> {
  const startedAt = new Date();
  const { audit } = opts;
  let address = t.host;
  if (isIP(t.host) === 0) {
    try {
      address = (await lookup(t.host)).address;
    } catch {
      return {
        ...emptyResult(t),
        facts: { [DISCOVERY_FACTS]: discoveryEnvelope(t, undefined, startedAt, undefined, { code: "dns", message: `cannot resolve ${t.host}` }) },
      };
    }
  }
  const pacer = new DevicePacer(opts.politeness);
  const plan = discoveryPlan(audit.plugins, audit.surface ?? []);
  const found = await discoverDevice(address, plan, opts.discoveryTimeoutMs, pacer, audit.signal);
  const spec: DeviceSpec = { host: t.host, address, endpoints: endpointsToAudit(t, address, found, audit), ...(t.name ? { name: t.name } : {}) };
  const deviceCreds = credentialsForTarget(credCache, t);
  const deviceAudit: AuditOptions = deviceCreds.length ? { ...audit, credentials: [...audit.credentials, ...deviceCreds] } : audit;
  // the discovery envelope first: the surface rules and scoring read its ports
  const facts: Record<string, FactsEnvelope> = { [DISCOVERY_FACTS]: discoveryEnvelope(t, address, startedAt, found) };
  for (const plugin of audit.plugins) {
    const endpoints = spec.endpoints.filter((e) => e.protocol === plugin.id);
    if (endpoints.length === 0) continue;
    if (audit.signal?.aborted) break;
    if (pacer.givenUp) {
      facts[plugin.id] = {
        protocol: plugin.id,
        status: "error",
        endpoints,
        error: { code: "backoff", message: `not probed: the device stopped answering (${pacer.timeouts} timeouts)` },
        startedAt: new Date().toISOString(),
        durationMs: 0,
        probeVersion: plugin.version,
      };
      continue;
    }
    await pacer.beforeConnection(audit.signal);
    const env = await probeDevice(spec, plugin, deviceAudit);
    pacer.record(env.error?.code === "timeout" ? "timeout" : "answered");
    facts[plugin.id] = env;
  }
  const result = assessDevice(spec, facts, {
    plugins: audit.plugins,
    intrusive: audit.intrusive,
    credentialed: (pluginId) => credentialsFor(deviceAudit.credentials, pluginId, t.host, audit.plugins).length > 0,
    advisories: audit.advisories,
  });
  // the discovery envelope is the sweep's own record: it ends the device's facts, as it always did
  const { [DISCOVERY_FACTS]: discovery, ...pluginFacts } = result.facts;
  result.facts = { ...pluginFacts, [DISCOVERY_FACTS]: discovery! };
  return result;
}

function emptyResult(t: SweepTarget): DeviceResult {
  const r = assessDevice({ host: t.host, endpoints: [] }, {}, { plugins: [], intrusive: false, credentialed: () => false });
  if (t.name) r.name = t.name;
  return r;
}

/** Run (or continue) a sweep; devices already in the store for this sweep are skipped. */
export async function runSweep(opts: SweepRunOptions): Promise<SweepOutcome> {
  const done = await opts.store.doneHosts(opts.sweepId);
  const todo = opts.targets.map((t, seq) => ({ t, seq })).filter(({ t }) => !done.has(t.host.toLowerCase()));
  const stats: SweepStats = { total: opts.targets.length, alreadyDone: opts.targets.length - todo.length, done: 0, failingFindings: 0, startedAt: Date.now() };
  const limiter = new SweepLimiter(opts.politeness);
  const credCache = opts.assetCredentials ?? new Map<string, CredentialEntry[]>();
  const signal = opts.audit.signal;
  await Promise.all(
    todo.map(({ t, seq }) =>
      limiter.run(t.zone, async () => {
        if (signal?.aborted) return;
        const result = await sweepOne(t, opts, credCache);
        // a device cut short by Ctrl-C or the deadline is in flight: not stored, a resume redoes it
        if (signal?.aborted) return;
        await opts.store.saveDevice(opts.sweepId, seq, t.zone, result);
        stats.done++;
        stats.failingFindings += result.findings.filter((f) => f.status === "fail").length;
        opts.onDeviceDone?.(result, stats);
      }),
    ),
  );
  return { stats, interrupted: signal?.aborted ?? false };
}
