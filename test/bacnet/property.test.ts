// Property tests of the BACnet codec (our encoders decode back; our bit strings are ASHRAE's bit order)
// and the fuzz targets of scripts/fuzz/bacnet.ts at a vitest-sized run (the script runs 10,000+ cases
// per target: `npm run fuzz -- bacnet`).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BACNET_TARGETS } from "../../scripts/fuzz/bacnet.js";
import { fuzzOne } from "../../scripts/fuzz/lib.js";
import { TagReader, appBits, appObject, appString, appUnsigned, closing, opening } from "../../probes/bacnet/tags.js";

const roundTrip = (value: Buffer) => new TagReader(Buffer.concat([opening(3), value, closing(3)]), 1).valuesUntilClosing(3, "test");

describe("BACnet tags (properties)", () => {
  it("unsigned, enumerated, strings, bit strings and object identifiers decode to what was encoded", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.string({ maxLength: 300 }),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }),
        fc.integer({ min: 0, max: 1023 }),
        fc.integer({ min: 0, max: 0x3fffff }),
        (n, s, bits, t, inst) => {
          expect(roundTrip(appUnsigned(n))).toEqual([{ type: "unsigned", value: n }]);
          expect(roundTrip(appUnsigned(n & 0xffff, 9))).toEqual([{ type: "enumerated", value: n & 0xffff }]);
          expect(roundTrip(appString(s))).toEqual([{ type: "string", charset: 0, value: Buffer.from(s, "utf8").toString("utf8") }]);
          const b = bits.map((x) => (x ? "1" : "0")).join("");
          expect(roundTrip(appBits(b))).toEqual([{ type: "bits", bits: b }]);
          expect(roundTrip(appObject(t, inst))).toEqual([{ type: "object", objectType: t, instance: inst }]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("BACnet fuzz targets (vitest-sized run)", () => {
  for (const t of BACNET_TARGETS) it(`${t.name}: 0 escapes at 400 cases`, () => expect(fuzzOne(t, 400).escapes).toBe(0));
});
