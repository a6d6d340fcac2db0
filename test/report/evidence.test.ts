// Vendor evidence, waivers and policy files: invariants of the question catalog, the template,
// attestation rules (attested never pass, never hides a verified failure), waiver expiry and
// unknown rule ids, and `path.to.field: message` errors for broken files.
import { describe, expect, it } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { ELEMENTS } from "../../src/catalog/elements.js";
import { UsageError } from "../../src/errors.js";
import { applyInputs } from "../../src/evidence/apply.js";
import { attestationsFor, parseEvidence, productFor } from "../../src/evidence/evidence.js";
import { DEFAULT_POLICY, parsePolicy } from "../../src/evidence/policy.js";
import { EVIDENCE_QUESTIONS, questionsFor } from "../../src/evidence/questions.js";
import { evidenceTemplate } from "../../src/evidence/template.js";
import { parseWaivers } from "../../src/evidence/waivers.js";
import { filledTemplate, syntheticResult } from "./helpers.js";

function usageLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const u = e as UsageError;
    return u.lines.length ? u.lines : [u.message];
  }
  throw new Error("expected a UsageError");
}

describe("evidence questions", () => {
  it("every element has questions; ids are <element>.<n>, unique and in order", () => {
    const ids = EVIDENCE_QUESTIONS.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const el of ELEMENTS) {
      const qs = questionsFor(el.id);
      expect(qs.length, `element ${el.id}`).toBeGreaterThanOrEqual(2);
      qs.forEach((q, i) => {
        expect(q.id).toBe(`${el.id}.${i + 1}`);
      });
      for (const q of qs) {
        expect(q.question.endsWith("?")).toBe(true);
        expect(q.evidenceHint.length).toBeGreaterThan(5);
      }
    }
  });

  it("the template lists every question and is rejected until identity is filled in", () => {
    const t = evidenceTemplate();
    for (const q of EVIDENCE_QUESTIONS) expect(t).toContain(`"${q.id}": { answer: unanswered, evidence: [] }`);
    // one line saying what is still to fill in, not a "too small" error per field
    expect(usageLines(() => parseEvidence(t, "ev.yaml"))).toEqual([
      "ev.yaml: products[0]: not filled in: vendor, product, attestedBy.name, attestedBy.role, attestedBy.organisation, attestedOn",
    ]);
    const half = parseYaml(t);
    Object.assign(half.products[0], { vendor: "Example Automation", attestedOn: "yesterday" });
    expect(usageLines(() => parseEvidence(stringify(half), "ev.yaml"))).toEqual([
      "ev.yaml: products[0]: not filled in: product, attestedBy.name, attestedBy.role, attestedBy.organisation",
      "ev.yaml: products[0].attestedOn: a date as YYYY-MM-DD",
    ]);
  });
});

