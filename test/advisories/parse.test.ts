// Advisory files: CSAF 2.0 documents (OASIS CSAF v2.0 §3.1, §3.2) and otaudit's YAML format,
// valid and broken. Broken input names the file and the `path.to.field`.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { csafToAdvisory } from "../../src/advisories/csaf.js";
import { loadAdvisoryFiles, parseAdvisoryText } from "../../src/advisories/load.js";
import { rangeContains } from "../../src/advisories/version.js";

const CSAF_FILE = "fixtures/advisories/example-automation-lx100.csaf.json";
const YAML_FILE = "fixtures/advisories/openssh.advisories.yaml";
const csaf = () => JSON.parse(readFileSync(CSAF_FILE, "utf8"));

function issuesOf(doc: unknown): string[] {
  return csafToAdvisory(doc, "x.json").issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("CSAF 2.0", () => {
  it("reads the example advisory: products from branches, CVSS severity, fixed version, vendor fix", () => {
    const { advisory, issues } = csafToAdvisory(csaf(), CSAF_FILE);
    expect(issues).toEqual([]);
    expect(advisory).toMatchObject({
      id: "EXA-SA-2025-001",
      format: "csaf",
      publisher: "Example Automation PSIRT (fictitious)",
      url: "https://example.invalid/psirt/EXA-SA-2025-001.json",
    });
    // one affected product (CSAFPID-0001) carrying both vulnerabilities; HX-900 is known_not_affected
    expect(advisory!.products).toHaveLength(1);
    const p = advisory!.products[0]!;
    expect(p).toMatchObject({
      vendor: "Example Automation",
      product: "LX-100",
      versionsLabel: "vers:generic/>=2.0.0|<2.4.2",
      severity: "critical",
      fixed: ["2.4.2"],
      ids: ["EXA-VU-2025-0001", "EXA-VU-2025-0002"],
      cves: [],
      url: "https://example.invalid/downloads/lx-100/2.4.2",
    });
    expect(rangeContains(p.range, "2.4.1")).toBe(true);
    expect(rangeContains(p.range, "2.4.2")).toBe(false);
  });

  it("reads CVE ids, exact product_version entries and relationships (firmware installed_on a device)", () => {
    const doc = {
      document: { category: "csaf_security_advisory", csaf_version: "2.0", title: "t", publisher: { name: "P" }, tracking: { id: "T-1" } },
      product_tree: {
        branches: [
          {
            category: "vendor",
            name: "ACME",
            branches: [
              {
                category: "product_family",
                name: "Controllers",
                branches: [
                  {
                    category: "product_name",
                    name: "FW-7",
                    branches: [
                      { category: "product_version", name: "1.2.3", product: { product_id: "FW123", name: "ACME FW-7 1.2.3" } },
                      { category: "product_version", name: "1.2.4", product: { product_id: "FW124", name: "ACME FW-7 1.2.4" } },
                    ],
                  },
                ],
              },
            ],
          },
          { category: "vendor", name: "ACME", branches: [{ category: "product_name", name: "Rack", product: { product_id: "RACK", name: "ACME Rack" } }] },
        ],
        relationships: [
          {
            category: "installed_on",
            product_reference: "FW123",
            relates_to_product_reference: "RACK",
            full_product_name: { product_id: "FW123-ON-RACK", name: "ACME FW-7 1.2.3 on Rack" },
          },
        ],
      },
      vulnerabilities: [
        {
          cve: "CVE-2099-0001",
          product_status: { known_affected: ["FW123-ON-RACK"], fixed: ["FW124"] },
          scores: [{ products: ["FW123-ON-RACK"], cvss_v3: { baseSeverity: "MEDIUM" } }],
        },
      ],
    };
    const { advisory, issues } = csafToAdvisory(doc, "x.json");
    expect(issues).toEqual([]);
    expect(advisory!.products).toEqual([
      expect.objectContaining({ vendor: "ACME", product: "FW-7", versionsLabel: "1.2.3", cves: ["CVE-2099-0001"], severity: "medium", fixed: ["1.2.4"] }),
    ]);
  });

  it("falls back to the document's aggregate severity, then to none (the rule default, high, applies)", () => {
    const doc = csaf();
    for (const v of doc.vulnerabilities) delete v.scores;
    expect(csafToAdvisory(doc, "x").advisory!.products[0]!.severity).toBe("critical");
    delete doc.document.aggregate_severity;
    expect(csafToAdvisory(doc, "x").advisory!.products[0]!.severity).toBeUndefined();
  });

  it("names the field of each problem", () => {
    const noVersion = csaf();
    delete noVersion.document.csaf_version;
    expect(issuesOf(noVersion)).toEqual([expect.stringMatching(/^document\.csaf_version: /)]);
    const v21 = csaf();
    v21.document.csaf_version = "2.1";
    expect(issuesOf(v21)).toEqual(["document.csaf_version: only CSAF 2.0 is supported"]);
    const unknownId = csaf();
    unknownId.vulnerabilities[1].product_status.known_affected = ["CSAFPID-0001", "CSAFPID-9999"];
    expect(issuesOf(unknownId)).toEqual(["vulnerabilities.1.product_status.known_affected.1: unknown product id 'CSAFPID-9999' (not in product_tree)"]);
    const badRange = csaf();
    badRange.product_tree.branches[0].branches[0].branches[0].name = "vers:generic/>=two";
    expect(issuesOf(badRange)[0]).toMatch(/^product_tree\.branches\.0\.branches\.0\.branches\.0\.name: .*'two' is not a version/);
    const badCategory = csaf();
    badCategory.product_tree.branches[0].category = "maker";
    expect(issuesOf(badCategory)[0]).toMatch(/^product_tree\.branches\.0\.category: /);
    const badCve = csaf();
    badCve.vulnerabilities[0].cve = "CVE-24-1";
    expect(issuesOf(badCve)).toEqual(["vulnerabilities.0.cve: a CVE id such as CVE-2024-12345"]);
  });
});

describe("otaudit YAML advisories", () => {
  it("reads the example file", () => {
    const r = parseAdvisoryText(readFileSync(YAML_FILE, "utf8"), YAML_FILE);
    expect(r.issues).toEqual([]);
    expect(r.advisories!.map((a) => a.id)).toEqual(["OPENSSH-7.8-USERENUM", "OPENSSH-9.6-TERRAPIN"]);
    expect(r.advisories![1]!.products[0]).toMatchObject({
      vendor: "OpenBSD",
      product: "OpenSSH",
      cves: ["CVE-2023-48795"],
      severity: "medium",
      fixed: ["9.6"],
      versionsLabel: "< 9.6",
    });
  });

  it("defaults severity to high and reports problems by field", () => {
    const ok = parseAdvisoryText("advisories:\n  - { id: A, title: t, product: P, affected: ['< 2'], source: s }\n", "a.yaml");
    expect(ok.advisories![0]!.products[0]!.severity).toBe("high");
    const bad = parseAdvisoryText(
      "advisories:\n  - { id: A, title: t, product: P, affected: ['< 2', '>= x'], source: s, severity: severe, colour: red }\n",
      "a.yaml",
    );
    expect(bad.issues.map((i) => i.path.join("."))).toEqual(expect.arrayContaining(["advisories.0.severity", "advisories.0"]));
    const range = parseAdvisoryText("advisories:\n  - { id: A, title: t, product: P, affected: ['< 2', '>= x'], source: s }\n", "a.yaml");
    expect(range.issues).toEqual([{ path: ["advisories", 0, "affected", 1], message: "'>= x': 'x' is not a version (must start with a number)" }]);
    expect(parseAdvisoryText("advisories: [", "a.yaml").issues[0]!.message).toMatch(/^not valid YAML/);
  });
});

describe("loadAdvisoryFiles", () => {
  it("loads several files into one set", () => {
    const set = loadAdvisoryFiles([CSAF_FILE, YAML_FILE]);
    expect(set.files).toEqual([CSAF_FILE, YAML_FILE]);
    expect(set.advisories.map((a) => a.id)).toEqual(["EXA-SA-2025-001", "OPENSSH-7.8-USERENUM", "OPENSSH-9.6-TERRAPIN"]);
  });

  it("throws one UsageError with a `file: path.to.field: message` line per problem of every file", () => {
    const dir = mkdtempSync(join(tmpdir(), "otaudit-adv-"));
    const broken = join(dir, "broken.json");
    const doc = csaf();
    doc.vulnerabilities[0].product_status.known_affected = ["NOPE"];
    writeFileSync(broken, JSON.stringify(doc));
    const missing = join(dir, "missing.yaml");
    let err: unknown;
    try {
      loadAdvisoryFiles([broken, missing]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).lines).toEqual([
      `${broken}: vulnerabilities[0].product_status.known_affected[0]: unknown product id 'NOPE' (not in product_tree)`,
      `--advisories: ${missing}: cannot read (ENOENT)`,
    ]);
  });
});
