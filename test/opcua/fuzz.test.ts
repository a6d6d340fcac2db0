// A smaller run of the OPC UA fuzz targets (scripts/fuzz/opcua.ts runs 10,000+ cases per target):
// nothing but the decoder's typed errors escapes, and a valid stream survives any segmentation.
import { describe, expect, it } from "vitest";
import { fuzzOpcua, targets } from "../../scripts/fuzz/opcua.js";

describe("opcua wire decoders (property-based)", () => {
  it("every target holds for 300 cases", () => {
    const results = fuzzOpcua(300);
    expect(results).toHaveLength(targets.length);
    expect(results.filter((r) => r.failure).map((r) => `${r.name}: ${r.failure}`)).toEqual([]);
  }, 60_000);
});
