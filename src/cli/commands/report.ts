// `otaudit report RESULT.json --format LIST --out DIR`: re-render a stored result document, with
// vendor evidence and waivers applied afresh. Option declarations only; the work is in ../report-run.ts.
import type { Command } from "commander";
import type { ReportOptions } from "../option-types.js";
import { csvList, severity } from "../options.js";
import { exitCodesHelp } from "../help-text.js";
import { REPORT_FORMATS } from "../../model/vocabulary.js";
import { REPORT_FILES } from "../../report/files.js";

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(`re-render a stored result document, or a sweep from a sweep store, as reports: ${REPORT_FORMATS.join(", ")}`)
    .argument("[result]", "result document (JSON) written by scan --json or demo (or a sweep store file)")
    .option(
      "--db <store>",
      "read the sweep from this sweep store (a SQLite file or postgres://user@host:port/db, written by `otaudit sweep --db`) instead of a result document",
    )
    .option("--db-env <var>", "read --db from this environment variable")
    .option("--sweep <id>", "with a sweep store: which sweep (default: the latest)")
    .requiredOption("--format <list>", `reports to write, comma separated: ${REPORT_FORMATS.join(", ")}`, csvList)
    .requiredOption("--out <dir>", "folder for the reports")
    .option("--evidence <file>", "vendor evidence file (YAML); replaces the attestations stored in the result")
    .option("--waivers <file>", "waivers file (YAML); replaces the waivers stored in the result")
    .option("--policy <file|name>", "check every device against a policy file or a built-in policy; replaces policy findings stored in the result")
    .option("--fail-on <severity>", "exit 1 when an unwaived failing finding is at or above this severity (CI gate)", severity)
    .option("--fail-on-error", "also exit 1 when a check could not run (error) or could not decide (undetermined)", false)
    .addHelpText(
      "after",
      `\nFiles written into --out, per format:\n${Object.entries(REPORT_FILES)
        .map(([f, file]) => `  ${f.padEnd(12)}${file}`)
        .join("\n")}\n${exitCodesHelp("report")}`,
    )
    .action(async (result: string | undefined, opts: ReportOptions) => {
      const { runReport } = await import("../report-run.js");
      process.exitCode = await runReport(result, opts);
    });
}
