// Version ordering and ranges (src/advisories/version.ts): worked examples from real version
// schemes, and fast-check properties for the ordering invariants (reflexive, antisymmetric,
// transitive, numeric releases, pre < release < post) and for range membership.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareVersions, parseRange, parseVersion, rangeContains, type VersionRange } from "../../src/advisories/version.js";

function range(text: string): VersionRange {
  const r = parseRange(text);
  if (!r.ok) throw new Error(r.message);
  return r.range;
}

describe("compareVersions: worked examples", () => {
  it.each([
    ["2.4.1", "2.4.2", -1],
    ["2.4", "2.4.0", 0],
    ["2.4.10", "2.4.9", 1],
    ["V2.04", "2.4", 0],
    ["9.2p1", "9.3p1", -1],
    ["9.6", "9.6p1", -1], // OpenSSH portable p1 is after the release
    ["9.3p1", "9.3p2", -1],
    ["6.6.1p1", "9.6", -1],
    ["1.0.0-rc.1", "1.0.0", -1], // SemVer 2.0.0 §11 pre-release
    ["1.0.0-alpha", "1.0.0-beta", -1],
    ["1.0.0-beta.2", "1.0.0-rc1", -1],
    ["1.0.2", "1.0.2a", -1], // OpenSSL letter patches
    ["1.0.2a", "1.0.2k", -1],
    ["5.1.0 Build 510", "5.1.0 Build 511", -1],
    ["5.1.0", "5.1.0 build 2", -1],
    ["1.2.3+build.7", "1.2.3", 0], // SemVer 2.0.0 §10 build metadata
    ["2022.83", "2020.81", 1],
    ["99999999999999999999.1", "99999999999999999998.9", 1], // no float precision loss
  ] as const)("%s vs %s -> %d", (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
    expect(compareVersions(b, a)).toBe(-want || 0);
  });

  it("is unknown (null) when equal releases carry suffixes it does not understand", () => {
    expect(compareVersions("2.4.1-custom7", "2.4.1")).toBeNull();
    expect(compareVersions("2.4.1-3", "2.4.1")).toBeNull();
    expect(compareVersions("banana", "1.0")).toBeNull();
    // ...but the release alone decides when it differs
    expect(compareVersions("2.4.1-custom7", "2.5")).toBe(-1);
    expect(compareVersions("2.4.1-custom7", "2.4.1-custom7")).toBe(0);
  });
});

describe("ranges", () => {
  it("reads the simple form, alternatives and exact versions", () => {
    expect(rangeContains(range("< 9.6"), "9.2p1")).toBe(true);
    expect(rangeContains(range("< 9.6"), "9.6")).toBe(false);
    expect(rangeContains(range(">= 8.5p1, < 9.8p1"), "9.6")).toBe(true);
    expect(rangeContains(range(">=8.5p1 <9.8p1"), "8.4p1")).toBe(false);
    expect(rangeContains(range("< 4.4p1 || >= 8.5p1, < 9.8p1"), "4.3")).toBe(true);
    expect(rangeContains(range("2.4.1"), "2.4.1")).toBe(true);
    expect(rangeContains(range("==2.4.1"), "2.4.2")).toBe(false);
    expect(rangeContains(range("*"), "0.1")).toBe(true);
  });

  it("reads vers ranges (VERSION-RANGE-SPEC) including several intervals and exclusions", () => {
    const r = range("vers:generic/>=2.0.0|<2.4.2|>=3.0.0|<3.1.0|!=3.0.5");
    expect(rangeContains(r, "1.9")).toBe(false);
    expect(rangeContains(r, "2.0.0")).toBe(true);
    expect(rangeContains(r, "2.4.1")).toBe(true);
    expect(rangeContains(r, "2.4.2")).toBe(false);
    expect(rangeContains(r, "3.0.4")).toBe(true);
    expect(rangeContains(r, "3.0.5")).toBe(false);
    expect(rangeContains(r, "3.1.0")).toBe(false);
    expect(rangeContains(range("vers:semver/1.2.3|2.0.0"), "2.0.0")).toBe(true);
    expect(rangeContains(range("vers:generic/<1.0|>=2.0"), "1.5")).toBe(false);
    expect(rangeContains(range("vers:generic/<1.0|>=2.0"), "2.5")).toBe(true);
    expect(rangeContains(range("vers:all/*"), "7")).toBe(true);
  });

  it("answers null (not a match) when the order is unknown", () => {
    expect(rangeContains(range("< 2.4.2"), "2.4.2-custom")).toBeNull();
    expect(rangeContains(range("< 2.4.2"), "unknown")).toBeNull();
  });

  it("rejects what it cannot read, with a message", () => {
    for (const bad of ["", "< banana", "vers:generic", ">=", "1.0 || "]) {
      const r = parseRange(bad);
      expect(r.ok, bad).toBe(false);
    }
  });
});

