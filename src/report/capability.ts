// The IEC 62443-4-2 capability report (src/policy/capability.ts) as a file (`--format capability`:
// capability.json, its zod schema CapabilityReport) and as the HTML report's section: per device the
// SL-C the evidence supports (verified, and counting vendor attestations), a line per level, and a
// table of the cited requirements with the capability, the evidence and the rules behind it.
import type { ResultDocument } from "../model/result.js";
import { capabilityReport, CAPABILITY_SCOPE, type DeviceCapability, type RequirementCapability } from "../policy/capability.js";
import { deviceLabel, escapeHtml as h } from "./common.js";
import { humanView } from "./safe-text.js";

/** capability.json: read by people as much as by tools, so its strings pass the escaping boundary. */
export function renderCapability(doc: ResultDocument): string {
  return JSON.stringify(capabilityReport(humanView(doc)), null, 2) + "\n";
}

/** Verdict-badge classes of report.html for the three capabilities. */
const BADGE: Record<RequirementCapability["capability"], string> = { verified: "pass", attested: "attested", missing: "fail" };
const EVIDENCE: Record<RequirementCapability["evidence"], string> = {
  passed: "passed",
  failed: "a verified failure",
  undecided: "checks could not decide",
  none: "no evidence",
};

function row(r: RequirementCapability): string {
  const rules = [
    r.findings.failed.length ? `failed: ${r.findings.failed.map((x) => `<code>${h(x)}</code>`).join(", ")}` : "",
    r.findings.undecided.length ? `undecided: ${r.findings.undecided.map((x) => `<code>${h(x)}</code>`).join(", ")}` : "",
    r.findings.passed.length ? `passed: ${r.findings.passed.map((x) => `<code>${h(x)}</code>`).join(", ")}` : "",
  ].filter(Boolean);
  const badge = r.capability === "missing" && r.evidence !== "failed" ? "unverified" : BADGE[r.capability];
  return `<tr><td>${h(r.id)}</td><td>${h(r.title)}</td><td>${r.level ?? "-"}</td><td><span class="v v-${badge}">${r.capability}</span></td><td>${EVIDENCE[r.evidence]}${r.attestation ? `; vendor: ${h(r.attestation)}` : ""}</td><td>${rules.join("<br>") || `<span class="meta">no finding on this device (rules: ${r.rules.map(h).join(", ")})</span>`}</td></tr>`;
}

function deviceBlock(c: DeviceCapability, label: string): string {
  const levels = c.perLevel.map(
    (l) =>
      `SL-C ${l.level}: ${l.verified} of ${l.requirements} verified${l.attested ? `, ${l.attested} attested` : ""}${l.failed ? `, ${l.failed} failed` : ""}${l.undecided ? `, ${l.undecided} undecided` : ""}${l.none ? `, ${l.none} without evidence` : ""}`,
  );
  return `<h3>${h(label)}: SL-C ${c.verifiedLevel} verified, ${c.attestedLevel} with vendor attestations</h3>
<p class="meta">${levels.map(h).join(" · ")}</p>
<table><thead><tr><th>Requirement</th><th>Title</th><th>SL-C</th><th>Capability</th><th>Evidence</th><th>Checks</th></tr></thead><tbody>
${c.requirements.map(row).join("\n")}</tbody></table>`;
}

/** The HTML report's IEC 62443-4-2 capability section (an added section of report.html). */
export function capabilitySectionHtml(result: ResultDocument): string {
  const doc = humanView(result);
  const report = capabilityReport(doc);
  const blocks = report.devices.map((c, i) => deviceBlock(c, deviceLabel(doc.devices[i]!)));
  return `<h2>IEC 62443-4-2 capability</h2>
<p class="meta">${h(CAPABILITY_SCOPE)} Verified: the checks citing a requirement passed on this device; attested: vendor evidence for an element that anchors it; missing: a verified failure, checks that could not decide, or no evidence. The SL-C shown is the highest level all of whose requirements are verified.</p>
${blocks.join("\n") || "<p>No device was audited.</p>"}`;
}
