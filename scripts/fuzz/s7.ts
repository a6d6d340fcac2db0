// Fuzz the S7comm parsers (probes/s7/wire.ts, szl.ts): TPKT framing of a byte stream cut at any
// points, COTP TPDUs, S7 headers, Setup communication answers, userdata Read SZL fragments, SZL
// lists and the four list decoders, on arbitrary bytes and on mutated real ones (an S7-1200's COTP
// and S7comm-plus TPDUs, a CPU 315's SZL lists: test/s7/captures.ts). Only S7WireError may come
// out. `npm run fuzz -- s7 [--runs N]` (10,000 cases per target by default).
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { MAX_RECORDS, decodeComponentIdentification, decodeCpuMode, decodeModuleIdentification, decodeProtection, parseSzlList } from "../../probes/s7/szl.js";
import {
  S7WireError,
  parseS7,
  parseSetupAnswer,
  parseSzlFragment,
  parseTpkt,
  readSzlRequest,
  setupCommunication,
  tpktFrameLength,
} from "../../probes/s7/wire.js";
import { CPU_315, S7_1200, hex } from "../../test/s7/captures.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof S7WireError;
const FRAMES: Buffer[] = [
  ...[S7_1200.cotpCr, S7_1200.cotpCc, S7_1200.s7plusCreateObjectAnswer, S7_1200.s7plusV2Answer].map(hex),
  setupCommunication(1),
  readSzlRequest(2, 0x0011, 0),
];
const szlAnswer = (data: string) => {
  const d = hex(data);
  const param = Buffer.from([0, 1, 0x12, 8, 0x12, 0x84, 1, 1, 0, 0, 0, 0]);
  const h = Buffer.from([0x32, 7, 0, 0, 0, 1, 0, 12, d.length >> 8, d.length & 0xff]);
  return Buffer.concat([h, param, d]);
};
const S7PDUS = [
  szlAnswer(CPU_315.szl0011),
  szlAnswer(CPU_315.szl0232idx4),
  szlAnswer(CPU_315.szl0424),
  Buffer.from("320300000001000800000000f0000001000100f0", "hex"),
];
const LISTS = [CPU_315.szl0011, CPU_315.szl0232idx4, CPU_315.szl0424].map((h) => hex(h).subarray(4));

export const S7_TARGETS: FuzzTarget<any>[] = [
  {
    name: "TPKT stream (frames split at arbitrary points)",
    input: fc.tuple(mutated(FRAMES, 600), fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 })),
    typed,
    run([bytes, cuts]: [Buffer, number[]]) {
      let buf = Buffer.alloc(0);
      let at = 0;
      for (let i = 0; at < bytes.length; i++) {
        const n = cuts[i % cuts.length]!;
        buf = Buffer.concat([buf, bytes.subarray(at, at + n)]);
        at += n;
        for (let guard = 0; guard < 1000; guard++) {
          const len = tpktFrameLength(buf);
          if (len === undefined || len > buf.length) break;
          if (len < 7 || len > 0xffff) throw new Error(`frame of ${len} bytes accepted`);
          parseTpkt(buf.subarray(0, len));
          buf = buf.subarray(len);
        }
      }
    },
  },
  {
    name: "COTP TPDU (CR/CC/DR/ER/DT)",
    input: mutated(FRAMES, 400),
    typed,
    run(b: Buffer) {
      const t = parseTpkt(b);
      if (t.kind === "cc" && t.tpduSize !== undefined && (t.tpduSize < 128 || t.tpduSize > 8192)) throw new Error(`TPDU size ${t.tpduSize}`);
    },
  },
  {
    name: "S7 header, Setup communication answer, Read SZL fragment",
    input: mutated(S7PDUS, 600),
    typed,
    run(b: Buffer) {
      const p = parseS7(b);
      if (p.param.length + p.data.length > b.length) throw new Error("parts longer than the PDU");
      if (p.param[0] === 0xf0) parseSetupAnswer(p);
      else parseSzlFragment(p);
    },
  },
  {
    name: "SZL list and its decoders (module, component, protection, mode)",
    input: mutated(LISTS, 3000),
    typed,
    run(b: Buffer) {
      const l = parseSzlList(b);
      if (l.records.length > MAX_RECORDS || l.records.length > l.announced) throw new Error(`${l.records.length} records`);
      for (const d of [decodeModuleIdentification, decodeComponentIdentification, decodeProtection, decodeCpuMode]) {
        try {
          d(l);
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("s7", S7_TARGETS);
