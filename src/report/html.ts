// Self-contained HTML reporter: one file with inline CSS, no scripts and no external URL (a
// Content-Security-Policy of default-src 'none' makes the browser refuse any load), printable
// (@media print). Executive summary, the 12-element scorecard, then per device: the element grid
// (with undetermined counts and services nobody audited), findings status first (fail,
// undetermined, could not run, waived open; skipped, not applicable and passed folded), each with
// its evidence as a small key/value table and its remediation; waivers, vendor evidence and the
// element -> IEC 62443 mapping. Text passes the escaping boundary (humanView) and escapeHtml.
// Linear in the number of findings.
import { ELEMENTS } from "../catalog/elements.js";
import type { Verdict } from "../model/common.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import {
  STATUS_LABEL,
  VERDICT_LABEL,
  counts,
  countsLine,
  deviceLabel,
  displayPath,
  escapeHtml as h,
  evidenceRows,
  iecAnchors,
  plural,
  sortedFindings,
  verdictOf,
} from "./common.js";
import { humanView } from "./safe-text.js";
import { checkDetail, checkTitle } from "./titles.js";
import { capabilitySectionHtml } from "./capability.js";

export const REPORT_CSS = `
:root{--pass:#1a7f37;--fail:#c62828;--partial:#b45309;--undetermined:#8a6a00;--attested:#0b6e99;--unverified:#6b7280;--error:#7b1fa2;--skipped:#6b7280}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:0 auto;max-width:1150px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:16px;margin:20px 0 8px}h4{margin:14px 0 4px}
.meta{color:#555}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.v,.st{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-weight:600;font-size:12px}
.v-pass,.st-pass{background:var(--pass)}.v-fail,.st-fail{background:var(--fail)}.v-partial{background:var(--partial)}.v-undetermined,.st-undetermined{background:var(--undetermined)}.v-attested{background:var(--attested)}.v-unverified{background:var(--unverified)}.v-error,.st-error{background:var(--error)}.st-skipped,.st-not_applicable,.st-waived{background:var(--skipped)}
.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:6px;margin:8px 0 16px}
.cell{border:1px solid #ddd;border-left:6px solid var(--unverified);padding:6px;border-radius:3px;min-height:64px}
.cell.pass{border-left-color:var(--pass)}.cell.fail{border-left-color:var(--fail)}.cell.partial{border-left-color:var(--partial)}.cell.undetermined{border-left-color:var(--undetermined)}.cell.attested{border-left-color:var(--attested)}.cell.error{border-left-color:var(--error)}
.cell .n{font-size:12px;color:#555}.cell .name{font-weight:600}.cell .open{font-size:12px;color:var(--partial)}
.finding{border:1px solid #e3e3e3;border-left:4px solid var(--skipped);border-radius:4px;padding:8px;margin:6px 0;page-break-inside:avoid}
.finding.fail{border-left-color:var(--fail)}.finding.undetermined{border-left-color:var(--undetermined)}.finding.error{border-left-color:var(--error)}.finding.pass{border-left-color:var(--pass)}
.finding .t{font-weight:600}.sev{font-weight:700;text-transform:uppercase;font-size:11px;margin-left:6px}.sev-critical,.sev-high{color:var(--fail)}.sev-medium{color:var(--partial)}.sev-low,.sev-info{color:#555}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
table.kv{width:auto;max-width:100%;margin:4px 0;font-size:12px}table.kv th{font-weight:600;white-space:nowrap;background:#f7f7f7}table.kv td{font-family:ui-monospace,Menlo,Consolas,monospace;word-break:break-word}
.waived{opacity:.75;border-style:dashed}.score{font-size:28px;font-weight:700}
details.group{margin:8px 0}details.group>summary{cursor:pointer;font-weight:600;margin:14px 0 4px}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:10px}.card{border:1px solid #ddd;border-radius:4px;padding:10px}
@media print{body{max-width:none;padding:0;font-size:11px}h2{page-break-after:avoid}.device{page-break-before:always}.grid{grid-template-columns:repeat(4,1fr)}a{color:inherit;text-decoration:none}details::details-content{content-visibility:visible;display:block}}
`;

const badge = (v: Verdict) => `<span class="v v-${v}">${VERDICT_LABEL[v]}</span>`;

function statusBadge(f: Finding): string {
  if (f.status === "fail" && f.waiver) return `<span class="st st-waived">WAIVED</span>`;
  return `<span class="st st-${f.status}">${STATUS_LABEL[f.status]}</span>`;
}

function evidenceTable(evidence: Record<string, unknown>): string {
  const rows = evidenceRows(evidence);
  if (rows.length === 0) return "";
  return `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join("")}</tbody></table>`;
}

