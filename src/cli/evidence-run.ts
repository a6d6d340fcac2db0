// `otaudit evidence ...`: template, validation and JSON Schemas of the operator's input files.
import { existsSync } from "node:fs";
import { z } from "zod";
import { EXIT, UsageError, UsageErrorCollector } from "../errors.js";
import { EvidenceFile } from "../evidence/evidence.js";
import { PolicyFile, loadPolicy } from "../evidence/policy.js";
import { evidenceTemplate } from "../evidence/template.js";
import { WaiversFile, checkWaiverRules } from "../evidence/waivers.js";
import { writeFileAtomic } from "../report/write.js";
import { loadOutputInputs, registryRuleIds } from "./outputs.js";
import { say } from "./ui.js";
import { safeText } from "../report/safe-text.js";

export async function runEvidenceInit(opts: { out?: string; force: boolean }): Promise<number> {
  const text = evidenceTemplate();
  if (!opts.out) {
    process.stdout.write(text);
    return EXIT.OK;
  }
  if (existsSync(opts.out) && !opts.force) throw new UsageError(`--out: ${opts.out} exists (use --force to overwrite)`);
  writeFileAtomic(opts.out, text, "--out");
  say(`wrote ${opts.out}\n`);
  return EXIT.OK;
}

export async function runEvidenceCheck(opts: { evidence?: string; waivers?: string; weights?: string }): Promise<number> {
  if (!opts.evidence && !opts.waivers && !opts.weights) throw new UsageError("evidence check: give --evidence, --waivers or --weights");
  const errors = new UsageErrorCollector();
  const collect = (fn: () => void) => errors.collect(fn);
  collect(() => {
    const inputs = loadOutputInputs(opts);
    if (inputs.waivers) checkWaiverRules(inputs.waivers, registryRuleIds());
  });
  if (opts.weights) collect(() => loadPolicy(opts.weights!));
  errors.throwIfAny();
  for (const f of [opts.evidence, opts.waivers, opts.weights]) if (f) say(`${safeText(f)}: ok\n`);
  return EXIT.OK;
}

const SCHEMAS: Record<string, { schema: z.ZodType; title: string }> = {
  evidence: { schema: EvidenceFile, title: "otaudit vendor evidence file" },
  waivers: { schema: WaiversFile, title: "otaudit waivers file" },
  weights: { schema: PolicyFile, title: "otaudit procurement policy (weights) file" },
};

export function inputJsonSchema(kind: string): unknown {
  const s = SCHEMAS[kind];
  if (!s) throw new UsageError(`KIND: unknown kind '${kind}' (known: ${Object.keys(SCHEMAS).join(", ")})`);
  return { $id: `https://otaudit.dev/schema/${kind}.json`, title: s.title, ...z.toJSONSchema(s.schema, { unrepresentable: "any", io: "input" }) };
}

export async function runEvidenceSchema(kind: string): Promise<number> {
  process.stdout.write(JSON.stringify(inputJsonSchema(kind), null, 2) + "\n");
  return EXIT.OK;
}