// --- properties -------------------------------------------------------------------------------

const release = fc.array(fc.nat({ max: 30 }), { minLength: 1, maxLength: 4 });
const qualifier = fc.oneof(
  fc.constant(""),
  fc.tuple(fc.constantFrom("-alpha", "-beta", "-rc", "rc", "-dev", "p", "-patch", "sp", " build "), fc.nat({ max: 20 })).map(([w, n]) => `${w}${n}`),
  fc.constantFrom("a", "b", "k", "z"),
);
const version = fc.tuple(fc.constantFrom("", "v", "V"), release, qualifier).map(([p, r, q]) => `${p}${r.join(".")}${q}`);
const anyVersion = fc.oneof(
  version,
  fc.string({ maxLength: 12 }),
  fc.tuple(release, fc.string({ maxLength: 6 })).map(([r, s]) => `${r.join(".")}${s}`),
);

describe("ordering properties (fast-check)", () => {
  it("never throws, on any input", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        compareVersions(a, b);
        parseRange(a);
      }),
    );
  });

  it("is reflexive and antisymmetric", () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, (a, b) => {
        if (parseVersion(a)) expect(compareVersions(a, a)).toBe(0);
        const ab = compareVersions(a, b);
        const ba = compareVersions(b, a);
        expect(ab === null ? null : -ab || 0).toBe(ba);
      }),
      { numRuns: 2000 },
    );
  });

  it("is transitive where defined", () => {
    fc.assert(
      fc.property(anyVersion, anyVersion, anyVersion, (a, b, c) => {
        const ab = compareVersions(a, b);
        const bc = compareVersions(b, c);
        const ac = compareVersions(a, c);
        if (ab !== null && bc !== null && ab <= 0 && bc <= 0 && ac !== null) expect(ac).toBeLessThanOrEqual(0);
        if (ab === 0 && bc === 0 && ac !== null) expect(ac).toBe(0);
      }),
      { numRuns: 3000 },
    );
  });

  it("orders plain releases as zero-padded number tuples", () => {
    fc.assert(
      fc.property(release, release, (x, y) => {
        const n = Math.max(x.length, y.length);
        let want = 0;
        for (let i = 0; i < n && want === 0; i++) want = Math.sign((x[i] ?? 0) - (y[i] ?? 0));
        expect(compareVersions(x.join("."), y.join("."))).toBe(want);
      }),
    );
  });

  it("puts pre-releases before and post-releases after their release", () => {
    fc.assert(
      fc.property(release, fc.constantFrom("-alpha1", "-beta", "-rc.2", "-dev3"), fc.constantFrom("p1", "-patch2", "sp1", "k"), (r, pre, post) => {
        const v = r.join(".");
        expect(compareVersions(`${v}${pre}`, v)).toBe(-1);
        expect(compareVersions(v, `${v}${post}`)).toBe(-1);
        expect(compareVersions(`${v}${pre}`, `${v}${post}`)).toBe(-1);
      }),
    );
  });

  it("range membership agrees with the ordering", () => {
    // versions inside a simple range are single words ("5.1.0-build510", not "5.1.0 Build 510")
    const word = version.map((v) => v.replace(/ /g, "-"));
    fc.assert(
      fc.property(version, word, word, (v, lo, hi) => {
        const below = compareVersions(v, hi);
        expect(rangeContains(range(`< ${hi}`), v)).toBe(below === null ? null : below < 0);
        const a = compareVersions(v, lo);
        const inside = rangeContains(range(`vers:generic/>=${encodeURIComponent(lo)}|<${encodeURIComponent(hi)}`), v);
        if (a !== null && below !== null && (compareVersions(lo, hi) ?? 1) < 0) expect(inside).toBe(a >= 0 && below < 0);
      }),
      { numRuns: 2000 },
    );
  });
});
