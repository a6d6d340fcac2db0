// SARIF 2.1.0 reporter (OASIS SARIF v2.1.0 Errata 01): one run; rule metadata with help text and
// element / IEC 62443 tags; one result per finding with its kind and level (§3.27.9, §3.27.10), a
// location per device and service (a relative artifact path per device and service, the device and
// service as logical locations, §3.33; the service URL in the properties), stable
// partialFingerprints (§3.27.17) and waivers as accepted suppressions (§3.35). Within GitHub code
// scanning's documented limits (SARIF_LIMITS below, docs "SARIF support for code scanning"): at
// most 25,000 results per run (the least important dropped first, and said so in the run's
// properties), 25,000 rules, 20 tags per rule, rule names of 255 and descriptions of 1024
// characters; a relative artifact URI (an absolute one with another scheme than the checkout's is
// rejected by the upload); `primaryLocationLineHash`, the one fingerprint code scanning reads.
// Pure function of the result document.
import { elementById } from "../catalog/elements.js";
import type { Finding, ResultDocument } from "../model/result.js";
import { rulesOf, serviceUrl, type ReportContext, type RuleInfo } from "./common.js";
import { humanView } from "./safe-text.js";
import { findingIdentities } from "./identity.js";

/** GitHub code scanning's documented maxima (uploads above them are rejected) and display limits. */
export const SARIF_LIMITS = {
  runs: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  tagsPerRule: 20,
  locationsPerResult: 10,
  ruleName: 255,
  description: 1024,
} as const;

const cut = (s: string, max: number) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);

/** Which results to drop first when a run has more than the limit: passes, then not applicable, skipped, ... */
const DROP_ORDER: Record<Finding["status"], number> = { pass: 0, not_applicable: 1, skipped: 2, error: 3, undetermined: 4, fail: 5 };
const SEVERITY_ORDER: Record<Finding["severity"], number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** A relative artifact path for a device's service (never a URI scheme: GitHub rejects foreign ones). */
export function artifactPath(host: string, protocol: string, port: number | null): string {
  return `otaudit/devices/${encodeURIComponent(host)}/${encodeURIComponent(protocol)}${port ? `-${port}` : ""}`;
}

export const SARIF_SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

type Level = "error" | "warning" | "note" | "none";
type Kind = "fail" | "pass" | "open" | "notApplicable";

function levelOf(severity: Finding["severity"]): Level {
  return severity === "critical" || severity === "high" ? "error" : severity === "medium" ? "warning" : "note";
}

/** GitHub code scanning reads `security-severity` (0.0-10.0) from rule properties. */
const SECURITY_SEVERITY: Record<Finding["severity"], string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0", info: "0.0" };

/**
 * §3.27.9 kind: undetermined, error and skipped are "open" (evaluated, or meant to be, without
 * enough information to decide), never "pass"; the status and the undetermined reason are in the
 * result's properties and message.
 */
function kindOf(status: Finding["status"]): Kind {
  return status === "fail" ? "fail" : status === "pass" ? "pass" : status === "not_applicable" ? "notApplicable" : "open";
}

function messageText(d: { host: string; name?: string }, f: Finding): string {
  const times = f.occurrences && f.occurrences > 1 ? ` (${f.occurrences} occurrences)` : "";
  const status =
    f.status === "undetermined"
      ? `undetermined (${f.reason ?? "no reason given"}): `
      : f.status === "error"
        ? "could not run: "
        : f.status === "skipped"
          ? "skipped: "
          : "";
  return `${d.name ?? d.host}: ${status}${f.message}${times}`;
}

function ruleDescriptor(r: RuleInfo) {
  const elements = r.elements.map((id) => `${id}. ${elementById(id).name}`);
  const helpText = `${r.remediation}\n\nSecure by Demand elements: ${elements.join(", ")}. IEC 62443: ${r.iec62443.join(", ") || "-"}. Safety class: ${r.safety}.`;
  return {
    id: r.id,
    name: cut(
      r.id
        .split(/[._-]/)
        .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
        .join(""),
      SARIF_LIMITS.ruleName,
    ),
    shortDescription: { text: cut(r.title, SARIF_LIMITS.description) },
    fullDescription: { text: cut(r.docs ?? r.title, SARIF_LIMITS.description) },
    help: {
      text: helpText,
      markdown: `**Remediation:** ${r.remediation}\n\n**Elements:** ${elements.join(", ")}\n\n**IEC 62443:** ${r.iec62443.join(", ") || "-"}\n\n**Safety class:** ${r.safety}`,
    },
    defaultConfiguration: { level: levelOf(r.severity) },
    properties: {
      tags: ["security", `protocol:${r.protocol}`, ...r.elements.map((id) => `sbd-element:${id}`), ...r.iec62443.map((x) => `iec62443:${x}`)].slice(
        0,
        SARIF_LIMITS.tagsPerRule,
      ),
      "security-severity": SECURITY_SEVERITY[r.severity],
      elements: r.elements,
      iec62443: r.iec62443,
      safety: r.safety,
    },
  };
}

