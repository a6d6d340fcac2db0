// Version comparison and version ranges for version-based advisory matching (pure, no I/O).
// Firmware and software versions are not all semver: "2.4.1", "V2.04", "9.2p1" (OpenSSH portable),
// "1.0.2k" (letter patch), "1.0.0-rc.1" (semver pre-release, SemVer 2.0.0 §9), "5.1.0 Build 510".
// No npm library orders all of these (semver rejects "9.2p1"; compare-versions drops suffixes), so
// the ordering is written here, with property tests (test/advisories/version.property.test.ts):
//   release numbers compare numerically, padded with zeros (2.4 == 2.4.0);
//   equal releases then compare their qualifiers: pre-release (dev < alpha < beta < pre < rc)
//   < none < post-release (p, patch, post, sp, r, rev, u, update, hotfix, hf, build, a lone letter);
//   build metadata after "+" is ignored (SemVer 2.0.0 §10).
// When the releases are equal and a qualifier is not understood, the comparison is unknown (null):
// callers must then say so and never treat it as a match or as "not affected".
// Ranges: the simple form ("< 2.4.2", ">= 8.5p1, < 9.8p1", "2.4.1", alternatives with "||") and
// the vers form ("vers:generic/>=2.0.0|<2.4.2", package-url VERSION-RANGE-SPEC), which CSAF 2.0
// §3.1.2.3 recommends for product_version_range.

export type Comparison = -1 | 0 | 1;

interface Qualifier {
  /** -1 pre-release, +1 post-release */
  side: -1 | 1;
  rank: number;
  numbers: string[];
}

export interface ParsedVersion {
  raw: string;
  /** release numbers without leading zeros, as strings (no precision limit) */
  release: string[];
  /** understood qualifiers, or null when the suffix is not understood */
  qualifiers: Qualifier[] | null;
  /** the suffix after the release, normalised (lower case, separators removed) */
  tail: string;
}

const PRE_RANK: Record<string, number> = { dev: 0, snapshot: 0, alpha: 1, a: 1, beta: 2, b: 2, pre: 3, preview: 3, rc: 4, cr: 4 };
const POST_WORDS = new Set(["p", "pl", "patch", "post", "sp", "r", "rev", "u", "update", "hotfix", "hf", "build"]);

function stripZeros(n: string): string {
  return n.replace(/^0+(?=\d)/, "");
}

function compareNumbers(a: string, b: string): Comparison {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x === y ? 0 : x < y ? -1 : 1;
}

/** Parse a version; null when it does not start with a number (after an optional "v"). */
export function parseVersion(input: string): ParsedVersion | null {
  const raw = input.trim();
  const m = /^(?:v|ver\.?|version)?\s*(\d+(?:\.\d+)*)(.*)$/i.exec(raw);
  if (!m) return null;
  const release = m[1]!.split(".").map(stripZeros);
  const rest = m[2]!.replace(/\+.*$/, ""); // build metadata, SemVer 2.0.0 §10
  const tokens = rest.toLowerCase().match(/[a-z]+|\d+|[^a-z\d]+/g) ?? [];
  const words = tokens.filter((t) => /^[a-z\d]/.test(t));
  const junk = tokens.filter((t) => !/^[a-z\d]/.test(t) && !/^[-._~\s]+$/.test(t));
  const tail = words.join(".");
  if (junk.length > 0) return { raw, release, qualifiers: null, tail };
  const qualifiers: Qualifier[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const numbers: string[] = [];
    while (i + 1 < words.length && /^\d+$/.test(words[i + 1]!)) numbers.push(words[++i]!);
    if (/^\d+$/.test(w)) {
      // a number right after the release with a separator ("2.4.1-3") is not understood
      return { raw, release, qualifiers: null, tail };
    }
    const lonePatchLetter = w.length === 1 && numbers.length === 0 && i === words.length - 1 && qualifiers.length === 0;
    if (lonePatchLetter) {
      // OpenSSL-style letter patch releases: 1.0.2 < 1.0.2a < 1.0.2k
      qualifiers.push({ side: 1, rank: 1 + w.charCodeAt(0) - 97, numbers: [] });
    } else if (w in PRE_RANK) qualifiers.push({ side: -1, rank: PRE_RANK[w]!, numbers });
    else if (POST_WORDS.has(w)) qualifiers.push({ side: 1, rank: 0, numbers });
    else return { raw, release, qualifiers: null, tail };
  }
  return { raw, release, qualifiers, tail };
}

