// Markdown reporter: executive summary, the 12-element scorecard (elements x devices), findings
// with evidence and remediation, waivers and vendor evidence, and the element -> IEC 62443
// mapping. Text passes the escaping boundary (humanView) and escapeMd (no raw HTML, links or table
// breaks). Lines are appended one by one (no push(...bigArray): linear, no stack overflow).
import { ELEMENTS } from "../catalog/elements.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import type { Verdict } from "../model/common.js";
import {
  STATUS_LABEL,
  VERDICT_LABEL,
  counts,
  countsLine,
  deviceLabel,
  displayPath,
  escapeMd,
  evidenceRows,
  iecAnchors,
  sortedFindings,
  verdictOf,
} from "./common.js";
import { checkDetail, checkTitle } from "./titles.js";
import { humanView } from "./safe-text.js";

function findingBlock(f: Finding, out: string[]): void {
  const where = `${f.protocol}${f.port ? `/${f.port}` : ""}`;
  const status = f.status === "fail" && f.waiver ? "WAIVED" : STATUS_LABEL[f.status];
  const times = f.occurrences && f.occurrences > 1 ? `, ${f.occurrences} occurrences` : "";
  out.push(
    `- **${status}** ${escapeMd(checkTitle(f))} (${f.severity}, ${escapeMd(where)}${times}): ${escapeMd(checkDetail(f))}${f.status === "undetermined" ? ` *(${f.reason ?? "no reason given"})*` : ""}`,
  );
  const rows = evidenceRows(f.evidence);
  if (rows.length) out.push(`  - Evidence: ${rows.map(([k, v]) => `${escapeMd(k)}: ${escapeMd(v)}`).join("; ")}`);
  if (f.status === "fail") out.push(`  - Remediation: ${escapeMd(f.remediation)}`);
  if (f.waiver) out.push(`  - Waiver: ${escapeMd(f.waiver.justification)} (approved by ${escapeMd(f.waiver.approver)}, expires ${escapeMd(f.waiver.expires)})`);
  out.push(`  - \`${f.ruleId}\`; elements ${f.elements.join(", ")}; IEC 62443 ${f.iec62443.join(", ") || "-"}`);
}

function deviceSection(d: DeviceResult, out: string[]): void {
  out.push(`### ${escapeMd(deviceLabel(d))}`, "");
  out.push(`Score ${d.score ?? "-"} / 100. ${countsLine(counts(d))}.`, "");
  const services = Object.values(d.facts).map((f) => `${escapeMd(f.protocol)}: ${f.status}${f.error ? ` (${escapeMd(f.error.message)})` : ""}`);
  if (services.length) out.push(`Protocols: ${services.join("; ")}`, "");
  const unaudited = d.elements.filter((e) => e.unaudited?.length);
  if (unaudited.length) out.push(`Not audited: ${unaudited.map((e) => `element ${e.id}: ${escapeMd(e.unaudited!.join(", "))}`).join("; ")}.`, "");
  const by = (p: (f: Finding) => boolean) => sortedFindings(d.findings.filter(p));
  const groups: [string, Finding[]][] = [
    ["Failing", by((f) => f.status === "fail" && !f.waiver)],
    ["Undetermined (the check ran but could not decide)", by((f) => f.status === "undetermined")],
    ["Could not run", by((f) => f.status === "error")],
    ["Waived", by((f) => f.status === "fail" && !!f.waiver)],
    ["Skipped", by((f) => f.status === "skipped")],
    ["Not applicable", by((f) => f.status === "not_applicable")],
    ["Passed", by((f) => f.status === "pass")],
  ];
  for (const [title, fs] of groups) {
    if (fs.length === 0) continue;
    out.push(`#### ${title} (${fs.length})`, "");
    for (const f of fs) findingBlock(f, out);
    out.push("");
  }
  const attested = d.elements.filter((e) => e.attestation);
  if (attested.length) {
    out.push("#### Vendor attestations (not verified by otaudit)", "");
    for (const e of attested) out.push(`- ${e.id}. ${escapeMd(e.name)}: ${escapeMd(e.attestation!)}`);
    out.push("");
  }
}

