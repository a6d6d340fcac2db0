// `otaudit baseline save|drift`: option declarations (cheap); the work is in ../baseline-run.ts.
import type { Command } from "commander";
import type { BaselineOptions } from "../option-types.js";

export function registerBaseline(program: Command): void {
  const baseline = program.command("baseline").description("save a sweep as a baseline, and report drift of later sweeps against it (element 1)");
  baseline
    .command("save")
    .description("save a sweep from the store as a named baseline")
    .option("--db <store>", "the sweep store (a SQLite file or postgres://user@host:port/db)")
    .option("--db-env <var>", "read --db from this environment variable")
    .option("--sweep <id>", "sweep to save (default: the most recent)")
    .option("--name <name>", "baseline name", "default")
    .action(async (opts: BaselineOptions) => {
      const { runBaselineSave } = await import("../baseline-run.js");
      process.exitCode = await runBaselineSave(opts);
    });
  baseline
    .command("drift")
    .description("what changed per device since the baseline: services, algorithms, endpoints, certificates, firmware")
    .option("--db <store>", "the sweep store (a SQLite file or postgres://user@host:port/db)")
    .option("--db-env <var>", "read --db from this environment variable")
    .option("--sweep <id>", "sweep to compare (default: the most recent)")
    .option("--name <name>", "baseline name", "default")
    .option("--json <file>", "write the drift report as JSON ('-' for stdout)")
    .action(async (opts: BaselineOptions) => {
      const { runBaselineDrift } = await import("../baseline-run.js");
      process.exitCode = await runBaselineDrift(opts);
    });
  for (const c of baseline.commands) c.exitOverride();
  baseline.exitOverride();
}
