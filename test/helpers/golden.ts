// The one golden-file comparison of the test suite (issue 22): a golden that is missing FAILS, unless
// regeneration was asked for explicitly (UPDATE_GOLDEN=1), and then it is written and the test says
// so. A golden is evidence a person reviewed: it is never created silently by a test run.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { expect } from "vitest";

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";

export class GoldenMismatch extends Error {}

/**
 * Compare `actual` with the golden file at `path`. Missing or different: throws with `hint` (how to
 * regenerate on purpose). With UPDATE_GOLDEN=1 (`update`) the file is (re)written instead.
 */
export function checkGolden(path: string, actual: string, hint: string, update = UPDATE_GOLDEN): void {
  if (update) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path))
    throw new GoldenMismatch(`golden file ${path} is missing: a missing golden is a failure; regenerate on purpose with ${hint} and review it`);
  // vitest's assertion shows the diff
  expect(actual, `golden file ${path} differs; if on purpose: ${hint}, then review the diff`).toBe(readFileSync(path, "utf8"));
}
