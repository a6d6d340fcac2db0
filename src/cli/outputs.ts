// After an audit: apply vendor evidence and waivers, scrub secrets, write the requested outputs,
// print the scorecard, and compute the exit code. Shared by scan, sweep, record and demo.
// Evidence and waivers files are loaded and validated in validateOutputOptions, before any network
// work, so a broken file exits 2 with `path.to.field` lines and nothing is written.
import { EXIT, UsageError, UsageErrorCollector } from "../errors.js";
import { severityRank, type Severity } from "../model/common.js";
import { REPORT_FORMATS } from "../model/vocabulary.js";
import type { ResultDocument } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { renderScorecards, useColor } from "../report/terminal.js";
import { checkWritableDir, checkWritableFile, refuseSameFile, writeJson, type NamedPath } from "../report/write.js";
import { REPORT_FILES } from "../report/files.js";
import { say, warn } from "./ui.js";
import { join } from "node:path";
import { nothingAudited } from "../engine/audit.js";
import { loadEvidence, type LoadedEvidence } from "../evidence/evidence.js";
import { checkWaiverRules, loadWaivers, type LoadedWaivers } from "../evidence/waivers.js";
import { applyInputs } from "../evidence/apply.js";
import { loadAdvisoryFiles } from "../advisories/load.js";
import { allRuleIds } from "../catalog/rules.js";
import { PLUGINS } from "../../probes/registry.js";
import { loadPolicyArg } from "../policy/load.js";
import { applyPolicy } from "../policy/apply.js";
import type { Policy } from "../policy/format.js";
import { existsSync } from "node:fs";

export interface OutputOptions {
  json?: string;
  format?: string[];
  out?: string;
  failOn: Severity;
  /** exit 1 also for error and undetermined findings (CI gate on what could not be decided) */
  failOnError?: boolean;
  color: boolean;
  evidence?: string;
  waivers?: string;
  advisories?: string[];
  /** --policy FILE|NAME: a policy file or a built-in policy (src/policy) */
  policy?: string;
  /** inputs and outputs that must never be the same file as another (refuseSameFile) */
  log?: string;
  credentials?: string;
  fromFacts?: string;
}

/** What went wrong while writing outputs: write errors exit 2, render errors exit 3. */
export interface OutputProblems {
  write: string[];
  render: string[];
}

/** The files a run writes (for refuseSameFile). */
export function outputPaths(opts: Pick<OutputOptions, "json" | "format" | "out" | "log">): NamedPath[] {
  const out: NamedPath[] = [];
  if (opts.json && opts.json !== "-") out.push({ label: `--json`, path: opts.json });
  if (opts.out)
    for (const f of opts.format ?? [])
      if (f in REPORT_FILES) out.push({ label: `--format ${f}`, path: join(opts.out, REPORT_FILES[f as keyof typeof REPORT_FILES]) });
  if (opts.log) out.push({ label: "--log", path: opts.log });
  return out;
}

/** The files a run reads (for refuseSameFile). */
export function inputPaths(opts: Pick<OutputOptions, "evidence" | "waivers" | "advisories" | "credentials" | "fromFacts" | "policy">): NamedPath[] {
  const ins: NamedPath[] = [];
  if (opts.policy && existsSync(opts.policy)) ins.push({ label: "--policy", path: opts.policy });
  if (opts.fromFacts) ins.push({ label: "--from-facts", path: opts.fromFacts });
  if (opts.evidence) ins.push({ label: "--evidence", path: opts.evidence });
  if (opts.waivers) ins.push({ label: "--waivers", path: opts.waivers });
  if (opts.credentials) ins.push({ label: "--credentials", path: opts.credentials });
  for (const a of opts.advisories ?? []) ins.push({ label: "--advisories", path: a });
  return ins;
}

/** --log: opened for appending later (src/log.ts); checked here, before any network work or file creation. */
export function checkLogOption(log: string | undefined): void {
  if (log) checkWritableFile(log, `--log ${log}`);
}

