// `otaudit demo` end to end, as a newcomer runs it: two scorecards, a schema-valid result with a
// verdict for all 12 elements per device, more failures on the legacy device than the hardened one.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { buildCompare } from "../../src/report/compare.js";
import { VERDICT_RANK } from "../../src/report/common.js";
import { DEFAULT_POLICY } from "../../src/evidence/policy.js";
import { runOtaudit } from "../helpers/cli.js";

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
    expect([verdicts(legacy), verdicts(hardened)]).toEqual([["fail", "fail"], ["pass", "pass"]]);
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
    const cmpDir = join(cwd, "compare");
    const cmp = await runOtaudit(["compare", join(cwd, "otaudit-demo", "result.json"), "--out", cmpDir]);
    expect(cmp.code).toBe(0);
    expect(readFileSync(join(cmpDir, "compare.md"), "utf8")).toMatch(/\| 1 \| hardened-controller/);
  });
});
