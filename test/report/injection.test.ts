// Nothing injected (issue 13): a result whose every free-text string carries ESC[2J, BEL, a lone
// CR, U+202E (right-to-left override) and NUL reaches no human output raw. Every human renderer
// passes through src/report/safe-text.ts; the JSON result keeps the exact content.
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../../src/evidence/policy.js";
import type { ResultDocument } from "../../src/model/result.js";
import { buildCompare, renderCompareCsv, renderCompareHtml, renderCompareMarkdown } from "../../src/report/compare.js";
import { REPORT_FORMATS, renderReport } from "../../src/report/index.js";
import { hasUnsafeText, humanView, safeMultiline, safeText } from "../../src/report/safe-text.js";
import { renderScorecards } from "../../src/report/terminal.js";
import { renderSweepSummary } from "../../src/sweep/summary.js";
import { syntheticResult } from "./helpers.js";

const PAYLOAD = "\x1b[2J\x07\rFAKE\u202e\x00";
/** fields whose values are a closed vocabulary (renderers look them up); everything else gets the payload */
const ENUMS = new Set(["status", "severity", "safety", "verdict", "basis", "reason", "failOn", "state", "source", "schemaVersion", "kind"]);

function poison(v: unknown, key = ""): unknown {
  if (typeof v === "string") return ENUMS.has(key) ? v : `${v}${PAYLOAD}`;
  if (Array.isArray(v)) return v.map((x) => poison(x, key === "iec62443" ? "status" : key));
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, poison(x, k)]));
  return v;
}

function hostile(): ResultDocument {
  const doc = poison(syntheticResult()) as ResultDocument;
  doc.tool.name = "otaudit";
  doc.devices[0]!.findings[0]!.evidence[`key${PAYLOAD}`] = [`a${PAYLOAD}`, { nested: PAYLOAD }];
  doc.waivers = {
    source: `w.yaml${PAYLOAD}`,
    evaluatedOn: "2025-01-01",
    entries: [{ rule: `r${PAYLOAD}`, devices: [PAYLOAD], justification: PAYLOAD, approver: PAYLOAD, expires: "2099-01-01", state: "expired", findings: 0 }],
  };
  doc.evidence = [{ source: PAYLOAD, vendor: PAYLOAD, product: PAYLOAD, attestedBy: PAYLOAD, attestedOn: PAYLOAD, devices: [PAYLOAD], elements: [2] }];
  return doc;
}

/** No raw control or bidi character; CR only as part of CSV's CRLF record separator. */
function expectClean(text: string, label: string): void {
  expect(text, label).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
  expect(text.replace(/\r\n/g, ""), label).not.toContain("\r");
  expect(text, `${label}: the escape is visible`).toMatch(/\\+x1b\\*\[2J/);
}

describe("the escaping boundary", () => {
  it("escapes C0, DEL, C1, lone CR, bidi overrides and isolates and other format characters; keeps printable text", () => {
    expect(safeText("a\x1b[2Jb\x07\r\x00\x7f\x9b\u202e\u2066\u200b\ufeff\u2028\t\nz")).toBe(
      "a\\x1b[2Jb\\x07\\r\\x00\\x7f\\x9b\\u202e\\u2066\\u200b\\ufeff\\u2028\\t\\nz",
    );
    expect(safeText("Größe 温度 ✓ \u{1F600} C:\\path")).toBe("Größe 温度 ✓ \u{1F600} C:\\path");
    expect(safeText("\u{E0041}\uD800")).toBe("\\u{e0041}\\ud800");
    expect(safeMultiline("line 1\r\nline 2\nfake\rover")).toBe("line 1\nline 2\nfake\\rover");
  });

  it("humanView escapes every string of a document, leaves out raw facts, and is idempotent", () => {
    const view = humanView(hostile());
    const strings: string[] = [];
    JSON.stringify(view, (k, v) => (strings.push(k), typeof v === "string" && strings.push(v), v));
    expect(strings.filter(hasUnsafeText)).toEqual([]);
    expect(strings.filter((s) => s.includes("\\x1b[2J")).length).toBeGreaterThan(100);
    for (const d of view.devices) for (const f of Object.values(d.facts)) expect(f.data).toBeUndefined();
    expect(humanView(view)).toBe(view);
  });
});

describe("every human output of a hostile result", () => {
  const doc = hostile();
  for (const f of REPORT_FORMATS.filter((x) => x !== "json")) it(`${f}`, () => expectClean(renderReport(doc, f), f));

  it("terminal scorecard, with and without colour (only our own SGR sequences remain)", () => {
    expectClean(renderScorecards(doc, { color: false }), "terminal");
    expectClean(renderScorecards(doc, { color: true }).replace(/\x1b\[\d+m/g, ""), "terminal colour");
  });

  it("compare (HTML, CSV, Markdown) and the sweep summary", () => {
    const m = buildCompare([{ source: `a.json${PAYLOAD}`, doc }], { ...DEFAULT_POLICY, name: `policy${PAYLOAD}` });
    for (const [label, text] of [
      ["compare.html", renderCompareHtml(m)],
      ["compare.csv", renderCompareCsv(m)],
      ["compare.md", renderCompareMarkdown(m)],
    ] as const)
      expectClean(text, label);
    const summary = renderSweepSummary(
      humanView({ ...doc, fleet: { findings: [{ ruleId: "fleet.x", status: "fail", severity: "high", message: PAYLOAD }], zones: {} } }),
    );
    expect(summary).not.toMatch(/[\x00-\x08\x0e-\x1f\u202e]/);
  });

  it("the JSON result keeps the exact content", () => {
    expect(JSON.parse(renderReport(doc, "json"))).toEqual(doc);
  });
});
