// `otaudit policy make|check|list|sets|show|schema`: policies as code (src/policy). Option
// declarations only; the work is in ../policy-run.ts. Scan, sweep and report take `--policy`.
import type { Command } from "commander";
import type { PolicyMakeOptions } from "../option-types.js";

export function registerPolicy(program: Command): void {
  const cmd = program
    .command("policy")
    .description("policies as code: make one from a golden device, check files, list the built-in policies and the sets plugins offer");
  cmd
    .command("make")
    .description("make a policy from a golden device: every set its facts show completely becomes an allowed set")
    .argument("<result>", "result document (JSON) with the golden device (scan --json, scan --from-facts --json, demo)")
    .option("--out <file>", "policy file to write (default: standard output)")
    .option("--device <host>", "the golden device (host or name), when the result holds several")
    .option("--name <name>", "the policy's name (default: golden <device>)")
    .option("--force", "overwrite an existing --out file", false)
    .action(async (result: string, opts: PolicyMakeOptions) => {
      const { runPolicyMake } = await import("../policy-run.js");
      process.exitCode = await runPolicyMake(result, opts);
    });
  cmd
    .command("check")
    .description("validate a policy file or built-in policy (exit 2 with path.to.field lines)")
    .argument("<policy>", "policy file or built-in policy name")
    .action(async (policy: string) => {
      const { runPolicyCheck } = await import("../policy-run.js");
      process.exitCode = await runPolicyCheck(policy);
    });
  cmd
    .command("list")
    .description("list the built-in policies")
    .action(async () => {
      const { runPolicyList } = await import("../policy-run.js");
      process.exitCode = await runPolicyList();
    });
  cmd
    .command("sets")
    .description("list the named sets each plugin offers for policies (offers.<plugin>.<set>)")
    .action(async () => {
      const { runPolicySets } = await import("../policy-run.js");
      process.exitCode = await runPolicySets();
    });
  cmd
    .command("show")
    .description("print a built-in policy (YAML, with its reasoning per clause)")
    .argument("<name>", "built-in policy name")
    .action(async (name: string) => {
      const { runPolicyShow } = await import("../policy-run.js");
      process.exitCode = await runPolicyShow(name);
    });
  cmd
    .command("schema")
    .description("print the JSON Schema of the policy file")
    .action(async () => {
      const { runPolicySchema } = await import("../policy-run.js");
      process.exitCode = await runPolicySchema();
    });
}
