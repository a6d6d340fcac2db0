// Matching observed versions against supplied advisories: each plugin's identify() on recorded
// facts (fixtures/library), name normalisation, the distribution-build caveat for SSH banners,
// unknown orderings, no version observed, and no advisories => no finding at all (never a pass).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { assessDevice } from "../../src/engine/audit.js";
import { advisoryFindings, observeProducts, type DeviceObservation } from "../../src/advisories/match.js";
import { distributionBuild, versionInText } from "../../src/advisories/identify.js";
import { loadAdvisoryFiles, parseAdvisoryText } from "../../src/advisories/load.js";
import { productNamesMatch, sameVendor, textNames } from "../../src/advisories/names.js";
import type { AdvisorySet } from "../../src/advisories/model.js";
import type { FactsEnvelope } from "../../src/model/facts.js";

const FILES = ["fixtures/advisories/example-automation-lx100.csaf.json", "fixtures/advisories/openssh.advisories.yaml"];
const SET = loadAdvisoryFiles(FILES);

function recorded(name: string): { host: string; endpoints: never[]; facts: Record<string, FactsEnvelope> } {
  const rec = JSON.parse(readFileSync(`fixtures/library/${name}/recording.json`, "utf8"));
  return rec.devices[0];
}
const _plugin = (id: string) => PLUGINS.find((p) => p.id === id)!;

function yamlSet(text: string): AdvisorySet {
  const r = parseAdvisoryText(text, "t.yaml");
  if (!r.advisories) throw new Error(JSON.stringify(r.issues));
  return { files: ["t.yaml"], advisories: r.advisories };
}

describe("identify() per plugin, on recorded facts", () => {
  const legacy = recorded("legacy-plc");
  it("reads SSH software, Modbus device identification, OPC UA BuildInfo and SNMP sysDescr", () => {
    const { observed, problems } = observeProducts(PLUGINS, legacy.facts);
    expect(problems).toEqual([]);
    const by = (source: string) => observed.find((o) => o.source === source);
    expect(by("ssh banner")).toMatchObject({ protocol: "ssh", product: "OpenSSH", version: "5.3", raw: "SSH-2.0-OpenSSH_5.3", port: 22 });
    expect(by("modbus device identification")).toMatchObject({
      protocol: "modbus",
      vendor: "Example Automation",
      product: "LX-100 PLC",
      model: "LX-100",
      version: "2.4.1",
      port: 502,
    });
    expect(by("opcua BuildInfo")).toMatchObject({
      protocol: "opcua",
      vendor: "Example Automation",
      product: "LX-100 OPC UA server",
      version: "2.4.1",
      port: 4840,
    });
    expect(by("snmp sysDescr")).toMatchObject({ protocol: "snmp", text: "Example Automation LX-100 PLC, firmware 2.4.1", version: "2.4.1", port: 161 });
    expect(by("snmp sysDescr")!.raw).toMatch(/enterprise 8072/);
  });

  it("one finding per advisory and product, naming every protocol that showed the version", () => {
    const { observed } = observeProducts(PLUGINS, legacy.facts);
    const findings = advisoryFindings(observed, SET);
    const lx = findings.filter((f) => f.evidence.advisory === "EXA-SA-2025-001");
    expect(lx).toHaveLength(1);
    expect(lx[0]).toMatchObject({ ruleId: "advisory.version-match", status: "fail", severity: "critical", elements: [11, 12], protocol: "modbus", port: 502 });
    expect(lx[0]!.message).toMatch(/^version-based: EXA-SA-2025-001 \(EXA-VU-2025-0001, EXA-VU-2025-0002\) affects Example Automation LX-100/);
    expect(lx[0]!.evidence).toMatchObject({
      observedVersion: "2.4.1",
      source: "modbus device identification",
      fixedVersion: "2.4.2",
      url: "https://example.invalid/downloads/lx-100/2.4.2",
      cves: [],
    });
    expect((lx[0]!.evidence.observed as { protocol: string }[]).map((o) => o.protocol).sort()).toEqual(["modbus", "opcua", "snmp"]);
    const ssh = findings.filter((f) => f.protocol === "ssh").map((f) => f.evidence.advisory);
    expect(ssh).toEqual(["OPENSSH-7.8-USERENUM", "OPENSSH-9.6-TERRAPIN"]);
  });

  it("a device with versions but no affected product gets one pass naming files and versions", () => {
    const gw = recorded("password-gateway");
    const findings = advisoryFindings(observeProducts(PLUGINS, gw.facts).observed, SET);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: "pass", ruleId: "advisory.version-match", elements: [11, 12] });
    expect(findings[0]!.message).toMatch(
      /^version-based: no supplied advisory affects Dropbear 2022\.83 \(ssh banner\); Example Networks GW-210 1\.8\.0 \(modbus device identification\)/,
    );
    expect(findings[0]!.message).toContain(
      "3 advisories from fixtures/advisories/example-automation-lx100.csaf.json, fixtures/advisories/openssh.advisories.yaml",
    );
  });
});

