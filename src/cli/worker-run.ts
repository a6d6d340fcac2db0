// `otaudit worker`: check the arguments and the zone's credentials before connecting, open the
// PostgreSQL store (read-write: the queue and the store schema are created or migrated if needed),
// run the worker loop (src/worker/worker.ts) until idle (--exit-when-idle) or SIGTERM/SIGINT/SIGHUP.
import { UsageError } from "../errors.js";
import { loadCredentials } from "../config/credentials.js";
import { loadAdvisoryFiles } from "../advisories/load.js";
import { createLogger } from "../log.js";
import { PLUGINS } from "../../probes/registry.js";
import { PASSWORD_IN_ARGUMENT_WARNING, resolveDb } from "../store/db-url.js";
import { openPgStore } from "../store/open.js";
import { plural } from "../report/common.js";
import { announceIntrusive, assertPluginsLoaded } from "./audit-setup.js";
import { checkLogOption } from "./outputs.js";
import { note, verbose, warn } from "./ui.js";
import type { WorkerCliOptions } from "./option-types.js";

const ZONE_RE = /^[A-Za-z0-9_.:-]+$/;

/**
 * Connections a worker may open: a lane uses one only for a few milliseconds per device (the audit
 * holds none), so a handful serve many lanes; plus the heartbeat's and the queue lock's.
 */
export function workerPoolSize(lanes: number): number {
  return Math.min(lanes, 6) + 2;
}

export async function runWorkerCommand(opts: WorkerCliOptions): Promise<number> {
  if (!ZONE_RE.test(opts.zone)) throw new UsageError(`--zone ${opts.zone}: letters, digits and _ . : - only (as in inventory files)`);
  if (opts.name !== undefined && !/^[\x21-\x7e]{1,128}$/.test(opts.name)) throw new UsageError("--name: 1 to 128 printable characters without spaces");
  const db = resolveDb(opts, "OTAUDIT_DB_URL");
  if (!db) throw new UsageError("--db: name the store (postgres://user@host:port/db), or set OTAUDIT_DB_URL");
  if (db.kind !== "postgres") throw new UsageError(`${db.flag}: a worker needs a PostgreSQL store (postgres://...), the one the sweep was distributed through`);
  if (db.passwordInArgument) warn(PASSWORD_IN_ARGUMENT_WARNING);
  checkLogOption(opts.log);
  assertPluginsLoaded();
  // everything read from files is checked before the first connection
  const credentials = opts.credentials ? loadCredentials(opts.credentials) : [];
  const advisories = opts.advisories?.length ? loadAdvisoryFiles(opts.advisories) : undefined;
  const log = createLogger({ level: opts.logLevel, file: opts.log });
  if (opts.intrusive) announceIntrusive([...PLUGINS]);
  const { runWorker, defaultWorkerId } = await import("../worker/worker.js");
  const { checkQueueSchema } = await import("../worker/queue.js");
  // the queue schema is checked with the store's, before either is created
  const store = await openPgStore(db, { poolMax: workerPoolSize(opts.concurrency), check: async (exec, flag) => void (await checkQueueSchema(exec, flag)) });
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(130);
    note(`${sig}: giving the devices in flight back to the queue and stopping (again to quit at once)`);
    ac.abort(new Error(sig));
  };
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  for (const s of signals) process.on(s, onSignal);
  const id = opts.name ?? defaultWorkerId(opts.zone);
  try {
    note(`worker ${id}: zone ${opts.zone}, up to ${opts.concurrency} devices at once, store ${db.label}`);
    const summary = await runWorker({
      store,
      zone: opts.zone,
      lanes: opts.concurrency,
      exitWhenIdle: opts.exitWhenIdle,
      intrusiveAllowed: opts.intrusive,
      credentials,
      ...(advisories ? { advisories } : {}),
      log,
      id,
      signal: ac.signal,
      onStart: (e) => verbose(`${e.host}: auditing (sweep ${e.sweepId})`),
      onDevice: (e) => verbose(`${e.host}: ${e.stored ? "stored" : "already stored"} (sweep ${e.sweepId}), ${plural(e.failing, "failing finding")}`),
      onNote: (line) => warn(line),
    });
    const why =
      summary.reason === "idle"
        ? "nothing left in the zone"
        : summary.reason === "signal"
          ? "stopped by a signal"
          : "the database was unreachable for a minute";
    note(`worker ${id}: ${why}; ${plural(summary.devices, "device")} stored${summary.givenBack ? `, ${plural(summary.givenBack, "job")} given back` : ""}`);
    if (summary.reason === "database") {
      warn(`${db.flag}: the database was unreachable for a minute; stopping`);
      return 3;
    }
    return 0;
  } finally {
    for (const s of signals) process.off(s, onSignal);
    await store.close();
  }
}
