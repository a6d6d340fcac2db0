// Loading of the operator's YAML input files (vendor evidence, waivers, procurement policy):
// read, parse, validate with zod; every problem becomes a `source: path.to.field: message` line in
// one UsageError (exit 2), so a broken file is rejected before anything is written. Garbage and
// too-deep nesting give one clean line that does not quote the garbage (parseJsonInput, parseYamlText).
import { readFileSync } from "node:fs";
import { parseYaml } from "../yaml.js";
import type { z } from "zod";
import { UsageError, zodIssueLines } from "../errors.js";
import { hostMatches } from "../config/credentials.js";
import { safeExcerpt } from "../report/safe-text.js";

export function readInputFile(file: string, label: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${label} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Deeper than this is no input otaudit writes or reads: refused with one clean line. */
export const MAX_INPUT_DEPTH = 64;

/** Is `value` nested deeper than `max` levels of arrays/objects? Iterative: no stack to overflow. */
export function nestedDeeperThan(value: unknown, max = MAX_INPUT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= max) return true;
    for (const x of Array.isArray(v) ? v : Object.values(v)) if (x !== null && typeof x === "object") stack.push([x, depth + 1]);
  }
  return false;
}

/**
 * A parser's error message without the input it quotes: V8's JSON errors quote the start of the
 * input ('Unexpected token ..., "<input>"... is not valid JSON'), which for binary garbage is
 * garbage; the position is kept. (The CLI's error boundary escapes and caps every line as well.)
 */
export function parserMessage(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  if (e instanceof RangeError || /Maximum call stack size exceeded/.test(message)) return "nested too deeply";
  const bare = message.replace(/^Unexpected token .*?, ".*"(\.\.\.)? is not valid JSON$/s, "unexpected character").replace(/^(Unexpected token) '.+?'/, "$1");
  return safeExcerpt(bare.split("\n")[0]!, 120);
}

/** JSON.parse with a clean one-line UsageError for garbage, truncation and too-deep nesting. */
export function parseJsonInput(text: string, source: string, what = "not valid JSON"): unknown {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source}: (root): ${what} (${parserMessage(e)})`);
  }
  if (nestedDeeperThan(raw)) throw new UsageError(`${source}: (root): nested more than ${MAX_INPUT_DEPTH} levels deep`);
  return raw;
}

/** YAML parse with a clean one-line UsageError (garbage, too-deep nesting). */
export function parseYamlText(text: string, source: string): unknown {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    throw new UsageError(`${source}: (root): not valid YAML (${parserMessage(e)})`);
  }
  if (nestedDeeperThan(raw)) throw new UsageError(`${source}: (root): nested more than ${MAX_INPUT_DEPTH} levels deep`);
  return raw;
}

/** Parse YAML text and validate it; throws UsageError listing every issue as `source: path: message`. */
export function parseYamlInput<T>(text: string, source: string, schema: z.ZodType<T>): T {
  const raw = parseYamlText(text, source);
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) throw usageErrorFromLines(zodIssueLines(source, parsed.error.issues));
  return parsed.data;
}

export function usageErrorFromLines(lines: string[]): UsageError {
  return new UsageError(lines[0] ?? "invalid input", lines);
}

/** ISO calendar date (YYYY-MM-DD) that exists. YAML 1.2 core schema keeps it a string. */
export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A device selector matches a device by host (address, glob, CIDR; see credentials) or by name (glob). */
export function globMatch(pattern: string, value: string): boolean {
  const re = new RegExp(
    "^" +
      pattern
        .replace(/[.+^${}()|\\[\]]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".") +
      "$",
    "i",
  );
  return re.test(value);
}

/**
 * Does a device selector match a device? A selector is an address, glob (10.0.*) or CIDR matched
 * against the host (as in the credentials file), or a glob matched against the device name.
 */
export function deviceMatches(selector: string, device: { host: string; name?: string }): boolean {
  return hostMatches(selector, device.host) || (device.name !== undefined && globMatch(selector, device.name));
}
