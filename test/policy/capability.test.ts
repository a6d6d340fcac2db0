// The IEC 62443-4-2 capability report: the levels table covers every CR/RE the spec cites; per
// requirement, verified needs passed checks and nothing failing or open, attested needs vendor
// evidence on an anchoring element and no verified failure, anything else is missing; the SL-C
// reached is the highest level all of whose requirements are verified; policy findings never count,
// fleet findings naming the device do.
import { describe, expect, it } from "vitest";
import { secureByDemandSpec } from "../../src/catalog/spec.js";
import type { DeviceResult, Finding, ResultDocument } from "../../src/model/result.js";
import { capabilityReport, deviceCapability, requirementLevels } from "../../src/policy/capability.js";
import { syntheticResult } from "../report/helpers.js";

const doc = syntheticResult();
const base = doc.devices[1]!; // the hardened controller of the synthetic result

function finding(ruleId: string, status: Finding["status"], iec62443: string[], severity: Finding["severity"] = "high"): Finding {
  return {
    ruleId,
    title: ruleId,
    status,
    severity,
    elements: [9],
    iec62443,
    protocol: "x",
    port: null,
    message: "m",
    evidence: { x: 1 },
    remediation: "r",
    safety: "passive",
    ...(status === "undetermined" ? { reason: "no-answer" as const } : {}),
  };
}
const device = (findings: Finding[], attested: number[] = []): DeviceResult => ({
  ...base,
  findings,
  elements: base.elements.map((e) => ({ ...e, attestation: attested.includes(e.id) ? "vendor says so" : undefined })),
});
const req = (d: DeviceResult, id: string, on: ResultDocument = doc) => deviceCapability(on, d).requirements.find((r) => r.id === id)!;

describe("IEC 62443-4-2 capability", () => {
  it("the levels table has a level for every CR and RE the spec cites (and MFA is SL-C 3, device authentication SL-C 2)", () => {
    const spec = secureByDemandSpec();
    const cited = new Set(
      Object.values(spec.rules)
        .flatMap((r) => Object.keys(r.iec62443))
        .filter((r) => r.startsWith("CR ")),
    );
    const levels = requirementLevels();
    expect([...cited].filter((r) => !(r in levels))).toEqual([]);
    expect([levels["CR 1.1"], levels["CR 1.2"], levels["CR 1.1 RE 2"]]).toEqual([1, 2, 3]);
  });

  it("verified: a passed check and nothing failing or open; one open check or one verified failure makes it missing", () => {
    expect(req(device([finding("opcua.user-token.anonymous", "pass", ["CR 1.1"])]), "CR 1.1")).toMatchObject({ capability: "verified", evidence: "passed" });
    expect(req(device([finding("a", "pass", ["CR 1.1"]), finding("b", "undetermined", ["CR 1.1"])]), "CR 1.1")).toMatchObject({
      capability: "missing",
      evidence: "undecided",
    });
    expect(req(device([finding("a", "pass", ["CR 1.1"]), finding("b", "fail", ["CR 1.1"])]), "CR 1.1")).toMatchObject({
      capability: "missing",
      evidence: "failed",
      findings: { failed: ["b"], passed: ["a"] },
    });
    expect(
      req(device([finding("a", "pass", ["CR 1.1"]), finding("b", "fail", ["CR 1.1"], "info")]), "CR 1.1").capability,
      "an informational failure does not fail it",
    ).toBe("verified");
    expect(req(device([]), "CR 1.1")).toMatchObject({ capability: "missing", evidence: "none" });
  });

  it("attested: vendor evidence for an element anchoring it, unless a verified failure says otherwise", () => {
    expect(req(device([], [9]), "CR 1.1")).toMatchObject({ capability: "attested", attestation: "vendor says so" });
    expect(req(device([finding("b", "fail", ["CR 1.1"])], [9]), "CR 1.1").capability).toBe("missing");
  });

  it("policy findings never count; fleet findings naming the device do", () => {
    expect(req(device([finding("policy.authentication", "pass", ["CR 1.1"])]), "CR 1.1").evidence).toBe("none");
    const withFleet = { ...doc, fleet: { findings: [{ ...finding("fleet.config.drift", "pass", ["CR 7.6"]), devices: [base.host] }] } } as ResultDocument;
    expect(req(device([]), "CR 7.6", withFleet).capability).toBe("verified");
  });

  it("the SL-C reached is the highest level all of whose cited requirements are verified", () => {
    const levels = requirementLevels();
    const cited = deviceCapability(doc, device([])).requirements;
    const pass = (max: number) => cited.filter((r) => r.level !== null && r.level <= max).map((r) => finding(`r-${r.id}`, "pass", [r.id]));
    expect(deviceCapability(doc, device(pass(1))).verifiedLevel).toBe(1);
    expect(deviceCapability(doc, device(pass(2))).verifiedLevel).toBe(2);
    const all = deviceCapability(doc, device(pass(3)));
    expect(all.verifiedLevel).toBe(Math.max(...Object.values(levels).filter((l) => cited.some((r) => r.level === l))));
    expect(all.perLevel[0]).toMatchObject({ level: 1, verified: all.perLevel[0]!.requirements, failed: 0 });
    const attested = deviceCapability(doc, device(pass(1).slice(1), [1, 2, 3, 5, 6, 7, 8, 9, 11, 12]));
    expect(attested.verifiedLevel).toBe(0);
    expect(attested.attestedLevel).toBeGreaterThanOrEqual(1);
  });

  it("the report covers every device of the result", () => {
    const r = capabilityReport(doc);
    expect(r.devices.map((d) => d.host)).toEqual(doc.devices.map((d) => d.host));
    expect(r.scope).toMatch(/not a certification/);
  });
});
