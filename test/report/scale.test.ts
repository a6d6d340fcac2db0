// No amplification (issue 13): every renderer (terminal, JSON, SARIF, JUnit, CSV, Markdown, HTML,
// the exports, compare) handles a 50,000-finding result, and its output grows in proportion to the
// findings (5,000 -> 50,000: about ten times; SARIF up to GitHub's 25,000 results; the inventory and
// the capability report stay bounded; no time assertions). One failing renderer does not keep the
// other reports from being written.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Finding, ResultDocument } from "../../src/model/result.js";
import { DEFAULT_POLICY } from "../../src/evidence/policy.js";
import { buildCompare, renderCompareCsv, renderCompareHtml, renderCompareMarkdown } from "../../src/report/compare.js";
import { REPORT_FORMATS, renderReport, writeReports } from "../../src/report/index.js";
import { renderScorecards } from "../../src/report/terminal.js";
import { syntheticResult } from "./helpers.js";

const STATUSES: Finding["status"][] = ["fail", "pass", "undetermined", "error", "skipped", "not_applicable"];

/** The synthetic result with `n` findings on its first device: one rule repeated (the JUnit quadratic case) and many distinct ones. */
function resultWith(n: number): ResultDocument {
  const doc = syntheticResult();
  const base = doc.devices[0]!.findings[0]!;
  doc.devices[0]!.findings = Array.from({ length: n }, (_, i) => {
    const status = STATUSES[i % STATUSES.length]!;
    return {
      ...base,
      ruleId: i % 2 ? "ssh.kex.weak" : `ssh.rule-${i % 997}`,
      status,
      ...(status === "undetermined" ? { reason: "unknown-value" as const } : {}),
      port: 1 + (i % 65000),
      message: `observation ${i}`,
      evidence: { offered: [`alg-${i}`, "diffie-hellman-group1-sha1"], index: i },
    };
  });
  return doc;
}

type Renderer = [string, (doc: ResultDocument) => string];
const RENDERERS: Renderer[] = [
  ...REPORT_FORMATS.map((f): Renderer => [f, (doc) => renderReport(doc, f)]),
  ["terminal", (doc) => renderScorecards(doc, { color: false, maxFindings: 1_000_000 })],
  ["compare.html", (doc) => renderCompareHtml(buildCompare([{ source: "a.json", doc }], DEFAULT_POLICY))],
  ["compare.csv", (doc) => renderCompareCsv(buildCompare([{ source: "a.json", doc }], DEFAULT_POLICY))],
  ["compare.md", (doc) => renderCompareMarkdown(buildCompare([{ source: "a.json", doc }], DEFAULT_POLICY))],
];

describe("every renderer on 50,000 findings", () => {
  const small = resultWith(5_000);
  const large = resultWith(50_000);
  for (const [name, render] of RENDERERS) {
    it(`${name}: completes, output proportional to the findings`, () => {
      const a = render(small).length;
      const b = render(large).length;
      if (name.startsWith("compare") || name === "cyclonedx" || name === "capability") {
        // the matrix shows key evidence per element, the inventory lists devices and services, the
        // capability report requirements: not every finding, bounded, never amplified
        expect(b).toBeLessThan(a * 2);
      } else if (name === "sarif") {
        // GitHub code scanning takes at most 25,000 results per run: 5,000 -> 25,000 (five times), never more
        expect(JSON.parse(render(large)).runs[0].results).toHaveLength(25_000);
        expect(b / a).toBeGreaterThan(4);
        expect(b / a).toBeLessThan(6.5);
      } else {
        expect(b / a).toBeGreaterThan(7);
        expect(b / a).toBeLessThan(13);
      }
    });
  }
});

describe("one failing renderer", () => {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-render-fail-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("does not keep the other reports from being written; the failure is one line", async () => {
    const failing: typeof renderReport = (doc, f, ctx) => {
      if (f === "md") throw new RangeError("Maximum call stack size exceeded");
      return renderReport(doc, f, ctx);
    };
    const r = await writeReports(syntheticResult(), ["html", "md", "csv"], dir, {}, failing);
    expect(r.written.map((p) => p.slice(dir.length + 1))).toEqual(["report.html", "findings.csv"]);
    expect(r.renderFailures).toEqual([
      expect.stringMatching(/^--format md: could not render .*report\.md \(internal error: RangeError: Maximum call stack size exceeded\)$/),
    ]);
    expect(existsSync(join(dir, "report.md"))).toBe(false);
    expect(readFileSync(join(dir, "report.html"), "utf8")).toContain("otaudit report");
  });
});
