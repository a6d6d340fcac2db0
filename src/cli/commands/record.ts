// `otaudit record TARGET... --out FILE`: option declarations (cheap); the work is in ../record-run.ts.
import type { Command } from "commander";
import type { ProtocolPlugin } from "../../plugin.js";
import type { RecordOptions } from "../option-types.js";
import { addAuditOptions } from "./scan.js";
import { exitCodesHelp } from "../help-text.js";

export function registerRecord(program: Command, plugins: readonly ProtocolPlugin[]): void {
  const cmd = program
    .command("record")
    .description(
      "audit devices live and save their facts as a recording for `scan --from-facts` and `simulate` (secrets from the credentials file never enter it)",
    )
    .argument("<target...>", "hosts or service URLs, as for `scan`")
    .requiredOption("--out <file>", "write the recording (JSON) to FILE")
    .option("--transcripts <dir>", "also write each probe's raw request/response bytes as readable hex into DIR")
    .option("--json <file>", "also write the live result document to FILE ('-' for stdout)");
  addAuditOptions(cmd, plugins);
  cmd.addHelpText("after", exitCodesHelp("record"));
  cmd.action(async (targets: string[], opts: RecordOptions) => {
    const { runRecord } = await import("../record-run.js");
    process.exitCode = await runRecord(targets, opts);
  });
}
