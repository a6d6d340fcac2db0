// Security-knowledge data files (probes/<id>/data/*.yaml|json): read from the package tree at run
// time, validated with zod, cached. Works from sources and from the compiled tree alike.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { z } from "zod";
import { zodIssueLines } from "./errors.js";
import { PACKAGE_ROOT } from "./version.js";

const cache = new Map<string, unknown>();

/** The YAML parser, loaded on the first data file (plugins import this module on every start). */
function parseYaml(text: string): unknown {
  return (createRequire(import.meta.url)("yaml") as typeof import("yaml")).parse(text);
}

/** Load `relPath` (relative to the package root, e.g. "probes/ssh/data/algorithms.yaml"). */
export function loadDataFile<T>(relPath: string, schema: z.ZodType<T>): T {
  const hit = cache.get(relPath);
  if (hit !== undefined) return hit as T;
  const text = readFileSync(join(PACKAGE_ROOT, relPath), "utf8");
  const raw: unknown = relPath.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new Error(zodIssueLines(relPath, parsed.error.issues).join("\n"));
  cache.set(relPath, parsed.data);
  return parsed.data;
}
