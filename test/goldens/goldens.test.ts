// Goldens are evidence a person reviewed (issue 22): deleting ANY golden file makes `npm test` fail.
// 1. manifest.txt lists every golden file of the repository; each must exist, and every golden-like
//    file on disk must be listed (a new golden is added to the manifest on purpose).
// 2. For every golden kind, the check the suite runs is run against a copy with each golden file
//    removed in turn: it must fail (proof that a missing golden is never silently (re)created).
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderReport } from "../../src/report/index.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { checkLibraryFixture } from "../fixtures/golden-check.js";
import { checkRealFixture } from "../fixtures/real-check.js";
import { checkSyntheticFixture, expectGolden, REPORT_GOLDENS, syntheticResult } from "../report/helpers.js";
import { checkDemoGolden } from "../report/demo-result.js";

const MANIFEST = join(PACKAGE_ROOT, "test", "goldens", "manifest.txt");
const tmp = mkdtempSync(join(tmpdir(), "otaudit-goldens-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Golden files as the manifest lists them (relative to the package root). */
export function manifestEntries(): string[] {
  return readFileSync(MANIFEST, "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter(Boolean);
}

/** Golden-like files on disk: report goldens and fixtures, fixture recordings and expected findings. */
function goldenFilesOnDisk(root: string): string[] {
  const out: string[] = [];
  const files = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isFile())
          .map((d) => join(dir, d.name))
      : [];
  const dirs = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => join(dir, d.name))
      : [];
  out.push(...files(join(root, "test", "report", "golden")));
  out.push(...files(join(root, "test", "report", "golden-demo")));
  out.push(...files(join(root, "test", "report", "fixtures")).filter((f) => f.endsWith(".json")));
  for (const lib of ["library", "real"])
    for (const d of dirs(join(root, "fixtures", lib))) out.push(...files(d).filter((f) => /\/(recording|expected)\.json$/.test(f)));
  return out.map((f) => relative(root, f)).sort();
}

/** One kind of golden: which manifest entries it covers and the suite's own check of one entry. */
interface GoldenKind {
  name: string;
  covers(entry: string): boolean;
  /** run the suite's check of `entry` against the tree at `root` (never regenerating) */
  check(root: string, entry: string): void;
}

const KINDS: GoldenKind[] = [
  {
    name: "report golden (test/report/golden)",
    covers: (e) => e.startsWith("test/report/golden/"),
    check(root, entry) {
      const file = entry.split("/").pop()!;
      const format = (Object.keys(REPORT_GOLDENS) as (keyof typeof REPORT_GOLDENS)[]).find((f) => REPORT_GOLDENS[f] === file);
      if (!format) throw new Error(`no report format renders ${file}`);
      const doc = syntheticResult();
      expectGolden(file, renderReport(doc, format), doc.tool.version, join(root, "test", "report", "golden"), false);
    },
  },
  {
    name: "export golden from the demo result (test/report/golden-demo)",
    covers: (e) => e.startsWith("test/report/golden-demo/"),
    check: (root, entry) => checkDemoGolden(entry.split("/").pop()!, join(root, "test", "report", "golden-demo"), false),
  },
  {
    name: "report fixture (test/report/fixtures, built by make-synthetic.ts)",
    covers: (e) => e.startsWith("test/report/fixtures/"),
    check: (root, entry) => checkSyntheticFixture(join(root, entry), false),
  },
  {
    name: "fixture library (fixtures/library/<name>)",
    covers: (e) => e.startsWith("fixtures/library/"),
    check(root, entry) {
      const dir = join(root, dirname(entry));
      checkLibraryFixture(dir, dir.split("/").pop()!, false);
    },
  },
  {
    name: "recordings of real daemons (fixtures/real/<name>, reviewed reasons)",
    covers: (e) => e.startsWith("fixtures/real/"),
    check(root, entry) {
      const dir = join(root, dirname(entry));
      checkRealFixture(dir, dir.split("/").pop()!);
    },
  },
];

describe("golden files", () => {
  const entries = manifestEntries();

  it("the manifest lists every golden file on disk, and every listed file exists", () => {
    expect(
      entries.filter((e) => !existsSync(join(PACKAGE_ROOT, e))),
      "golden files listed in test/goldens/manifest.txt but missing",
    ).toEqual([]);
    expect(
      goldenFilesOnDisk(PACKAGE_ROOT).filter((f) => !entries.includes(f)),
      "golden files not listed in test/goldens/manifest.txt (add them on purpose)",
    ).toEqual([]);
  });

  it("every manifest entry belongs to a golden kind whose check passes on the repository", () => {
    for (const e of entries) {
      const kind = KINDS.find((k) => k.covers(e));
      expect(kind, `${e}: no golden kind covers it`).toBeDefined();
    }
  });

  for (const kind of KINDS) {
    it(`${kind.name}: removing any of its golden files makes its check fail`, () => {
      const mine = entries.filter((e) => kind.covers(e));
      expect(mine.length).toBeGreaterThan(0);
      for (const entry of mine) {
        const root = join(tmp, kind.name.replace(/\W+/g, "-"), entry.replace(/\W+/g, "-"));
        // a copy of the folder holding the entry (a golden folder or one fixture), minus the entry
        cpSync(join(PACKAGE_ROOT, dirname(entry)), join(root, dirname(entry)), { recursive: true });
        kind.check(root, entry); // intact copy: passes
        rmSync(join(root, entry));
        expect(() => kind.check(root, entry), `${entry} removed: the check must fail`).toThrow();
        expect(existsSync(join(root, entry)), `${entry}: the check must not recreate it`).toBe(false);
      }
    });
  }
});
