// The READMEs' promises are tested (issue 22, issue 12 §6): every command of their shell code blocks
// is run by one of test/readme/*-commands.test.ts or excluded with a reason (test/readme/commands.ts),
// a command that is neither fails here; and README's "What a default run sends" section is exactly
// what `otaudit rules --sends` builds from the plugins' declared checks (UPDATE_GOLDEN=1 rewrites
// the section on purpose).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { renderSends, runSends } from "../../src/catalog/sends.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { UPDATE_GOLDEN } from "../helpers/golden.js";
import { DISPOSITIONS, readmeCommands } from "./commands.js";

const BEGIN = "<!-- otaudit rules --sends: begin -->\n";
const END = "<!-- otaudit rules --sends: end -->";

describe("README commands", () => {
  const commands = readmeCommands();

  it("finds the README examples", () => {
    expect(commands.length).toBeGreaterThan(20);
  });

  it("every README command is run by a test or excluded with a reason", () => {
    const unknown = commands.filter((c) => !DISPOSITIONS[c.text]).map((c) => `${c.file}:${c.line}: ${c.text}`);
    expect(unknown, "new README commands: add each to test/readme/commands.ts DISPOSITIONS (a suite that runs it, or an exclusion with its reason)").toEqual(
      [],
    );
    const stale = Object.keys(DISPOSITIONS).filter((t) => !commands.some((c) => c.text === t));
    expect(stale, "DISPOSITIONS entries no README has any more").toEqual([]);
    for (const [text, d] of Object.entries(DISPOSITIONS)) if ("excluded" in d) expect(d.excluded.length, text).toBeGreaterThan(20);
  });

  it("`otaudit demo` (excluded here with npm install) is run as written by test/integration/demo.test.ts", () => {
    expect(readFileSync(join(PACKAGE_ROOT, "test/integration/demo.test.ts"), "utf8")).toMatch(/runOtaudit\(\["demo"\]/);
  });
});

describe("README: What a default run sends", () => {
  it("is exactly what `otaudit rules --sends` prints, built from the plugins' checks", () => {
    const path = join(PACKAGE_ROOT, "README.md");
    const readme = readFileSync(path, "utf8");
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start, "README.md lacks the sends section markers").toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const actual = renderSends(runSends(PLUGINS));
    if (UPDATE_GOLDEN) writeFileSync(path, readme.slice(0, start + BEGIN.length) + actual + readme.slice(end));
    else
      expect(
        readme.slice(start + BEGIN.length, end),
        "README's sends section differs from `otaudit rules --sends`: regenerate with UPDATE_GOLDEN=1 npx vitest run test/readme/coverage.test.ts and review",
      ).toBe(actual);
  });
});