describe("the engine applies advisories only when supplied", () => {
  const legacy = recorded("legacy-plc");
  const assess = (advisories?: AdvisorySet) =>
    assessDevice({ host: legacy.host, endpoints: [] }, legacy.facts, {
      plugins: PLUGINS,
      intrusive: false,
      credentialed: () => false,
      ...(advisories ? { advisories } : {}),
    });
  it("no advisories: no advisory finding, elements 11 and 12 stay unverified (never a pass)", () => {
    const d = assess();
    expect(d.findings.some((f) => f.ruleId === "advisory.version-match")).toBe(false);
    expect(d.elements.filter((e) => e.id >= 11).map((e) => e.verdict)).toEqual(["unverified", "unverified"]);
  });
  it("with advisories: a verified fail on 11 and 12", () => {
    const d = assess(SET);
    expect(d.elements.filter((e) => e.id >= 11).map((e) => [e.verdict, e.basis])).toEqual([
      ["fail", "verified"],
      ["fail", "verified"],
    ]);
  });
  it("no version observed: skipped with the reason, never a pass", () => {
    const failed: Record<string, FactsEnvelope> = { ssh: { ...legacy.facts.ssh!, status: "error", data: undefined, error: { code: "timeout", message: "t" } } };
    const d = assessDevice({ host: "h", endpoints: [] }, failed, { plugins: PLUGINS, intrusive: false, credentialed: () => false, advisories: SET });
    const f = d.findings.find((x) => x.ruleId === "advisory.version-match")!;
    expect(f).toMatchObject({ status: "skipped", severity: "info" });
    expect(f.message).toMatch(/^advisories not checked: no probe read a product version/);
    expect(d.elements.find((e) => e.id === 11)!.verdict).not.toBe("pass");
    const unversioned: DeviceObservation[] = [{ protocol: "modbus", vendor: "ACME", product: "X-1", source: "modbus device identification", raw: "r" }];
    expect(advisoryFindings(unversioned, SET)[0]!.message).toBe(
      "advisories not checked: identified ACME X-1 (modbus device identification) but read no version",
    );
  });
});

