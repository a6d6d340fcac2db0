// --advisories FILE[,FILE...]: read advisory files supplied offline by the operator, CSAF 2.0
// JSON (recognised by document.csaf_version) or otaudit's YAML format (yaml-format.ts), and turn
// them into one AdvisorySet. Every problem of every file is reported as `file: path.to.field:
// message` in one UsageError (exit 2) before any network work, so nothing is written.
// Loaded sets are cached by their file list, so validation and the audit read each file once.
import { readFileSync } from "node:fs";
import { parseYaml } from "../yaml.js";
import { UsageError, zodIssueLines } from "../errors.js";
import { csafToAdvisory, type ParseIssue } from "./csaf.js";
import type { Advisory, AdvisorySet } from "./model.js";
import { yamlToAdvisories } from "./yaml-format.js";

const cache = new Map<string, AdvisorySet>();

function isCsaf(raw: unknown): boolean {
  return typeof raw === "object" && raw !== null && "document" in raw;
}

/** Parse one file's text (exported for tests). */
export function parseAdvisoryText(text: string, file: string): { advisories?: Advisory[]; issues: ParseIssue[] } {
  let raw: unknown;
  try {
    raw = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    return { issues: [{ path: [], message: `not valid ${/\.json$/i.test(file) ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}` }] };
  }
  if (isCsaf(raw)) {
    const r = csafToAdvisory(raw, file);
    return r.advisory ? { advisories: [r.advisory], issues: [] } : { issues: r.issues };
  }
  return yamlToAdvisories(raw, file);
}

export function loadAdvisoryFiles(files: string[]): AdvisorySet {
  const key = files.join("\u0000");
  const hit = cache.get(key);
  if (hit) return hit;
  const lines: string[] = [];
  const advisories: Advisory[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      lines.push(`--advisories: ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
      continue;
    }
    const r = parseAdvisoryText(text, file);
    if (r.issues.length) lines.push(...zodIssueLines(file, r.issues));
    else advisories.push(...r.advisories!);
  }
  if (lines.length) throw new UsageError(lines[0]!, lines);
  const set = { files: [...files], advisories };
  cache.set(key, set);
  return set;
}
