// Apply vendor evidence and waivers to a result document and recompute the element verdicts and
// scores (src/engine/scoring.ts). Used by `scan --evidence/--waivers` (src/cli/outputs.ts) and by
// `otaudit report`, so a stored result re-rendered with the same inputs gives the same verdicts.
// Pure: returns a new document.
import { deviceScore, scoreElements, unauditedOf, type Attestations } from "../engine/scoring.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import { attestationsFor, evidenceSummary, productFor, type LoadedEvidence } from "./evidence.js";
import { applyWaivers, checkWaiverRules, today, type LoadedWaivers } from "./waivers.js";

export interface ApplyInputs {
  evidence?: LoadedEvidence;
  waivers?: LoadedWaivers;
  /** rule ids a waiver may name; the document's own finding rule ids are always known */
  knownRuleIds?: Iterable<string>;
  /** reference date for waiver expiry (YYYY-MM-DD); default today (UTC) */
  evaluatedOn?: string;
}

/** Attestations recorded in a stored result (kept when no new evidence file is given). */
export function storedAttestations(d: DeviceResult): Attestations {
  return new Map(d.elements.filter((e) => e.attestation !== undefined).map((e) => [e.id, e.attestation!]));
}

export function applyInputs(doc: ResultDocument, inputs: ApplyInputs): ResultDocument {
  if (!inputs.evidence && !inputs.waivers) return doc;
  let out = doc;
  if (inputs.waivers) {
    const known = new Set<string>(inputs.knownRuleIds ?? []);
    for (const d of doc.devices) for (const f of d.findings) known.add(f.ruleId);
    checkWaiverRules(inputs.waivers, known);
    const applied = applyWaivers(out, inputs.waivers, inputs.evaluatedOn ?? today());
    out = { ...applied.doc, waivers: applied.report };
  }
  const evidence = inputs.evidence;
  const devices = out.devices.map((d) => {
    const attestations = evidence ? attestationsFor(productFor(evidence, d)) : storedAttestations(d);
    const elements = scoreElements(d.findings, attestations, unauditedOf(d.elements));
    return { ...d, elements, score: deviceScore(elements) };
  });
  out = { ...out, devices };
  if (evidence) out.evidence = evidenceSummary(evidence, out.devices);
  return out;
}
