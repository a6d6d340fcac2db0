// Fuzz the Modbus/TCP parsers (probes/modbus/mbap.ts): MBAP framing of a byte stream, the stream
// frame function, Read Device Identification (MEI 14) and Report Server ID decoders, on arbitrary
// bytes and on mutated valid answers (lying counts, lengths, "more follows"). Only MbapDecodeError
// may come out. `npm run fuzz -- modbus [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import {
  MbapDecodeError,
  decodeDeviceIdResponse,
  decodeReadResponse,
  decodeReportServerIdResponse,
  encodeFrame,
  extractFrame,
  mbapFrameLength,
} from "../../probes/modbus/mbap.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof MbapDecodeError;
const mei = (objects: [number, string][], more = 0, next = 0) =>
  Buffer.concat([
    Buffer.from([0x2b, 0x0e, 1, 0x83, more, next, objects.length]),
    ...objects.map(([id, v]) => Buffer.concat([Buffer.from([id, v.length]), Buffer.from(v, "latin1")])),
  ]);
const MEI_SAMPLES = [
  mei([
    [0, "Vendor"],
    [1, "P"],
    [2, "1.0"],
  ]),
  mei([[0x80, "x".repeat(200)]], 0xff, 0x81),
  mei([]),
  mei([
    [0, ""],
    [0, "dup"],
  ]),
];
const FRAME_SAMPLES = MEI_SAMPLES.map((pdu, i) => encodeFrame({ transactionId: i, unitId: 1, pdu }));

export const MODBUS_TARGETS: FuzzTarget<any>[] = [
  {
    name: "MBAP stream (frames split at arbitrary points)",
    input: fc.tuple(mutated(FRAME_SAMPLES, 600), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 })),
    typed: () => false, // extractFrame reports invalid headers as a value, never throws
    run([bytes, cuts]: [Buffer, number[]]) {
      let buf = Buffer.alloc(0);
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length]!;
        buf = Buffer.concat([buf, bytes.subarray(at, at + n)]);
        at += n;
        for (let guard = 0; guard < 1000; guard++) {
          const r = extractFrame(buf);
          if (r.kind !== "frame") break;
          if (r.consumed < 8 || r.consumed > 260) throw new Error(`frame of ${r.consumed} bytes accepted`);
          buf = buf.subarray(r.consumed);
        }
      }
    },
  },
  {
    name: "MBAP frame length (transport kit frame function)",
    input: mutated(FRAME_SAMPLES, 300),
    typed,
    run(b: Buffer) {
      const n = mbapFrameLength(b);
      if (n !== undefined && (n < 8 || n > 260)) throw new Error(`frame length ${n}`);
    },
  },
  {
    name: "Read Device Identification response (MEI 14)",
    input: mutated(MEI_SAMPLES, 260),
    typed,
    run(b: Buffer) {
      const r = decodeDeviceIdResponse(b);
      if (r.objects.length !== b[6] || r.trailing < 0) throw new Error("object count or trailing bytes inconsistent");
    },
  },
  {
    name: "Report Server ID response (FC 17)",
    input: mutated([Buffer.from([0x11, 5, 0xfa, 0xff, 0x50, 0x4d, 0x37]), Buffer.from([0x11, 4, 0x41, 0x42, 0x43, 0x00])], 260),
    typed,
    run(b: Buffer) {
      const r = decodeReportServerIdResponse(b);
      if (r.runIndicator && ![0x00, 0xff].includes(r.data[r.runIndicator.offset]!)) throw new Error("run indicator not on a status byte");
    },
  },
  {
    name: "read response (FC 1/3)",
    input: fc.tuple(mutated([Buffer.from([3, 2, 0, 1]), Buffer.from([1, 1, 1])], 260), fc.integer({ min: 1, max: 125 })),
    typed,
    run([b, q]: [Buffer, number]) {
      if (decodeReadResponse(b, q).length !== q) throw new Error("wrong number of values");
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("modbus", MODBUS_TARGETS);