describe("SSH banners of distribution builds", () => {
  const debian = (version: string, comments: string) => ({
    ssh: {
      ...recorded("legacy-plc").facts.ssh!,
      data: {
        services: [
          {
            port: 22,
            url: "ssh://h:22",
            hostKeys: [],
            banner: {
              raw: `SSH-2.0-OpenSSH_${version} ${comments}`,
              protocolVersion: "2.0",
              software: `OpenSSH_${version}`,
              comments,
              product: "OpenSSH",
              productVersion: version,
              preBannerLines: [],
            },
          },
        ],
      },
    },
  });
  it("keeps the distribution build and caps the severity, saying the match needs verifying", () => {
    const facts = debian("9.2p1", "Debian-2+deb12u3");
    const { observed } = observeProducts(PLUGINS, facts);
    expect(observed[0]).toMatchObject({ product: "OpenSSH", version: "9.2p1", distribution: "Debian-2+deb12u3" });
    const set = yamlSet(
      "advisories:\n  - { id: REGRESSHION, title: t, cve: [CVE-2024-6387], product: OpenSSH, affected: ['>= 8.5p1, < 9.8p1'], fixed: 9.8p1, severity: high, source: s }\n",
    );
    const [f] = advisoryFindings(observed, set);
    expect(f).toMatchObject({ status: "fail", severity: "medium" });
    expect(f!.message).toMatch(/^version-based, distribution build: verify: Debian-2\+deb12u3 may carry a backported fix/);
    expect(f!.evidence).toMatchObject({ distribution: "Debian-2+deb12u3", advisorySeverity: "high", basis: "version-based" });
  });
  it("an upstream build (no distribution comment) keeps the advisory's severity", () => {
    const { observed } = observeProducts(PLUGINS, debian("9.2p1", "LX100-fw2.4.1"));
    expect(observed[0]!.distribution).toBeUndefined();
    const set = yamlSet("advisories:\n  - { id: R, title: t, product: OpenSSH, affected: ['< 9.8p1'], severity: high, source: s }\n");
    expect(advisoryFindings(observed, set)[0]).toMatchObject({ severity: "high", status: "fail" });
  });
  it("recognises distribution comments", () => {
    for (const c of ["Debian-2+deb12u3", "Ubuntu-3ubuntu0.10", "FreeBSD-20240806", "Raspbian-5+deb11u1"]) expect(distributionBuild(c), c).toBe(c);
    for (const c of ["LX100-fw2.4.1", "", undefined]) expect(distributionBuild(c)).toBeUndefined();
  });
});

describe("names and versions", () => {
  it("normalises vendor and product names", () => {
    expect(sameVendor("Example Automation GmbH", "example-automation")).toBe(true);
    expect(sameVendor("Example Automation", "Example Networks")).toBe(false);
    expect(productNamesMatch("LX-100", "LX100 PLC")).toBe(true);
    expect(productNamesMatch("LX-100 firmware", "lx-100")).toBe(true);
    expect(productNamesMatch("LX-100", "LX-1000")).toBe(false);
    expect(productNamesMatch("LX-100 PLC", "LX-100")).toBe(false);
    expect(textNames("Example Automation LX-100 PLC, firmware 2.4.1", "Example Automation", "LX-100")).toBe(true);
    expect(textNames("Example Automation LX-1000 PLC", "Example Automation", "LX-100")).toBe(false);
    expect(textNames("Other Vendor LX-100", "Example Automation", "LX-100")).toBe(false);
  });
  it("a vendor stated by the device must agree with the advisory's", () => {
    const set = yamlSet("advisories:\n  - { id: A, title: t, vendor: Other Corp, product: LX-100, affected: ['< 3'], source: s }\n");
    const o: DeviceObservation = {
      protocol: "modbus",
      vendor: "Example Automation",
      product: "LX-100",
      version: "2.4.1",
      source: "modbus device identification",
      raw: "r",
    };
    expect(advisoryFindings([o], set)[0]!.status).toBe("pass");
    expect(advisoryFindings([{ ...o, vendor: "Other Corp." }], set)[0]!.status).toBe("fail");
  });
  it("reads versions from free text only when unambiguous", () => {
    expect(versionInText("Example Automation LX-100 PLC, firmware 2.4.1")).toBe("2.4.1");
    expect(versionInText("ACME RTU-9 V3.2.1")).toBe("3.2.1");
    expect(versionInText("Linux gw 5.10.0-21-amd64 #1 SMP Debian 5.10.162-1 (2023-01-21) x86_64")).toBeUndefined();
  });
  it("an order it cannot know is a skipped note, not a match and not a clean pass", () => {
    const set = yamlSet("advisories:\n  - { id: A, title: t, product: LX-100, affected: ['< 2.4.1'], source: s }\n");
    const o: DeviceObservation = { protocol: "opcua", product: "LX-100", version: "2.4.1-custom3", source: "opcua BuildInfo", raw: "r" };
    const findings = advisoryFindings([o], set);
    expect(findings.map((f) => f.status)).toEqual(["pass", "skipped"]);
    expect(findings[1]!.message).toMatch(/^version-based: cannot tell whether LX-100 2\.4\.1-custom3 \(opcua BuildInfo\) is in A's range '< 2\.4\.1'/);
  });
});
