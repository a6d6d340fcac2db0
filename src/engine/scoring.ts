// Scoring: findings (+ vendor attestations) -> one verdict per element. A check that could not run
// is never a pass; an element that nothing checked is `unverified`; vendor evidence alone gives
// `attested`, never `pass`, and never hides a verified failure. Informational findings do not fail.
import { ELEMENTS } from "../catalog/elements.js";
import type { ElementEntry, Finding } from "../model/result.js";
import type { Verdict } from "../model/common.js";

/** element id -> short note of what the vendor attested (from an evidence file) */
export type Attestations = Map<number, string>;

export function scoreElements(findings: Finding[], attestations: Attestations = new Map()): ElementEntry[] {
  return ELEMENTS.map((el) => {
    const mine = findings.filter((f) => f.elements.includes(el.id));
    const counts = { fail: 0, pass: 0, error: 0, skipped: 0 };
    for (const f of mine) {
      if (f.status === "fail" && f.waiver) continue; // waived: stays visible, does not fail the element
      if (f.status === "fail" && f.severity !== "info") counts.fail++;
      else if (f.status === "pass") counts.pass++;
      else if (f.status === "error") counts.error++;
      else if (f.status === "skipped") counts.skipped++;
    }
    const attestation = attestations.get(el.id);
    let verdict: Verdict;
    if (counts.fail > 0) verdict = "fail";
    else if (counts.pass > 0 && counts.error === 0 && counts.skipped === 0) verdict = "pass";
    else if (counts.pass > 0) verdict = "partial";
    else if (counts.error > 0) verdict = "error";
    else if (attestation !== undefined) verdict = "attested";
    else verdict = "unverified";
    const basis = counts.fail + counts.pass > 0 ? "verified" : attestation !== undefined ? "attested" : "none";
    const entry: ElementEntry = { id: el.id, name: el.name, verdict, basis, counts };
    if (attestation !== undefined) entry.attestation = attestation;
    return entry;
  });
}

/** Default score: share of probe-verifiable evidence that passed, 0..100 (weights: issue 7 policy file). */
export function deviceScore(elements: ElementEntry[], weights: Record<number, number> = {}): number {
  const points: Record<Verdict, number> = { pass: 1, attested: 0.5, partial: 0.5, fail: 0, error: 0, unverified: 0 };
  let total = 0;
  let got = 0;
  for (const e of elements) {
    const w = weights[e.id] ?? 1;
    total += w;
    got += w * points[e.verdict];
  }
  return total === 0 ? 0 : Math.round((got / total) * 1000) / 10;
}
