// Loading of the operator's YAML input files (vendor evidence, waivers, procurement policy):
// read, parse, validate with zod; every problem becomes a `source: path.to.field: message` line in
// one UsageError (exit 2), so a broken file is rejected before anything is written.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import type { z } from "zod";
import { UsageError, zodIssueLines } from "../errors.js";
import { hostMatches } from "../config/credentials.js";

export function readInputFile(file: string, label: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new UsageError(`${label} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** Parse YAML text and validate it; throws UsageError listing every issue as `source: path: message`. */
export function parseYamlInput<T>(text: string, source: string, schema: z.ZodType<T>): T {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: false });
  } catch (e) {
    throw new UsageError(`${source}: (root): not valid YAML (${(e as Error).message.split("\n")[0]})`);
  }
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
  const re = new RegExp("^" + pattern.replace(/[.+^${}()|\\[\]]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".") + "$", "i");
  return re.test(value);
}

/**
 * Does a device selector match a device? A selector is an address, glob (10.0.*) or CIDR matched
 * against the host (as in the credentials file), or a glob matched against the device name.
 */
export function deviceMatches(selector: string, device: { host: string; name?: string }): boolean {
  return hostMatches(selector, device.host) || (device.name !== undefined && globMatch(selector, device.name));
}
