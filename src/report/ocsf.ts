// OCSF Compliance Finding events (class 2003, category Findings; OCSF schema 1.8.0), JSON lines:
// one event per finding of every device. The compliance object carries the check (rule id), the
// requirements (IEC 62443 references), the standards (the Secure by Demand guide, IEC 62443-4-2) and
// the check's status: pass -> Pass, fail -> Fail, undetermined / could not run / skipped -> Warning
// ("no result due to missing information", the reason in status_detail), not applicable -> Other.
// finding_info.uid is the finding's stable identity (src/report/identity.ts), so a SIEM can follow
// one check across runs; a waived failure is Suppressed. What OCSF has no attribute for (evidence,
// elements, safety class) goes under `unmapped`. Text passes the escaping boundary (humanView).
// Validated in the tests against the OCSF schema files vendored under test/fixtures/ocsf.
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { isIP } from "node:net";
import { deviceLabel, serviceUrl } from "./common.js";
import { findingIdentities } from "./identity.js";
import { humanView } from "./safe-text.js";

export const OCSF_VERSION = "1.8.0";
export const OCSF_CLASS = { category_uid: 2, category_name: "Findings", class_uid: 2003, class_name: "Compliance Finding" } as const;
const ACTIVITY_CREATE = 1;

/** base_event severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical. */
const SEVERITY: Record<Finding["severity"], [number, string]> = {
  info: [1, "Informational"],
  low: [2, "Low"],
  medium: [3, "Medium"],
  high: [4, "High"],
  critical: [5, "Critical"],
};

/** compliance.status_id: 1 Pass, 2 Warning (no result for want of information), 3 Fail, 99 Other. */
function complianceStatus(f: Finding): { status_id: number; status: string; status_detail?: string } {
  switch (f.status) {
    case "pass":
      return { status_id: 1, status: "Pass" };
    case "fail":
      return { status_id: 3, status: "Fail" };
    case "undetermined":
      return { status_id: 2, status: "Warning", status_detail: `undetermined: ${f.reason ?? "no reason given"}` };
    case "error":
      return { status_id: 2, status: "Warning", status_detail: "the check could not run" };
    case "skipped":
      return { status_id: 2, status: "Warning", status_detail: "the check was not run (skipped)" };
    case "not_applicable":
      return { status_id: 99, status: "Not applicable" };
  }
}

const STANDARDS = ["CISA Secure by Demand: Priority Considerations for OT Owners and Operators (2025-01)", "IEC 62443-4-2:2019"];

function event(doc: ResultDocument, d: DeviceResult, f: Finding, uid: string): Record<string, unknown> {
  const time = Date.parse(doc.run.finishedAt);
  const [severityId, severity] = SEVERITY[f.severity];
  const url = serviceUrl(d, f);
  return {
    activity_id: ACTIVITY_CREATE,
    activity_name: "Create",
    ...OCSF_CLASS,
    type_uid: OCSF_CLASS.class_uid * 100 + ACTIVITY_CREATE,
    type_name: `${OCSF_CLASS.class_name}: Create`,
    severity_id: severityId,
    severity,
    time,
    message: f.message,
    // the finding's workflow state: new, or suppressed by a waiver
    status_id: f.waiver ? 3 : 1,
    status: f.waiver ? "Suppressed" : "New",
    ...(f.occurrences && f.occurrences > 1 ? { count: f.occurrences } : {}),
    metadata: {
      version: OCSF_VERSION,
      product: { name: "otaudit", vendor_name: "otaudit", version: doc.tool.version },
      log_name: "otaudit",
      original_time: doc.run.finishedAt,
    },
    finding_info: {
      uid,
      title: f.title,
      desc: f.message,
      created_time: time,
      analytic: { uid: f.ruleId, name: f.ruleId, type_id: 1, type: "Rule" },
      types: [`otaudit:${f.protocol}`],
    },
    compliance: {
      control: f.ruleId,
      requirements: f.iec62443,
      standards: STANDARDS,
      ...complianceStatus(f),
    },
    resources: [
      {
        uid: d.host,
        name: deviceLabel(d),
        type: "OT device",
        ...(isIP(d.host) ? { ip: d.host } : { hostname: d.host }),
      },
    ],
    remediation: { desc: f.remediation },
    unmapped: {
      otaudit: {
        status: f.status,
        ...(f.reason ? { reason: f.reason } : {}),
        protocol: f.protocol,
        port: f.port,
        service: url,
        elements: f.elements,
        safety: f.safety,
        evidence: f.evidence,
        ...(f.waiver ? { waiver: f.waiver } : {}),
      },
    },
  };
}

/** One OCSF event per finding, in the result's order. */
export function ocsfEvents(result: ResultDocument): Record<string, unknown>[] {
  const doc = humanView(result);
  return doc.devices.flatMap((d) => findingIdentities(d).map(({ finding, id }) => event(doc, d, finding, id)));
}

export function renderOcsf(result: ResultDocument): string {
  return ocsfEvents(result)
    .map((e) => JSON.stringify(e) + "\n")
    .join("");
}
