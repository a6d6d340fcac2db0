// Property tests of the IEC 104 APCI codec, and the fuzz targets of scripts/fuzz/iec104.ts at a
// vitest-sized run (the script runs 10,000+ cases per target: `npm run fuzz -- iec104`).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IEC104_TARGETS } from "../../scripts/fuzz/iec104.js";
import { fuzzOne } from "../../scripts/fuzz/lib.js";
import { apduLength, decodeApdu } from "../../probes/iec104/apci.js";

describe("IEC 104 APCI (properties)", () => {
  it("every I-format APDU decodes to its sequence numbers and type id", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0x7fff }),
        fc.integer({ min: 0, max: 0x7fff }),
        fc.integer({ min: 1, max: 255 }),
        fc.uint8Array({ minLength: 0, maxLength: 200 }),
        (tx, rx, type, rest) => {
          const b = Buffer.from([0x68, 5 + rest.length, (tx << 1) & 0xff, tx >> 7, (rx << 1) & 0xff, rx >> 7, type, ...rest]);
          expect(apduLength(b)).toBe(b.length);
          expect(decodeApdu(b)).toMatchObject({ format: "I", sendSeq: tx, recvSeq: rx, typeId: type });
        },
      ),
      { numRuns: 500 },
    );
  });
  it("exactly the six U functions decode; every other U control octet is refused", () => {
    const ok = new Set([0x07, 0x0b, 0x13, 0x23, 0x43, 0x83]);
    for (let c = 0; c < 256; c++) {
      if ((c & 0x03) !== 0x03) continue;
      const b = Buffer.from([0x68, 4, c, 0, 0, 0]);
      if (ok.has(c)) expect(decodeApdu(b)).toMatchObject({ format: "U" });
      else expect(() => decodeApdu(b)).toThrow(/not one function/);
    }
  });
});

describe("IEC 104 fuzz targets (vitest-sized run)", () => {
  for (const t of IEC104_TARGETS) it(`${t.name}: 0 escapes at 400 cases`, () => expect(fuzzOne(t, 400).escapes).toBe(0));
});
