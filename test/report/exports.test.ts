// The formats other tools import, each validated by its own schema or library: DefectDojo's Generic
// Findings Import (a schema derived from DefectDojo's parser, which also accepts DefectDojo's own
// sample), OCSF Compliance Finding 2003 (compiled from the vendored OCSF 1.8.0 schema files),
// CycloneDX 1.6 (@cyclonedx/cyclonedx-library's strict JSON validator), the capability report (its
// own zod schema, published as JSON Schema); stable identities across runs. SARIF limits:
// sarif-limits.test.ts; goldens from the demo result: demo-goldens.test.ts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { z } from "zod";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import { renderDefectDojo } from "../../src/report/defectdojo.js";
import { OCSF_VERSION, renderOcsf } from "../../src/report/ocsf.js";
import { renderCyclonedx } from "../../src/report/cyclonedx.js";
import { renderCapability } from "../../src/report/capability.js";
import { CapabilityReport } from "../../src/policy/capability.js";
import type { Finding, ResultDocument } from "../../src/model/result.js";
import { PLUGINS } from "../../probes/registry.js";
import { compileOcsfClass } from "../helpers/ocsf-schema.js";
import { syntheticResult } from "./helpers.js";
import { demoResult } from "./demo-result.js";

const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
const synthetic = syntheticResult();
const demo = demoResult();
const docs: [string, ResultDocument][] = [
  ["synthetic result", synthetic],
  ["demo result (with a policy)", demo],
];
/** The same result a run later: other timestamps, same devices and findings. */
const later = (d: ResultDocument): ResultDocument => ({
  ...d,
  run: { ...d.run, startedAt: "2031-06-01T00:00:00.000Z", finishedAt: "2031-06-01T00:01:00.000Z" },
});

describe("DefectDojo Generic Findings Import", () => {
  const schema = JSON.parse(readFileSync(join(FIXTURES, "defectdojo", "generic-findings.schema.json"), "utf8"));
  const validate = new Ajv({ allErrors: true }).compile(schema);

  it("the schema (from DefectDojo's parser) accepts DefectDojo's own sample and rejects a field the parser refuses", () => {
    const sample = JSON.parse(readFileSync(join(FIXTURES, "defectdojo", "generic_report3.json"), "utf8"));
    expect(validate(sample), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ findings: [{ ...sample.findings[0], not_a_field: 1 }] })).toBe(false);
    expect(validate({ findings: [{ title: "t", severity: "Moderate", description: "d" }] })).toBe(false);
  });

  for (const [name, doc] of docs)
    it(`${name}: validates; failing and undetermined findings only, unique ids stable across runs`, () => {
      const out = JSON.parse(renderDefectDojo(doc));
      expect(validate(out), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      const expected = doc.devices.flatMap((d) => d.findings).filter((f) => f.status === "fail" || f.status === "undetermined");
      expect(out.findings).toHaveLength(expected.length);
      const ids = out.findings.map((f: { unique_id_from_tool: string }) => f.unique_id_from_tool);
      expect(new Set(ids).size).toBe(ids.length);
      expect(JSON.parse(renderDefectDojo(later(doc))).findings.map((f: { unique_id_from_tool: string }) => f.unique_id_from_tool)).toEqual(ids);
      for (const f of out.findings.filter((x: { severity: string; verified: boolean }) => !x.verified)) expect(f.severity).toBe("Info");
    });
});

