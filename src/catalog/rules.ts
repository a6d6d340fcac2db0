// The rule catalog: every rule the engine can report, with its protocol — each plugin's rules, the
// core's cross-protocol rules (version-based advisories, the surface rules) and the fleet rules of sweeps (protocol
// "fleet", including configuration drift) and the policy rules (`--policy`, src/policy). One list for `otaudit rules`, SARIF rule metadata, the
// RFP's acceptance plan and waiver validation. Elements and IEC 62443 references come from the
// Secure by Demand spec (src/catalog/secure-by-demand.yaml), never from a rule's own meta.
import { PLUGINS } from "../../probes/registry.js";
import { ADVISORY_RULE_META } from "../advisories/model.js";
import { DRIFT_RULE_META } from "../fleet/drift.js";
import { FLEET_RULES } from "../fleet/rules.js";
import { SURFACE_RULE_METAS, SURFACE_SOURCE } from "../engine/surface-rules.js";
import { POLICY_SOURCE, policyRuleMetas } from "../policy/rules.js";
import type { RuleMeta } from "../plugin.js";
import { mapped } from "./spec.js";

export interface CatalogRule extends RuleMeta {
  protocol: string;
}

/** Every rule's own meta, unmapped, with its protocol (for the spec's invariant tests). */
export function allRuleMetas(): { meta: RuleMeta; protocol: string }[] {
  return [
    ...PLUGINS.flatMap((p) => p.rules.map((r) => ({ meta: r.meta, protocol: p.id }))),
    { meta: ADVISORY_RULE_META, protocol: "advisories" },
    ...SURFACE_RULE_METAS.map((meta) => ({ meta, protocol: SURFACE_SOURCE })),
    ...FLEET_RULES.map((r) => ({ meta: r.meta, protocol: "fleet" })),
    { meta: DRIFT_RULE_META, protocol: "fleet" },
    ...policyRuleMetas().map((meta) => ({ meta, protocol: POLICY_SOURCE })),
  ];
}

export function allRules(): CatalogRule[] {
  return allRuleMetas().map(({ meta, protocol }) => ({ ...mapped(meta), protocol }));
}

export function allRuleIds(): Set<string> {
  return new Set(allRules().map((r) => r.id));
}
