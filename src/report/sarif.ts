// SARIF 2.1.0 reporter (OASIS SARIF v2.1.0 Errata 01): one run; rule metadata with help text and
// element / IEC 62443 tags; one result per finding with its kind and level (§3.27.9, §3.27.10), a
// location per device and service (the service URL as artifact, the device and service as logical
// locations, §3.33), stable partialFingerprints (§3.27.17) and waivers as accepted suppressions
// (§3.35). Pure function of the result document.
import { createHash } from "node:crypto";
import { elementById } from "../catalog/elements.js";
import type { Finding, ResultDocument } from "../model/result.js";
import { rulesOf, serviceUrl, type ReportContext, type RuleInfo } from "./common.js";
import { humanView } from "./safe-text.js";

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
  const status = f.status === "undetermined" ? `undetermined (${f.reason ?? "no reason given"}): ` : f.status === "error" ? "could not run: " : f.status === "skipped" ? "skipped: " : "";
  return `${d.name ?? d.host}: ${status}${f.message}${times}`;
}

function ruleDescriptor(r: RuleInfo) {
  const elements = r.elements.map((id) => `${id}. ${elementById(id).name}`);
  const helpText = `${r.remediation}\n\nSecure by Demand elements: ${elements.join(", ")}. IEC 62443: ${r.iec62443.join(", ") || "-"}. Safety class: ${r.safety}.`;
  return {
    id: r.id,
    name: r.id.split(/[._-]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join(""),
    shortDescription: { text: r.title },
    fullDescription: { text: r.docs ?? r.title },
    help: {
      text: helpText,
      markdown: `**Remediation:** ${r.remediation}\n\n**Elements:** ${elements.join(", ")}\n\n**IEC 62443:** ${r.iec62443.join(", ") || "-"}\n\n**Safety class:** ${r.safety}`,
    },
    defaultConfiguration: { level: levelOf(r.severity) },
    properties: {
      tags: ["security", `protocol:${r.protocol}`, ...r.elements.map((id) => `sbd-element:${id}`), ...r.iec62443.map((x) => `iec62443:${x}`)],
      "security-severity": SECURITY_SEVERITY[r.severity],
      elements: r.elements,
      iec62443: r.iec62443,
      safety: r.safety,
    },
  };
}

/** Stable across runs: rule, device, protocol, port and the occurrence among identical keys. */
function fingerprint(key: string, occurrence: number): string {
  return createHash("sha256").update(`${key}#${occurrence}`).digest("hex").slice(0, 32);
}

export function renderSarif(result: ResultDocument, ctx: ReportContext = {}): string {
  const doc = humanView(result);
  const rules = rulesOf(doc, ctx);
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results: unknown[] = [];
  for (const d of doc.devices) {
    const seen = new Map<string, number>();
    for (const f of d.findings) {
      const url = serviceUrl(d, f);
      const key = `${f.ruleId}|${d.host}|${f.protocol}|${f.port ?? ""}`;
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      const kind = kindOf(f.status);
      const result: Record<string, unknown> = {
        ruleId: f.ruleId,
        ruleIndex: ruleIndex.get(f.ruleId),
        kind,
        level: kind === "fail" ? levelOf(f.severity) : "none",
        message: { text: messageText(d, f) },
        locations: [
          {
            physicalLocation: { artifactLocation: { uri: url } },
            logicalLocations: [
              { name: d.name ?? d.host, fullyQualifiedName: d.host, kind: "device" },
              { name: `${f.protocol}${f.port ? `:${f.port}` : ""}`, fullyQualifiedName: `${d.host}/${f.protocol}${f.port ? `:${f.port}` : ""}`, kind: "service" },
            ],
          },
        ],
        partialFingerprints: { "otauditFinding/v1": fingerprint(key, occurrence) },
        properties: {
          status: f.status,
          ...(f.reason ? { reason: f.reason } : {}),
          ...(f.occurrences ? { occurrences: f.occurrences } : {}),
          severity: f.severity,
          host: d.host,
          elements: f.elements,
          iec62443: f.iec62443,
          evidence: f.evidence,
          safety: f.safety,
        },
      };
      if (f.waiver)
        result.suppressions = [{ kind: "external", status: "accepted", justification: `${f.waiver.justification} (approved by ${f.waiver.approver}, expires ${f.waiver.expires})` }];
      results.push(result);
    }
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
          intrusive: doc.run.intrusive,
          devices: doc.devices.map((d) => ({ host: d.host, name: d.name, score: d.score, elements: Object.fromEntries(d.elements.map((e) => [e.id, e.verdict])) })),
        },
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}
