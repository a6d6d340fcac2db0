// The report, compare, rfp and evidence commands through the built CLI (as users run them), and the
// scan path's --evidence/--waivers wiring (src/cli/outputs.ts) in-process on the synthetic result.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parse as parseYaml, stringify } from "yaml";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ELEMENTS } from "../../src/catalog/elements.js";
import { runOtaudit } from "../helpers/cli.js";
import { exitCodeFor, validateOutputOptions, writeOutputs } from "../../src/cli/outputs.js";
import { FIXTURE, filledTemplate, syntheticResult } from "./helpers.js";
import { VERDICT_RANK } from "../../src/report/common.js";
import { buildFleetStore } from "../../scripts/serve-bench/fleet-store.js";

const tmp = mkdtempSync(join(tmpdir(), "otaudit-report-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const at = (...p: string[]) => join(tmp, ...p);

describe("otaudit report", () => {
  it("a broken result document: exit 2 naming the field, nothing written", async () => {
    const doc = JSON.parse(readFileSync(FIXTURE, "utf8"));
    doc.devices[1].findings[0].status = "passed";
    writeFileSync(at("bad-result.json"), JSON.stringify(doc));
    const r = await runOtaudit(["report", at("bad-result.json"), "--format", "html,sarif", "--out", at("bad-out")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${at("bad-result.json")}: devices[1].findings[0].status:`);
    expect(existsSync(at("bad-out"))).toBe(false);
  });

  it("a broken evidence file or an unknown waiver rule: exit 2 with path.to.field lines, nothing written", async () => {
    const ev = parseYaml(filledTemplate());
    ev.products[0].attestedOn = "yesterday";
    ev.products[0].elements["10"].answers["10.1"].evidence = [];
    writeFileSync(at("bad-ev.yaml"), stringify(ev));
    writeFileSync(
      at("bad-w.yaml"),
      stringify({ schemaVersion: 1, waivers: [{ rule: "ssh.nope", devices: ["*"], justification: "j", approver: "a", expires: "2099-01-01" }] }),
    );
    const r = await runOtaudit(["report", FIXTURE, "--format", "md", "--out", at("bad-out2"), "--evidence", at("bad-ev.yaml"), "--waivers", at("bad-w.yaml")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--evidence ${at("bad-ev.yaml")}: products[0].attestedOn: a date as YYYY-MM-DD`);
    expect(r.stderr).toContain(
      `--evidence ${at("bad-ev.yaml")}: products[0].elements.10.answers.10.1.evidence: a 'yes' answer needs at least one evidence reference`,
    );
    expect(existsSync(at("bad-out2"))).toBe(false);
    const w = await runOtaudit(["report", FIXTURE, "--format", "md", "--out", at("bad-out3"), "--waivers", at("bad-w.yaml")]);
    expect(w.code).toBe(2);
    expect(w.stderr).toContain(`--waivers ${at("bad-w.yaml")}: waivers[0].rule: unknown rule 'ssh.nope'`);
    expect(existsSync(at("bad-out3"))).toBe(false);
  });

  it("evidence init -> filled template -> report --evidence moves attestation-only elements from unverified to attested", async () => {
    const init = await runOtaudit(["evidence", "init", "--out", at("evidence.yaml")]);
    expect(init.code).toBe(0);
    const template = readFileSync(at("evidence.yaml"), "utf8");
    for (const el of ELEMENTS) expect(template).toContain(`${el.id}. ${el.name}`);
    // the vendor fills it in (here: programmatically, every answer yes with a document reference)
    const t = parseYaml(template);
    const filled = parseYaml(filledTemplate(["legacy-plc"]));
    expect(Object.keys(filled.products[0].elements)).toEqual(Object.keys(t.products[0].elements));
    writeFileSync(at("evidence.yaml"), stringify(filled));
    const check = await runOtaudit(["evidence", "check", "--evidence", at("evidence.yaml")]);
    expect(check.code, check.stderr).toBe(0);
    const before = syntheticResult().devices[0]!;
    const r = await runOtaudit(["report", FIXTURE, "--format", "json,html,md", "--out", at("with-evidence"), "--evidence", at("evidence.yaml")]);
    expect(r.code, r.stderr).toBe(0);
    const after = JSON.parse(readFileSync(at("with-evidence", "result.json"), "utf8")).devices[0];
    for (const id of ELEMENTS.filter((e) => e.verifiedBy === "attest").map((e) => e.id)) {
      expect(before.elements.find((e) => e.id === id)!.verdict).toBe("unverified");
      expect(after.elements.find((e: { id: number }) => e.id === id).verdict).toBe("attested");
    }
    // verified failures are not hidden by the vendor's yes
    expect(after.elements.find((e: { id: number }) => e.id === 7).verdict).toBe("fail");
    expect(readFileSync(at("with-evidence", "report.html"), "utf8")).toContain("Vendor evidence");
  });

  it("--fail-on gates on unwaived failures", async () => {
    const r = await runOtaudit(["report", FIXTURE, "--format", "junit", "--out", at("gate"), "--fail-on", "high"]);
    expect(r.code).toBe(1);
    expect(existsSync(at("gate", "junit.xml"))).toBe(true);
  });
});

describe("otaudit compare", () => {
  it("ranks the hardened device ahead on every probe-verified element and overall", async () => {
    const r = await runOtaudit(["compare", FIXTURE, "--out", at("compare")]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toMatch(/^1\. hardened-controller/);
    const csv = readFileSync(at("compare", "compare.csv"), "utf8").split("\r\n");
    const header = csv[0]!.split(",");
    const hardenedCol = header.indexOf("hardened-controller (127.0.0.12) verdict");
    const legacyCol = header.indexOf("legacy-plc (127.0.0.11) verdict");
    const doc = syntheticResult();
    const verified = ELEMENTS.filter((el) => doc.devices.some((d) => d.elements.find((e) => e.id === el.id)!.basis === "verified"));
    expect(verified.length).toBeGreaterThanOrEqual(8);
    for (const el of verified) {
      const row = csv.find((l) => l.startsWith(`${el.id},`))!;
      const cells = row.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, ""));
      const h = cells[hardenedCol] as keyof typeof VERDICT_RANK;
      const l = cells[legacyCol] as keyof typeof VERDICT_RANK;
      expect(VERDICT_RANK[h], `element ${el.id}: ${h} vs ${l}`).toBeGreaterThan(VERDICT_RANK[l]);
    }
    const md = readFileSync(at("compare", "compare.md"), "utf8");
    for (const el of ELEMENTS) expect(md).toContain(`| ${el.id}. ${el.name} |`);
    expect(readFileSync(at("compare", "compare.html"), "utf8")).toContain("default-src 'none'");
  });

  it("a policy's weights change the score; a knock-out ranks a candidate last; a broken policy exits 2", async () => {
    writeFileSync(at("policy.yaml"), "schemaVersion: 1\nname: utility tender\nweights: { '4': 10 }\nmustNotFail: [7]\n");
    const r = await runOtaudit(["compare", FIXTURE, FIXTURE, "--out", at("compare2"), "--weights", at("policy.yaml"), "--format", "md"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/legacy-plc \(127\.0\.0\.11\) \[synthetic-result\.json\]: [\d.]+ \(knock-out: element 7 failed\)/);
    writeFileSync(at("bad-policy.yaml"), "schemaVersion: 1\nweights: { '4': ten }\n");
    const bad = await runOtaudit(["compare", FIXTURE, "--out", at("compare3"), "--weights", at("bad-policy.yaml")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--weights ${at("bad-policy.yaml")}: weights.4:`);
    expect(existsSync(at("compare3"))).toBe(false);
  });

  it("--db: the devices of a sweep in a sweep store join the comparison (read-only), beside result documents", async () => {
    const store = at("fleet.db");
    const info = buildFleetStore(store, { devices: 3, sweeps: 2, baseline: "b", hostile: false });
    const before = readFileSync(store);
    const r = await runOtaudit(["compare", FIXTURE, "--db", store, "--out", at("compare-db"), "--format", "csv"]);
    expect(r.code, r.stderr).toBe(0);
    const header = readFileSync(at("compare-db", "compare.csv"), "utf8").split("\r\n")[0]!;
    for (const host of info.hosts) expect(header).toContain(`(${host})`);
    expect(header).toContain("hardened-controller (127.0.0.12)");
    // the latest sweep: the first sweep's hosts (and any device it added), plus the result's two
    expect(
      r.stdout
        .trim()
        .split("\n")
        .filter((l) => /^\d+=?\. /.test(l)).length,
    ).toBeGreaterThanOrEqual(info.hosts.length + 2);
    expect(readFileSync(store).equals(before)).toBe(true);
    const old = await runOtaudit(["compare", "--db", store, "--sweep", "no-such-sweep", "--out", at("compare-db2")]);
    expect(old.code).toBe(2);
    expect(old.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(at("compare-db2"))).toBe(false);
    const none = await runOtaudit(["compare", "--out", at("compare-db3")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^otaudit: RESULT: give result documents \(JSON\) or a sweep store with --db\n$/);
    const sweepAlone = await runOtaudit(["compare", FIXTURE, "--sweep", "x", "--out", at("compare-db4")]);
    expect(sweepAlone.code).toBe(2);
    expect(sweepAlone.stderr).toMatch(/^otaudit: --sweep: only with --db/);
  });
});

describe("otaudit rfp and evidence schema", () => {
  it("rfp writes requirements and the acceptance plan for all 12 elements", async () => {
    const r = await runOtaudit(["rfp", "--out", at("rfp")]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(at("rfp", "rfp.md"), "utf8");
    for (const el of ELEMENTS) {
      expect(md).toContain(`### R${el.id}. ${el.name}`);
      expect(md).toContain(`### T${el.id}. ${el.name}`);
    }
    expect(md).toContain("**10.1**");
    expect(readFileSync(at("rfp", "requirements.csv"), "utf8").split("\r\n").filter(Boolean)).toHaveLength(13);
    expect(readFileSync(at("rfp", "acceptance-tests.csv"), "utf8")).toContain("vendor evidence");
  });

  it("the published evidence JSON Schema accepts a filled template and rejects unknown fields", async () => {
    const r = await runOtaudit(["evidence", "schema", "evidence"]);
    expect(r.code, r.stderr).toBe(0);
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(r.stdout));
    const filled = parseYaml(filledTemplate());
    expect(validate(filled), JSON.stringify(validate.errors)).toBe(true);
    filled.products[0].warranty = "lifetime";
    expect(validate(filled)).toBe(false);
    for (const kind of ["waivers", "weights"]) expect((await runOtaudit(["evidence", "schema", kind])).code).toBe(0);
  });
});

describe("scan outputs: --evidence and --waivers (src/cli/outputs.ts)", () => {
  it("validates both files before the audit and applies them to the result before writing", async () => {
    writeFileSync(at("scan-evidence.yaml"), filledTemplate(["127.0.0.11"]));
    writeFileSync(
      at("scan-waivers.yaml"),
      stringify({
        schemaVersion: 1,
        waivers: [
          {
            rule: "ssh.auth.password-single-factor",
            devices: ["legacy-*"],
            justification: "SSH reachable only from the engineering jump host",
            approver: "OT lead",
            expires: "2099-12-31",
          },
        ],
      }),
    );
    const broken = { failOn: "high" as const, color: false, waivers: at("bad-w.yaml") };
    expect(() => validateOutputOptions(broken)).toThrow(/unknown rule 'ssh\.nope'/);
    expect(() => validateOutputOptions({ failOn: "high", color: false, evidence: at("bad-ev.yaml") })).toThrow(/products\[0\]\.attestedOn/);
    const doc = syntheticResult();
    expect(exitCodeFor(doc, "critical")).toBe(1); // ssh.auth.password-single-factor ('none' accepted: critical) fails
    const opts = {
      failOn: "critical" as const,
      color: false,
      json: at("scan", "result.json"),
      evidence: at("scan-evidence.yaml"),
      waivers: at("scan-waivers.yaml"),
    };
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await writeOutputs(doc, opts);
    } finally {
      out.mockRestore();
    }
    const written = JSON.parse(readFileSync(at("scan", "result.json"), "utf8"));
    expect(written.devices[0].elements.find((e: { id: number }) => e.id === 10).verdict).toBe("attested");
    expect(written.evidence[0].devices).toEqual(["127.0.0.11"]);
    expect(written.devices[0].findings.find((f: { ruleId: string }) => f.ruleId === "ssh.auth.password-single-factor").waiver.approver).toBe("OT lead");
    expect(written.waivers.entries[0]).toMatchObject({ state: "applied", findings: 1 });
    // the exit code is computed on the same (waived) document
    expect(exitCodeFor(doc, "critical")).toBe(0);
  });
});
