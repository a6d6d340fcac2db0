// `otaudit sweep TARGET...` and `otaudit sweep status`: option declarations (cheap); the work is in
// ../sweep-run.ts and ../status-run.ts.
import type { Command } from "commander";
import type { ProtocolPlugin } from "../../plugin.js";
import { positiveInt } from "../options.js";
import type { SweepOptions, SweepStatusOptions } from "../option-types.js";
import { addAuditOptions, addOutputOptions } from "./scan.js";
import { exitCodesHelp } from "../help-text.js";

export const SWEEP_CONCURRENCY = 128;

export function registerSweep(program: Command, plugins: readonly ProtocolPlugin[]): void {
  const cmd = program
    .command("sweep")
    .description(
      "sweep a fleet: TARGET is an address, a CIDR range (10.0.0.0/24) or an inventory file (.csv, .yaml). " +
        "Discovery (TCP connect with a clean close to every plugin's ports and the surface ports; each UDP " +
        "plugin's own discovery request), then the plugins audit what was found; fleet rules look across devices.",
    )
    .argument("[target...]", "addresses, CIDR ranges, inventory files (not needed with --resume)")
    .option(
      "--db <store>",
      "the store: a SQLite file, or postgres://user@host:port/db (password from PGPASSWORD or PGPASSFILE, never in the URL); each device's result is committed as it completes",
    )
    .option("--db-env <var>", "read --db from this environment variable (e.g. OTAUDIT_DB_URL)")
    .option("--distribute", "with --db postgres://...: enqueue one job per device for the zone workers (`otaudit worker`) and wait until all are stored", false)
    .option(
      "--lease <s>",
      "with --distribute: seconds a worker may hold one device before another worker takes it over (default: from the timeouts)",
      positiveInt("--lease", 86_400),
    )
    .option("--resume", "continue the most recent unfinished sweep in --db (or --sweep-id) without redoing finished devices", false)
    .option("--sweep-id <id>", "name of the sweep (default: generated); with --resume, the sweep to continue")
    .option("--yes", "sweep ranges larger than --max-range", false)
    .option("--max-range <n>", "largest number of addresses swept without --yes", positiveInt("--max-range", 16_777_216), 1024)
    .option("--discovery-timeout <ms>", "timeout of each discovery connection in milliseconds", positiveInt("--discovery-timeout", 60_000), 1000)
    .option("--device-rate <n>", "at most N new connections per second to any one device", positiveInt("--device-rate", 1000))
    .option("--zone-limit <list>", "devices audited at once per zone, e.g. cell-1=2,dmz=8,*=4")
    .option("--give-up-after <n>", "consecutive timeouts after which a device is left alone", positiveInt("--give-up-after", 100), 3)
    .option("--baseline <name>", "compare with a saved baseline (see `otaudit baseline save`) and report drift")
    .option("--no-progress", "no progress line on the terminal");
  // a sweep waits on the network (bounded protocol waits, e.g. answers over UDP), not on the
  // CPU: more devices at once; each device still sees one connection at a time
  addOutputOptions(addAuditOptions(cmd, plugins, { concurrency: SWEEP_CONCURRENCY }));
  cmd.addHelpText("after", "\nOne connection at a time per device; --concurrency devices at once.\n" + exitCodesHelp("sweep"));
  cmd.action(async (targets: string[], opts: SweepOptions) => {
    const { runSweepCommand } = await import("../sweep-run.js");
    process.exitCode = await runSweepCommand(targets, opts);
  });
  cmd
    .command("status")
    .description("progress of a distributed sweep per zone (queued, active, done, failed) and the workers seen, from any machine")
    .option("--db <store>", "the store (postgres://user@host:port/db; a SQLite file shows stored devices only)")
    .option("--db-env <var>", "read --db from this environment variable (default: OTAUDIT_DB_URL)")
    .option("--sweep-id <id>", "which sweep (default: the most recent)")
    .option("--json <file>", "write the counts as JSON ('-' for stdout)")
    .addHelpText("after", "\nExit codes: 0 shown, 2 usage or input error (store, sweep), 3 database unreachable.")
    .action(async (_opts: unknown, self: Command) => {
      // the sweep command shares --db, --db-env, --sweep-id and --json: read them merged
      const { runSweepStatus } = await import("../status-run.js");
      process.exitCode = await runSweepStatus(self.optsWithGlobals() as SweepStatusOptions);
    });
  for (const c of cmd.commands) c.exitOverride();
}
