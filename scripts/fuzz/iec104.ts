// Fuzz the IEC 60870-5-104 APCI parser (probes/iec104/apci.ts): the stream frame function and whole
// APDU decoding, on arbitrary bytes, on mutated real frames (ITI captures) and on byte streams split
// at arbitrary points. Only Iec104DecodeError may come out. `npm run fuzz -- iec104 [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { Iec104DecodeError, MAX_APDU, apduLength, decodeApdu } from "../../probes/iec104/apci.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof Iec104DecodeError;
const REAL = [
  "680443000000",
  "680483000000",
  "680407000000",
  "68040b000000",
  "681a9a0028000d02010003001405000000f041001505000000314400",
  "680401009c00",
  "681528009c003a010600030095110081080017130d086d",
].map((h) => Buffer.from(h, "hex"));

export const IEC104_TARGETS: FuzzTarget<any>[] = [
  {
    name: "APDU length (transport kit frame function)",
    input: mutated(REAL, 300),
    typed,
    run(b: Buffer) {
      const n = apduLength(b);
      if (n !== undefined && (n < 6 || n > MAX_APDU)) throw new Error(`APDU length ${n}`);
    },
  },
  {
    name: "whole APDU (U, S, I formats)",
    input: mutated(REAL, 300),
    typed,
    run(b: Buffer) {
      const a = decodeApdu(b);
      if (a.format === "I" && (a.asduLength < 1 || a.asduLength > 249)) throw new Error("ASDU length out of range");
      if (a.format === "U" && b.length !== 6) throw new Error("U-format longer than 6 bytes");
    },
  },
  {
    name: "APDU stream split at arbitrary points",
    input: fc.tuple(fc.array(mutated(REAL, 260), { maxLength: 12 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 6 })),
    typed,
    run([frames, cuts]: [Buffer[], number[]]) {
      const all = Buffer.concat(frames);
      let buf = Buffer.alloc(0);
      for (let at = 0, i = 0; at < all.length; i++) {
        const n = cuts[i % cuts.length]!;
        buf = Buffer.concat([buf, all.subarray(at, at + n)]);
        at += n;
        for (let guard = 0; guard < 1000; guard++) {
          const len = apduLength(buf);
          if (len === undefined || buf.length < len) break;
          decodeApdu(buf.subarray(0, len));
          buf = buf.subarray(len);
        }
      }
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("iec104", IEC104_TARGETS);
