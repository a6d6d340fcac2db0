// The S7comm and EtherNet/IP fuzz targets (scripts/fuzz/s7.ts, enip.ts: 10,000 cases per target with
// `npm run fuzz -- s7 enip`) at 300 cases per target inside the test run: no exception but the
// parser's typed error escapes, and the scripts keep working.
import { describe, expect, it } from "vitest";
import { fuzzOne } from "../../scripts/fuzz/lib.js";
import { S7_TARGETS } from "../../scripts/fuzz/s7.js";
import { ENIP_TARGETS } from "../../scripts/fuzz/enip.js";

describe("S7comm and EtherNet/IP parsers under fuzzing (300 cases per target)", () => {
  for (const t of [...S7_TARGETS, ...ENIP_TARGETS]) {
    it(t.name, () => {
      const r = fuzzOne(t, 300);
      expect(r.counterexample).toBeUndefined();
      expect(r.escapes).toBe(0);
    });
  }
});