function findingHtml(f: Finding): string {
  const where = `${f.protocol}${f.port ? `/${f.port}` : ""}`;
  const times = f.occurrences && f.occurrences > 1 ? ` · ${f.occurrences} occurrences` : "";
  const why = f.status === "undetermined" ? ` <span class="meta">(${h(f.reason ?? "no reason given")})</span>` : "";
  return `<div class="finding ${f.status}${f.waiver ? " waived" : ""}">
<div>${statusBadge(f)} <span class="t">${h(checkTitle(f))}</span><span class="sev sev-${f.severity}">${f.severity}</span> <span class="meta">${h(where)}${times}</span></div>
<div>${h(checkDetail(f))}${why}</div>
${evidenceTable(f.evidence)}${f.status === "fail" ? `<div><strong>Remediation:</strong> ${h(f.remediation)}</div>` : ""}
${f.waiver ? `<div><strong>Waiver:</strong> ${h(f.waiver.justification)} (approved by ${h(f.waiver.approver)}, expires ${h(f.waiver.expires)})</div>` : ""}
<div class="meta"><code>${h(f.ruleId)}</code> · elements ${f.elements.join(", ")} · IEC 62443 ${h(f.iec62443.join(", ") || "-")}</div>
</div>`;
}

function grid(d: DeviceResult): string {
  const cells = ELEMENTS.map((el) => {
    const e = d.elements.find((x) => x.id === el.id);
    const v = e?.verdict ?? "unverified";
    const c = e?.counts;
    const parts = c
      ? [
          c.fail ? `${c.fail} fail` : "",
          c.undetermined ? `${c.undetermined} undetermined` : "",
          c.error ? plural(c.error, "error") : "",
          c.skipped ? `${c.skipped} skipped` : "",
          c.pass ? `${c.pass} pass` : "",
        ].filter(Boolean)
      : [];
    const open = e?.unaudited?.length ? `<div class="open">not audited: ${h(e.unaudited.join(", "))}</div>` : "";
    return `<div class="cell ${v}"><div class="n">${el.id}</div><div class="name">${h(el.name)}</div><div>${badge(v)}</div><div class="n">${parts.join(" · ")}${e?.attestation ? `${parts.length ? " · " : ""}vendor-attested` : ""}</div>${open}</div>`;
  });
  return `<div class="grid">${cells.join("")}</div>`;
}

/** One group of findings; groups that need no attention are folded. */
function group(title: string, fs: Finding[], folded: boolean): string {
  if (fs.length === 0) return "";
  const body = sortedFindings(fs).map(findingHtml).join("\n");
  return folded ? `<details class="group"><summary>${title} (${fs.length})</summary>\n${body}\n</details>` : `<h4>${title} (${fs.length})</h4>\n${body}`;
}

function deviceSection(d: DeviceResult): string {
  const by = (p: (f: Finding) => boolean) => d.findings.filter(p);
  const protocols = Object.values(d.facts)
    .map((f) => `${h(f.protocol)}: ${h(f.status)}${f.error ? ` (${h(f.error.message)})` : ""}`)
    .join("; ");
  const attested = d.elements.filter((e) => e.attestation);
  return `<section class="device">
<h3>${h(deviceLabel(d))} — score ${d.score ?? "-"} / 100</h3>
<p class="meta">${countsLine(counts(d))}. Protocols: ${protocols || "none"}.</p>
${grid(d)}
${group(
  "Failing",
  by((f) => f.status === "fail" && !f.waiver),
  false,
)}
${group(
  "Undetermined: the check ran but could not decide",
  by((f) => f.status === "undetermined"),
  false,
)}
${group(
  "Could not run",
  by((f) => f.status === "error"),
  false,
)}
${group(
  "Waived",
  by((f) => f.status === "fail" && !!f.waiver),
  false,
)}
${group(
  "Skipped",
  by((f) => f.status === "skipped"),
  true,
)}
${group(
  "Not applicable",
  by((f) => f.status === "not_applicable"),
  true,
)}
${group(
  "Passed",
  by((f) => f.status === "pass"),
  true,
)}
${attested.length ? `<h4>Vendor attestations (not verified by otaudit)</h4><ul>${attested.map((e) => `<li>${e.id}. ${h(e.name)}: ${h(e.attestation!)}</li>`).join("")}</ul>` : ""}
</section>`;
}

