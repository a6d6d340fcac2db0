// `otaudit worker`: option declarations (cheap); the work is in ../worker-run.ts.
import { type Command, Option } from "commander";
import { csvList, logLevel, positiveInt } from "../options.js";
import type { WorkerCliOptions } from "../option-types.js";

export function registerWorker(program: Command): void {
  program
    .command("worker")
    .description(
      "zone worker of distributed sweeps (`otaudit sweep ... --db postgres://... --distribute`): runs inside a zone, " +
        "connects out to the database only, takes the device jobs of its zone and audits them with the same engine as a local sweep",
    )
    .option("--db <url>", "the store: postgres://user@host:port/db (password from PGPASSWORD or PGPASSFILE, never in the URL)")
    .option("--db-env <var>", "read --db from this environment variable (default: OTAUDIT_DB_URL)")
    .option("--zone <name>", "the zone whose devices this worker audits", "default")
    .option(
      "--concurrency <n>",
      "devices this worker audits at once (the sweep's zone and global limits hold across all workers)",
      positiveInt("--concurrency", 256),
      4,
    )
    .option("--exit-when-idle", "exit once the zone has no job waiting or in progress (a worker that has not worked yet waits 30 s for a sweep)", false)
    .option("--intrusive", "accept jobs of intrusive sweeps (default: a worker runs passive and read checks only, whatever the sweep asks)", false)
    .option("--credentials <file>", "YAML credentials file for the devices of this zone (secrets stay in the zone)")
    .option(
      "--advisories <files>",
      "advisories supplied offline (CSAF 2.0 JSON or otaudit YAML; repeatable or comma list)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...csvList(v)],
    )
    .option("--name <id>", "worker name in `sweep status` (default: host:pid:zone)")
    .option("--log <file>", "write JSON log lines to this file instead of stderr")
    .addOption(new Option("--log-level <level>", "log level").argParser(logLevel))
    .addHelpText(
      "after",
      "\nStops on SIGTERM or Ctrl-C: devices in flight are given back to the queue (not stored), another worker redoes them.\n" +
        "Exit codes: 0 stopped (idle or signal), 2 usage or input error (arguments, credentials, not an otaudit store), 3 database unreachable.",
    )
    .action(async (opts: WorkerCliOptions) => {
      const { runWorkerCommand } = await import("../worker-run.js");
      process.exitCode = await runWorkerCommand(opts);
    });
}