export function renderMarkdown(result: ResultDocument): string {
  const doc = humanView(result);
  const out: string[] = ["# otaudit report", ""];
  out.push(
    `otaudit ${doc.tool.version}, result schema ${doc.schemaVersion}. Run ${doc.run.startedAt} (${(doc.run.durationMs / 1000).toFixed(1)} s), ${doc.run.intrusive ? "intrusive checks enabled" : "passive and read-only checks"}, ${doc.run.source} facts${doc.run.interrupted ? ", **interrupted (partial result)**" : ""}.`,
    "",
  );
  out.push("## Executive summary", "");
  if (doc.devices.length === 0) out.push("No device was audited.", "");
  for (const d of doc.devices) {
    const v = (x: Verdict) => d.elements.filter((e) => e.verdict === x).length;
    const worst = sortedFindings(d.findings.filter((f) => f.status === "fail" && !f.waiver)).slice(0, 3);
    const tally = (["pass", "partial", "undetermined", "attested", "fail", "error", "unverified"] as Verdict[])
      .map((x) => `${v(x)} ${VERDICT_LABEL[x].toLowerCase()}`)
      .join(", ");
    out.push(
      `- **${escapeMd(deviceLabel(d))}**: score ${d.score ?? "-"} / 100; elements: ${tally}; findings: ${countsLine(counts(d))}${worst.length ? ` (worst: ${worst.map((f) => `${f.severity} \`${f.ruleId}\``).join(", ")})` : ""}.`,
    );
  }
  out.push("", "## Scorecard: the 12 Secure by Demand OT elements", "");
  out.push(`| Element | ${doc.devices.map((d) => escapeMd(deviceLabel(d))).join(" | ")} |`);
  out.push(`|---|${doc.devices.map(() => "---").join("|")}|`);
  for (const el of ELEMENTS) out.push(`| ${el.id}. ${el.name} | ${doc.devices.map((d) => VERDICT_LABEL[verdictOf(d, el.id)]).join(" | ")} |`);
  out.push(`| **Score** | ${doc.devices.map((d) => `**${d.score ?? "-"}**`).join(" | ")} |`, "");
  out.push(
    "Verdicts: Pass = every applicable check verified; Fail = a verified weakness; Partial = some checks passed, others could not decide, could not run or a service was not audited; Undetermined = the checks ran but the answers could not decide; Attested = only the vendor's word (evidence file); Unverified = nothing could check it; Error = the checks could not run.",
    "",
  );
  out.push("## Findings", "");
  for (const d of doc.devices) deviceSection(d, out);
  if (doc.waivers) {
    out.push("## Waivers", "", `From ${escapeMd(displayPath(doc.waivers.source))}, evaluated on ${doc.waivers.evaluatedOn}.`, "");
    out.push("| Rule | Devices | State | Findings | Approver | Expires | Justification |", "|---|---|---|---|---|---|---|");
    for (const w of doc.waivers.entries)
      out.push(
        `| \`${w.rule}\` | ${escapeMd(w.devices.join(", "))} | ${w.state === "expired" ? "**expired**" : w.state} | ${w.findings} | ${escapeMd(w.approver)} | ${w.expires} | ${escapeMd(w.justification)} |`,
      );
    out.push("");
  }
  if (doc.evidence?.length) {
    out.push("## Vendor evidence", "", "| Source | Vendor | Product | Attested by | On | Devices | Elements attested |", "|---|---|---|---|---|---|---|");
    for (const e of doc.evidence)
      out.push(
        `| ${escapeMd(e.source)} | ${escapeMd(e.vendor)} | ${escapeMd(e.product)} | ${escapeMd(e.attestedBy)} | ${e.attestedOn} | ${escapeMd(e.devices.join(", ") || "none matched")} | ${e.elements.join(", ") || "none"} |`,
      );
    out.push("");
  }
  out.push("## Elements and IEC 62443", "", "| Element | Verified by | IEC 62443 anchors |", "|---|---|---|");
  for (const el of ELEMENTS)
    out.push(`| ${el.id}. ${el.name} | ${el.verifiedBy} | ${iecAnchors(el.id).join(", ") || "62443 family; open protocol standards"} |`);
  out.push("");
  return out.join("\n");
}
