// `otaudit evidence init|check|schema`: the vendor evidence template, validation of evidence,
// waivers and policy files, and their JSON Schemas. Work in ../evidence-run.ts.
import type { Command } from "commander";

export function registerEvidence(program: Command): void {
  const cmd = program.command("evidence").description("vendor evidence, waivers and procurement policy files");
  cmd
    .command("init")
    .description("write a vendor evidence template with every question for every element")
    .option("--out <file>", "file to write (default: standard output)")
    .option("--force", "overwrite an existing file", false)
    .action(async (opts: { out?: string; force: boolean }) => {
      const { runEvidenceInit } = await import("../evidence-run.js");
      process.exitCode = await runEvidenceInit(opts);
    });
  cmd
    .command("check")
    .description("validate evidence, waivers and policy files (exit 2 with path.to.field lines)")
    .option("--evidence <file>", "vendor evidence file (YAML)")
    .option("--waivers <file>", "waivers file (YAML); rule ids are checked against `otaudit rules`")
    .option("--weights <file>", "procurement policy file (YAML)")
    .action(async (opts: { evidence?: string; waivers?: string; weights?: string }) => {
      const { runEvidenceCheck } = await import("../evidence-run.js");
      process.exitCode = await runEvidenceCheck(opts);
    });
  cmd
    .command("schema")
    .description("print the JSON Schema of an input file kind")
    .argument("[kind]", "evidence, waivers or weights", "evidence")
    .action(async (kind: string) => {
      const { runEvidenceSchema } = await import("../evidence-run.js");
      process.exitCode = await runEvidenceSchema(kind);
    });
}
