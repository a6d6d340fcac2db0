// The SSH fuzz suite (scripts/fuzz/ssh.ts, 10,000+ cases per target with `npm run fuzz -- ssh`) at
// 500 cases per target inside the test run: no exception but the parser's typed error escapes.
import fc from "fast-check";
import { describe, it } from "vitest";
import suite from "../../scripts/fuzz/ssh.js";

describe("SSH wire parsers under fuzzing (500 cases per target)", () => {
  for (const t of suite.targets) {
    it(t.name, () => {
      fc.assert(t.property() as fc.IProperty<never>, { numRuns: 500 });
    });
  }
});