describe("OCSF Compliance Finding (class 2003)", () => {
  const dir = join(FIXTURES, "ocsf", OCSF_VERSION);
  const schema = compileOcsfClass(dir, "events/findings/compliance_finding.json");
  const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
  const categories = JSON.parse(readFileSync(join(dir, "categories.json"), "utf8"));
  const cls = JSON.parse(readFileSync(join(dir, "events/findings/compliance_finding.json"), "utf8"));

  it("the compiled schema is strict: a missing required attribute, an unknown attribute or a wrong enum fails", () => {
    const [line] = renderOcsf(synthetic).split("\n");
    const event = JSON.parse(line!);
    expect(validate(event), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const { compliance: _c, ...noCompliance } = event;
    expect(validate(noCompliance)).toBe(false);
    expect(validate({ ...event, not_an_attribute: 1 })).toBe(false);
    expect(validate({ ...event, severity_id: 42 })).toBe(false);
    expect(validate({ ...event, compliance: { ...event.compliance, status_id: 7 } })).toBe(false);
  });

  for (const [name, doc] of docs)
    it(`${name}: one valid event per finding, class 2003 of category Findings, stable uids`, () => {
      const lines = renderOcsf(doc).split("\n").filter(Boolean);
      expect(lines).toHaveLength(doc.devices.reduce((n, d) => n + d.findings.length, 0));
      const events = lines.map((l) => JSON.parse(l));
      for (const e of events) {
        expect(validate(e), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
        expect(e.category_uid).toBe(categories.attributes.findings.uid);
        expect(e.class_uid).toBe(categories.attributes.findings.uid * 1000 + cls.uid);
        expect(e.type_uid).toBe(e.class_uid * 100 + e.activity_id);
      }
      const uids = events.map((e) => e.finding_info.uid);
      expect(new Set(uids).size).toBe(uids.length);
      expect(
        renderOcsf(later(doc))
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l).finding_info.uid),
      ).toEqual(uids);
      const byStatus = (s: Finding["status"]) => events.filter((e) => e.unmapped.otaudit.status === s).map((e) => e.compliance.status);
      expect(new Set(byStatus("pass"))).toEqual(new Set(byStatus("pass").length ? ["Pass"] : []));
      expect(byStatus("undetermined").every((s) => s === "Warning")).toBe(true);
    });
});

describe("CycloneDX 1.6 inventory", () => {
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);

  for (const [name, doc] of docs)
    it(`${name}: valid for the CycloneDX library's strict 1.6 validator`, async () => {
      const text = renderCyclonedx(doc, PLUGINS);
      expect(await validator.validate(text)).toBeNull();
      const bom = JSON.parse(text);
      expect(bom.components.map((c: { "bom-ref": string }) => c["bom-ref"])).toEqual(doc.devices.map((d) => `device:${encodeURIComponent(d.host)}`));
    });

  it("demo result: vendor, model and firmware from identify(), services, certificates and host keys as cryptographic assets", () => {
    const bom = JSON.parse(renderCyclonedx(demo, PLUGINS));
    // the legacy PLC tells anyone who asks (Modbus device identification, OPC UA BuildInfo, sysDescr)
    const legacy = bom.components.find((c: { name: string }) => c.name === "legacy-plc");
    expect(legacy.manufacturer.name).toBe("Example Automation");
    expect(legacy.version).toBe("2.4.1");
    expect(legacy.properties).toEqual(expect.arrayContaining([{ name: "otaudit:model", value: "LX-100" }]));
    expect(legacy.components.filter((c: { type: string }) => c.type === "firmware").length).toBeGreaterThan(0);
    // the hardened controller discloses no identity to an unauthenticated client: named, not identified
    const hardened = bom.components.find((c: { name: string }) => c.name === "hardened-controller");
    expect(hardened.manufacturer).toBeUndefined();
    expect(hardened.description).toMatch(/not identified/);
    const crypto = hardened.components.filter((c: { type: string }) => c.type === "cryptographic-asset");
    expect(crypto.map((c: { cryptoProperties: { assetType: string } }) => c.cryptoProperties.assetType)).toEqual(
      expect.arrayContaining(["certificate", "related-crypto-material"]),
    );
    const refs = new Set(bom.services.map((s: { "bom-ref": string }) => s["bom-ref"]));
    for (const dep of bom.dependencies) for (const r of dep.provides ?? []) expect(refs.has(r)).toBe(true);
    expect(bom.services.length).toBeGreaterThanOrEqual(demo.devices.length);
  });
});

describe("IEC 62443-4-2 capability report", () => {
  const validate = new Ajv2020({ allErrors: true, strict: false }).compile(z.toJSONSchema(CapabilityReport, { io: "output" }) as object);

  for (const [name, doc] of docs)
    it(`${name}: matches its published schema; policy findings never count`, () => {
      const out = JSON.parse(renderCapability(doc));
      expect(validate(out), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
      expect(CapabilityReport.parse(out).devices).toHaveLength(doc.devices.length);
      for (const d of out.devices)
        for (const r of d.requirements)
          expect([...r.findings.passed, ...r.findings.failed, ...r.findings.undecided].some((id: string) => id.startsWith("policy."))).toBe(false);
    });
});
