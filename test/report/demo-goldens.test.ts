// A golden file per export format (and the CI formats that carry policy clauses) from the demo
// result: the fixture library's legacy PLC and hardened controller, with the policy made from the
// hardened one applied (test/report/demo-result.ts). A missing golden fails; regenerate on purpose
// with UPDATE_GOLDEN=1 npx vitest run test/report/demo-goldens.test.ts and review the diff.
import { describe, it } from "vitest";
import { checkDemoGolden, DEMO_GOLDENS, demoResult } from "./demo-result.js";

const demo = demoResult();

describe("goldens from the demo result (test/report/golden-demo)", () => {
  for (const file of Object.values(DEMO_GOLDENS)) it(file!, () => checkDemoGolden(file!, undefined, undefined, demo));
});
