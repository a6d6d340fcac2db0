// Report writers by format (issue 7 fills in html, sarif, junit, csv, md).
import { join } from "node:path";
import type { ResultDocument } from "../model/result.js";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "./write.js";

export async function writeReports(doc: ResultDocument, formats: string[], outDir: string): Promise<void> {
  for (const f of formats) {
    if (f === "json") writeFileAtomic(join(outDir, "result.json"), JSON.stringify(doc, null, 2) + "\n");
    else throw new UsageError(`--format: '${f}' is not available yet`);
  }
}
