// `otaudit compare`: the standardized scoring matrix over the 12 elements for competing products.
// Rows are the elements, columns the candidates (every device of every given result), cells the
// verdict and its key evidence; totals are the weighted score (procurement policy, src/evidence/
// policy.ts) and knock-outs (a failed must-not-fail element). Rendered as HTML, CSV and Markdown.
import { ELEMENTS } from "../catalog/elements.js";
import { deviceScore } from "../engine/scoring.js";
import type { Verdict } from "../model/common.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { Policy } from "../evidence/policy.js";
import { VERDICT_LABEL, VERDICT_RANK, csvRow, deviceLabel, escapeHtml as h, escapeMd, plural, sortedFindings, verdictOf } from "./common.js";
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
  /**
   * best: the one best verified verdict on this element; tied: several candidates share the best
   * verified verdict. Only verified cells (basis "verified", verdict pass or partial) are marked:
   * never an unverified, attested, undetermined, error or failed cell.
   */
  mark?: "best" | "tied";
}

export interface Candidate {
  label: string;
  host: string;
  source: string;
  score: number;
  knockOuts: number[];
  /** rank 1..n; candidates with the same knock-out state and score share a rank */
  rank: number;
  /** another candidate has the same rank */
  tied: boolean;
  cells: Cell[]; // index = element id - 1
}

export interface CompareMatrix {
  policy: Policy;
  candidates: Candidate[]; // in rank order
}

const MARKABLE: ReadonlySet<Verdict> = new Set(["pass", "partial"]);

/** Points per verdict, as the footers state them (src/engine/scoring.ts VERDICT_POINTS). */
export const POINTS_NOTE = "Points per verdict: pass 1, partial 0.5, attested 0.5 (vendor word, not verified), fail / undetermined / error / unverified 0.";

function keyEvidence(d: DeviceResult, elementId: number): string {
  const e = d.elements.find((x) => x.id === elementId);
  const mine = sortedFindings(d.findings.filter((f) => f.elements.includes(elementId)));
  const failing = mine.filter((f) => f.status === "fail" && !f.waiver && f.severity !== "info");
  if (failing.length)
    return (
      failing
        .slice(0, 2)
        .map((f) => `${f.ruleId}: ${f.message}`)
        .join("; ") + (failing.length > 2 ? `; +${failing.length - 2} more` : "")
    );
  const undetermined = mine.filter((f) => f.status === "undetermined");
  const errors = mine.filter((f) => f.status === "error");
  const passes = mine.filter((f) => f.status === "pass");
  const waived = mine.filter((f) => f.waiver);
  const parts: string[] = [];
  if (passes.length) parts.push(`${plural(passes.length, "check")} passed (${[...new Set(passes.map((f) => f.ruleId))].slice(0, 3).join(", ")})`);
  if (undetermined.length) parts.push(`could not decide (${undetermined[0]!.reason ?? "no reason given"}): ${undetermined[0]!.message}`);
  if (errors.length) parts.push(`could not run: ${errors[0]!.message}`);
  if (waived.length) parts.push(`${waived.length} waived`);
  if (e?.unaudited?.length) parts.push(`not audited: ${e.unaudited.join(", ")}`);
  if (e?.attestation) parts.push(`vendor: ${e.attestation}`);
  if (parts.length === 0) parts.push(ELEMENTS.find((x) => x.id === elementId)!.verifiedBy === "attest" ? "no vendor evidence supplied" : "nothing checked it");
  return parts.join("; ");
}

export function buildCompare(given: CompareInput[], rawPolicy: Policy): CompareMatrix {
  // the matrix holds only display-safe text (src/report/safe-text.ts)
  const inputs = given.map(({ source, doc }) => ({ source: safeText(source), doc: humanView(doc) }));
  const policy = { ...rawPolicy, name: safeText(rawPolicy.name), source: safeText(rawPolicy.source) };
  const raw = inputs.flatMap(({ source, doc }) => doc.devices.map((d) => ({ source, d })));
  const seen = new Map<string, number>();
  for (const { d } of raw) seen.set(deviceLabel(d), (seen.get(deviceLabel(d)) ?? 0) + 1);
  const candidates: Candidate[] = raw.map(({ source, d }) => {
    const base = deviceLabel(d);
    const cells = ELEMENTS.map((el) => {
      const e = d.elements.find((x) => x.id === el.id);
      return { verdict: verdictOf(d, el.id), basis: e?.basis ?? "none", evidence: keyEvidence(d, el.id) } satisfies Cell;
    });
    return {
      label: seen.get(base)! > 1 ? `${base} [${source}]` : base,
      host: d.host,
      source,
      score: deviceScore(d.elements, policy.weights),
      knockOuts: policy.mustNotFail.filter((id) => verdictOf(d, id) === "fail"),
      rank: 0,
      tied: false,
      cells,
    };
  });
  const key = (c: Candidate) => `${c.knockOuts.length > 0}|${c.score}`;
  candidates.sort((a, b) => Number(a.knockOuts.length > 0) - Number(b.knockOuts.length > 0) || b.score - a.score || a.label.localeCompare(b.label));
  const perKey = new Map<string, number>();
  for (const c of candidates) perKey.set(key(c), (perKey.get(key(c)) ?? 0) + 1);
  candidates.forEach((c, i) => {
    const prev = candidates[i - 1];
    c.rank = prev && key(prev) === key(c) ? prev.rank : i + 1;
    c.tied = perKey.get(key(c))! > 1;
  });
  if (candidates.length > 1)
    for (let i = 0; i < ELEMENTS.length; i++) {
      const markable = candidates.filter((c) => c.cells[i]!.basis === "verified" && MARKABLE.has(c.cells[i]!.verdict));
      if (markable.length === 0) continue;
      const top = markable.reduce((m, c) => Math.max(m, VERDICT_RANK[c.cells[i]!.verdict]), -1);
      const best = markable.filter((c) => VERDICT_RANK[c.cells[i]!.verdict] === top);
      for (const c of best) c.cells[i]!.mark = best.length > 1 ? "tied" : "best";
    }
  return { policy, candidates };
}

