// `otaudit rfp`: render the requirements and acceptance plan from catalog + registry rule meta.
import { join } from "node:path";
import { EXIT } from "../errors.js";
import { DEFAULT_POLICY, loadPolicy, type Policy } from "../evidence/policy.js";
import { allRules, type CatalogRule } from "../catalog/rules.js";
import { renderAcceptancePlanCsv, renderRfpMarkdown, renderRfpRequirementsCsv } from "../report/rfp.js";
import { checkWritableDir, refuseSameFile, writeFileAtomic } from "../report/write.js";
import { say } from "./ui.js";
import type { RfpOptions } from "./option-types.js";

/** The files `rfp` writes into --out, each with its renderer. */
const RFP_FILES: readonly { name: string; render: (rules: CatalogRule[], policy: Policy) => string }[] = [
  { name: "rfp.md", render: (rules, policy) => renderRfpMarkdown(rules, policy) },
  { name: "requirements.csv", render: () => renderRfpRequirementsCsv() },
  { name: "acceptance-tests.csv", render: (rules) => renderAcceptancePlanCsv(rules) },
];

export async function runRfp(opts: RfpOptions): Promise<number> {
  checkWritableDir(opts.out, `--out ${opts.out}`);
  const paths = RFP_FILES.map((f) => join(opts.out, f.name));
  refuseSameFile(
    paths.map((path) => ({ label: "--out", path })),
    opts.weights ? [{ label: "--weights", path: opts.weights }] : [],
  );
  const policy = opts.weights ? loadPolicy(opts.weights) : DEFAULT_POLICY;
  const rules = allRules().sort((a, b) => a.id.localeCompare(b.id));
  const texts = RFP_FILES.map((f) => f.render(rules, policy));
  for (const [i, p] of paths.entries()) writeFileAtomic(p, texts[i]!, "--out");
  for (const p of paths) say(`wrote ${p}\n`);
  return EXIT.OK;
}
