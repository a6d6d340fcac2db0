// Report writers by format. Every requested report is rendered in memory first, then written
// atomically (src/report/write.ts), so a failure leaves nothing half-written.
// Files: result.json, report.html, report.sarif, junit.xml, findings.csv, report.md.
import { join } from "node:path";
import type { ResultDocument } from "../model/result.js";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "./write.js";
import type { ReportContext, RuleInfo } from "./common.js";
import { renderSarif } from "./sarif.js";
import { renderJunit } from "./junit.js";
import { renderCsv } from "./csv.js";
import { renderMarkdown } from "./markdown.js";
import { renderHtml } from "./html.js";

import { REPORT_FORMATS } from "../model/vocabulary.js";
import { allRules } from "../catalog/rules.js";

export { REPORT_FORMATS };
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export const REPORT_FILES: Record<ReportFormat, string> = {
  json: "result.json",
  html: "report.html",
  sarif: "report.sarif",
  junit: "junit.xml",
  csv: "findings.csv",
  md: "report.md",
};

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
  }
}

/** Render the formats into memory, then write them; returns the paths written. */
export async function writeReports(doc: ResultDocument, formats: string[], outDir: string, ctx?: ReportContext): Promise<string[]> {
  for (const f of formats) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format: unknown format '${f}' (known: ${REPORT_FORMATS.join(", ")})`);
  const context = ctx ?? { rules: allRules() };
  const rendered = [...new Set(formats as ReportFormat[])].map((f) => [join(outDir, REPORT_FILES[f]), renderReport(doc, f, context)] as const);
  for (const [path, text] of rendered) writeFileAtomic(path, text);
  return rendered.map(([p]) => p);
}