describe("vendor evidence -> attestations", () => {
  it("a filled template attests every element; nothing unanswered attests", () => {
    const ev = parseEvidence(filledTemplate(), "ev.yaml");
    const p = productFor(ev, { host: "10.0.0.1" })!;
    expect([...attestationsFor(p).keys()]).toEqual(ELEMENTS.map((e) => e.id));
    expect(attestationsFor(p).get(10)).toMatch(/Example Automation HC-200: yes 3 of 3 \(A\. Vendor, PSIRT lead, 2025-02-01\); evidence: Security manual rev 3/);
    const partial = parseEvidence(
      filledTemplate(["*"], (q) => (q === "10.2" ? "unanswered" : q === "4.1" ? "no" : "yes")),
      "ev.yaml",
    );
    const keys = [...attestationsFor(productFor(partial, { host: "x" })).keys()];
    expect(keys).not.toContain(10);
    expect(keys).not.toContain(4);
  });

  it("moves attestation-only elements from unverified to attested; never pass; never hides a failure", () => {
    const doc = syntheticResult();
    const legacyBefore = doc.devices[0]!.elements;
    expect(legacyBefore.find((e) => e.id === 4)!.verdict).toBe("unverified");
    expect(legacyBefore.find((e) => e.id === 10)!.verdict).toBe("unverified");
    const ev = parseEvidence(filledTemplate(["legacy-*"]), "ev.yaml");
    const out = applyInputs(doc, { evidence: ev });
    const legacy = out.devices[0]!;
    const v = (id: number) => legacy.elements.find((e) => e.id === id)!;
    expect(v(4).verdict).toBe("attested");
    expect(v(4).basis).toBe("attested");
    expect(v(10).verdict).toBe("attested");
    // verified failures stay failures even though the vendor says yes
    for (const id of [3, 5, 6, 7, 8, 9]) expect(v(id).verdict).toBe("fail");
    expect(v(7).attestation).toBeDefined();
    // errors stay errors (a check that could not run is not made good by the vendor's word)
    expect(v(1).verdict).toBe("error");
    expect(legacy.elements.some((e) => e.basis === "attested" && e.verdict === "pass")).toBe(false);
    expect(legacy.score!).toBeGreaterThan(doc.devices[0]!.score!);
    // selector: the hardened device is not this product, so its stored attestations are dropped
    expect(out.evidence![0]).toMatchObject({ vendor: "Example Automation", devices: ["127.0.0.11"] });
    expect(out.devices[1]!.elements.find((e) => e.id === 4)!.verdict).toBe("unverified");
  });

  it("broken evidence files give path.to.field lines", () => {
    const bad = parseYaml(filledTemplate());
    bad.products[0].elements["4"].answers["4.1"] = { answer: "yes", evidence: [] };
    bad.products[0].elements["4"].answers["4.9"] = { answer: "yes", evidence: ["x"] };
    bad.products[0].elements["13"] = { answers: {} };
    bad.products[0].artifacts = { securityTxt: "ftp://vendor.example/security.txt", endOfSupport: "2030-02-30" };
    const lines = usageLines(() => parseEvidence(stringify(bad), "ev.yaml"));
    expect(lines).toEqual(
      expect.arrayContaining([
        "ev.yaml: products[0].elements.4.answers.4.1.evidence: a 'yes' answer needs at least one evidence reference",
        "ev.yaml: products[0].artifacts.securityTxt: an http(s) URL",
        "ev.yaml: products[0].artifacts.endOfSupport: a date as YYYY-MM-DD",
      ]),
    );
    expect(lines.some((l) => l.startsWith("ev.yaml: products[0].elements.13"))).toBe(true);
    expect(usageLines(() => parseEvidence("products: [", "ev.yaml"))[0]).toMatch(/^ev\.yaml: \(root\): not valid YAML/);
  });
});

