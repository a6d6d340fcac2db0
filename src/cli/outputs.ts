// After an audit: apply vendor evidence and waivers, scrub secrets, write the requested outputs,
// print the scorecard, and compute the exit code. Shared by scan, sweep and demo.
import { EXIT, UsageError } from "../errors.js";
import { severityRank, type Severity } from "../model/common.js";
import type { ResultDocument } from "../model/result.js";
import { scrubDeep } from "../secrets.js";
import { renderScorecards, useColor } from "../report/terminal.js";
import { writeJson } from "../report/write.js";
import { nothingAudited } from "../engine/audit.js";

export interface OutputOptions {
  json?: string;
  format?: string[];
  out?: string;
  failOn: Severity;
  color: boolean;
  evidence?: string;
  waivers?: string;
}

/** Validate output options before any network work (exit 2 early, nothing written). */
export function validateOutputOptions(opts: OutputOptions): void {
  if (opts.format && !opts.out) throw new UsageError("--format: needs --out DIR to write the reports into");
  if (opts.out && !opts.format) throw new UsageError("--out: needs --format LIST (json,html,sarif,junit,csv,md)");
  const known = ["json", "html", "sarif", "junit", "csv", "md"];
  for (const f of opts.format ?? []) if (!known.includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${known.join(", ")})`);
}

export async function writeOutputs(doc: ResultDocument, opts: OutputOptions): Promise<void> {
  if (opts.json) writeJson(opts.json, doc);
  if (opts.format && opts.out) {
    const { writeReports } = await import("../report/index.js");
    await writeReports(doc, opts.format, opts.out);
  }
  if (opts.json !== "-") process.stdout.write(renderScorecards(doc, { color: useColor(opts.color) }));
}

export function exitCodeFor(doc: ResultDocument, failOn: Severity): number {
  if (nothingAudited(doc)) return EXIT.CANNOT_AUDIT;
  const threshold = severityRank(failOn);
  const failing = doc.devices.some((d) => d.findings.some((f) => f.status === "fail" && !f.waiver && severityRank(f.severity) >= threshold));
  return failing ? EXIT.FINDINGS : EXIT.OK;
}

export function finalize(doc: ResultDocument): ResultDocument {
  return scrubDeep(doc);
}