function compareRelease(a: string[], b: string[]): Comparison {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareNumbers(a[i] ?? "0", b[i] ?? "0");
    if (c !== 0) return c;
  }
  return 0;
}

function compareQualifiers(a: Qualifier[], b: Qualifier[]): Comparison {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const sx = x?.side ?? 0;
    const sy = y?.side ?? 0;
    if (sx !== sy) return sx < sy ? -1 : 1;
    if (!x || !y) continue;
    if (x.rank !== y.rank) return x.rank < y.rank ? -1 : 1;
    const m = Math.max(x.numbers.length, y.numbers.length);
    for (let j = 0; j < m; j++) {
      const c = compareNumbers(x.numbers[j] ?? "0", y.numbers[j] ?? "0");
      if (c !== 0) return c;
    }
  }
  return 0;
}

/** Compare two versions: -1, 0, 1, or null when the order cannot be known. */
export function compareVersions(a: string | ParsedVersion, b: string | ParsedVersion): Comparison | null {
  const x = typeof a === "string" ? parseVersion(a) : a;
  const y = typeof b === "string" ? parseVersion(b) : b;
  if (!x || !y) return null;
  const r = compareRelease(x.release, y.release);
  if (r !== 0) return r;
  if (x.qualifiers && y.qualifiers) return compareQualifiers(x.qualifiers, y.qualifiers);
  return x.tail === y.tail ? 0 : null;
}

export type Comparator = "<" | "<=" | ">" | ">=" | "=" | "!=";

export interface Constraint {
  op: Comparator;
  version: string;
}

export type VersionRange =
  | { kind: "all"; text: string }
  /** alternatives (||), each a conjunction of constraints */
  | { kind: "simple"; text: string; anyOf: Constraint[][] }
  /** vers: constraints in the spec's order (sorted by version, = / != first handled) */
  | { kind: "vers"; text: string; scheme: string; constraints: Constraint[] };

export type RangeParse = { ok: true; range: VersionRange } | { ok: false; message: string };

const CONSTRAINT = /^\s*(<=|>=|!=|==|=|<|>)?\s*([^\s,|<>=!]+)\s*(?:,\s*)?/;

function checkVersion(v: string): string | null {
  return parseVersion(v) ? null : `'${v}' is not a version (must start with a number)`;
}

/** Parse a range: "*", "< 2.4.2", ">=1.0 <2.0", "2.4.1", "a || b", or "vers:scheme/c1|c2". */
export function parseRange(input: string): RangeParse {
  const text = input.trim();
  if (text === "") return { ok: false, message: "empty version range" };
  if (/^vers:/i.test(text)) {
    const m = /^vers:([a-z0-9.+-]+)\/(.*)$/i.exec(text);
    if (!m) return { ok: false, message: `'${text}' is not a vers range (vers:<scheme>/<constraints>)` };
    const body = m[2]!.replace(/\s+/g, "");
    if (body === "*") return { ok: true, range: { kind: "all", text } };
    const constraints: Constraint[] = [];
    for (const part of body.split("|")) {
      const c = /^(<=|>=|!=|<|>|=)?(.+)$/.exec(part);
      if (!c) return { ok: false, message: `'${text}': empty constraint` };
      let version: string;
      try {
        version = decodeURIComponent(c[2]!);
      } catch {
        return { ok: false, message: `'${text}': bad percent-encoding in '${c[2]}'` };
      }
      const bad = checkVersion(version);
      if (bad) return { ok: false, message: `'${text}': ${bad}` };
      constraints.push({ op: (c[1] as Comparator | undefined) ?? "=", version });
    }
    return { ok: true, range: { kind: "vers", text, scheme: m[1]!.toLowerCase(), constraints } };
  }
  if (text === "*" || /^all( versions)?$/i.test(text)) return { ok: true, range: { kind: "all", text } };
  const anyOf: Constraint[][] = [];
  for (const alt of text.split("||")) {
    let rest = alt.trim();
    const group: Constraint[] = [];
    while (rest.length > 0) {
      const m = CONSTRAINT.exec(rest);
      if (!m || m[0].length === 0) return { ok: false, message: `'${text}': cannot read '${rest}'` };
      const op = (m[1] === "==" ? "=" : (m[1] as Comparator | undefined)) ?? "=";
      const bad = checkVersion(m[2]!);
      if (bad) return { ok: false, message: `'${text}': ${bad}` };
      group.push({ op, version: m[2]! });
      rest = rest.slice(m[0].length);
    }
    if (group.length === 0) return { ok: false, message: `'${text}': empty alternative` };
    anyOf.push(group);
  }
  return { ok: true, range: { kind: "simple", text, anyOf } };
}