describe("waivers", () => {
  const waivers = (expires: string, rule = "ssh.kex.weak", devices = ["127.0.0.11"]) =>
    parseWaivers(stringify({ schemaVersion: 1, waivers: [{ rule, devices, justification: "replacement ordered", approver: "OT lead", expires }] }), "w.yaml");

  it("a current waiver marks the failing finding, which stays visible and stops failing its element", () => {
    const doc = syntheticResult();
    const out = applyInputs(doc, { waivers: waivers("2025-06-30"), evaluatedOn: "2025-06-30" });
    const f = out.devices[0]!.findings.find((x) => x.ruleId === "ssh.kex.weak")!;
    expect(f.status).toBe("fail");
    expect(f.waiver).toEqual({ justification: "replacement ordered", approver: "OT lead", expires: "2025-06-30" });
    expect(out.waivers!.entries[0]).toMatchObject({ state: "applied", findings: 1 });
    // the hardened device's ssh.kex.weak passes: never waived
    expect(out.devices[1]!.findings.find((x) => x.ruleId === "ssh.kex.weak")!.waiver).toBeUndefined();
    // the previously stored waiver (snmp) is replaced by this file's waivers
    expect(out.devices[0]!.findings.find((x) => x.ruleId === "snmp.v1v2c.enabled")!.waiver).toBeUndefined();
  });

  it("an expired waiver stops applying and is reported as expired", () => {
    const out = applyInputs(syntheticResult(), { waivers: waivers("2025-06-29"), evaluatedOn: "2025-06-30" });
    expect(out.devices[0]!.findings.find((x) => x.ruleId === "ssh.kex.weak")!.waiver).toBeUndefined();
    expect(out.waivers!.entries[0]).toMatchObject({ state: "expired", findings: 0 });
    expect(out.devices[0]!.elements.find((e) => e.id === 7)!.verdict).toBe("fail");
  });

  it("an unknown rule id is an error naming the field", () => {
    const lines = usageLines(() => applyInputs(syntheticResult(), { waivers: waivers("2099-01-01", "ssh.kex.weakk"), knownRuleIds: [] }));
    expect(lines[0]).toMatch(/^w\.yaml: waivers\[0\]\.rule: unknown rule 'ssh\.kex\.weakk'/);
  });

  it("broken waiver files give path.to.field lines", () => {
    const lines = usageLines(() =>
      parseWaivers(stringify({ schemaVersion: 1, waivers: [{ rule: "x", devices: [], approver: "", expires: "31.12.2025" }] }), "w.yaml"),
    );
    expect(lines).toEqual(
      expect.arrayContaining([
        "w.yaml: waivers[0].devices: Too small: expected array to have >=1 items",
        "w.yaml: waivers[0].approver: Too small: expected string to have >=1 characters",
        "w.yaml: waivers[0].expires: a date as YYYY-MM-DD",
      ]),
    );
    expect(lines.some((l) => l.startsWith("w.yaml: waivers[0].justification:"))).toBe(true);
  });
});

describe("procurement policy", () => {
  it("default weights are 1 for every element; a policy overrides some and names knock-outs", () => {
    expect(Object.values(DEFAULT_POLICY.weights)).toEqual(Array(12).fill(1));
    const p = parsePolicy("schemaVersion: 1\nname: utility 2025\nweights: { '6': 3, '7': 3 }\nmustNotFail: [6]\n", "p.yaml");
    expect(p.weights[6]).toBe(3);
    expect(p.weights[1]).toBe(1);
    expect(p.mustNotFail).toEqual([6]);
    const lines = usageLines(() => parsePolicy("schemaVersion: 1\nweights: { '13': 2, '6': -1 }\nmustNotFail: [0]\n", "p.yaml"));
    expect(lines).toEqual(expect.arrayContaining(["p.yaml: mustNotFail[0]: Too small: expected number to be >=1"]));
    expect(lines.some((l) => l.startsWith("p.yaml: weights.6:"))).toBe(true);
    expect(lines.some((l) => l.startsWith("p.yaml: weights"))).toBe(true);
  });
});

describe("examples under fixtures/evidence", () => {
  const root = new URL("../../fixtures/evidence/", import.meta.url);
  it("validate, name registered rules, and attest what they answer (a 'no' attests nothing)", async () => {
    const { loadEvidence } = await import("../../src/evidence/evidence.js");
    const { loadWaivers, checkWaiverRules } = await import("../../src/evidence/waivers.js");
    const { loadPolicy } = await import("../../src/evidence/policy.js");
    const { registryRuleIds } = await import("../../src/cli/outputs.js");
    const ev = loadEvidence(new URL("hardened-controller.evidence.yaml", root).pathname);
    expect([...attestationsFor(productFor(ev, { host: "127.0.0.12", name: "hardened-controller" })).keys()]).toEqual([4, 10, 11, 12]);
    expect(productFor(ev, { host: "127.0.0.11", name: "legacy-plc" })).toBeUndefined();
    const w = loadWaivers(new URL("waivers.yaml", root).pathname);
    expect(() => checkWaiverRules(w, registryRuleIds())).not.toThrow();
    expect(loadPolicy(new URL("policy.yaml", root).pathname).mustNotFail).toEqual([6, 9]);
  });
});
