// `otaudit sweep ... --db postgres://... --distribute`: the checks and settings of a distributed
// sweep, and the coordinator's wait (src/worker/distribute.ts, loaded only here: a local sweep
// never loads pg-boss). Credentials and advisories stay with the workers in their zones: the
// coordinator refuses them rather than copy secrets into the database.
import { UsageError } from "../errors.js";
import type { PgOpenOptions, PgStore } from "../store/postgres.js";
import type { DistributedSettings, Store, SweepRow } from "../store/types.js";
import type { PolitenessOptions } from "../sweep/politeness.js";
import type { SweepTarget } from "../sweep/targets.js";
import { PROBE_CAP_FACTOR, SETTLE_GRACE_MS } from "../engine/audit.js";
import { discoveryPlan } from "../engine/discovery.js";
import { surfacePorts } from "../engine/surface.js";
import { plural } from "../report/common.js";
import { selectPlugins, validatePluginOptions } from "./audit-setup.js";
import type { SweepOptions } from "./option-types.js";
import { status } from "./ui.js";

/** a worker stops a device 8 s before its lease ends (src/worker/worker.ts JOB_MARGIN_MS) */
export const MIN_LEASE_S = 10;
/** pg-boss retries a job this often (src/worker/queue.ts RETRY_LIMIT) before it fails for good */
const ATTEMPTS = 6;

export function checkDistributeOptions(opts: SweepOptions, backend: "sqlite" | "postgres" | undefined): void {
  if (!opts.distribute) {
    if (opts.lease !== undefined) throw new UsageError("--lease: only with --distribute (how long a worker may hold one device)");
    return;
  }
  if (backend !== "postgres") throw new UsageError("--distribute: needs --db postgres://... (zone workers share the store and the job queue)");
  if (opts.credentials)
    throw new UsageError("--credentials: with --distribute, credentials stay in the zones: give them to the workers (otaudit worker --credentials FILE)");
  if (opts.advisories?.length)
    throw new UsageError("--advisories: with --distribute, give the advisory files to the workers (otaudit worker --advisories FILE)");
  if (opts.lease !== undefined && opts.lease < MIN_LEASE_S)
    throw new UsageError(`--lease: at least ${MIN_LEASE_S} seconds (a worker stops a device 8 s before its lease ends)`);
}

/**
 * How long one device may take at most, from the same bounds the engine enforces: discovery
 * (one connection per planned port, each within --discovery-timeout), then each plugin within its
 * cap (PROBE_CAP_FACTOR x --timeout) plus the settle grace (src/engine/audit.ts); paced by --device-rate; half as much again.
 */
export function defaultLeaseS(opts: SweepOptions): number {
  const plugins = selectPlugins(opts.protocols);
  const plan = discoveryPlan(plugins, opts.surface === false ? [] : surfacePorts(plugins));
  const gap = opts.deviceRate ? 1000 / opts.deviceRate : 0;
  const discovery = (plan.tcp.length + plan.udp.length) * (Math.min(opts.discoveryTimeout, opts.timeout) + gap);
  const probes = plugins.length * (PROBE_CAP_FACTOR * opts.timeout + SETTLE_GRACE_MS + gap);
  return Math.max(MIN_LEASE_S, Math.ceil(((discovery + probes) * 1.5) / 1000) + 10);
}

export function distributedSettings(opts: SweepOptions, politeness: PolitenessOptions): DistributedSettings {
  return {
    timeoutMs: opts.timeout,
    discoveryTimeoutMs: Math.min(opts.discoveryTimeout, opts.timeout),
    surface: opts.surface !== false,
    pluginOptions: validatePluginOptions(opts),
    ...(politeness.deviceRate ? { deviceRate: politeness.deviceRate } : {}),
    giveUpAfter: politeness.giveUpAfter,
    backoffBaseMs: politeness.backoffBaseMs,
    concurrency: politeness.concurrency,
    zoneLimits: Object.fromEntries(politeness.zoneLimits),
    leaseS: opts.lease ?? defaultLeaseS(opts),
  };
}

export function failedDevicesWarning(n: number): string {
  return `${plural(n, "device")} could not be audited by the workers (each job tried ${ATTEMPTS} times); the sweep is incomplete: 'otaudit sweep --resume --distribute' tries them again`;
}

/** Open options of a distributing store: the queue schema is checked before anything is created. */
export async function queueCheck(): Promise<PgOpenOptions> {
  const { checkQueueSchema } = await import("../worker/queue.js");
  return { check: async (exec, flag) => void (await checkQueueSchema(exec, flag)) };
}

/** Enqueue and wait; progress on the terminal's status line. */
export async function runDistributed(
  store: Store,
  sweep: SweepRow,
  targets: SweepTarget[],
  settings: DistributedSettings,
  signal: AbortSignal,
  showProgress: boolean,
): Promise<{ interrupted: boolean; failed: number }> {
  const { distributeSweep, progressLine } = await import("../worker/distribute.js");
  const outcome = await distributeSweep({
    store: store as PgStore,
    sweep,
    targets,
    settings,
    signal,
    onProgress: (p) => {
      if (showProgress) status.set(progressLine(p), p.done + p.failed >= p.total);
    },
  });
  return { interrupted: outcome.interrupted, failed: outcome.progress.failed };
}
