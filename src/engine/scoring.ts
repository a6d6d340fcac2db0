// Scoring: findings (+ vendor attestations, + services nobody audited) -> one verdict per element.
// A pass needs positive evidence and nothing open: any error, skipped or undetermined check, or a
// service on the device that bears on the element but was not audited, makes it at best `partial`.
// An element nothing decided is `undetermined` (checks ran, no verdict), `error`, `attested`
// (vendor evidence only, never `pass`; never hides a verified failure) or `unverified`.
// Informational findings do not fail.
import { ELEMENTS } from "../catalog/elements.js";
import type { ElementEntry, Finding } from "../model/result.js";
import type { Verdict } from "../model/common.js";

/** element id -> short note of what the vendor attested (from an evidence file) */
export type Attestations = Map<number, string>;
/** element id -> services on the device that bear on it but that no plugin audited ("tcp/102 s7comm") */
export type Unaudited = Map<number, string[]>;

export function scoreElements(findings: Finding[], attestations: Attestations = new Map(), unaudited: Unaudited = new Map()): ElementEntry[] {
  return ELEMENTS.map((el) => {
    const counts = { fail: 0, pass: 0, error: 0, skipped: 0, undetermined: 0 };
    for (const f of findings) {
      if (!f.elements.includes(el.id)) continue;
      if (f.status === "fail" && f.waiver) continue; // waived: stays visible, does not fail the element
      if (f.status === "fail" && f.severity !== "info") counts.fail++;
      else if (f.status === "pass") counts.pass++;
      else if (f.status === "error") counts.error++;
      else if (f.status === "skipped") counts.skipped++;
      else if (f.status === "undetermined") counts.undetermined++;
    }
    const open = unaudited.get(el.id) ?? [];
    const attestation = attestations.get(el.id);
    let verdict: Verdict;
    if (counts.fail > 0) verdict = "fail";
    else if (counts.pass > 0 && counts.error + counts.skipped + counts.undetermined === 0 && open.length === 0) verdict = "pass";
    else if (counts.pass > 0) verdict = "partial";
    else if (counts.undetermined > 0) verdict = "undetermined";
    else if (counts.error > 0) verdict = "error";
    else if (attestation !== undefined) verdict = "attested";
    else verdict = "unverified";
    const basis = counts.fail + counts.pass > 0 ? "verified" : attestation !== undefined ? "attested" : "none";
    const entry: ElementEntry = { id: el.id, name: el.name, verdict, basis, counts };
    if (open.length) entry.unaudited = [...open];
    if (attestation !== undefined) entry.attestation = attestation;
    return entry;
  });
}

/** The unaudited services recorded in already scored elements (re-scoring keeps them). */
export function unauditedOf(elements: readonly ElementEntry[]): Unaudited {
  return new Map(elements.filter((e) => e.unaudited?.length).map((e) => [e.id, e.unaudited!]));
}

/** Points per verdict for the default score (weights: the procurement policy file). */
export const VERDICT_POINTS: Record<Verdict, number> = { pass: 1, attested: 0.5, partial: 0.5, fail: 0, error: 0, undetermined: 0, unverified: 0 };

/** Default score: share of probe-verifiable evidence that passed, 0..100. */
export function deviceScore(elements: ElementEntry[], weights: Record<number, number> = {}): number {
  let total = 0;
  let got = 0;
  for (const e of elements) {
    const w = weights[e.id] ?? 1;
    total += w;
    got += w * VERDICT_POINTS[e.verdict];
  }
  return total === 0 ? 0 : Math.round((got / total) * 1000) / 10;
}
