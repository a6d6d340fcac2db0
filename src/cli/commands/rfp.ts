// `otaudit rfp --out DIR`: procurement requirements and the acceptance test plan, generated from the
// element catalog and the rules' metadata. Work in ../rfp-run.ts.
import type { Command } from "commander";
import type { RfpOptions } from "../option-types.js";

export function registerRfp(program: Command): void {
  program
    .command("rfp")
    .description("write procurement requirements for the 12 elements and the acceptance test plan (rfp.md, requirements.csv, acceptance-tests.csv)")
    .requiredOption("--out <dir>", "folder for the documents")
    .option("--weights <file>", "procurement policy (YAML) whose weights and must-not-fail elements the RFP states")
    .action(async (opts: RfpOptions) => {
      const { runRfp } = await import("../rfp-run.js");
      process.exitCode = await runRfp(opts);
    });
}
