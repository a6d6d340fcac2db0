// What a rule reads from its facts: the facts are handed to the rule behind a Proxy that records every
// value read while the check runs (with its schema-form path, "services[].algorithms.kex[]"): the
// basis of the rule's outcome. Reads after the check (the engine bounding evidence) are not recorded.

export interface Read {
  path: string;
  kind: "string" | "number" | "boolean" | "array" | "absent";
  value?: string | number | boolean;
  /** arrays: how many items */
  length?: number;
}

export interface Tracker {
  reads: Read[];
  active: boolean;
}

export function newTracker(): Tracker {
  return { reads: [], active: false };
}

function record(t: Tracker, path: string, v: unknown): void {
  if (!t.active) return;
  if (v === undefined || v === null) t.reads.push({ path, kind: "absent" });
  else if (Array.isArray(v)) t.reads.push({ path, kind: "array", length: v.length });
  else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean")
    t.reads.push({ path, kind: typeof v as "string" | "number" | "boolean", value: v });
}

/** A read-recording view of `value` (plain JSON facts). */
export function tracked<T>(value: T, t: Tracker, path = ""): T {
  if (value === null || typeof value !== "object") return value;
  const isArray = Array.isArray(value);
  return new Proxy(value as unknown as object, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === "symbol" || typeof v === "function") return v;
      if (isArray && key === "length") return v;
      const p = isArray ? (/^\d+$/.test(key) ? `${path}[]` : `${path}.${key}`) : path ? `${path}.${key}` : key;
      record(t, p, v);
      return v !== null && typeof v === "object" ? tracked(v, t, p) : v;
    },
  }) as T;
}
