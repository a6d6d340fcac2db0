// Reporters on the synthetic two-device result: golden files (timestamps and versions masked;
// regenerate with UPDATE_GOLDEN=1 npx vitest run test/report), SARIF against the 2.1.0 schema and
// Microsoft's official validator, JUnit through a standard XML parser, CSV shape and injection.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { Ajv2020 } from "ajv/dist/2020.js";
import { ELEMENTS } from "../../src/catalog/elements.js";
import { allRules } from "../../src/catalog/rules.js";
import { renderReport, REPORT_FORMATS } from "../../src/report/index.js";
import { renderSarif } from "../../src/report/sarif.js";
import { renderJunit } from "../../src/report/junit.js";
import { CSV_COLUMNS, renderCsv } from "../../src/report/csv.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { expectGolden, REPORT_GOLDENS, syntheticResult } from "./helpers.js";

const require = createRequire(import.meta.url);
const MULTITOOL_DIR = dirname(require.resolve("@microsoft/sarif-multitool-linux/package.json"));
const doc = syntheticResult();
const tmp = mkdtempSync(join(tmpdir(), "otaudit-report-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("golden files", () => {
  for (const f of REPORT_FORMATS) it(`${f} matches golden/${REPORT_GOLDENS[f]}`, () => expectGolden(REPORT_GOLDENS[f], renderReport(doc, f), doc.tool.version));
});

describe("SARIF 2.1.0", () => {
  const text = renderSarif(doc);
  const sarif = JSON.parse(text);

  it("validates against the SARIF 2.1.0 JSON schema shipped with Microsoft's multitool", () => {
    const schema = JSON.parse(readFileSync(join(MULTITOOL_DIR, "sarif-2.1.0.json"), "utf8"));
    const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
    const validate = ajv.compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("passes the official SARIF validator (Sarif.Multitool validate) without errors", () => {
    const bin = join(MULTITOOL_DIR, "Sarif.Multitool");
    if ((statSync(bin).mode & 0o100) === 0) chmodSync(bin, 0o755);
    const input = join(tmp, "in.sarif");
    const output = join(tmp, "validation.sarif");
    writeFileSync(input, text);
    execFileSync(bin, ["validate", input, "-o", output], { stdio: "pipe", timeout: 60_000, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: "1" } });
    const validation = JSON.parse(readFileSync(output, "utf8").replace(/^\uFEFF/, ""));
    const errors = validation.runs
      .flatMap((r: { results?: { level?: string; message: { text?: string } }[] }) => r.results ?? [])
      .filter((r: { level?: string }) => r.level === "error");
    expect(errors.map((e: { message: { text?: string } }) => e.message.text)).toEqual([]);
  });

  it("one run, rules with element and IEC 62443 tags, a location per device and service, stable fingerprints", () => {
    expect(sarif.runs).toHaveLength(1);
    const run = sarif.runs[0];
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "ssh.kex.weak");
    expect(rule.properties.tags).toEqual(expect.arrayContaining(["sbd-element:7", "iec62443:CR 4.3"]));
    expect(rule.help.text).toContain(allRules().find((r) => r.id === "ssh.kex.weak")!.remediation); // the real catalog's
    const total = doc.devices.reduce((n, d) => n + d.findings.length, 0);
    expect(run.results).toHaveLength(total);
    const weak = run.results.find((r: { ruleId: string; kind: string }) => r.ruleId === "ssh.kex.weak" && r.kind === "fail");
    expect(weak.level).toBe("error");
    // a relative path per device and service (GitHub rejects an absolute URI whose scheme is not the checkout's); the URL is a property
    expect(weak.locations[0].physicalLocation.artifactLocation.uri).toBe("otaudit/devices/127.0.0.11/ssh-22");
    expect(weak.properties.serviceUrl).toBe("ssh://127.0.0.11:22");
    expect(weak.locations[0].logicalLocations.map((l: { kind: string }) => l.kind)).toEqual(["device", "service"]);
    // error and skipped are "open" (undetermined), never pass
    expect(
      run.results.filter((r: { properties: { status: string } }) => r.properties.status === "error").every((r: { kind: string }) => r.kind === "open"),
    ).toBe(true);
    // waived finding: accepted suppression
    const waived = run.results.find((r: { ruleId: string; kind: string }) => r.ruleId === "snmp.v1v2c.enabled" && r.kind === "fail");
    expect(waived.suppressions[0]).toMatchObject({ kind: "external", status: "accepted" });
    // fingerprints: unique and independent of timestamps
    const fps = run.results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints["otauditFinding/v1"]);
    expect(new Set(fps).size).toBe(fps.length);
    const later = JSON.parse(renderSarif({ ...doc, run: { ...doc.run, startedAt: "2030-01-01T00:00:00.000Z", finishedAt: "2030-01-01T00:00:05.000Z" } }));
    expect(later.runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints["otauditFinding/v1"])).toEqual(fps);
  });
});

