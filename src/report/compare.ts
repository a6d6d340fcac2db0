// `otaudit compare`: the standardized scoring matrix over the 12 elements for competing products.
// Rows are the elements, columns the candidates (every device of every given result), cells the
// verdict and its key evidence; totals are the weighted score (procurement policy, src/evidence/
// policy.ts) and knock-outs (a failed must-not-fail element). Rendered as HTML, CSV and Markdown.
import { ELEMENTS } from "../catalog/elements.js";
import { deviceScore } from "../engine/scoring.js";
import type { Verdict } from "../model/common.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { Policy } from "../evidence/policy.js";
import { VERDICT_LABEL, VERDICT_RANK, csvRow, deviceLabel, escapeHtml as h, escapeMd, sortedFindings, verdictOf } from "./common.js";
import { REPORT_CSS } from "./html.js";
import { humanView, safeText } from "./safe-text.js";

export interface CompareInput {
  source: string;
  doc: ResultDocument;
}

export interface Cell {
  verdict: Verdict;
  basis: "verified" | "attested" | "none";
  evidence: string;
}

export interface Candidate {
  label: string;
  host: string;
  source: string;
  score: number;
  knockOuts: number[];
  rank: number;
  cells: Cell[]; // index = element id - 1
}

export interface CompareMatrix {
  policy: Policy;
  candidates: Candidate[]; // in rank order
  /** per element (index id-1), the labels of the best candidates */
  best: string[][];
}

function keyEvidence(d: DeviceResult, elementId: number): string {
  const e = d.elements.find((x) => x.id === elementId);
  const mine = sortedFindings(d.findings.filter((f) => f.elements.includes(elementId)));
  const failing = mine.filter((f) => f.status === "fail" && !f.waiver && f.severity !== "info");
  if (failing.length) return failing.slice(0, 2).map((f) => `${f.ruleId}: ${f.message}`).join("; ") + (failing.length > 2 ? `; +${failing.length - 2} more` : "");
  const errors = mine.filter((f) => f.status === "error");
  const passes = mine.filter((f) => f.status === "pass");
  const waived = mine.filter((f) => f.waiver);
  const parts: string[] = [];
  if (passes.length) parts.push(`${passes.length} check${passes.length > 1 ? "s" : ""} passed (${[...new Set(passes.map((f) => f.ruleId))].slice(0, 3).join(", ")})`);
  if (errors.length) parts.push(`could not run: ${errors[0]!.message}`);
  if (waived.length) parts.push(`${waived.length} waived`);
  if (e?.attestation) parts.push(`vendor: ${e.attestation}`);
  if (parts.length === 0) parts.push(ELEMENTS.find((x) => x.id === elementId)!.verifiedBy === "attest" ? "no vendor evidence supplied" : "nothing checked it");
  return parts.join("; ");
}

export function buildCompare(given: CompareInput[], rawPolicy: Policy): CompareMatrix {
  // the matrix holds only display-safe text (src/report/safe-text.ts)
  const inputs = given.map(({ source, doc }) => ({ source: safeText(source), doc: humanView(doc) }));
  const policy = { ...rawPolicy, name: safeText(rawPolicy.name), source: safeText(rawPolicy.source) };
  const raw = inputs.flatMap(({ source, doc }) => doc.devices.map((d) => ({ source, d })));
  const labels = raw.map(({ d }) => deviceLabel(d));
  const candidates: Candidate[] = raw.map(({ source, d }, i) => {
    const label = labels.filter((l) => l === labels[i]).length > 1 ? `${labels[i]} [${source}]` : labels[i]!;
    const cells = ELEMENTS.map((el) => {
      const e = d.elements.find((x) => x.id === el.id);
      return { verdict: verdictOf(d, el.id), basis: e?.basis ?? "none", evidence: keyEvidence(d, el.id) } satisfies Cell;
    });
    return {
      label,
      host: d.host,
      source,
      score: deviceScore(d.elements, policy.weights),
      knockOuts: policy.mustNotFail.filter((id) => verdictOf(d, id) === "fail"),
      rank: 0,
      cells,
    };
  });
  candidates.sort((a, b) => Number(a.knockOuts.length > 0) - Number(b.knockOuts.length > 0) || b.score - a.score || a.label.localeCompare(b.label));
  candidates.forEach((c, i) => (c.rank = i + 1));
  const best = ELEMENTS.map((el, i) => {
    const top = Math.max(...candidates.map((c) => VERDICT_RANK[c.cells[i]!.verdict]));
    return candidates.filter((c) => VERDICT_RANK[c.cells[i]!.verdict] === top).map((c) => c.label);
  });
  return { policy, candidates, best };
}

function weightNote(p: Policy): string {
  return ELEMENTS.map((e) => `${e.id}:${p.weights[e.id] ?? 1}`).join(" ");
}