interface LoadedInputs {
  evidence?: LoadedEvidence;
  waivers?: LoadedWaivers;
  policy?: Policy;
}

/** Inputs loaded by validateOutputOptions, reused by writeOutputs (same options object). */
const loadedInputs = new WeakMap<OutputOptions, LoadedInputs>();

export function registryRuleIds(): Set<string> {
  return allRuleIds();
}

/** Load and validate --evidence, --waivers and --policy (exit 2 with `file: path.to.field: message` lines). */
export function loadOutputInputs(opts: { evidence?: string; waivers?: string; advisories?: string[]; policy?: string }): LoadedInputs {
  const inputs: LoadedInputs = {};
  const errors = new UsageErrorCollector();
  const collect = (fn: () => void) => errors.collect(fn);
  if (opts.evidence) collect(() => (inputs.evidence = loadEvidence(opts.evidence!)));
  if (opts.waivers) collect(() => (inputs.waivers = loadWaivers(opts.waivers!)));
  if (opts.policy) collect(() => (inputs.policy = loadPolicyArg(opts.policy!, PLUGINS)));
  // advisories are applied by the engine (assessDevice); loaded here only to fail early (cached)
  if (opts.advisories?.length) collect(() => loadAdvisoryFiles(opts.advisories!));
  errors.throwIfAny();
  return inputs;
}

/**
 * Validate output options before any network work (exit 2 early, nothing written): destinations
 * writable, --log openable, no output that is an input of the run, evidence/waivers/advisories valid.
 */
