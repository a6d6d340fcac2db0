// `otaudit report`: load and validate a stored result document (zod ResultDocument; a broken file
// exits 2 naming the field) or a sweep store (--db FILE|postgres://..., --db-env VAR; read-only),
// apply --evidence / --waivers, render every format, then write (one failing report does not keep
// the others from being written).
import { readFileSync } from "node:fs";
import { EXIT, UsageError, zodIssueLines } from "../errors.js";
import { ResultDocument, upgradeResultDocument } from "../model/result.js";
import { applyInputs } from "../evidence/apply.js";
import { parseJsonInput } from "../evidence/load.js";
import { allRules } from "../catalog/rules.js";
import { REPORT_FORMATS, writeReports } from "../report/index.js";
import { failingAtOrAbove, finalExitCode, inputPaths, loadOutputInputs, registryRuleIds, undecided, warnExpiredWaivers } from "./outputs.js";
import { REPORT_FILES } from "../report/files.js";
import { checkWritableDir, refuseSameFile } from "../report/write.js";
import { say, warn } from "./ui.js";
import { join } from "node:path";
import type { ReportOptions } from "./option-types.js";
import { applyPolicy } from "../policy/apply.js";
import { PLUGINS } from "../../probes/registry.js";

/**
 * Read a result: a JSON result document, or a sweep store (SQLite, `otaudit sweep --db`), whose
 * latest sweep (or `sweepId`) is assembled into a result document. UsageError with
 * `file: path.to.field: message` lines when invalid.
 */
export async function loadResult(file: string, sweepId?: string): Promise<ResultDocument> {
  const { isSqliteFile } = await import("../store/sqlite.js");
  if (isSqliteFile(file)) {
    const { loadResultFromStore } = await import("../store/store.js");
    return loadResultFromStore(file, sweepId);
  }
  if (sweepId) throw new UsageError(`--sweep: ${file} is not a sweep store (SQLite)`);
  return loadResultDocument(file);
}

/** Read a JSON result document; UsageError with `file: path.to.field: message` lines when invalid. */
export function loadResultDocument(file: string): ResultDocument {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const raw = parseJsonInput(text, file);
  const parsed = ResultDocument.safeParse(upgradeResultDocument(raw));
  if (!parsed.success) {
    const lines = zodIssueLines(file, parsed.error.issues);
    throw new UsageError(lines[0]!, lines);
  }
  return parsed.data;
}

export async function runReport(file: string | undefined, opts: ReportOptions): Promise<number> {
  for (const f of opts.format)
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${REPORT_FORMATS.join(", ")})`);
  if (opts.format.length === 0) throw new UsageError("--format: name at least one format");
  const { resolveDb } = await import("../store/db-url.js");
  const db = resolveDb(opts);
  if (file && db) throw new UsageError("--db: give either a result document or --db FILE, not both");
  const source = db?.kind === "sqlite" ? db.file : file;
  if (!source && !db) throw new UsageError("RESULT: give a result document (JSON) or a sweep store with --db FILE");
  const input = source ? [{ label: db ? "--db" : "RESULT", path: source }] : [];
  checkWritableDir(opts.out, `--out ${opts.out}`);
  refuseSameFile(
    opts.format.map((f) => ({ label: `--format ${f}`, path: join(opts.out, REPORT_FILES[f as keyof typeof REPORT_FILES]) })),
    [...input, ...inputPaths(opts)],
  );
  const stored = db ? await loadStoreResult(opts, opts.sweep) : await loadResult(source!, opts.sweep);
  const inputs = loadOutputInputs(opts);
  const judged = inputs.policy ? applyPolicy(stored, inputs.policy, PLUGINS) : stored;
  const doc = applyInputs(judged, { ...inputs, knownRuleIds: registryRuleIds() });
  const r = await writeReports(doc, opts.format, opts.out, { rules: allRules() });
  warnExpiredWaivers(doc);
  for (const p of r.written) say(`wrote ${p}\n`);
  for (const line of [...r.writeFailures, ...r.renderFailures]) warn(line);
  const code = opts.failOn && failingAtOrAbove(doc, opts.failOn) ? EXIT.FINDINGS : opts.failOnError && undecided(doc) ? EXIT.FINDINGS : EXIT.OK;
  return finalExitCode({ write: r.writeFailures, render: r.renderFailures }, false, code);
}

export async function loadStoreResult(flags: { db?: string; dbEnv?: string }, sweepId?: string): Promise<ResultDocument> {
  const { openStore, loadSweepDocument } = await import("../store/store.js");
  const store = await openStore(flags, { mustExist: true, readonly: true, warn });
  try {
    return await loadSweepDocument(store, sweepId);
  } finally {
    await store.close();
  }
}
