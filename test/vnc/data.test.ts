// Invariants of the VNC security-type knowledge (probes/vnc/data/security-types.yaml).
import { describe, expect, it } from "vitest";
import { classifyType, securityTypeDatabase } from "../../probes/vnc/knowledge.js";

const db = securityTypeDatabase();

describe("security-types.yaml", () => {
  it("every reason used is defined, and every defined reason is used", () => {
    const used = new Set(Object.values(db.types).flatMap((t) => t.reasons));
    for (const r of used) expect(db.reasons, r).toHaveProperty(r);
    expect(Object.keys(db.reasons).filter((r) => !used.has(r))).toEqual([]);
  });

  it("type numbers are RFB security type numbers (a u8 in 3.7/3.8)", () => {
    for (const k of Object.keys(db.types)) expect(Number(k)).toBeLessThanOrEqual(255);
  });

  it("none and weak types carry a severity; the others do not", () => {
    for (const [k, t] of Object.entries(db.types)) expect(t.severity !== undefined, k).toBe(t.status === "none" || t.status === "weak");
  });

  it("RFC 6143's own types: 0 invalid, 1 None, 2 VNC Authentication weak; nothing is judged good", () => {
    expect([0, 1, 2].map((t) => classifyType(t).status)).toEqual(["invalid", "none", "weak"]);
    expect(Object.values(db.types).some((t) => (t.status as string) === "ok")).toBe(false);
    expect(classifyType(77).status).toBe("unknown");
  });
});
