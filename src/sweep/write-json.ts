// Write a sweep's result document as JSON one device at a time (a thousand devices make a document
// of tens of megabytes: building it as one string would double the sweep's peak memory). Same
// bytes as JSON.stringify(doc, null, 2); every chunk passes the secret scrubber; a regular file is written
// to a temporary sibling and renamed, so nothing is ever half-written (src/report/write.ts).
import { writeOutputChunks } from "../report/write.js";
import type { ResultDocument } from "../model/result.js";
import { scrub } from "../secrets.js";

function indent(json: string, by: string): string {
  return json.replace(/\n/g, `\n${by}`);
}

/** The document's JSON text in chunks (top-level keys in document order, devices one by one). */
export function* resultJsonChunks(doc: ResultDocument): Generator<string> {
  const keys = Object.keys(doc) as (keyof ResultDocument)[];
  yield "{";
  for (const [i, key] of keys.entries()) {
    const value = doc[key];
    if (value === undefined) continue;
    const sep = i === 0 ? "\n" : ",\n";
    if (key === "devices" && Array.isArray(value) && value.length > 0) {
      yield `${sep}  "devices": [`;
      for (const [j, d] of value.entries()) yield `${j === 0 ? "\n" : ",\n"}    ${indent(JSON.stringify(d, null, 2), "    ")}`;
      yield "\n  ]";
    } else {
      yield `${sep}  ${JSON.stringify(key)}: ${indent(JSON.stringify(value, null, 2), "  ")}`;
    }
  }
  yield "\n}\n";
}

export function writeResultJson(target: string, doc: ResultDocument, label = `--json ${target}`): void {
  if (target === "-") {
    for (const c of resultJsonChunks(doc)) process.stdout.write(scrub(c));
    return;
  }
  // replaced atomically when a regular file, written through when a FIFO or device (src/report/write.ts)
  writeOutputChunks(target, resultJsonChunks(doc), label);
}
