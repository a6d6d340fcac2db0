// Self-contained HTML reporter: one file with inline CSS, no scripts and no external URL (a
// Content-Security-Policy of default-src 'none' makes the browser refuse any load), printable
// (@media print). Executive summary, the 12-element scorecard as a grid per device, findings with
// evidence and remediation, waivers, vendor evidence, and the element -> IEC 62443 mapping.
// Every device-supplied string goes through escapeHtml.
import { ELEMENTS } from "../catalog/elements.js";
import type { Verdict } from "../model/common.js";
import type { DeviceResult, Finding, ResultDocument } from "../model/result.js";
import { VERDICT_LABEL, counts, deviceLabel, escapeHtml as h, evidenceText, iecAnchors, sortedFindings, verdictOf } from "./common.js";
import { humanView } from "./safe-text.js";

export const REPORT_CSS = `
:root{--pass:#1a7f37;--fail:#c62828;--partial:#b26a00;--attested:#0b6e99;--unverified:#6b7280;--error:#7b1fa2}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111;margin:0 auto;max-width:1150px;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:32px}h3{font-size:16px;margin:20px 0 8px}
.meta{color:#555}table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4}
.v{display:inline-block;padding:1px 6px;border-radius:3px;color:#fff;font-weight:600;font-size:12px}
.v-pass{background:var(--pass)}.v-fail{background:var(--fail)}.v-partial{background:var(--partial)}.v-attested{background:var(--attested)}.v-unverified{background:var(--unverified)}.v-error{background:var(--error)}
.grid{display:grid;grid-template-columns:repeat(4,1fr);gap:6px;margin:8px 0 16px}
.cell{border:1px solid #ddd;border-left:6px solid var(--unverified);padding:6px;border-radius:3px;min-height:64px}
.cell.pass{border-left-color:var(--pass)}.cell.fail{border-left-color:var(--fail)}.cell.partial{border-left-color:var(--partial)}.cell.attested{border-left-color:var(--attested)}.cell.error{border-left-color:var(--error)}
.cell .n{font-size:12px;color:#555}.cell .name{font-weight:600}
.finding{border:1px solid #e3e3e3;border-radius:4px;padding:8px;margin:6px 0;page-break-inside:avoid}
.sev{font-weight:700;text-transform:uppercase;font-size:12px}.sev-critical,.sev-high{color:var(--fail)}.sev-medium{color:var(--partial)}.sev-low,.sev-info{color:#555}
code,.ev{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}.ev{background:#f7f7f7;padding:4px;display:block;white-space:pre-wrap}
.waived{opacity:.75;border-style:dashed}.score{font-size:28px;font-weight:700}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:10px}.card{border:1px solid #ddd;border-radius:4px;padding:10px}
@media print{body{max-width:none;padding:0;font-size:11px}h2{page-break-after:avoid}.device{page-break-before:always}.grid{grid-template-columns:repeat(4,1fr)}a{color:inherit;text-decoration:none}}
`;

const badge = (v: Verdict) => `<span class="v v-${v}">${VERDICT_LABEL[v]}</span>`;

function findingHtml(f: Finding): string {
  const ev = evidenceText(f.evidence);
  return `<div class="finding${f.waiver ? " waived" : ""}">
<div><span class="sev sev-${f.severity}">${f.severity}</span> <code>${h(f.ruleId)}</code> ${h(f.title)} <span class="meta">(${h(f.protocol)}${f.port ? `/${f.port}` : ""}, ${f.status.replace("_", " ")}${f.waiver ? ", waived" : ""})</span></div>
<div>${h(f.message)}</div>
${ev ? `<div><span class="ev">${h(ev)}</span></div>` : ""}
${f.status === "fail" ? `<div><strong>Remediation:</strong> ${h(f.remediation)}</div>` : ""}
${f.waiver ? `<div><strong>Waiver:</strong> ${h(f.waiver.justification)} (approved by ${h(f.waiver.approver)}, expires ${h(f.waiver.expires)})</div>` : ""}
<div class="meta">Elements ${f.elements.join(", ")} · IEC 62443 ${h(f.iec62443.join(", ") || "-")}</div>
</div>`;
}

function grid(d: DeviceResult): string {
  const cells = ELEMENTS.map((el) => {
    const e = d.elements.find((x) => x.id === el.id);
    const v = e?.verdict ?? "unverified";
    const c = e?.counts;
    const detail = c ? `${c.fail} fail · ${c.pass} pass${c.error ? ` · ${c.error} error` : ""}${c.skipped ? ` · ${c.skipped} skipped` : ""}` : "";
    return `<div class="cell ${v}"><div class="n">${el.id}</div><div class="name">${h(el.name)}</div><div>${badge(v)}</div><div class="n">${detail}${e?.attestation ? " · vendor-attested" : ""}</div></div>`;
  });
  return `<div class="grid">${cells.join("")}</div>`;
}

