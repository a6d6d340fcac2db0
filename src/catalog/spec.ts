// The Secure by Demand mapping (src/catalog/secure-by-demand.yaml) loaded and validated: the one
// source of every rule's elements and IEC 62443 references. The engine (findings), fleet findings,
// advisory findings and the rule catalog take them from here through `mapped()`; a rule's own meta
// fields are a leftover the invariant test compares with the spec until they are removed.
import { z } from "zod";
import { loadDataFile } from "../data.js";
import { ElementId, Iec62443Ref } from "../model/common.js";
import type { RuleMeta } from "../plugin.js";

export const SPEC_FILE = "src/catalog/secure-by-demand.yaml";

const CheckTag = z.string().regex(/^[a-z]+(-[a-z]+)*$/, "a check tag such as 'algorithm-strength'");
const RuleId = z.string().regex(/^[a-z0-9]+(\.[a-z0-9-]+)+$/, "a dotted rule id such as 'fleet.host-key.shared'");

export const SecureByDemandSpec = z
  .object({
    spec: z.object({ id: z.string(), title: z.string(), version: z.string(), source: z.url(), requirementsSource: z.string() }).strict(),
    requirements: z.record(Iec62443Ref, z.object({ title: z.string().min(5), fits: z.array(CheckTag).min(1) }).strict()),
    controls: z.array(z.object({ element: ElementId, rules: z.array(RuleId) }).strict()),
    rules: z.record(RuleId, z.object({ checks: z.array(CheckTag).min(1), iec62443: z.record(Iec62443Ref, z.string().min(10)) }).strict()),
  })
  .strict();
export type SecureByDemandSpec = z.infer<typeof SecureByDemandSpec>;

export function secureByDemandSpec(): SecureByDemandSpec {
  return loadDataFile(SPEC_FILE, SecureByDemandSpec);
}

export interface RuleMapping {
  elements: ElementId[];
  iec62443: string[];
}

let index: Map<string, RuleMapping> | undefined;

/** Elements (ascending) and IEC 62443 references (in the spec's order) of a rule, from the spec. */
export function specMapping(ruleId: string): RuleMapping | undefined {
  if (!index) {
    const spec = secureByDemandSpec();
    const built = new Map<string, RuleMapping>();
    for (const [id, r] of Object.entries(spec.rules)) built.set(id, { elements: [], iec62443: Object.keys(r.iec62443) });
    for (const c of spec.controls) for (const id of c.rules) built.get(id)?.elements.push(c.element);
    for (const m of built.values()) m.elements.sort((a, b) => a - b);
    index = built;
  }
  const m = index.get(ruleId);
  return m ? { elements: [...m.elements], iec62443: [...m.iec62443] } : undefined;
}

/**
 * A rule's meta with `elements` and `iec62443` from the spec. A rule the spec does not list keeps
 * its own (the invariant test fails for it, so this only matters between a new rule and its spec
 * entry).
 */
export function mapped<M extends Pick<RuleMeta, "id" | "elements" | "iec62443">>(meta: M): M {
  const m = specMapping(meta.id);
  return m ? { ...meta, elements: m.elements, iec62443: m.iec62443 } : { ...meta, elements: [...meta.elements], iec62443: [...meta.iec62443] };
}
