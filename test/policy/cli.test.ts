// Policies through the CLI, on the fixture library's recordings of the demo devices (`scan
// --from-facts`, no network): `policy make` on the hardened controller; the legacy PLC scanned with
// that policy fails naming the clauses (in the result, CSV, JUnit and SARIF), the hardened
// controller passes its own policy; a policy drives the exit code like any finding; a broken policy
// file is exit 2 with one line naming the field; the built-in policies by name; `report --policy`;
// `policy schema|list|sets|show|check`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { runOtaudit } from "../helpers/cli.js";
import { PACKAGE_ROOT } from "../../src/version.js";

const tmp = mkdtempSync(join(tmpdir(), "otaudit-policy-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const rec = (name: string) => join(PACKAGE_ROOT, "fixtures", "library", name, "recording.json");
const at = (f: string) => join(tmp, f);
type Doc = { devices: { findings: { ruleId: string; status: string; title: string; evidence: Record<string, unknown> }[] }[] };
const policyFindings = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as Doc).devices[0]!.findings.filter((f) => f.ruleId.startsWith("policy."));

describe("policy make from the hardened controller, then scans with it", () => {
  beforeAll(async () => {
    const h = await runOtaudit(["scan", "--from-facts", rec("hardened-controller"), "--json", at("hardened.json"), "-q"]);
    expect(h.code, h.stderr).toBe(0);
    const m = await runOtaudit(["policy", "make", at("hardened.json"), "--out", at("golden.yaml")]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/wrote .*golden\.yaml: 13 allowed set\(s\), 6 left out/);
  });

  it("the policy lists what the hardened controller offers and says what it left out, and why", () => {
    const text = readFileSync(at("golden.yaml"), "utf8");
    expect(text).toMatch(/offers:\n {2}ssh:\n {4}kex:\n {6}allow:\n {8}- curve25519-sha256/);
    expect(text).toMatch(/- set: snmp\.versions\n {4}why: "shown only in part/);
  });

  it("the legacy PLC fails the policy, every deviating clause named in the result, CSV, JUnit and SARIF (exit 1)", async () => {
    const r = await runOtaudit([
      "scan",
      "--from-facts",
      rec("legacy-plc"),
      "--policy",
      at("golden.yaml"),
      "--json",
      at("legacy.json"),
      "--format",
      "csv,junit,sarif",
      "--out",
      at("legacy"),
      "-q",
    ]);
    expect(r.code, r.stderr).toBe(1);
    const failing = policyFindings(at("legacy.json"))
      .filter((f) => f.status === "fail")
      .map((f) => f.evidence.clause);
    expect(failing).toEqual([
      "ssh.kex",
      "ssh.hostKey",
      "ssh.cipher",
      "ssh.mac",
      "ssh.compression",
      "ssh.authMethods",
      "modbus.variants",
      "opcua.securityPolicies",
      "opcua.securityModes",
      "opcua.userTokenTypes",
    ]);
    const csv = readFileSync(at("legacy/findings.csv"), "utf8");
    for (const clause of failing) expect(csv).toContain(`Policy clause ${clause}:`);
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (n) => ["testsuite", "testcase"].includes(n) }).parse(
      readFileSync(at("legacy/junit.xml"), "utf8"),
    );
    const failed = junit.testsuites.testsuite[0].testcase.filter((c: Record<string, unknown>) => c.failure).map((c: Record<string, string>) => c["@name"]);
    for (const clause of failing)
      expect(
        failed.some((n: string) => n.includes(`Policy clause ${clause}:`)),
        clause as string,
      ).toBe(true);
    const sarif = JSON.parse(readFileSync(at("legacy/report.sarif"), "utf8"));
    const clauses = sarif.runs[0].results
      .filter((x: { ruleId: string; kind: string }) => x.ruleId.startsWith("policy.") && x.kind === "fail")
      .map((x: { properties: { evidence: { clause: string } } }) => x.properties.evidence.clause);
    expect(clauses).toEqual(failing);
  });

  it("the hardened controller passes its own policy (every clause pass, exit 0)", async () => {
    const r = await runOtaudit(["scan", "--from-facts", rec("hardened-controller"), "--policy", at("golden.yaml"), "--json", at("hardened2.json"), "-q"]);
    expect(r.code, r.stderr).toBe(0);
    const mine = policyFindings(at("hardened2.json"));
    expect(mine.length).toBe(13);
    expect(mine.filter((f) => f.status !== "pass")).toEqual([]);
  });

  it("a policy decides the exit code like any finding: the same facts exit 0 without it, 1 with a clause they break", async () => {
    writeFileSync(at("strict.yaml"), "otauditPolicy: 1\nname: strict\noffers:\n  ssh:\n    cipher:\n      allow: [aes256-gcm@openssh.com]\n");
    const r = await runOtaudit(["scan", "--from-facts", rec("hardened-controller"), "--policy", at("strict.yaml"), "-q"]);
    expect(r.code, r.stderr).toBe(1);
  });
});

