// SARIF within GitHub code scanning's documented limits ("SARIF support for code scanning": runs,
// results, rules, tags, locations, name and description lengths, 10 MB gzip-compressed), with a
// relative artifact path and primaryLocationLineHash; policy findings get one stable fingerprint per
// clause across runs.
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { renderSarif, SARIF_LIMITS } from "../../src/report/sarif.js";
import type { Finding, ResultDocument } from "../../src/model/result.js";
import { syntheticResult } from "./helpers.js";
import { demoResult } from "./demo-result.js";

const synthetic = syntheticResult();
const later = (d: ResultDocument): ResultDocument => ({
  ...d,
  run: { ...d.run, startedAt: "2031-06-01T00:00:00.000Z", finishedAt: "2031-06-01T00:01:00.000Z" },
});

describe("SARIF within GitHub code scanning's documented limits", () => {
  /** A result with more findings than a run may hold: copies of the synthetic devices' findings. */
  function flood(n: number): ResultDocument {
    const d0 = synthetic.devices[0]!;
    const findings: Finding[] = [];
    for (let i = 0; findings.length < n; i++) for (const f of d0.findings) findings.length < n && findings.push({ ...f, port: 1 + (i % 60000) });
    return { ...synthetic, devices: [{ ...d0, findings }] };
  }

  it("at most 25,000 results per run, every failing finding kept, the rest counted; rules, tags, names and descriptions within limits", () => {
    const doc = flood(SARIF_LIMITS.resultsPerRun + 3000);
    const text = renderSarif(doc);
    const sarif = JSON.parse(text);
    expect(sarif.runs.length).toBeLessThanOrEqual(SARIF_LIMITS.runs);
    const run = sarif.runs[0];
    expect(run.results).toHaveLength(SARIF_LIMITS.resultsPerRun);
    const failing = doc.devices[0]!.findings.filter((f) => f.status === "fail").length;
    expect(run.results.filter((r: { kind: string }) => r.kind === "fail")).toHaveLength(failing);
    expect(run.properties.resultsLeftOut.count).toBe(3000);
    expect(run.tool.driver.rules.length).toBeLessThanOrEqual(SARIF_LIMITS.rulesPerRun);
    for (const r of run.tool.driver.rules) {
      expect(r.properties.tags.length).toBeLessThanOrEqual(SARIF_LIMITS.tagsPerRule);
      expect(r.name.length).toBeLessThanOrEqual(SARIF_LIMITS.ruleName);
      expect(r.shortDescription.text.length).toBeLessThanOrEqual(SARIF_LIMITS.description);
      expect(r.fullDescription.text.length).toBeLessThanOrEqual(SARIF_LIMITS.description);
    }
    for (const r of run.results) {
      expect(r.locations.length).toBeLessThanOrEqual(SARIF_LIMITS.locationsPerResult);
      expect(r.locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(r.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    }
    // the upload limit is 10 MB gzip-compressed
    expect(gzipSync(text).length).toBeLessThan(10 * 1024 * 1024);
  });

  it("policy findings: one stable fingerprint per clause, across runs", () => {
    const fps = (d: ResultDocument) =>
      JSON.parse(renderSarif(d))
        .runs[0].results.filter((r: { ruleId: string }) => r.ruleId.startsWith("policy."))
        .map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints["otauditFinding/v1"]);
    const now = fps(demoResult());
    expect(now.length).toBeGreaterThan(10);
    expect(new Set(now).size).toBe(now.length);
    expect(fps(later(demoResult()))).toEqual(now);
  });
});
