// Property tests of the DNP3 codec: every frame we encode decodes to itself, any single bit flip is
// caught by a CRC (or the framing), and the fuzz targets of scripts/fuzz/dnp3.ts hold at a
// vitest-sized run (the script runs 10,000+ cases per target: `npm run fuzz -- dnp3`).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DNP3_TARGETS } from "../../scripts/fuzz/dnp3.js";
import { fuzzOne } from "../../scripts/fuzz/lib.js";
import { Dnp3DecodeError, decodeFrame, encodeFrame, frameLength } from "../../probes/dnp3/link.js";

const frame = fc.record({
  dir: fc.boolean(),
  prm: fc.boolean(),
  fcb: fc.boolean(),
  fcvDfc: fc.boolean(),
  func: fc.integer({ min: 0, max: 15 }),
  dest: fc.integer({ min: 0, max: 0xffff }),
  src: fc.integer({ min: 0, max: 0xffff }),
  data: fc.uint8Array({ maxLength: 250 }).map((a) => Buffer.from(a)),
});

describe("DNP3 link frames (properties)", () => {
  it("encode -> decode is the identity, and frameLength matches", () => {
    fc.assert(
      fc.property(frame, (f) => {
        const b = encodeFrame(f);
        expect(frameLength(b)).toBe(b.length);
        expect(decodeFrame(b)).toEqual(f);
      }),
      { numRuns: 500 },
    );
  });
  it("any single bit flip is rejected (CRC or framing), never decoded as another frame", () => {
    fc.assert(
      fc.property(frame, fc.nat(), fc.integer({ min: 0, max: 7 }), (f, at, bit) => {
        const b = encodeFrame(f);
        const i = at % b.length;
        if (i === 2) return; // LEN: changes the frame's extent, checked by the framing tests
        b[i] ^= 1 << bit;
        expect(() => decodeFrame(b)).toThrow(Dnp3DecodeError);
      }),
      { numRuns: 500 },
    );
  });
});

describe("DNP3 fuzz targets (vitest-sized run)", () => {
  for (const t of DNP3_TARGETS) it(`${t.name}: 0 escapes at 400 cases`, () => expect(fuzzOne(t, 400).escapes).toBe(0));
});