const MARK_TEXT = { best: " (best)", tied: " (tied best)" } as const;
const rankText = (c: Candidate) => `${c.rank}${c.tied ? "=" : ""}`;

function weightNote(p: Policy): string {
  return ELEMENTS.map((e) => `${e.id}:${p.weights[e.id] ?? 1}`).join(" ");
}

export function renderCompareCsv(m: CompareMatrix): string {
  let out = csvRow(["element", "name", "weight", ...m.candidates.flatMap((c) => [`${c.label} verdict`, `${c.label} evidence`])]);
  for (const [i, el] of ELEMENTS.entries())
    out += csvRow([
      el.id,
      el.name,
      m.policy.weights[el.id] ?? 1,
      ...m.candidates.flatMap((c) => [
        c.cells[i]!.verdict,
        `${c.cells[i]!.mark ? `${c.cells[i]!.mark === "best" ? "best" : "tied best"}: ` : ""}${c.cells[i]!.evidence}`,
      ]),
    ]);
  out += csvRow(["score", "weighted score (0-100)", "", ...m.candidates.flatMap((c) => [c.score, ""])]);
  out += csvRow([
    "rank",
    "",
    "",
    ...m.candidates.flatMap((c) => [rankText(c), c.knockOuts.length ? `knock-out: element ${c.knockOuts.join(", ")} failed` : ""]),
  ]);
  return out;
}

export function renderCompareMarkdown(m: CompareMatrix): string {
  const out = [
    "# otaudit comparison",
    "",
    `Policy: ${escapeMd(m.policy.name)} (${escapeMd(m.policy.source)}). Weights ${weightNote(m.policy)}.${m.policy.mustNotFail.length ? ` Must not fail: ${m.policy.mustNotFail.join(", ")}.` : ""}`,
    "",
  ];
  out.push("## Ranking", "", "| Rank | Candidate | Weighted score | Knock-out |", "|---|---|---|---|");
  for (const c of m.candidates)
    out.push(`| ${rankText(c)} | ${escapeMd(c.label)} | ${c.score} | ${c.knockOuts.length ? `element ${c.knockOuts.join(", ")} failed` : "-"} |`);
  out.push(
    "",
    "## Matrix",
    "",
    `| Element | Weight | ${m.candidates.map((c) => escapeMd(c.label)).join(" | ")} |`,
    `|---|---|${m.candidates.map(() => "---").join("|")}|`,
  );
  for (const [i, el] of ELEMENTS.entries())
    out.push(
      `| ${el.id}. ${el.name} | ${m.policy.weights[el.id] ?? 1} | ${m.candidates.map((c) => `**${VERDICT_LABEL[c.cells[i]!.verdict]}**${c.cells[i]!.mark ? MARK_TEXT[c.cells[i]!.mark!] : ""}: ${escapeMd(c.cells[i]!.evidence)}`).join(" | ")} |`,
    );
  out.push(`| **Weighted score** | | ${m.candidates.map((c) => `**${c.score}**`).join(" | ")} |`, "");
  out.push(`${POINTS_NOTE} Best and tied best mark only verified pass or partial cells.`, "");
  return out.join("\n");
}

export function renderCompareHtml(m: CompareMatrix): string {
  const head = m.candidates.map((c) => `<th>${rankText(c)}. ${h(c.label)}<div class="meta">${h(c.source)}</div></th>`).join("");
  const rows = ELEMENTS.map(
    (el, i) =>
      `<tr><td>${el.id}. ${h(el.name)}</td><td>${m.policy.weights[el.id] ?? 1}</td>${m.candidates
        .map((c) => {
          const cell = c.cells[i]!;
          return `<td><span class="v v-${cell.verdict}">${VERDICT_LABEL[cell.verdict]}</span>${cell.mark === "best" ? " ★ best" : cell.mark === "tied" ? " ☆ tied best" : ""}<div class="n">${h(cell.evidence)}</div></td>`;
        })
        .join("")}</tr>`,
  );
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>otaudit comparison</title><style>${REPORT_CSS} td .n{font-size:12px;color:#333;margin-top:3px;word-break:break-word}</style></head>
<body><h1>otaudit comparison</h1>
<p class="meta">Policy: ${h(m.policy.name)} (${h(m.policy.source)}). Weights ${h(weightNote(m.policy))}.${m.policy.mustNotFail.length ? ` Must not fail: ${m.policy.mustNotFail.join(", ")}.` : ""} ${POINTS_NOTE} ★ marks the one best verified verdict on an element, ☆ a tie; unverified, attested and undecided cells are never marked.</p>
<h2>Ranking</h2>
<table><thead><tr><th>Rank</th><th>Candidate</th><th>Weighted score</th><th>Knock-out</th></tr></thead><tbody>
${m.candidates.map((c) => `<tr><td>${rankText(c)}</td><td>${h(c.label)}</td><td>${c.score}</td><td>${c.knockOuts.length ? `element ${c.knockOuts.join(", ")} failed` : "-"}</td></tr>`).join("\n")}
</tbody></table>
<h2>Matrix</h2>
<table><thead><tr><th>Element</th><th>Weight</th>${head}</tr></thead><tbody>
${rows.join("\n")}
<tr><th>Weighted score</th><th></th>${m.candidates.map((c) => `<th>${c.score}</th>`).join("")}</tr>
</tbody></table>
</body></html>
`;
}
