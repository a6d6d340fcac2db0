// DefectDojo "Generic Findings Import" (JSON; dojo/tools/generic/json_parser.py: `title`,
// `severity`, `description` required, a fixed set of allowed fields, endpoints as objects). One
// finding per failing finding (verified, active; a waived one risk-accepted and inactive) and per
// undetermined one (severity Info, not verified, tagged `undetermined`: the check ran and could not
// decide, worth a look). Passes, skipped, not-applicable and could-not-run checks are left out: a
// re-import closes what is no longer reported. `unique_id_from_tool` is the finding's stable
// identity (src/report/identity.ts) so DefectDojo deduplicates across runs; `vuln_id_from_tool` is
// the rule id. Text passes the escaping boundary (humanView) and Markdown escaping: DefectDojo
// renders descriptions as Markdown.
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { deviceLabel, escapeMd, evidenceRows, serviceUrl } from "./common.js";
import { findingIdentities } from "./identity.js";
import { humanView } from "./safe-text.js";
import { elementById } from "../catalog/elements.js";

const SEVERITY: Record<Finding["severity"], string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low", info: "Info" };

/** Rows of evidence shown in a description (the result document keeps all of it). */
const EVIDENCE_ROWS = 30;

/** A DefectDojo endpoint object (dojo.models.Endpoint fields: protocol, host, port, path). */
function endpoint(d: DeviceResult, f: Finding): Record<string, string | number> {
  const url = serviceUrl(d, f);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1];
  return { host: d.host, ...(f.port ? { port: f.port } : {}), ...(scheme && f.port ? { protocol: scheme } : {}) };
}

function description(d: DeviceResult, f: Finding): string {
  const lines = [
    escapeMd(f.message),
    "",
    `**Status:** ${f.status}${f.reason ? ` (${f.reason})` : ""}${f.occurrences && f.occurrences > 1 ? `, ${f.occurrences} occurrences` : ""}`,
    `**Device:** ${escapeMd(deviceLabel(d))}, **service:** ${d.services.some((x) => x.protocol === f.protocol) ? escapeMd(serviceUrl(d, f)) : "device-wide"}`,
    `**Rule:** ${escapeMd(f.ruleId)} (safety class ${f.safety})`,
    `**Secure by Demand elements:** ${f.elements.map((e) => `${e}. ${elementById(e).name}`).join(", ") || "-"}`,
    `**IEC 62443:** ${f.iec62443.join(", ") || "-"}`,
  ];
  const rows = evidenceRows(f.evidence);
  if (rows.length) {
    lines.push("", "**Evidence:**", "");
    for (const [k, v] of rows.slice(0, EVIDENCE_ROWS)) lines.push(`- ${escapeMd(k)}: ${escapeMd(v)}`);
    if (rows.length > EVIDENCE_ROWS) lines.push(`- ... ${rows.length - EVIDENCE_ROWS} more (see the otaudit result document)`);
  }
  return lines.join("\n");
}

const tag = (s: string) => s.replace(/\s+/g, "-");

export function defectDojoDocument(result: ResultDocument): {
  name: string;
  type: string;
  version: string;
  description: string;
  dynamic_tool: boolean;
  static_tool: boolean;
  findings: Record<string, unknown>[];
} {
  const doc = humanView(result);
  const date = doc.run.finishedAt.slice(0, 10);
  const findings: Record<string, unknown>[] = [];
  for (const d of doc.devices)
    for (const { finding: f, id } of findingIdentities(d)) {
      if (f.status !== "fail" && f.status !== "undetermined") continue;
      const undetermined = f.status === "undetermined";
      findings.push({
        title: `${undetermined ? "Undetermined: " : ""}${f.title} (${deviceLabel(d)})`,
        severity: undetermined ? "Info" : SEVERITY[f.severity],
        description: description(d, f),
        mitigation: f.remediation,
        impact: `Secure by Demand elements ${f.elements.join(", ") || "-"}; IEC 62443 ${f.iec62443.join(", ") || "-"}`,
        date,
        unique_id_from_tool: id,
        vuln_id_from_tool: f.ruleId,
        component_name: deviceLabel(d),
        service: `${f.protocol}${f.port ? `/${f.port}` : ""}`,
        active: !f.waiver,
        verified: !undetermined,
        ...(f.waiver ? { risk_accepted: true } : {}),
        static_finding: false,
        dynamic_finding: true,
        ...(f.occurrences && f.occurrences > 1 ? { nb_occurences: f.occurrences } : {}),
        endpoints: [endpoint(d, f)],
        tags: [
          "otaudit",
          `status:${f.status}`,
          `protocol:${tag(f.protocol)}`,
          ...f.elements.map((e) => `sbd-element:${e}`),
          ...f.iec62443.map((r) => `iec62443:${tag(r)}`),
        ],
      });
    }
  return {
    name: "otaudit",
    type: "otaudit OT device audit",
    version: doc.tool.version,
    description: `otaudit ${doc.tool.version} run ${doc.run.startedAt} (${doc.run.source} facts${doc.run.interrupted ? ", interrupted" : ""}): failing and undetermined findings of ${doc.devices.length} device(s)`,
    dynamic_tool: true,
    static_tool: false,
    findings,
  };
}

export function renderDefectDojo(result: ResultDocument): string {
  return JSON.stringify(defectDojoDocument(result), null, 2) + "\n";
}
