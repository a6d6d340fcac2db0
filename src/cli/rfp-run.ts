// `otaudit rfp`: render the requirements and acceptance plan from catalog + registry rule meta.
import { join } from "node:path";
import { EXIT } from "../errors.js";
import { DEFAULT_POLICY, loadPolicy } from "../evidence/policy.js";
import { allRules } from "../catalog/rules.js";
import { renderAcceptancePlanCsv, renderRfpMarkdown, renderRfpRequirementsCsv } from "../report/rfp.js";
import { checkWritableDir, refuseSameFile, writeFileAtomic } from "../report/write.js";
import { say } from "./ui.js";
import type { RfpOptions } from "./option-types.js";

export async function runRfp(opts: RfpOptions): Promise<number> {
  checkWritableDir(opts.out, `--out ${opts.out}`);
  const names = ["rfp.md", "requirements.csv", "acceptance-tests.csv"];
  refuseSameFile(
    names.map((n) => ({ label: "--out", path: join(opts.out, n) })),
    opts.weights ? [{ label: "--weights", path: opts.weights }] : [],
  );
  const policy = opts.weights ? loadPolicy(opts.weights) : DEFAULT_POLICY;
  const rules = allRules().sort((a, b) => a.id.localeCompare(b.id));
  const files: [string, string][] = [
    [join(opts.out, "rfp.md"), renderRfpMarkdown(rules, policy)],
    [join(opts.out, "requirements.csv"), renderRfpRequirementsCsv()],
    [join(opts.out, "acceptance-tests.csv"), renderAcceptancePlanCsv(rules)],
  ];
  for (const [p, t] of files) writeFileAtomic(p, t, "--out");
  for (const [p] of files) say(`wrote ${p}\n`);
  return EXIT.OK;
}