describe("JUnit XML", () => {
  const xml = renderJunit(doc);
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    isArray: (name) => ["testsuite", "testcase", "property"].includes(name),
  }).parse(xml);

  it("parses with a standard XML parser and carries the failures", () => {
    const suites = parsed.testsuites.testsuite;
    expect(suites).toHaveLength(2);
    const legacy = suites.find((s: Record<string, string>) => s["@hostname"] === "127.0.0.11");
    const failures = legacy.testcase.filter((c: Record<string, unknown>) => c.failure);
    // one testcase per finding: the 6 unwaived failing findings
    expect(failures).toHaveLength(6);
    expect(Number(legacy["@failures"])).toBe(6);
    const weak = failures.find((c: Record<string, string>) => c["@name"].startsWith("ssh.kex.weak (ssh/22): "));
    expect(weak.failure["@message"]).toContain("diffie-hellman-group1-sha1");
    expect(weak.failure["@type"]).toBe("high");
    expect(weak.failure["#text"]).toContain("remediation:");
    const errors = legacy.testcase.filter((c: Record<string, unknown>) => c.error);
    // two checks that could not run, and the undetermined one (an error of type "undetermined")
    expect(errors).toHaveLength(3);
    expect(errors.filter((c: { error: Record<string, string> }) => c.error["@type"] === "undetermined")).toHaveLength(1);
    const skipped = legacy.testcase.filter((c: Record<string, unknown>) => c.skipped !== undefined);
    // skipped intrusive checks, the not-applicable rule and the waived failure
    expect(skipped.map((c: Record<string, string>) => c["@name"].split(" ")[0]).sort()).toEqual([
      "modbus.identity.disclosed",
      "modbus.write.unauthenticated",
      "snmp.v1v2c.enabled",
      "ssh.auth.default-credentials",
    ]);
    expect(legacy.testcase).toHaveLength(doc.devices[0]!.findings.length);
    const hardened = suites.find((s: Record<string, string>) => s["@hostname"] === "127.0.0.12");
    expect(Number(hardened["@failures"]) + Number(hardened["@errors"])).toBe(0);
    expect(Number(parsed.testsuites["@failures"])).toBe(6);
  });

  it("shows control characters escaped, drops other characters XML 1.0 forbids, escapes markup from device strings", () => {
    const hostile = structuredClone(doc);
    hostile.devices[0]!.findings.find((f) => f.ruleId === "ssh.kex.weak")!.message = 'bad\u0000\u0007 <x> & "q" \uFFFF';
    const out = renderJunit(hostile);
    expect(out).not.toMatch(/[\u0000\u0007\uFFFF]/);
    expect(() => new XMLParser({ ignoreAttributes: false }).parse(out)).not.toThrow();
    expect(out).toContain("bad\\x00\\x07 &lt;x&gt; &amp; &quot;q&quot;");
  });
});

describe("CSV", () => {
  const csv = renderCsv(doc);
  it("one row per finding, RFC 4180 quoting, CRLF line ends, formula cells neutralised", () => {
    const lines = csv.split("\r\n").filter(Boolean);
    expect(lines[0]).toBe(CSV_COLUMNS.join(","));
    expect(lines).toHaveLength(1 + doc.devices.reduce((n, d) => n + d.findings.length, 0));
    const hostile = structuredClone(doc);
    hostile.devices[0]!.findings[0]!.message = '=HYPERLINK("http://evil.invalid","x")';
    const out = renderCsv(hostile);
    expect(out).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(out).toContain(`"'=HYPERLINK(""http://evil.invalid"",""x"")"`);
  });
});

describe("HTML and Markdown", () => {
  it("HTML is self-contained: no script, no external URL to load, escaped device strings, all 12 elements, printable", () => {
    const html = renderHtml(doc);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain("default-src 'none'");
    expect(html).toContain("@media print");
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    for (const el of ELEMENTS) expect(html).toContain(el.name);
  });

  it("Markdown shows scorecard, waiver and escapes device strings", () => {
    const md = renderMarkdown(doc);
    for (const el of ELEMENTS) expect(md).toContain(`| ${el.id}. ${el.name} |`);
    expect(md).toContain("**WAIVED**");
    expect(md).not.toContain("<script>");
  });
});