function satisfies(v: ParsedVersion, c: Constraint): boolean | null {
  const r = compareVersions(v, c.version);
  if (r === null) return null;
  switch (c.op) {
    case "<":
      return r < 0;
    case "<=":
      return r <= 0;
    case ">":
      return r > 0;
    case ">=":
      return r >= 0;
    case "=":
      return r === 0;
    case "!=":
      return r !== 0;
  }
}

/** Three-valued AND / OR: false or true decides; otherwise unknown (null). */
function all(values: (boolean | null)[]): boolean | null {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}
function any(values: (boolean | null)[]): boolean | null {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

/** vers containment (VERSION-RANGE-SPEC "Checking if a version is contained within a range"). */
function versContains(v: ParsedVersion, constraints: Constraint[]): boolean | null {
  let unknown = false;
  for (const c of constraints.filter((c) => c.op === "=" || c.op === "!=")) {
    const r = compareVersions(v, c.version);
    if (r === null) unknown = true;
    else if (r === 0) return c.op === "=";
  }
  const bounds = constraints.filter((c) => c.op !== "=" && c.op !== "!=").sort((a, b) => compareVersions(a.version, b.version) ?? 0);
  if (bounds.length === 0) return unknown ? null : constraints.some((c) => c.op === "!=");
  if (bounds.length === 1) {
    const s = satisfies(v, bounds[0]!);
    return s === true ? true : unknown || s === null ? null : false;
  }
  const results: (boolean | null)[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const cur = bounds[i]!;
    const next = bounds[i + 1]!;
    const curLess = cur.op === "<" || cur.op === "<=";
    const nextGreater = next.op === ">" || next.op === ">=";
    if (i === 0 && curLess) results.push(satisfies(v, cur));
    if (i + 2 === bounds.length && nextGreater) results.push(satisfies(v, next));
    if (!curLess && !nextGreater) results.push(all([satisfies(v, cur), satisfies(v, next)]));
  }
  const r = any(results);
  return r === true ? true : unknown || r === null ? null : false;
}

/** Is the version in the range? null: the order could not be known (not a match, not a clean pass). */
export function rangeContains(range: VersionRange, version: string): boolean | null {
  const v = parseVersion(version);
  if (!v) return null;
  switch (range.kind) {
    case "all":
      return true;
    case "simple":
      return any(range.anyOf.map((group) => all(group.map((c) => satisfies(v, c)))));
    case "vers":
      return versContains(v, range.constraints);
  }
}

/** The lowest upper bound of a range ("< 2.4.2" -> "2.4.2"): a hint at the fixed version. */
export function upperBound(range: VersionRange): string | undefined {
  const cs = range.kind === "simple" ? range.anyOf.flat() : range.kind === "vers" ? range.constraints : [];
  const ups = cs.filter((c) => c.op === "<").map((c) => c.version);
  return ups.length === 1 ? ups[0] : undefined;
}
