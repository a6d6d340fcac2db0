// Every test can fail and every skip is visible (issue 22): no test file skips, filters or
// conditionally registers tests on its own. The one skip of the suite is skipUnless /
// describeWithDaemon / itWithDaemon in test/helpers/daemons.ts (a reason on stderr and in the test
// name locally, a failure under CI=true), so `CI=true npm test` reports 0 skipped.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/version.js";

const TEST_DIR = join(PACKAGE_ROOT, "test");
const THE_SKIP_HELPER = "helpers/daemons.ts";
const THIS_FILE = "unit/test-honesty.test.ts";

const FORBIDDEN: [RegExp, string][] = [
  [
    /\b(describe|it|test|suite)\s*\.\s*(skip|skipIf|runIf|todo|only|fails|concurrent\.skip)\b/,
    "a direct skip/only/todo (use skipUnless from test/helpers/daemons.ts)",
  ],
  [/\b(xit|xdescribe|xtest|fit|fdescribe)\s*\(/, "an x/f-prefixed test function"],
  [/\b(ctx|context|t)\s*\.\s*skip\s*\(/, "a skip from inside a test (use skipUnless)"],
  [/^\s*if\s*\(.*\)\s*(describe|it|test)\s*[.(]/m, "a test registered under a condition (use skipUnless)"],
  [/\?\s*(describe|it|test)\s*:\s*(describe|it|test)\b/, "a test function chosen by a condition (use skipUnless)"],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? testFiles(join(dir, d.name)) : /\.(ts|js|mjs)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

describe("test-suite honesty", () => {
  it("no test file skips, filters or conditionally registers tests except through skipUnless", () => {
    const offences: string[] = [];
    for (const file of testFiles(TEST_DIR)) {
      const rel = relative(TEST_DIR, file);
      if (rel === THE_SKIP_HELPER || rel === THIS_FILE) continue;
      const text = readFileSync(file, "utf8");
      for (const [re, what] of FORBIDDEN) {
        const m = re.exec(text);
        if (m) offences.push(`${rel}:${text.slice(0, m.index).split("\n").length}: ${what}: ${m[0].trim()}`);
      }
    }
    expect(offences).toEqual([]);
  });
});
