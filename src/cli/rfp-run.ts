// `otaudit rfp`: render the requirements and acceptance plan from catalog + registry rule meta.
import { join } from "node:path";
import { EXIT } from "../errors.js";
import { DEFAULT_POLICY, loadPolicy } from "../evidence/policy.js";
import { allRules } from "../catalog/rules.js";
import { renderAcceptancePlanCsv, renderRfpMarkdown, renderRfpRequirementsCsv } from "../report/rfp.js";
import { writeFileAtomic } from "../report/write.js";
import type { RfpOptions } from "./option-types.js";

export async function runRfp(opts: RfpOptions): Promise<number> {
  const policy = opts.weights ? loadPolicy(opts.weights) : DEFAULT_POLICY;
  const rules = allRules().sort((a, b) => a.id.localeCompare(b.id));
  const files: [string, string][] = [
    [join(opts.out, "rfp.md"), renderRfpMarkdown(rules, policy)],
    [join(opts.out, "requirements.csv"), renderRfpRequirementsCsv()],
    [join(opts.out, "acceptance-tests.csv"), renderAcceptancePlanCsv(rules)],
  ];
  for (const [p, t] of files) writeFileAtomic(p, t);
  for (const [p] of files) process.stdout.write(`wrote ${p}\n`);
  return EXIT.OK;
}
