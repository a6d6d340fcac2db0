// `otaudit compare RESULT... --out DIR [--weights FILE]`: every device of the given results side by
// side over the 12 elements (the standardized scoring matrix). Work in ../compare-run.ts.
import type { Command } from "commander";
import type { CompareOptions } from "../option-types.js";
import { csvList } from "../options.js";

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description(
      "compare candidate devices element by element: rows the 12 elements, columns the devices, cells the verdict and key evidence, totals the weighted score (HTML, CSV, Markdown)",
    )
    .argument("[results...]", "result documents (JSON) from scan --json or demo")
    .requiredOption("--out <dir>", "folder for compare.html, compare.csv, compare.md")
    .option("--weights <file>", "procurement policy (YAML): element weights and must-not-fail elements; default: every element weighs 1")
    .option("--format <list>", "which of html,csv,md to write", csvList, ["html", "csv", "md"])
    .option("--db <store>", "also compare the devices of a sweep in this sweep store (a SQLite file or postgres://user@host:port/db)")
    .option("--db-env <var>", "read --db from this environment variable")
    .option("--sweep <id>", "with --db: which sweep (default: the latest)")
    .action(async (results: string[], opts: CompareOptions) => {
      const { runCompare } = await import("../compare-run.js");
      process.exitCode = await runCompare(results, opts);
    });
}
