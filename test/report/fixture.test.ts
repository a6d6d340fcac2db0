// The report tests' input: test/report/fixtures/synthetic-result.json is exactly what
// fixtures/make-synthetic.ts builds (a missing or hand-edited file fails; regenerate on purpose with
// UPDATE_GOLDEN=1 npx vitest run test/report).
import { describe, it } from "vitest";
import { checkSyntheticFixture } from "./helpers.js";

describe("report fixture", () => {
  it("synthetic-result.json is what make-synthetic.ts builds", () => checkSyntheticFixture());
});
