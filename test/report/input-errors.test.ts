// Clear errors on bad input (issue 13): binary garbage in a JSON or YAML input (result, recording,
// evidence, waivers, policy) is not echoed raw in the error line, and very deep nesting gives one
// clean line, never a stack trace; the CLI's error boundary escapes and caps every line.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { MAX_INPUT_DEPTH, nestedDeeperThan, parseJsonInput, parseYamlText } from "../../src/evidence/load.js";
import { runOtaudit } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-input-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const garbage = Buffer.concat([randomBytes(2000), Buffer.from("\x1b[2J\x07FAKE SCORECARD\r\u202e"), randomBytes(200)]);

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as UsageError).message;
  }
  throw new Error("expected a UsageError");
}

describe("parsers", () => {
  it("JSON garbage: one line naming the file, without the garbage", () => {
    const m = message(() => parseJsonInput(garbage.toString("utf8"), "r.json"));
    expect(m).toMatch(/^r\.json: \(root\): not valid JSON \(/);
    expect(m).not.toContain("FAKE");
    expect(m.length).toBeLessThan(200);
  });

  it("deep nesting: JSON and YAML (flow and block) give one clean line", () => {
    expect(message(() => parseJsonInput("[".repeat(100_000) + "]".repeat(100_000), "r.json"))).toBe(
      `r.json: (root): nested more than ${MAX_INPUT_DEPTH} levels deep`,
    );
    expect(message(() => parseYamlText(`a: ${"[".repeat(5_000)}${"]".repeat(5_000)}\n`, "e.yaml"))).toMatch(
      /^e\.yaml: \(root\): (not valid YAML \(nested too deeply\)|nested more than)/,
    );
    const block = Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}k:\n`).join("");
    expect(message(() => parseYamlText(block, "e.yaml"))).toMatch(/^e\.yaml: \(root\): (not valid YAML \(nested too deeply\)|nested more than)/);
    expect(nestedDeeperThan(JSON.parse(JSON.stringify({ a: { b: [{ c: 1 }] } })))).toBe(false);
  });
});

describe("through the CLI: exit 2, one line, escaped", () => {
  const files = { bin: join(dir, "garbage.bin"), deep: join(dir, "deep.yaml") };
  writeFileSync(files.bin, garbage);
  writeFileSync(files.deep, Array.from({ length: 3000 }, (_, i) => `${"  ".repeat(i)}k:\n`).join(""));
  const cases: [string, string[]][] = [
    ["result", ["report", "FILE", "--format", "md", "--out", join(dir, "out")]],
    ["recording", ["scan", "--from-facts", "FILE"]],
    ["evidence", ["evidence", "check", "--evidence", "FILE"]],
    ["waivers", ["evidence", "check", "--waivers", "FILE"]],
    ["weights", ["rfp", "--out", join(dir, "rfp"), "--weights", "FILE"]],
  ];
  for (const [name, args] of cases)
    it(name, async () => {
      for (const file of [files.bin, files.deep]) {
        const r = await runOtaudit(args.map((a) => (a === "FILE" ? file : a)));
        expect(r.code, r.stderr).toBe(2);
        const lines = r.stderr.trim().split("\n");
        expect(lines).toHaveLength(1);
        expect(lines[0]).toContain(file);
        expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f\u202e]|at .*\.js:\d+/);
        expect(lines[0]!.length).toBeLessThan(500);
      }
    });
});
