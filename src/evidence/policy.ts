// Procurement policy file (YAML, zod): element weights for the overall score and the elements a
// candidate must not fail (knock-out criteria), used by `otaudit compare` and `otaudit rfp`.
//
// DEFAULT WEIGHTS: every element weighs 1. The Secure by Demand OT guide presents its 12 elements
// without ranking them, so otaudit does not invent a ranking; a buyer states its own priorities in
// a policy file. Points per verdict (src/engine/scoring.ts deviceScore): pass 1, partial 0.5,
// attested 0.5 (vendor word, not verified), fail 0, error 0, unverified 0. Score = weighted points
// / total weight x 100. Default knock-out list: none.
import { basename } from "node:path";
import { z } from "zod";
import { ELEMENTS } from "../catalog/elements.js";
import { parseYamlInput, readInputFile } from "./load.js";

export const POLICY_SCHEMA_VERSION = 1;

export const DEFAULT_WEIGHTS: Readonly<Record<number, number>> = Object.freeze(Object.fromEntries(ELEMENTS.map((e) => [e.id, 1])));

const elementKey = z.string().regex(/^(1[0-2]|[1-9])$/, "an element number 1..12");

export const PolicyFile = z
  .object({
    schemaVersion: z.literal(POLICY_SCHEMA_VERSION),
    name: z.string().min(1).optional(),
    /** element number -> weight (0..100); elements not listed keep the default weight 1 */
    weights: z.record(elementKey, z.number().min(0).max(100)).default({}),
    /** elements a candidate must not fail (verdict `fail`) to be acceptable */
    mustNotFail: z.array(z.number().int().min(1).max(12)).default([]),
  })
  .strict()
  .refine((p) => Object.values({ ...DEFAULT_WEIGHTS, ...p.weights }).some((w) => (w as number) > 0), {
    message: "at least one element needs a weight above 0",
    path: ["weights"],
  });
export type PolicyFile = z.infer<typeof PolicyFile>;

export interface Policy {
  name: string;
  source: string;
  weights: Record<number, number>;
  mustNotFail: number[];
}

export const DEFAULT_POLICY: Policy = { name: "otaudit default (equal weights)", source: "built-in", weights: { ...DEFAULT_WEIGHTS }, mustNotFail: [] };

export function parsePolicy(text: string, label: string, source = label): Policy {
  const p = parseYamlInput(text, label, PolicyFile);
  const weights: Record<number, number> = { ...DEFAULT_WEIGHTS };
  for (const [k, v] of Object.entries(p.weights)) weights[Number(k)] = v;
  return { name: p.name ?? source, source, weights, mustNotFail: [...new Set(p.mustNotFail)].sort((a, b) => a - b) };
}

export function loadPolicy(path: string): Policy {
  return parsePolicy(readInputFile(path, "--weights"), `--weights ${path}`, basename(path));
}
