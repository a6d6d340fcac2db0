// After an audit: apply vendor evidence and waivers, scrub secrets, write the requested outputs,
// print the scorecard, and compute the exit code. Shared by scan, sweep and demo.
// Evidence and waivers files are loaded and validated in validateOutputOptions, before any network
// work, so a broken file exits 2 with `path.to.field` lines and nothing is written.
import { EXIT, UsageError, UsageErrorCollector } from "../errors.js";
import { severityRank, type Severity } from "../model/common.js";
import { REPORT_FORMATS } from "../model/vocabulary.js";
import type { ResultDocument } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { safeText } from "../report/safe-text.js";
import { renderScorecards, useColor } from "../report/terminal.js";
import { checkWritableDir, checkWritableFile, writeJson } from "../report/write.js";
import { nothingAudited } from "../engine/audit.js";
import { loadEvidence, type LoadedEvidence } from "../evidence/evidence.js";
import { checkWaiverRules, loadWaivers, type LoadedWaivers } from "../evidence/waivers.js";
import { applyInputs } from "../evidence/apply.js";
import { loadAdvisoryFiles } from "../advisories/load.js";
import { allRuleIds } from "../catalog/rules.js";

export interface OutputOptions {
  json?: string;
  format?: string[];
  out?: string;
  failOn: Severity;
  color: boolean;
  evidence?: string;
  waivers?: string;
  advisories?: string[];
}

interface LoadedInputs {
  evidence?: LoadedEvidence;
  waivers?: LoadedWaivers;
}

/** Inputs loaded by validateOutputOptions, reused by writeOutputs (same options object). */
const loadedInputs = new WeakMap<OutputOptions, LoadedInputs>();

export function registryRuleIds(): Set<string> {
  return allRuleIds();
}

/** Load and validate --evidence and --waivers (exit 2 with `file: path.to.field: message` lines). */
export function loadOutputInputs(opts: { evidence?: string; waivers?: string; advisories?: string[] }): LoadedInputs {
  const inputs: LoadedInputs = {};
  const errors = new UsageErrorCollector();
  const collect = (fn: () => void) => errors.collect(fn);
  if (opts.evidence) collect(() => (inputs.evidence = loadEvidence(opts.evidence!)));
  if (opts.waivers) collect(() => (inputs.waivers = loadWaivers(opts.waivers!)));
  // advisories are applied by the engine (assessDevice); loaded here only to fail early (cached)
  if (opts.advisories?.length) collect(() => loadAdvisoryFiles(opts.advisories!));
  errors.throwIfAny();
  return inputs;
}

/** Validate output options before any network work (exit 2 early, nothing written). */
export function validateOutputOptions(opts: OutputOptions): void {
  if (opts.json) checkWritableFile(opts.json, `--json ${opts.json}`);
  if (opts.out) checkWritableDir(opts.out, `--out ${opts.out}`);
  if (opts.format && !opts.out) throw new UsageError("--format: needs --out DIR to write the reports into");
  if (opts.out && !opts.format) throw new UsageError("--out: needs --format LIST (json,html,sarif,junit,csv,md)");
  for (const f of opts.format ?? []) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${REPORT_FORMATS.join(", ")})`);
  const inputs = loadOutputInputs(opts);
  // a scan can only produce the registry's rules, so a waiver naming another rule is a typo
  if (inputs.waivers) checkWaiverRules(inputs.waivers, registryRuleIds());
  loadedInputs.set(opts, inputs);
}

/**
 * Apply --evidence and --waivers (validated earlier by validateOutputOptions) to the document IN
 * PLACE, so the exit code is computed from the same object; warn about expired waivers.
 */
export function applyOutputInputs(doc: ResultDocument, opts: OutputOptions): void {
  const inputs = loadedInputs.get(opts) ?? loadOutputInputs(opts);
  if (inputs.evidence || inputs.waivers) Object.assign(doc, scrubDeep(applyInputs(doc, { ...inputs, knownRuleIds: registryRuleIds() })));
  warnExpiredWaivers(doc);
}

/**
 * Apply evidence and waivers to the document IN PLACE (callers then compute the exit code from
 * the same object), then write the outputs.
 */
export async function writeOutputs(doc: ResultDocument, opts: OutputOptions): Promise<void> {
  applyOutputInputs(doc, opts);
  if (opts.json) writeJson(opts.json, doc);
  if (opts.format && opts.out) {
    const { writeReports } = await import("../report/index.js");
    await writeReports(doc, opts.format, opts.out);
  }
  if (opts.json !== "-") process.stdout.write(renderScorecards(doc, { color: useColor(opts.color) }));
}

/** Expired waivers no longer apply; say so on stderr (they are listed in every report too). */
export function warnExpiredWaivers(doc: ResultDocument): void {
  for (const w of doc.waivers?.entries ?? [])
    if (w.state === "expired") process.stderr.write(safeText(`otaudit: waiver for ${w.rule} (${w.devices.join(", ")}) expired on ${w.expires}: no longer applied`) + "\n");
}

/** One stderr line per device saying why nothing could be audited (exit 3 is never silent). */
export function explainNothingAudited(doc: ResultDocument): void {
  if (!nothingAudited(doc)) return;
  if (doc.devices.length === 0) {
    process.stderr.write("otaudit: nothing was audited (the run was interrupted before any device)\n");
    return;
  }
  for (const d of doc.devices) {
    const why = Object.values(d.facts)
      .map((f) => `${f.protocol}:${f.endpoints.map((e) => e.port).join("/")} ${f.status === "absent" ? "nothing listening" : (f.error?.message ?? f.status)}`)
      .join("; ");
    process.stderr.write(safeText(`otaudit: could not audit ${d.host}: ${why || "no service to probe"}`) + "\n");
  }
}

export function exitCodeFor(doc: ResultDocument, failOn: Severity): number {
  if (nothingAudited(doc)) return EXIT.CANNOT_AUDIT;
  return failingAtOrAbove(doc, failOn) ? EXIT.FINDINGS : EXIT.OK;
}

/** A failing, unwaived finding at or above the threshold. */
export function failingAtOrAbove(doc: ResultDocument, failOn: Severity): boolean {
  const threshold = severityRank(failOn);
  return doc.devices.some((d) => d.findings.some((f) => f.status === "fail" && !f.waiver && severityRank(f.severity) >= threshold));
}

export function finalize(doc: ResultDocument): ResultDocument {
  return scrubDeep(doc);
}
