// Generic fact mutators driven by a plugin's zod facts schema (issue 12 §1): they take real facts and
// remove or unknown-ify the evidence in them, without knowing the protocol. Zod 4 schemas are walked
// through their definitions (`_zod.def`): object, array, optional, nullable, default, record, and
// leaves (string, number, boolean, enum, literal, ...).
//   (a) emptyLists:      every observation list emptied (lists that only hold what was found bad,
//                        classified as `findings` lists, are kept: empty there is an observation)
//   (b) unknownStrings:  every judged string (not a label) replaced by a unique unknown token
//   (c) dropOptionals:   every optional field removed
//   (d) (a) and (c) together
// (a), (b) and (c) also run one path at a time (`only`), so one change cannot hide another.
import type { z } from "zod";

type AnySchema = z.ZodType & { _zod: { def: Record<string, any> } };
const WRAPPERS = new Set(["optional", "nullable", "default", "readonly", "catch", "nonoptional", "prefault"]);

export const UNKNOWN_TOKEN = /^otaudit-unknown-\d+$/;

function def(s: AnySchema): Record<string, any> {
  return s._zod.def;
}

/** The schema under optional/nullable/default wrappers. */
export function unwrap(s: AnySchema): AnySchema {
  let cur = s;
  while (WRAPPERS.has(def(cur).type)) cur = def(cur).innerType as AnySchema;
  return cur;
}

export function isOptional(s: AnySchema): boolean {
  let cur = s;
  while (WRAPPERS.has(def(cur).type)) {
    if (def(cur).type === "optional") return true;
    cur = def(cur).innerType as AnySchema;
  }
  return false;
}

/** Every leaf and list path of a schema with its kind, e.g. "services[].algorithms.kex" -> "array". */
export function schemaPaths(schema: z.ZodType, path = "", out = new Map<string, string>()): Map<string, string> {
  const s = unwrap(schema as AnySchema);
  const d = def(s);
  const at = (k: string) => (path ? `${path}.${k}` : k);
  switch (d.type) {
    case "object":
      for (const [k, v] of Object.entries(d.shape as Record<string, AnySchema>)) schemaPaths(v, at(k), out);
      break;
    case "array":
      out.set(path, "array");
      schemaPaths(d.element as AnySchema, `${path}[]`, out);
      break;
    case "record":
      schemaPaths(d.valueType as AnySchema, `${path}{}`, out);
      break;
    default:
      out.set(path, d.type as string);
  }
  return out;
}

export interface MutationRules {
  /** list paths (schema form) that hold only what was found bad: kept by (a) */
  findingsLists: ReadonlySet<string>;
  /** string paths that name or describe (never judged): kept by (b) */
  isLabel(path: string): boolean;
  /** mutate only at this schema path (one list, one string field, one optional field at a time) */
  only?: string;
}

type Mutator = (schema: AnySchema, value: unknown, path: string) => unknown;

function walk(
  schema: AnySchema,
  value: unknown,
  path: string,
  leaf: Mutator,
  list: (schema: AnySchema, value: unknown[], path: string, recurse: (v: unknown) => unknown) => unknown,
  dropOptional: boolean | string,
): unknown {
  if (value === undefined || value === null) return value;
  const s = unwrap(schema);
  const d = def(s);
  const at = (k: string) => (path ? `${path}.${k}` : k);
  if (d.type === "object" && typeof value === "object" && !Array.isArray(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const field = (d.shape as Record<string, AnySchema>)[k];
      if (!field) {
        out[k] = v;
        continue;
      }
      if ((dropOptional === true || dropOptional === at(k)) && isOptional(field)) continue;
      out[k] = walk(field, v, at(k), leaf, list, dropOptional);
    }
    return out;
  }
  if (d.type === "array" && Array.isArray(value)) return list(s, value, path, (v) => walk(d.element as AnySchema, v, `${path}[]`, leaf, list, dropOptional));
  if (d.type === "record" && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, walk(d.valueType as AnySchema, v, `${path}{}`, leaf, list, dropOptional)]),
    );
  return leaf(s, value, path);
}

const keepLeaf: Mutator = (_s, v) => v;
const keepList = (_s: AnySchema, v: unknown[], _p: string, recurse: (v: unknown) => unknown) => v.map(recurse);

/** (a) every observation list emptied; a list whose schema needs items keeps the fewest it needs. */
export function emptyLists(schema: z.ZodType, value: unknown, rules: MutationRules, dropOptional = false): unknown {
  return walk(
    schema as AnySchema,
    value,
    "",
    keepLeaf,
    (s, v, path, recurse) => {
      if (rules.findingsLists.has(path) || (rules.only !== undefined && rules.only !== path)) return v.map(recurse);
      if (s.safeParse([]).success) return [];
      for (let n = 1; n <= v.length; n++) {
        const kept = v.slice(0, n).map(recurse);
        if (s.safeParse(kept).success) return kept;
      }
      return v.map(recurse);
    },
    dropOptional,
  );
}

/** (b) every judged string replaced by a unique unknown token (where its schema accepts one). */
export function unknownStrings(schema: z.ZodType, value: unknown, rules: MutationRules): unknown {
  let n = 0;
  return walk(
    schema as AnySchema,
    value,
    "",
    (s, v, path) => {
      if (typeof v !== "string" || def(s).type !== "string" || rules.isLabel(path) || (rules.only !== undefined && rules.only !== path)) return v;
      const token = `otaudit-unknown-${++n}`;
      return s.safeParse(token).success ? token : v;
    },
    keepList,
    false,
  );
}

/** (c) every optional field removed (or only the one at `only`). */
export function dropOptionals(schema: z.ZodType, value: unknown, only?: string): unknown {
  return walk(schema as AnySchema, value, "", keepLeaf, keepList, only ?? true);
}

/** Schema paths of the optional fields. */
export function optionalPaths(schema: z.ZodType, path = "", out: string[] = []): string[] {
  const s = unwrap(schema as AnySchema);
  const d = def(s);
  if (d.type === "object")
    for (const [k, v] of Object.entries(d.shape as Record<string, AnySchema>)) {
      const p = path ? `${path}.${k}` : k;
      if (isOptional(v)) out.push(p);
      optionalPaths(v, p, out);
    }
  else if (d.type === "array") optionalPaths(d.element as AnySchema, `${path}[]`, out);
  return out;
}

/** (d) (a) and (c) together: every observation list empty, every optional field gone. */
export function stripAll(schema: z.ZodType, value: unknown, rules: MutationRules): unknown {
  return emptyLists(schema, value, rules, true);
}
