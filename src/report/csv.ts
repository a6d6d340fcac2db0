// CSV reporter (RFC 4180, CRLF): one row per finding, for spreadsheets and SIEM imports. Text
// passes the escaping boundary (humanView); cells a spreadsheet would evaluate as formulas (device
// banners are attacker-controlled) are neutralised. Failing = status fail and waived no, the same
// count every other report shows.
import type { ResultDocument } from "../model/result.js";
import { csvRow, evidenceText, sortedFindings } from "./common.js";
import { humanView } from "./safe-text.js";

export const CSV_COLUMNS = [
  "device",
  "host",
  "protocol",
  "port",
  "rule",
  "title",
  "status",
  "reason",
  "occurrences",
  "severity",
  "waived",
  "waiver_approver",
  "waiver_expires",
  "elements",
  "iec62443",
  "message",
  "evidence",
  "remediation",
  "safety",
] as const;

export function renderCsv(result: ResultDocument): string {
  const doc = humanView(result);
  const rows = [csvRow([...CSV_COLUMNS])];
  for (const d of doc.devices)
    for (const f of sortedFindings(d.findings))
      rows.push(
        csvRow([
          d.name ?? "",
          d.host,
          f.protocol,
          f.port ?? "",
          f.ruleId,
          f.title,
          f.status,
          f.reason ?? "",
          f.occurrences ?? 1,
          f.severity,
          f.waiver ? "yes" : "no",
          f.waiver?.approver ?? "",
          f.waiver?.expires ?? "",
          f.elements.join(" "),
          f.iec62443.join("; "),
          f.message,
          evidenceText(f.evidence),
          f.remediation,
          f.safety,
        ]),
      );
  return rows.join("");
}
