// `otaudit compare`: validate every input first (results, policy), build the matrix, render all
// formats in memory, then write them (one failing write does not keep the others from being
// written); print the ranking. The same result given twice is compared, with a warning.
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { EXIT, UsageError } from "../errors.js";
import { DEFAULT_POLICY, loadPolicy } from "../evidence/policy.js";
import { buildCompare, renderCompareCsv, renderCompareHtml, renderCompareMarkdown } from "../report/compare.js";
import { checkWritableDir, refuseSameFile, writeFileAtomic } from "../report/write.js";
import { loadResult, loadStoreResult } from "./report-run.js";
import { finalExitCode } from "./outputs.js";
import { say, warn } from "./ui.js";
import type { CompareOptions } from "./option-types.js";

const RENDER = { html: renderCompareHtml, csv: renderCompareCsv, md: renderCompareMarkdown } as const;

/** Same file (inode) or same content: the identity of a result file, for the duplicate warning. */
function identity(file: string): string[] {
  const ids: string[] = [];
  try {
    const st = statSync(file);
    ids.push(`inode:${st.dev}:${st.ino}`);
    if (st.isFile()) ids.push(`sha256:${createHash("sha256").update(readFileSync(file)).digest("hex")}`);
  } catch {
    // unreadable: loadResult reports it
  }
  return ids;
}

export async function runCompare(files: string[], opts: CompareOptions): Promise<number> {
  for (const f of opts.format) if (!(f in RENDER)) throw new UsageError(`--format: unknown format '${f}' (known: html, csv, md)`);
  const { resolveDb } = await import("../store/db-url.js");
  const db = resolveDb(opts);
  if (opts.sweep !== undefined && !db) throw new UsageError("--sweep: only with --db (which sweep of a sweep store)");
  if (files.length === 0 && !db) throw new UsageError("RESULT: give result documents (JSON) or a sweep store with --db");
  checkWritableDir(opts.out, `--out ${opts.out}`);
  const outputs = [...new Set(opts.format)].map((f) => ({ label: `--format ${f}`, path: join(opts.out, `compare.${f}`) }));
  const storeInput = db?.kind === "sqlite" ? [{ label: "--db", path: db.file }] : [];
  refuseSameFile(outputs, [
    ...files.map((path) => ({ label: "RESULT", path })),
    ...storeInput,
    ...(opts.weights ? [{ label: "--weights", path: opts.weights }] : []),
  ]);
  const policy = opts.weights ? loadPolicy(opts.weights) : DEFAULT_POLICY;
  const inputs = await Promise.all(files.map(async (file) => ({ source: basename(file), doc: await loadResult(file) })));
  // a sweep store (read-only): its devices are candidates like a result's; the label never holds a
  // PostgreSQL URL (it may carry a password)
  if (db) inputs.push({ source: db.kind === "sqlite" ? basename(db.file) : "PostgreSQL sweep store", doc: await loadStoreResult(opts, opts.sweep) });
  const seen = new Map<string, string>(); // identity -> first file with it
  for (const file of files) {
    const ids = identity(file);
    const first = ids.map((id) => seen.get(id)).find((x) => x !== undefined);
    if (first === undefined) for (const id of ids) seen.set(id, file);
    else warn(`warning: ${file} ${first === file ? "is given more than once" : `is the same result as ${first}`}; its devices appear twice in the comparison`);
  }
  const matrix = buildCompare(inputs, policy);
  if (matrix.candidates.length === 0) throw new UsageError("RESULT: the given results contain no device to compare");
  const write: string[] = [];
  const written: string[] = [];
  for (const o of outputs) {
    try {
      writeFileAtomic(o.path, RENDER[o.label.slice("--format ".length) as keyof typeof RENDER](matrix), o.label);
      written.push(o.path);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      write.push(e.message);
      warn(e.message);
    }
  }
  for (const c of matrix.candidates)
    say(`${c.rank}${c.tied ? "=" : ""}. ${c.label}: ${c.score}${c.knockOuts.length ? ` (knock-out: element ${c.knockOuts.join(", ")} failed)` : ""}\n`);
  for (const p of written) say(`wrote ${p}\n`);
  return finalExitCode({ write, render: [] }, false, EXIT.OK);
}
