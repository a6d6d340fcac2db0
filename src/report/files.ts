// File names of the reports `--format` writes into `--out` (cheap to import: no renderer loaded).
import type { REPORT_FORMATS } from "../model/vocabulary.js";

export const REPORT_FILES: Record<(typeof REPORT_FORMATS)[number], string> = {
  json: "result.json",
  html: "report.html",
  sarif: "report.sarif",
  junit: "junit.xml",
  csv: "findings.csv",
  md: "report.md",
  defectdojo: "defectdojo.json",
  ocsf: "findings.ocsf.jsonl",
  cyclonedx: "bom.cdx.json",
  capability: "capability.json",
};
