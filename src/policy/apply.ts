// Applying a policy to a result document: every device gets one finding per policy clause (the
// offered-set clauses, then the requirement clauses), replacing the findings of any policy applied
// before (a result carries one policy's findings), and its element verdicts and score are computed
// again with the attestations and unaudited services it had. Scan, sweep, `scan --from-facts` and
// `report` apply it the same way (src/cli/outputs.ts), before evidence and waivers, so a waiver can
// name a policy rule. Pure: returns a new document.
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { ProtocolPlugin } from "../plugin.js";
import { deviceScore, scoreElements, unauditedOf } from "../engine/scoring.js";
import { storedAttestations } from "../evidence/apply.js";
import type { Policy } from "./format.js";
import { setFindings } from "./evaluate-sets.js";
import { requirementFindings } from "./evaluate-requirements.js";
import { isPolicyFinding } from "./rules.js";

export { isPolicyFinding };

export function applyPolicyToDevice(d: DeviceResult, policy: Policy, plugins: readonly ProtocolPlugin[]): DeviceResult {
  const own = d.findings.filter((f) => !isPolicyFinding(f));
  const added = [...setFindings(policy, d.facts, plugins), ...requirementFindings(policy, { findings: own, facts: d.facts }, plugins)];
  const findings = [...own, ...added];
  const elements = scoreElements(findings, storedAttestations(d), unauditedOf(d.elements));
  return { ...d, findings, elements, score: deviceScore(elements) };
}

export function applyPolicy(doc: ResultDocument, policy: Policy, plugins: readonly ProtocolPlugin[]): ResultDocument {
  return { ...doc, devices: doc.devices.map((d) => applyPolicyToDevice(d, policy, plugins)) };
}
