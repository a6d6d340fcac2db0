// Security-knowledge data files (probes/<id>/data/*.yaml|json): read from the package tree at run
// time, validated with zod, cached. Works from sources and from the compiled tree alike. The YAML
// source is the truth; the build (scripts/build-data.ts) also writes each file's content as JSON
// under dist/data/, tagged with the SHA-256 of the YAML text, and that form is used only while the
// tag matches the YAML on disk (parsing JSON costs ~1 ms where the YAML parser costs ~100 ms of a
// cold start). An edited YAML file is read as YAML until the next build.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import { zodIssueLines } from "./errors.js";
import { PACKAGE_ROOT } from "./version.js";
import { parseYaml } from "./yaml.js";

const cache = new Map<string, unknown>();

/** Where the build puts the compiled form of `relPath` (relative to the package root). */
export function compiledDataPath(relPath: string): string {
  return join("dist", "data", `${relPath}.json`);
}

/** The tag a compiled file carries: SHA-256 of the source text. */
export function sourceTag(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The compiled content of a YAML data file, when the build wrote it for this very text. */
function compiledContent(root: string, relPath: string, text: string): { data: unknown } | undefined {
  let compiled: string;
  try {
    compiled = readFileSync(join(root, compiledDataPath(relPath)), "utf8");
  } catch {
    return undefined; // not built (sources, tests): the YAML is parsed
  }
  let c: { sha256?: unknown; data?: unknown };
  try {
    c = JSON.parse(compiled) as typeof c;
  } catch {
    return undefined; // a truncated or corrupted build output: the YAML is the truth
  }
  return c?.sha256 === sourceTag(text) ? { data: c.data } : undefined;
}

/** The content of a data file before validation, and whether it came from the compiled form. */
export function readDataFile(root: string, relPath: string): { raw: unknown; compiled: boolean } {
  const text = readFileSync(join(root, relPath), "utf8");
  if (relPath.endsWith(".json")) return { raw: JSON.parse(text), compiled: false };
  const c = compiledContent(root, relPath, text);
  return c ? { raw: c.data, compiled: true } : { raw: parseYaml(text), compiled: false };
}

/** Load `relPath` (relative to the package root, e.g. "probes/ssh/data/algorithms.yaml"). */
export function loadDataFile<T>(relPath: string, schema: z.ZodType<T>): T {
  const hit = cache.get(relPath);
  if (hit !== undefined) return hit as T;
  const parsed = schema.safeParse(readDataFile(PACKAGE_ROOT, relPath).raw);
  if (!parsed.success) throw new Error(zodIssueLines(relPath, parsed.error.issues).join("\n"));
  cache.set(relPath, parsed.data);
  return parsed.data;
}