function deviceSection(d: DeviceResult): string {
  const c = counts(d);
  const groups: [string, Finding[]][] = [
    ["Failing", d.findings.filter((f) => f.status === "fail" && !f.waiver)],
    ["Waived", d.findings.filter((f) => f.status === "fail" && f.waiver)],
    ["Could not run", d.findings.filter((f) => f.status === "error")],
    ["Skipped", d.findings.filter((f) => f.status === "skipped")],
    ["Passed", d.findings.filter((f) => f.status === "pass")],
  ];
  const protocols = Object.values(d.facts).map((f) => `${h(f.protocol)}: ${h(f.status)}${f.error ? ` (${h(f.error.message)})` : ""}`).join("; ");
  const attested = d.elements.filter((e) => e.attestation);
  return `<section class="device">
<h3>${h(deviceLabel(d))} — score ${d.score ?? "-"} / 100</h3>
<p class="meta">${c.fail} failing, ${c.waived} waived, ${c.error} could not run, ${c.skipped} skipped, ${c.pass} passed, ${c.notApplicable} not applicable. Protocols: ${protocols || "none"}.</p>
${grid(d)}
${groups.filter(([, fs]) => fs.length).map(([t, fs]) => `<h4>${t} (${fs.length})</h4>${sortedFindings(fs).map(findingHtml).join("\n")}`).join("\n")}
${attested.length ? `<h4>Vendor attestations (not verified by otaudit)</h4><ul>${attested.map((e) => `<li>${e.id}. ${h(e.name)}: ${h(e.attestation!)}</li>`).join("")}</ul>` : ""}
</section>`;
}

export function renderHtml(result: ResultDocument): string {
  const doc = humanView(result);
  const summary = doc.devices.map((d) => {
    const c = counts(d);
    const v = (x: Verdict) => d.elements.filter((e) => e.verdict === x).length;
    const worst = sortedFindings(d.findings.filter((f) => f.status === "fail" && !f.waiver)).slice(0, 3);
    return `<div class="card"><div><strong>${h(deviceLabel(d))}</strong></div><div class="score">${d.score ?? "-"}<span class="meta"> / 100</span></div>
<div>${v("pass")} pass · ${v("partial")} partial · ${v("attested")} attested · ${v("fail")} fail · ${v("error")} error · ${v("unverified")} unverified</div>
<div>${c.fail} failing findings${worst.length ? `; worst: ${worst.map((f) => `<code>${h(f.ruleId)}</code>`).join(", ")}` : ""}</div></div>`;
  });
  const scoreTable = `<table><thead><tr><th>Element</th>${doc.devices.map((d) => `<th>${h(deviceLabel(d))}</th>`).join("")}</tr></thead><tbody>
${ELEMENTS.map((el) => `<tr><td>${el.id}. ${h(el.name)}</td>${doc.devices.map((d) => `<td>${badge(verdictOf(d, el.id))}</td>`).join("")}</tr>`).join("\n")}
<tr><th>Score</th>${doc.devices.map((d) => `<th>${d.score ?? "-"}</th>`).join("")}</tr></tbody></table>`;
  const waivers = doc.waivers
    ? `<h2>Waivers</h2><p class="meta">From ${h(doc.waivers.source)}, evaluated on ${h(doc.waivers.evaluatedOn)}. Expired waivers no longer apply.</p>
<table><thead><tr><th>Rule</th><th>Devices</th><th>State</th><th>Findings</th><th>Approver</th><th>Expires</th><th>Justification</th></tr></thead><tbody>
${doc.waivers.entries.map((w) => `<tr><td><code>${h(w.rule)}</code></td><td>${h(w.devices.join(", "))}</td><td>${w.state === "expired" ? "<strong>expired</strong>" : w.state}</td><td>${w.findings}</td><td>${h(w.approver)}</td><td>${h(w.expires)}</td><td>${h(w.justification)}</td></tr>`).join("\n")}</tbody></table>`
    : "";
  const evidence = doc.evidence?.length
    ? `<h2>Vendor evidence</h2><table><thead><tr><th>Source</th><th>Vendor</th><th>Product</th><th>Attested by</th><th>On</th><th>Devices</th><th>Elements attested</th></tr></thead><tbody>
${doc.evidence.map((e) => `<tr><td>${h(e.source)}</td><td>${h(e.vendor)}</td><td>${h(e.product)}</td><td>${h(e.attestedBy)}</td><td>${h(e.attestedOn)}</td><td>${h(e.devices.join(", ") || "none matched")}</td><td>${e.elements.join(", ") || "none"}</td></tr>`).join("\n")}</tbody></table>`
    : "";
  const mapping = `<table><thead><tr><th>Element</th><th>What the buyer wants</th><th>Verified by</th><th>IEC 62443 anchors</th></tr></thead><tbody>
${ELEMENTS.map((el) => `<tr><td>${el.id}. ${h(el.name)}</td><td>${h(el.summary)}</td><td>${el.verifiedBy}</td><td>${h(iecAnchors(el.id).join(", ") || "62443 family; open protocol standards")}</td></tr>`).join("\n")}</tbody></table>`;
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
<p class="meta">otaudit ${h(doc.tool.version)} · run ${h(doc.run.startedAt)} · ${(doc.run.durationMs / 1000).toFixed(1)} s · ${doc.run.intrusive ? "intrusive checks enabled" : "passive and read-only checks"} · ${h(doc.run.source)} facts${doc.run.interrupted ? " · <strong>interrupted: partial result</strong>" : ""}</p>
<h2>Executive summary</h2>
${doc.devices.length ? `<div class="summary">${summary.join("\n")}</div>` : "<p>No device was audited.</p>"}
<h2>Scorecard: the 12 Secure by Demand OT elements</h2>
${scoreTable}
<p class="meta">Pass: every applicable check verified. Fail: a verified weakness. Partial: some checks passed, others could not run. Attested: only the vendor's word. Unverified: nothing could check it. Error: the checks could not run.</p>
<h2>Devices and findings</h2>
${doc.devices.map(deviceSection).join("\n")}
${waivers}
${evidence}
<h2>Elements and IEC 62443</h2>
${mapping}
</body>
</html>
`;
}
