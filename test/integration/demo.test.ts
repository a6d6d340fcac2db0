// `otaudit demo` end to end, as a newcomer runs it: two scorecards, a schema-valid result with a
// verdict for all 12 elements per device, more failures on the legacy device than the hardened one,
// the same failing count in every report format, and the hint how --evidence fills the rest.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildCompare } from "../../src/report/compare.js";
import { VERDICT_RANK } from "../../src/report/common.js";
import { DEFAULT_POLICY } from "../../src/evidence/policy.js";
import { runOtaudit } from "../helpers/cli.js";
import { renderReport } from "../../src/report/index.js";
import { renderScorecards } from "../../src/report/terminal.js";
import { CSV_COLUMNS } from "../../src/report/csv.js";
import type { ResultDocument } from "../../src/model/result.js";

/** The failing count as each human or CI format states it. */
function failingCounts(doc: ResultDocument): Record<string, number> {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const terminal = sum([...renderScorecards(doc, { color: false }).matchAll(/^\S.*: (\d+) failing/gm)].map((m) => Number(m[1])));
  const html = sum([...renderReport(doc, "html").matchAll(/<p class="meta">(\d+) failing/g)].map((m) => Number(m[1])));
  const md = sum([...renderReport(doc, "md").matchAll(/^Score [\d.-]+ \/ 100\. (\d+) failing/gm)].map((m) => Number(m[1])));
  const junit = Number(/<testsuites [^>]*failures="(\d+)"/.exec(renderReport(doc, "junit"))![1]);
  const rows = renderReport(doc, "csv").split("\r\n").slice(1).filter(Boolean);
  const header = CSV_COLUMNS as readonly string[];
  const csv = rows.filter((r) => {
    const cells = r.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ""));
    return cells[header.indexOf("status")] === "fail" && cells[header.indexOf("waived")] === "no";
  }).length;
  const sarif = JSON.parse(renderReport(doc, "sarif")).runs[0].results.filter(
    (x: { kind: string; suppressions?: unknown[] }) => x.kind === "fail" && !x.suppressions?.length,
  ).length;
  return { terminal, html, md, junit, csv, sarif };
}

describe("otaudit demo", () => {
  it("audits the legacy and hardened simulated devices and writes a valid result", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "otaudit-demo-test-"));
    const r = await runOtaudit(["demo"], { cwd, timeoutMs: 90_000 });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/legacy-plc/);
    expect(r.stdout).toMatch(/hardened-controller/);
    const doc = JSON.parse(readFileSync(join(cwd, "otaudit-demo", "result.json"), "utf8"));
    const schema = JSON.parse((await runOtaudit(["schema"])).stdout);
    const validate = new Ajv2020({ strict: false }).compile(schema);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.devices).toHaveLength(2);
    const [legacy, hardened] = doc.devices;
    for (const d of doc.devices) expect(d.elements.map((e: { id: number }) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const fails = (d: { findings: { status: string }[] }) => d.findings.filter((f) => f.status === "fail").length;
    expect(legacy.name).toBe("legacy-plc");
    expect(fails(legacy)).toBeGreaterThan(fails(hardened));
    // version-based advisories (fixtures/advisories): the legacy PLC's firmware is named by the
    // fictitious CSAF advisory; the hardened controller's observed versions are checked and clean
    type F = { ruleId: string; status: string; message: string };
    const advisory = (d: { findings: F[] }) => d.findings.filter((f) => f.ruleId === "advisory.version-match");
    expect(advisory(legacy).find((f) => f.status === "fail" && /EXA-SA-2025-001/.test(f.message))?.message).toMatch(/^version-based: /);
    expect(advisory(hardened).map((f) => f.status)).toEqual(["pass"]);
    const verdicts = (d: { elements: { id: number; verdict: string }[] }) => d.elements.filter((e) => e.id >= 11).map((e) => e.verdict);
    expect([verdicts(legacy), verdicts(hardened)]).toEqual([
      ["fail", "fail"],
      ["pass", "pass"],
    ]);
    // every protocol the demo bench serves was audited (not just reached)
    for (const d of doc.devices) for (const f of Object.values(d.facts) as { status: string }[]) expect(f.status).toBe("ok");

    // `otaudit compare` ranks the hardened device first, and ahead (or level at pass) on every
    // element a probe verified on either device
    const matrix = buildCompare([{ source: "demo", doc }], DEFAULT_POLICY);
    expect(matrix.candidates[0]!.host).toBe(hardened.host);
    const [h, l] = [matrix.candidates.find((c) => c.host === hardened.host)!, matrix.candidates.find((c) => c.host === legacy.host)!];
    let verifiedElements = 0;
    for (let i = 0; i < 12; i++) {
      if (h.cells[i]!.basis !== "verified" && l.cells[i]!.basis !== "verified") continue;
      verifiedElements++;
      const [hv, lv] = [h.cells[i]!.verdict, l.cells[i]!.verdict];
      if (lv === "pass") expect(hv, `element ${i + 1}`).toBe("pass");
      else expect(VERDICT_RANK[hv], `element ${i + 1}: hardened ${hv} vs legacy ${lv}`).toBeGreaterThan(VERDICT_RANK[lv]);
    }
    expect(verifiedElements).toBeGreaterThanOrEqual(6);
    // the demo says how --evidence fills the elements no probe can see
    expect(r.stdout).toMatch(/Unverified elements \([\d, ]+\): .*only the vendor can show them/);
    expect(r.stdout).toContain("--evidence vendor-evidence.yaml");

    // every report format gives the same failing count for the demo result
    const failing = doc.devices.reduce(
      (n: number, d: { findings: { status: string; waiver?: unknown }[] }) => n + d.findings.filter((f) => f.status === "fail" && !f.waiver).length,
      0,
    );
    expect(failing).toBeGreaterThan(5);
    expect(failingCounts(doc)).toEqual({ terminal: failing, html: failing, md: failing, junit: failing, csv: failing, sarif: failing });

    const cmpDir = join(cwd, "compare");
    const cmp = await runOtaudit(["compare", join(cwd, "otaudit-demo", "result.json"), "--out", cmpDir]);
    expect(cmp.code).toBe(0);
    expect(readFileSync(join(cmpDir, "compare.md"), "utf8")).toMatch(/\| 1 \| hardened-controller/);
  }, 180_000); // the demo, the schema and compare as CLI runs: bounded, not timed (the machine may be busy)
});
