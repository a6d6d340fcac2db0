// Shared test plumbing for the report tests: the synthetic result, golden-file comparison with
// timestamps and versions masked. Regenerate goldens: UPDATE_GOLDEN=1 npx vitest run test/report
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml, stringify } from "yaml";
import { ResultDocument } from "../../src/model/result.js";
import { evidenceTemplate } from "../../src/evidence/template.js";
import { checkGolden } from "../helpers/golden.js";
import { serializeSyntheticResult } from "./fixtures/make-synthetic.js";
import type { REPORT_FORMATS } from "../../src/model/vocabulary.js";
import { REPORT_FILES } from "../../src/report/files.js";

type ReportFormat = (typeof REPORT_FORMATS)[number];

export const FIXTURE = fileURLToPath(new URL("./fixtures/synthetic-result.json", import.meta.url));

/** The committed synthetic result must be exactly what the builder makes (a missing file fails). */
export function checkSyntheticFixture(path = FIXTURE, update?: boolean): void {
  checkGolden(path, serializeSyntheticResult(), "UPDATE_GOLDEN=1 npx vitest run test/report", update);
}

export function syntheticResult(): ResultDocument {
  return ResultDocument.parse(JSON.parse(readFileSync(FIXTURE, "utf8")));
}

/** Mask what changes between runs and releases: ISO timestamps, the tool version. */
export function mask(text: string, version: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<TIMESTAMP>")
    .replace(/("(?:semanticVersion|version)": ?")[^"]+(")/g, (m, a: string, b: string) => (m.includes('"2.1.0"') ? m : `${a}<VERSION>${b}`))
    .split(`otaudit ${version}`)
    .join("otaudit <VERSION>");
}

/** The golden file of each report format (test/report/golden/): the name `--format` writes. */
export const REPORT_GOLDENS: Record<ReportFormat, string> = REPORT_FILES;

export const GOLDEN_DIR = fileURLToPath(new URL("./golden/", import.meta.url));

/** Compare a rendered report with golden/<name>; a missing golden fails (test/helpers/golden.ts). */
export function expectGolden(name: string, actual: string, version: string, dir = GOLDEN_DIR, update?: boolean): void {
  checkGolden(join(dir, name), mask(actual, version), "UPDATE_GOLDEN=1 npx vitest run test/report", update);
}

/** The template with identity filled in and every question answered yes with evidence. */
export function filledTemplate(devices = ["*"], answer: (qid: string) => string = () => "yes"): string {
  const t = parseYaml(evidenceTemplate());
  const p = t.products[0];
  Object.assign(p, {
    vendor: "Example Automation",
    product: "HC-200",
    version: "4.2",
    devices,
    attestedBy: { name: "A. Vendor", role: "PSIRT lead", organisation: "Example Automation" },
    attestedOn: "2025-02-01",
  });
  for (const el of Object.values(p.elements) as { answers: Record<string, { answer: string; evidence: string[] }> }[])
    for (const [qid, a] of Object.entries(el.answers)) {
      a.answer = answer(qid);
      a.evidence = [`Security manual rev 3, section ${qid}`];
    }
  return stringify(t);
}
