// The rule catalog: every rule the engine can report, with its protocol — each plugin's rules
// plus the core's cross-protocol rules (version-based advisories, the surface rules). One list for
// `otaudit rules`, SARIF rule metadata, the RFP's acceptance plan and waiver validation.
import { PLUGINS } from "../../probes/registry.js";
import { ADVISORY_RULE_META } from "../advisories/model.js";
import { SURFACE_RULE_METAS, SURFACE_SOURCE } from "../engine/surface-rules.js";
import type { RuleMeta } from "../plugin.js";

export interface CatalogRule extends RuleMeta {
  protocol: string;
}

export function allRules(): CatalogRule[] {
  const copy = (meta: RuleMeta, protocol: string): CatalogRule => ({ ...meta, elements: [...meta.elements], iec62443: [...meta.iec62443], protocol });
  return [...PLUGINS.flatMap((p) => p.rules.map((r) => copy(r.meta, p.id))), copy(ADVISORY_RULE_META, "advisories"), ...SURFACE_RULE_METAS.map((m) => copy(m, SURFACE_SOURCE))];
}

export function allRuleIds(): Set<string> {
  return new Set(allRules().map((r) => r.id));
}