export function renderCompareCsv(m: CompareMatrix): string {
  let out = csvRow(["element", "name", "weight", ...m.candidates.flatMap((c) => [`${c.label} verdict`, `${c.label} evidence`])]);
  for (const [i, el] of ELEMENTS.entries()) out += csvRow([el.id, el.name, m.policy.weights[el.id] ?? 1, ...m.candidates.flatMap((c) => [c.cells[i]!.verdict, c.cells[i]!.evidence])]);
  out += csvRow(["score", "weighted score (0-100)", "", ...m.candidates.flatMap((c) => [c.score, ""])]);
  out += csvRow(["rank", "", "", ...m.candidates.flatMap((c) => [c.rank, c.knockOuts.length ? `knock-out: element ${c.knockOuts.join(", ")} failed` : ""])]);
  return out;
}

export function renderCompareMarkdown(m: CompareMatrix): string {
  const out = ["# otaudit comparison", "", `Policy: ${escapeMd(m.policy.name)} (${escapeMd(m.policy.source)}). Weights ${weightNote(m.policy)}.${m.policy.mustNotFail.length ? ` Must not fail: ${m.policy.mustNotFail.join(", ")}.` : ""}`, ""];
  out.push("## Ranking", "", "| Rank | Candidate | Weighted score | Knock-out |", "|---|---|---|---|");
  for (const c of m.candidates) out.push(`| ${c.rank} | ${escapeMd(c.label)} | ${c.score} | ${c.knockOuts.length ? `element ${c.knockOuts.join(", ")} failed` : "-"} |`);
  out.push("", "## Matrix", "", `| Element | Weight | ${m.candidates.map((c) => escapeMd(c.label)).join(" | ")} |`, `|---|---|${m.candidates.map(() => "---").join("|")}|`);
  for (const [i, el] of ELEMENTS.entries())
    out.push(`| ${el.id}. ${el.name} | ${m.policy.weights[el.id] ?? 1} | ${m.candidates.map((c) => `**${VERDICT_LABEL[c.cells[i]!.verdict]}**${m.best[i]!.includes(c.label) && m.candidates.length > 1 ? " (best)" : ""}: ${escapeMd(c.cells[i]!.evidence)}`).join(" | ")} |`);
  out.push(`| **Weighted score** | | ${m.candidates.map((c) => `**${c.score}**`).join(" | ")} |`, "");
  out.push("Points per verdict: pass 1, partial 0.5, attested 0.5 (vendor word, not verified), fail/error/unverified 0.", "");
  return out.join("\n");
}

export function renderCompareHtml(m: CompareMatrix): string {
  const head = m.candidates.map((c) => `<th>${c.rank}. ${h(c.label)}<div class="meta">${h(c.source)}</div></th>`).join("");
  const rows = ELEMENTS.map((el, i) => `<tr><td>${el.id}. ${h(el.name)}</td><td>${m.policy.weights[el.id] ?? 1}</td>${m.candidates
    .map((c) => {
      const cell = c.cells[i]!;
      return `<td><span class="v v-${cell.verdict}">${VERDICT_LABEL[cell.verdict]}</span>${m.best[i]!.includes(c.label) && m.candidates.length > 1 ? " ★" : ""}<div class="n">${h(cell.evidence)}</div></td>`;
    })
    .join("")}</tr>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>otaudit comparison</title><style>${REPORT_CSS} td .n{font-size:12px;color:#333;margin-top:3px;word-break:break-word}</style></head>
<body><h1>otaudit comparison</h1>
<p class="meta">Policy: ${h(m.policy.name)} (${h(m.policy.source)}). Weights ${h(weightNote(m.policy))}.${m.policy.mustNotFail.length ? ` Must not fail: ${m.policy.mustNotFail.join(", ")}.` : ""} Points per verdict: pass 1, partial 0.5, attested 0.5 (vendor word), fail/error/unverified 0.</p>
<h2>Ranking</h2>
<table><thead><tr><th>Rank</th><th>Candidate</th><th>Weighted score</th><th>Knock-out</th></tr></thead><tbody>
${m.candidates.map((c) => `<tr><td>${c.rank}</td><td>${h(c.label)}</td><td>${c.score}</td><td>${c.knockOuts.length ? `element ${c.knockOuts.join(", ")} failed` : "-"}</td></tr>`).join("\n")}
</tbody></table>
<h2>Matrix</h2>
<table><thead><tr><th>Element</th><th>Weight</th>${head}</tr></thead><tbody>
${rows.join("\n")}
<tr><th>Weighted score</th><th></th>${m.candidates.map((c) => `<th>${c.score}</th>`).join("")}</tr>
</tbody></table>
</body></html>
`;
}
