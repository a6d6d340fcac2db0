// Output files: checked before any network work (exit 2 for a destination that cannot be written),
// written atomically (temporary sibling, then rename) so nothing is ever half-written, and
// scrubbed of secrets. Folders are created one level at a time: Node 20's recursive mkdir spins
// forever under /proc, and a bad --out must be an error, not a hang.
import { accessSync, constants, mkdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { scrub } from "../secrets.js";

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** The nearest folder of `dir` (itself or an ancestor) that exists; throws if a file is in the way. */
function nearestExistingDir(dir: string, label: string): string {
  let d = resolve(dir);
  for (;;) {
    try {
      if (!statSync(d).isDirectory()) throw new UsageError(`${label}: ${d} is not a folder`);
      return d;
    } catch (e) {
      if (e instanceof UsageError) throw e;
      if (code(e) !== "ENOENT" && code(e) !== "ENOTDIR") throw new UsageError(`${label}: cannot use ${d} (${code(e)})`);
      const up = dirname(d);
      if (up === d) throw new UsageError(`${label}: no existing folder above ${dir}`);
      d = up;
    }
  }
}

/** Can `dir` be created (or written, if it exists)? Checks without creating anything. */
export function checkWritableDir(dir: string, label: string): void {
  const existing = nearestExistingDir(dir, label);
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (e) {
    throw new UsageError(`${label}: cannot write in ${existing} (${code(e)})`);
  }
}

/** Check that a file can be written at `path` ('-' = stdout). */
export function checkWritableFile(path: string, label: string): void {
  if (path === "-") return;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`${label}: ${path} is a folder`);
  } catch (e) {
    if (e instanceof UsageError) throw e;
  }
  checkWritableDir(dirname(resolve(path)), label);
}

/** Create `dir` and its missing parents, one level at a time. */
export function ensureDir(dir: string, label = dir): void {
  const target = resolve(dir);
  const existing = nearestExistingDir(target, label);
  const missing: string[] = [];
  for (let d = target; d !== existing; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if (code(e) !== "EEXIST") throw new UsageError(`${label}: cannot create ${d} (${code(e)})`);
    }
  }
}

export function writeFileAtomic(path: string, content: string): void {
  ensureDir(dirname(path), path);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, scrub(content));
    renameSync(tmp, path);
  } catch (e) {
    throw new UsageError(`${path}: cannot write (${code(e)})`);
  }
}

/** Write a JSON document to a file or to stdout ('-'). */
export function writeJson(target: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + "\n";
  if (target === "-") process.stdout.write(scrub(text));
  else writeFileAtomic(target, text);
}
