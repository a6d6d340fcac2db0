// `otaudit compare`: validate every input first (results, policy), build the matrix, render all
// formats in memory, then write them atomically; print the ranking.
import { basename, join } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { DEFAULT_POLICY, loadPolicy } from "../evidence/policy.js";
import { buildCompare, renderCompareCsv, renderCompareHtml, renderCompareMarkdown } from "../report/compare.js";
import { writeFileAtomic } from "../report/write.js";
import { loadResult } from "./report-run.js";
import type { CompareOptions } from "./option-types.js";

const RENDER = { html: renderCompareHtml, csv: renderCompareCsv, md: renderCompareMarkdown } as const;

export async function runCompare(files: string[], opts: CompareOptions): Promise<number> {
  for (const f of opts.format) if (!(f in RENDER)) throw new UsageError(`--format: unknown format '${f}' (known: html, csv, md)`);
  const policy = opts.weights ? loadPolicy(opts.weights) : DEFAULT_POLICY;
  const inputs = await Promise.all(files.map(async (file) => ({ source: basename(file), doc: await loadResult(file) })));
  const matrix = buildCompare(inputs, policy);
  if (matrix.candidates.length === 0) throw new UsageError("RESULT: the given results contain no device to compare");
  const rendered = [...new Set(opts.format)].map((f) => [join(opts.out, `compare.${f}`), RENDER[f as keyof typeof RENDER](matrix)] as const);
  for (const [path, text] of rendered) writeFileAtomic(path, text);
  for (const c of matrix.candidates) process.stdout.write(`${c.rank}. ${c.label}: ${c.score}${c.knockOuts.length ? ` (knock-out: element ${c.knockOuts.join(", ")} failed)` : ""}\n`);
  for (const [p] of rendered) process.stdout.write(`wrote ${p}\n`);
  return EXIT.OK;
}