function summaryCard(d: DeviceResult): string {
  const v = (x: Verdict) => d.elements.filter((e) => e.verdict === x).length;
  const tally = (["pass", "partial", "undetermined", "attested", "fail", "error", "unverified"] as Verdict[])
    .map((x) => `${v(x)} ${VERDICT_LABEL[x].toLowerCase()}`)
    .join(" · ");
  const worst = sortedFindings(d.findings.filter((f) => f.status === "fail" && !f.waiver)).slice(0, 3);
  return `<div class="card"><div><strong>${h(deviceLabel(d))}</strong></div><div class="score">${d.score ?? "-"}<span class="meta"> / 100</span></div>
<div>Elements: ${tally}</div>
<div>Findings: ${countsLine(counts(d))}${worst.length ? `; worst: ${worst.map((f) => `<code>${h(f.ruleId)}</code>`).join(", ")}` : ""}</div></div>`;
}

function waiversSection(doc: ResultDocument): string {
  if (!doc.waivers) return "";
  return `<h2>Waivers</h2><p class="meta">From ${h(displayPath(doc.waivers.source))}, evaluated on ${h(doc.waivers.evaluatedOn)}. Expired waivers no longer apply.</p>
<table><thead><tr><th>Rule</th><th>Devices</th><th>State</th><th>Findings</th><th>Approver</th><th>Expires</th><th>Justification</th></tr></thead><tbody>
${doc.waivers.entries.map((w) => `<tr><td><code>${h(w.rule)}</code></td><td>${h(w.devices.join(", "))}</td><td>${w.state === "expired" ? "<strong>expired</strong>" : w.state}</td><td>${w.findings}</td><td>${h(w.approver)}</td><td>${h(w.expires)}</td><td>${h(w.justification)}</td></tr>`).join("\n")}</tbody></table>`;
}

function evidenceSection(doc: ResultDocument): string {
  if (!doc.evidence?.length) return "";
  return `<h2>Vendor evidence</h2><table><thead><tr><th>Source</th><th>Vendor</th><th>Product</th><th>Attested by</th><th>On</th><th>Devices</th><th>Elements attested</th></tr></thead><tbody>
${doc.evidence.map((e) => `<tr><td>${h(displayPath(e.source))}</td><td>${h(e.vendor)}</td><td>${h(e.product)}</td><td>${h(e.attestedBy)}</td><td>${h(e.attestedOn)}</td><td>${h(e.devices.join(", ") || "none matched")}</td><td>${e.elements.join(", ") || "none"}</td></tr>`).join("\n")}</tbody></table>`;
}

export function renderHtml(result: ResultDocument): string {
  const doc = humanView(result);
  const scoreTable = `<table><thead><tr><th>Element</th>${doc.devices.map((d) => `<th>${h(deviceLabel(d))}</th>`).join("")}</tr></thead><tbody>
${ELEMENTS.map((el) => `<tr><td>${el.id}. ${h(el.name)}</td>${doc.devices.map((d) => `<td>${badge(verdictOf(d, el.id))}</td>`).join("")}</tr>`).join("\n")}
<tr><th>Score</th>${doc.devices.map((d) => `<th>${d.score ?? "-"}</th>`).join("")}</tr></tbody></table>`;
  const mapping = `<table><thead><tr><th>Element</th><th>What the buyer wants</th><th>Verified by</th><th>IEC 62443 anchors</th></tr></thead><tbody>
${ELEMENTS.map((el) => `<tr><td>${el.id}. ${h(el.name)}</td><td>${h(el.summary)}</td><td>${el.verifiedBy}</td><td>${h(iecAnchors(el.id).join(", ") || "62443 family; open protocol standards")}</td></tr>`).join("\n")}</tbody></table>`;
  const recording = doc.run.recording ? ` · recording ${h(displayPath(doc.run.recording.file))}` : "";
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>otaudit report</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<h1>otaudit report</h1>
<p class="meta">otaudit ${h(doc.tool.version)} · run ${h(doc.run.startedAt)} · ${(doc.run.durationMs / 1000).toFixed(1)} s · ${doc.run.intrusive ? "intrusive checks enabled" : "passive and read-only checks"} · ${h(doc.run.source)} facts${recording}${doc.run.interrupted ? " · <strong>interrupted: partial result</strong>" : ""}</p>
<h2>Executive summary</h2>
${doc.devices.length ? `<div class="summary">${doc.devices.map(summaryCard).join("\n")}</div>` : "<p>No device was audited.</p>"}
<h2>Scorecard: the 12 Secure by Demand OT elements</h2>
${scoreTable}
<p class="meta">Pass: every applicable check verified. Fail: a verified weakness. Partial: some checks passed, others could not decide, could not run or a service was not audited. Undetermined: the checks ran but the device's answers could not decide. Attested: only the vendor's word. Unverified: nothing could check it. Error: the checks could not run.</p>
<h2>Devices and findings</h2>
${doc.devices.map(deviceSection).join("\n")}
${waiversSection(doc)}
${evidenceSection(doc)}
${capabilitySectionHtml(doc)}
<h2>Elements and IEC 62443</h2>
${mapping}
</body>
</html>
`;
}