/** The results to write: all of them, or, above the limit, the most important ones (and how many were left out). */
function withinLimit<T extends { f: Finding }>(all: T[]): { kept: T[]; dropped: number } {
  if (all.length <= SARIF_LIMITS.resultsPerRun) return { kept: all, dropped: 0 };
  const rank = (x: T) => DROP_ORDER[x.f.status] * 10 + (x.f.status === "fail" && !x.f.waiver ? SEVERITY_ORDER[x.f.severity] : 0);
  const order = all.map((x, i) => ({ x, i })).sort((a, b) => rank(b.x) - rank(a.x) || a.i - b.i);
  const keep = new Set(order.slice(0, SARIF_LIMITS.resultsPerRun).map((o) => o.i));
  return { kept: all.filter((_, i) => keep.has(i)), dropped: all.length - keep.size };
}

export function renderSarif(result: ResultDocument, ctx: ReportContext = {}): string {
  const doc = humanView(result);
  const all = doc.devices.flatMap((d) => findingIdentities(d).map((x) => ({ d, f: x.finding, id: x.id })));
  const { kept, dropped } = withinLimit(all);
  const rules = rulesOf(doc, ctx).slice(0, SARIF_LIMITS.rulesPerRun);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: unknown[] = [];
  for (const { d, f, id } of kept) {
    const url = serviceUrl(d, f);
    const kind = kindOf(f.status);
    const service = `${f.protocol}${f.port ? `:${f.port}` : ""}`;
    const result: Record<string, unknown> = {
      ruleId: f.ruleId,
      ruleIndex: ruleIndex.get(f.ruleId),
      kind,
      level: kind === "fail" ? levelOf(f.severity) : "none",
      message: { text: messageText(d, f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactPath(d.host, f.protocol, f.port) },
            region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
          },
          logicalLocations: [
            { name: d.name ?? d.host, fullyQualifiedName: d.host, kind: "device" },
            { name: service, fullyQualifiedName: `${d.host}/${service}`, kind: "service" },
          ],
        },
      ],
      // otauditFinding/v1: our own identity (src/report/identity.ts); primaryLocationLineHash: the
      // one GitHub code scanning reads (hash:count), from the same identity
      partialFingerprints: { "otauditFinding/v1": id, primaryLocationLineHash: `${id.slice(0, 16)}:1` },
      properties: {
        status: f.status,
        ...(f.reason ? { reason: f.reason } : {}),
        ...(f.occurrences ? { occurrences: f.occurrences } : {}),
        severity: f.severity,
        host: d.host,
        serviceUrl: url,
        elements: f.elements,
        iec62443: f.iec62443,
        evidence: f.evidence,
        safety: f.safety,
      },
    };
    if (f.waiver)
      result.suppressions = [
        { kind: "external", status: "accepted", justification: `${f.waiver.justification} (approved by ${f.waiver.approver}, expires ${f.waiver.expires})` },
      ];
    results.push(result);
  }
  const sarif = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "otaudit",
            informationUri: "https://otaudit.dev/",
            version: doc.tool.version,
            semanticVersion: doc.tool.version,
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: !doc.run.interrupted, startTimeUtc: doc.run.startedAt, endTimeUtc: doc.run.finishedAt }],
        results,
        properties: {
          schemaVersion: doc.schemaVersion,
          ...(dropped
            ? {
                resultsLeftOut: {
                  count: dropped,
                  why: `GitHub code scanning accepts at most ${SARIF_LIMITS.resultsPerRun} results per run; the least important (passed, not applicable, skipped first) were left out`,
                },
              }
            : {}),
          intrusive: doc.run.intrusive,
          devices: doc.devices.map((d) => ({
            host: d.host,
            name: d.name,
            score: d.score,
            elements: Object.fromEntries(d.elements.map((e) => [e.id, e.verdict])),
          })),
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
