// Report writers by format. Each requested report is rendered in memory, then written
// (src/report/write.ts: atomic replace of a regular file, write-through otherwise), so a failure
// leaves nothing half-written, and one failing report does not keep the others from being written.
// Files: result.json, report.html, report.sarif, junit.xml, findings.csv, report.md, and for other
// tools defectdojo.json (DefectDojo Generic Findings Import), findings.ocsf.jsonl (OCSF Compliance
// Finding events), bom.cdx.json (CycloneDX 1.6 device inventory), capability.json (IEC 62443-4-2).
import { join } from "node:path";
import type { ResultDocument } from "../model/result.js";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "./write.js";
import type { ReportContext } from "./common.js";
import { renderSarif } from "./sarif.js";
import { renderJunit } from "./junit.js";
import { renderCsv } from "./csv.js";
import { renderMarkdown } from "./markdown.js";
import { renderHtml } from "./html.js";
import { renderDefectDojo } from "./defectdojo.js";
import { renderOcsf } from "./ocsf.js";
import { renderCyclonedx } from "./cyclonedx.js";
import { renderCapability } from "./capability.js";
import { PLUGINS } from "../../probes/registry.js";

import { REPORT_FORMATS } from "../model/vocabulary.js";
import { REPORT_FILES } from "./files.js";
import { allRules } from "../catalog/rules.js";

export { REPORT_FORMATS };
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export { REPORT_FILES };

export function renderReport(doc: ResultDocument, format: ReportFormat, ctx: ReportContext = {}): string {
  switch (format) {
    case "json":
      return JSON.stringify(doc, null, 2) + "\n";
    case "html":
      return renderHtml(doc);
    case "sarif":
      return renderSarif(doc, ctx);
    case "junit":
      return renderJunit(doc);
    case "csv":
      return renderCsv(doc);
    case "md":
      return renderMarkdown(doc);
    case "defectdojo":
      return renderDefectDojo(doc);
    case "ocsf":
      return renderOcsf(doc);
    case "cyclonedx":
      return renderCyclonedx(doc, PLUGINS);
    case "capability":
      return renderCapability(doc);
  }
}

export interface ReportsWritten {
  /** paths written */
  written: string[];
  /** one line per report that could not be rendered (an internal error: exit 3) */
  renderFailures: string[];
  /** one line per report that could not be written (ENOSPC, EPIPE...: exit 2) */
  writeFailures: string[];
}

/**
 * Render each requested format and write it. One failing renderer or write does not keep the
 * others from being written: failures are returned, one line each, for the caller's exit code.
 */
export async function writeReports(
  doc: ResultDocument,
  formats: string[],
  outDir: string,
  ctx?: ReportContext,
  render: typeof renderReport = renderReport,
): Promise<ReportsWritten> {
  for (const f of formats)
    if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${REPORT_FORMATS.join(", ")})`);
  const context = ctx ?? { rules: allRules() };
  const out: ReportsWritten = { written: [], renderFailures: [], writeFailures: [] };
  for (const f of new Set(formats as ReportFormat[])) {
    const path = join(outDir, REPORT_FILES[f]);
    let text: string;
    try {
      text = render(doc, f, context);
    } catch (e) {
      out.renderFailures.push(`--format ${f}: could not render ${path} (internal error: ${(e as Error).name}: ${(e as Error).message})`);
      continue;
    }
    try {
      writeFileAtomic(path, text, `--format ${f}`);
      out.written.push(path);
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      out.writeFailures.push(e.message);
    }
  }
  return out;
}
