// Shared test plumbing for the report tests: the synthetic result, golden-file comparison with
// timestamps and versions masked. Regenerate goldens: UPDATE_GOLDEN=1 npx vitest run test/report
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { ResultDocument } from "../../src/model/result.js";
import { evidenceTemplate } from "../../src/evidence/template.js";

export const FIXTURE = fileURLToPath(new URL("./fixtures/synthetic-result.json", import.meta.url));

export function syntheticResult(): ResultDocument {
  return ResultDocument.parse(JSON.parse(readFileSync(FIXTURE, "utf8")));
}

/** Mask what changes between runs and releases: ISO timestamps, the tool version. */
export function mask(text: string, version: string): string {
  return text
    .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<TIMESTAMP>")
    .replace(/("(?:semanticVersion|version)": ")[^"]+(")/g, (m, a: string, b: string) => (m.includes('"2.1.0"') ? m : `${a}<VERSION>${b}`))
    .split(`otaudit ${version}`)
    .join("otaudit <VERSION>");
}

export function expectGolden(name: string, actual: string, version: string): void {
  const path = fileURLToPath(new URL(`./golden/${name}`, import.meta.url));
  const masked = mask(actual, version);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(path)) {
    writeFileSync(path, masked);
    return;
  }
  expect(masked, `golden ${name} differs; regenerate with UPDATE_GOLDEN=1 npx vitest run test/report`).toBe(readFileSync(path, "utf8"));
}

/** The template with identity filled in and every question answered yes with evidence. */
export function filledTemplate(devices = ["*"], answer: (qid: string) => string = () => "yes"): string {
  const t = parseYaml(evidenceTemplate());
  const p = t.products[0];
  Object.assign(p, { vendor: "Example Automation", product: "HC-200", version: "4.2", devices, attestedBy: { name: "A. Vendor", role: "PSIRT lead", organisation: "Example Automation" }, attestedOn: "2025-02-01" });
  for (const el of Object.values(p.elements) as { answers: Record<string, { answer: string; evidence: string[] }> }[])
    for (const [qid, a] of Object.entries(el.answers)) {
      a.answer = answer(qid);
      a.evidence = [`Security manual rev 3, section ${qid}`];
    }
  return stringify(t);
}

