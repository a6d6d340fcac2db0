// The report tests' input and what the goldens say about rules: synthetic-result.json is exactly
// what fixtures/make-synthetic.ts builds from the real rule catalog (a missing or hand-edited file
// fails; regenerate on purpose with UPDATE_GOLDEN=1 npx vitest run test/report), and every rule id
// any golden report mentions is a rule `otaudit rules` lists, with the catalog's metadata.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { XMLParser } from "fast-xml-parser";
import { runOtaudit } from "../helpers/cli.js";
import { checkSyntheticFixture, GOLDEN_DIR, REPORT_GOLDENS, syntheticResult } from "./helpers.js";

interface CliRule {
  id: string;
  title: string;
  elements: number[];
  iec62443: string[];
  severity: string;
  safety: string;
  remediation: string;
}

const golden = (name: string) => readFileSync(join(GOLDEN_DIR, name), "utf8");
/** Rule-id-shaped tokens of the plugins, advisories and fleet rules in free text. */
const RULE_ID_IN_TEXT = /\b(?:ssh|modbus|snmp|opcua|advisory|fleet)\.[a-z0-9]+(?:[.-][a-z0-9]+)*\b/g;

describe("report fixture", () => {
  let cli: CliRule[];
  beforeAll(async () => {
    const r = await runOtaudit(["rules", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    cli = JSON.parse(r.stdout);
  });

  it("synthetic-result.json is what make-synthetic.ts builds", () => checkSyntheticFixture());

  it("every finding of the fixture is a real rule with the catalog's title, elements, IEC 62443 references, remediation and safety", () => {
    for (const d of syntheticResult().devices)
      for (const f of d.findings) {
        const r = cli.find((x) => x.id === f.ruleId);
        expect(r, `${f.ruleId} is not in \`otaudit rules\``).toBeDefined();
        expect({ title: f.title, elements: f.elements, iec62443: f.iec62443, remediation: f.remediation, safety: f.safety }, f.ruleId).toEqual({
          title: r!.title,
          elements: r!.elements,
          iec62443: r!.iec62443,
          remediation: r!.remediation,
          safety: r!.safety,
        });
      }
  });

  it("every rule id a golden report mentions exists in `otaudit rules` (JSON, SARIF, JUnit, CSV, Markdown, HTML)", () => {
    const known = new Set(cli.map((r) => r.id));
    const mentioned = new Map<string, Set<string>>();
    const add = (where: string, ids: Iterable<string>) => mentioned.set(where, new Set([...(mentioned.get(where) ?? []), ...ids]));
    const json = JSON.parse(golden(REPORT_GOLDENS.json));
    add(
      "result.json",
      json.devices.flatMap((d: { findings: { ruleId: string }[] }) => d.findings.map((f) => f.ruleId)),
    );
    const sarif = JSON.parse(golden(REPORT_GOLDENS.sarif));
    const run = sarif.runs[0];
    add(
      "report.sarif rules",
      run.tool.driver.rules.map((r: { id: string }) => r.id),
    );
    add(
      "report.sarif results",
      run.results.map((r: { ruleId: string }) => r.ruleId),
    );
    const junit = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (n) => ["testsuite", "testcase"].includes(n) }).parse(
      golden(REPORT_GOLDENS.junit),
    );
    add(
      "junit.xml",
      junit.testsuites.testsuite.flatMap((s: { testcase?: { "@name": string }[] }) => (s.testcase ?? []).map((c) => c["@name"].split(" ")[0]!)),
    );
    const csv = golden(REPORT_GOLDENS.csv).split("\r\n").filter(Boolean);
    const col = csv[0]!.split(",").indexOf("rule");
    expect(col).toBeGreaterThanOrEqual(0);
    add(
      "findings.csv",
      csv.slice(1).map((l) => l.split(",")[col]!.replace(/^"|"$/g, "")),
    );
    add("report.md", golden(REPORT_GOLDENS.md).match(RULE_ID_IN_TEXT) ?? []);
    add("report.html", golden(REPORT_GOLDENS.html).match(RULE_ID_IN_TEXT) ?? []);
    for (const [where, ids] of mentioned) {
      expect(ids.size, `${where} mentions no rule`).toBeGreaterThan(0);
      expect(
        [...ids].filter((id) => !known.has(id)),
        `${where}: rule ids not in \`otaudit rules\``,
      ).toEqual([]);
    }
    // SARIF rule metadata is the catalog's
    for (const r of run.tool.driver.rules as { id: string; shortDescription: { text: string }; properties: { elements: number[]; iec62443: string[] } }[]) {
      const c = cli.find((x) => x.id === r.id)!;
      expect({ title: r.shortDescription.text, elements: r.properties.elements, iec62443: r.properties.iec62443 }, r.id).toEqual({
        title: c.title,
        elements: c.elements,
        iec62443: c.iec62443,
      });
    }
  });
});
