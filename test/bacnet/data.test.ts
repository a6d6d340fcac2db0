// Invariants of the BACnet knowledge file probes/bacnet/data/vendors.yaml (ASHRAE vendor ids): it
// loads through its schema, cites its source, ids are within the 16-bit vendor-id range, names are
// clean single-line text, and real traffic agrees with it (vendor 42 answering "Lithonia Lighting, Inc.").
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { vendorNameOf, vendorTable } from "../../probes/bacnet/knowledge.js";
import { PACKAGE_ROOT } from "../../src/version.js";

describe("probes/bacnet/data/vendors.yaml", () => {
  it("loads, cites ASHRAE, and every entry is a 16-bit id with a clean name", () => {
    const t = vendorTable();
    expect(t.source).toMatch(/ASHRAE/);
    const ids = Object.keys(t.vendors).map(Number);
    expect(ids.length).toBeGreaterThanOrEqual(50);
    for (const id of ids) expect(id).toBeLessThanOrEqual(0xffff);
    for (const name of Object.values(t.vendors)) expect(name).toMatch(/^[^\x00-\x1f\x7f]{2,80}$/);
  });
  it("has no duplicate id in the file itself (YAML would keep only the last)", () => {
    const text = readFileSync(join(PACKAGE_ROOT, "probes/bacnet/data/vendors.yaml"), "utf8");
    const keys = [...text.matchAll(/^ {2}(\d+):/gm)].map((m) => m[1]);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys((parse(text) as { vendors: object }).vendors).length).toBe(keys.length);
  });
  it("agrees with real traffic: the controller with vendor-identifier 42 says it is Lithonia Lighting", () => {
    expect("Lithonia Lighting, Inc.".startsWith(vendorNameOf(42)!)).toBe(true);
    expect(vendorNameOf(999_999)).toBeUndefined();
  });
});