describe("policy input errors and commands", () => {
  it("a broken policy file is exit 2 with one line naming the field, before anything is written", async () => {
    writeFileSync(at("bad.yaml"), "otauditPolicy: 1\nname: bad\noffers:\n  ssh:\n    kexx: { allow: [x] }\n");
    const r = await runOtaudit(["scan", "--from-facts", rec("legacy-plc"), "--policy", at("bad.yaml"), "--json", at("never.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^otaudit: --policy .*bad\.yaml: offers\.ssh\.kexx: unknown set \(ssh offers: kex, hostKey/),
    ]);
    expect(() => readFileSync(at("never.json"))).toThrow();
  });

  it("built-in policies by name, and report --policy re-judges a stored result; capability.json from it", async () => {
    const [r, rep] = await Promise.all([
      runOtaudit(["scan", "--from-facts", rec("legacy-plc"), "--policy", "iec62443-4-2-sl1", "--json", at("sl1.json"), "-q"]),
      runOtaudit(["report", at("hardened.json"), "--policy", "iec62443-4-2-sl3", "--format", "capability,json", "--out", at("rep")]),
    ]);
    expect(r.code, r.stderr).toBe(1);
    const sl1 = policyFindings(at("sl1.json"));
    expect(sl1.find((f) => f.evidence.clause === "no-default-credentials")?.status).toBe("fail");
    expect(rep.code, rep.stderr).toBe(0);
    const judged = policyFindings(at("rep/result.json"));
    expect(judged.map((f) => f.evidence.clause)).toContain("mfa-remote-access");
    const cap = JSON.parse(readFileSync(at("rep/capability.json"), "utf8"));
    expect(cap.kind).toBe("otaudit-capability");
    expect(cap.devices[0].requirements.find((x: { id: string }) => x.id === "CR 1.1 RE 2").level).toBe(3);
  });

  it("policy schema, list, sets, show and check", async () => {
    const [schema, list, sets, show, check, ok, recording] = await Promise.all([
      runOtaudit(["policy", "schema"]),
      runOtaudit(["policy", "list"]),
      runOtaudit(["policy", "sets"]),
      runOtaudit(["policy", "show", "iec62443-4-2-sl3"]),
      runOtaudit(["policy", "check", at("bad.yaml")]),
      runOtaudit(["policy", "check", "sbd-baseline"]),
      runOtaudit(["policy", "make", rec("hardened-controller")]),
    ]);
    expect(recording.code).toBe(2);
    expect(recording.stderr).toMatch(/is a recording \(otaudit record\), not a result: replay it first/);
    expect(schema.code).toBe(0);
    expect(JSON.parse(schema.stdout).title).toBe("otaudit policy file");
    expect(list.stdout).toMatch(/iec62443-4-2-sl2\n {2}IEC 62443-4-2 SL 2 .*\(extends iec62443-4-2-sl1\)/);
    expect(sets.stdout).toMatch(/^services\.open {2}\(exposure\)/m);
    expect(sets.stdout).toMatch(/^opcua\.userTokenTypes {2}\(authentication\)/m);
    expect(show.stdout).toMatch(/CR 1\.1 RE 2/);
    expect(check.code).toBe(2);
    expect(ok.code, ok.stderr).toBe(0);
  });
});