export function validateOutputOptions(opts: OutputOptions, extra: { inputs?: NamedPath[]; outputs?: NamedPath[] } = {}): void {
  if (opts.json) checkWritableFile(opts.json, `--json ${opts.json}`);
  if (opts.out) checkWritableDir(opts.out, `--out ${opts.out}`);
  if (opts.format && !opts.out) throw new UsageError("--format: needs --out DIR to write the reports into");
  if (opts.out && !opts.format) throw new UsageError(`--out: needs --format LIST (${REPORT_FORMATS.join(",")})`);
  for (const f of opts.format ?? [])
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${REPORT_FORMATS.join(", ")})`);
  if (opts.out) for (const o of outputPaths({ format: opts.format, out: opts.out })) checkWritableFile(o.path, o.label);
  checkLogOption(opts.log);
  refuseSameFile([...outputPaths(opts), ...(extra.outputs ?? [])], [...inputPaths(opts), ...(extra.inputs ?? [])]);
  const inputs = loadOutputInputs(opts);
  // a scan can only produce the registry's rules, so a waiver naming another rule is a typo
  if (inputs.waivers) checkWaiverRules(inputs.waivers, registryRuleIds());
  loadedInputs.set(opts, inputs);
}

/**
 * Apply --policy, then --evidence and --waivers (validated earlier by validateOutputOptions) to the
 * document IN PLACE, so the exit code is computed from the same object; warn about expired waivers.
 */
export function applyOutputInputs(doc: ResultDocument, opts: OutputOptions): void {
  const inputs = loadedInputs.get(opts) ?? loadOutputInputs(opts);
  if (inputs.policy) Object.assign(doc, scrubDeep(applyPolicy(doc, inputs.policy, PLUGINS)));
  if (inputs.evidence || inputs.waivers) Object.assign(doc, scrubDeep(applyInputs(doc, { ...inputs, knownRuleIds: registryRuleIds() })));
  warnExpiredWaivers(doc);
}

/**
 * Apply evidence and waivers to the document IN PLACE (callers then compute the exit code from
 * the same object), then write the outputs (--json through `writeJsonFile`) and print the scorecard
 * (not with --quiet or --json -).
 * A failing write or renderer does not keep the other outputs from being written; the problems
 * are printed (one line each) and returned for finalExitCode.
 */
export async function writeOutputs(
  doc: ResultDocument,
  opts: OutputOptions,
  scorecard: (doc: ResultDocument) => string = (d) => renderScorecards(d, { color: useColor(opts.color) }),
  writeJsonFile: (target: string, doc: ResultDocument) => void = (target, d) => writeJson(target, d, "--json"),
): Promise<OutputProblems> {
  applyOutputInputs(doc, opts);
  const problems: OutputProblems = { write: [], render: [] };
  if (opts.json) {
    try {
      writeJsonFile(opts.json, doc);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      problems.write.push(e.message);
    }
  }
  if (opts.format && opts.out) {
    const { writeReports } = await import("../report/index.js");
    const r = await writeReports(doc, opts.format, opts.out);
    problems.render.push(...r.renderFailures);
    problems.write.push(...r.writeFailures);
  }
  if (opts.json !== "-") say(scorecard(doc));
  for (const line of [...problems.write, ...problems.render]) warn(line);
  return problems;
}

/** Expired waivers no longer apply; say so on stderr (they are listed in every report too). */
export function warnExpiredWaivers(doc: ResultDocument): void {
  for (const w of doc.waivers?.entries ?? [])
    if (w.state === "expired") warn(`waiver for ${w.rule} (${w.devices.join(", ")}) expired on ${w.expires}: no longer applied`);
}

/** One stderr line per device saying why nothing could be audited (exit 3 is never silent). */
export function explainNothingAudited(doc: ResultDocument): void {
  if (!nothingAudited(doc)) return;
  if (doc.devices.length === 0) {
    warn("nothing was audited (the run was interrupted before any device)");
    return;
  }
  for (const d of doc.devices) {
    const why = Object.values(d.facts)
      .map((f) => `${f.protocol}:${f.endpoints.map((e) => e.port).join("/")} ${f.status === "absent" ? "nothing listening" : (f.error?.message ?? f.status)}`)
      .join("; ");
    warn(`could not audit ${d.host}: ${why || "no service to probe"}`);
  }
}

/**
 * The exit code of a result: 3 nothing could be audited, 1 an unwaived failing finding at or
 * above --fail-on (or, with --fail-on-error, any error or undetermined finding), else 0.
 */
export function exitCodeFor(doc: ResultDocument, failOn: Severity, failOnError = false): number {
  if (nothingAudited(doc)) return EXIT.CANNOT_AUDIT;
  if (failingAtOrAbove(doc, failOn)) return EXIT.FINDINGS;
  return failOnError && undecided(doc) ? EXIT.FINDINGS : EXIT.OK;
}

/** A failing, unwaived finding at or above the threshold. */
export function failingAtOrAbove(doc: ResultDocument, failOn: Severity): boolean {
  const threshold = severityRank(failOn);
  return doc.devices.some((d) => d.findings.some((f) => f.status === "fail" && !f.waiver && severityRank(f.severity) >= threshold));
}

/** A check that could not run (error) or could not decide (undetermined): what --fail-on-error gates on. */
export function undecided(doc: ResultDocument): boolean {
  return doc.devices.some((d) => d.findings.some((f) => f.status === "error" || f.status === "undetermined"));
}

/**
 * The command's exit code, most serious first: 2 an output could not be written, 3 a report could
 * not be rendered, 130 interrupted by Ctrl-C (what was gathered is written, marked interrupted),
 * then the result's own code (exitCodeFor, or `resultCode` when the caller computed it).
 */
export function finalExitCode(problems: OutputProblems, interrupted: boolean, resultCode: number): number {
  if (problems.write.length) return EXIT.USAGE;
  if (problems.render.length) return EXIT.CANNOT_AUDIT;
  if (interrupted) return EXIT.INTERRUPTED;
  return resultCode;
}

export function finalize(doc: ResultDocument): ResultDocument {
  return scrubDeep(doc);
}
