// Atomic file output: write to a temporary sibling, then rename, so nothing is ever half-written.
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, basename } from "node:path";
import { scrub } from "../secrets.js";

export function writeFileAtomic(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, scrub(content));
  renameSync(tmp, path);
}

/** Write a JSON document to a file or to stdout ('-'). */
export function writeJson(target: string, value: unknown): void {
  const text = JSON.stringify(value, null, 2) + "\n";
  if (target === "-") process.stdout.write(scrub(text));
  else writeFileAtomic(target, text);
}
