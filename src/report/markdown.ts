// Markdown reporter: executive summary, the 12-element scorecard (elements x devices), findings
// with evidence and remediation, waivers and vendor evidence, and the element -> IEC 62443
// mapping. Every device-supplied string is escaped (no raw HTML, links or table breaks).
import { ELEMENTS } from "../catalog/elements.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { VERDICT_LABEL, counts, deviceLabel, escapeMd, evidenceText, iecAnchors, sortedFindings, verdictOf } from "./common.js";
import { humanView } from "./safe-text.js";

function findingBlock(f: Finding): string[] {
  const where = `${f.protocol}${f.port ? `/${f.port}` : ""}`;
  const head = `- **${f.severity.toUpperCase()}** \`${f.ruleId}\` (${where}${f.waiver ? ", **waived**" : ""}): ${escapeMd(f.message)}`;
  const lines = [head];
  const ev = evidenceText(f.evidence);
  if (ev) lines.push(`  - Evidence: ${escapeMd(ev)}`);
  if (f.status === "fail") lines.push(`  - Remediation: ${escapeMd(f.remediation)}`);
  if (f.waiver) lines.push(`  - Waiver: ${escapeMd(f.waiver.justification)} (approved by ${escapeMd(f.waiver.approver)}, expires ${f.waiver.expires})`);
  lines.push(`  - Elements ${f.elements.join(", ")}; IEC 62443 ${f.iec62443.join(", ") || "-"}`);
  return lines;
}

function deviceSection(d: DeviceResult): string[] {
  const out = [`### ${escapeMd(deviceLabel(d))}`, ""];
  const c = counts(d);
  out.push(`Score ${d.score ?? "-"} / 100. ${c.fail} failing, ${c.waived} waived, ${c.error} could not run, ${c.skipped} skipped, ${c.pass} passed, ${c.notApplicable} not applicable.`, "");
  const services = Object.values(d.facts).map((f) => `${f.protocol}: ${f.status}${f.error ? ` (${escapeMd(f.error.message)})` : ""}`);
  if (services.length) out.push(`Protocols: ${services.join("; ")}`, "");
  const groups: [string, Finding[]][] = [
    ["Failing", sortedFindings(d.findings.filter((f) => f.status === "fail" && !f.waiver))],
    ["Waived", sortedFindings(d.findings.filter((f) => f.status === "fail" && f.waiver))],
    ["Could not run", sortedFindings(d.findings.filter((f) => f.status === "error"))],
    ["Skipped", sortedFindings(d.findings.filter((f) => f.status === "skipped"))],
    ["Passed", sortedFindings(d.findings.filter((f) => f.status === "pass"))],
  ];
  for (const [title, fs] of groups) {
    if (fs.length === 0) continue;
    out.push(`#### ${title} (${fs.length})`, "");
    for (const f of fs) out.push(...findingBlock(f));
    out.push("");
  }
  const attested = d.elements.filter((e) => e.attestation);
  if (attested.length) {
    out.push("#### Vendor attestations (not verified by otaudit)", "");
    for (const e of attested) out.push(`- ${e.id}. ${e.name}: ${escapeMd(e.attestation!)}`);
    out.push("");
  }
  return out;
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
    const c = counts(d);
    const v = (x: string) => d.elements.filter((e) => e.verdict === x).length;
    const worst = sortedFindings(d.findings.filter((f) => f.status === "fail" && !f.waiver)).slice(0, 3);
    out.push(
      `- **${escapeMd(deviceLabel(d))}**: score ${d.score ?? "-"} / 100; elements: ${v("pass")} pass, ${v("partial")} partial, ${v("attested")} attested, ${v("fail")} fail, ${v("error")} error, ${v("unverified")} unverified; ${c.fail} failing findings${worst.length ? ` (worst: ${worst.map((f) => `${f.severity} \`${f.ruleId}\``).join(", ")})` : ""}.`,
    );
  }
  out.push("", "## Scorecard: the 12 Secure by Demand OT elements", "");
  out.push(`| Element | ${doc.devices.map((d) => escapeMd(deviceLabel(d))).join(" | ")} |`);
  out.push(`|---|${doc.devices.map(() => "---").join("|")}|`);
  for (const el of ELEMENTS) out.push(`| ${el.id}. ${el.name} | ${doc.devices.map((d) => VERDICT_LABEL[verdictOf(d, el.id)]).join(" | ")} |`);
  out.push(`| **Score** | ${doc.devices.map((d) => `**${d.score ?? "-"}**`).join(" | ")} |`, "");
  out.push("Verdicts: Pass = every applicable check verified; Fail = a verified weakness; Partial = some checks passed, others could not run; Attested = only the vendor's word (evidence file); Unverified = nothing could check it; Error = the checks could not run.", "");
  out.push("## Findings", "");
  for (const d of doc.devices) out.push(...deviceSection(d));
  if (doc.waivers) {
    out.push("## Waivers", "", `From ${escapeMd(doc.waivers.source)}, evaluated on ${doc.waivers.evaluatedOn}.`, "");
    out.push("| Rule | Devices | State | Findings | Approver | Expires | Justification |", "|---|---|---|---|---|---|---|");
    for (const w of doc.waivers.entries)
      out.push(`| \`${w.rule}\` | ${escapeMd(w.devices.join(", "))} | ${w.state === "expired" ? "**expired**" : w.state} | ${w.findings} | ${escapeMd(w.approver)} | ${w.expires} | ${escapeMd(w.justification)} |`);
    out.push("");
  }
  if (doc.evidence?.length) {
    out.push("## Vendor evidence", "", "| Source | Vendor | Product | Attested by | On | Devices | Elements attested |", "|---|---|---|---|---|---|---|");
    for (const e of doc.evidence)
      out.push(`| ${escapeMd(e.source)} | ${escapeMd(e.vendor)} | ${escapeMd(e.product)} | ${escapeMd(e.attestedBy)} | ${e.attestedOn} | ${escapeMd(e.devices.join(", ") || "none matched")} | ${e.elements.join(", ") || "none"} |`);
    out.push("");
  }
  out.push("## Elements and IEC 62443", "", "| Element | Verified by | IEC 62443 anchors |", "|---|---|---|");
  for (const el of ELEMENTS) out.push(`| ${el.id}. ${el.name} | ${el.verifiedBy} | ${iecAnchors(el.id).join(", ") || "62443 family; open protocol standards"} |`);
  out.push("");
  return out.join("\n");
}
