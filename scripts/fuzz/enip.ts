// Fuzz the EtherNet/IP parsers (probes/enip/wire.ts): encapsulation framing of a byte stream cut at
// any points, CPF lists, identity and service items, SendRRData replies (CIP responses with
// additional status), on arbitrary bytes and on mutated real ones (a FANUC R-30iB Plus ListIdentity
// item: test/enip/captures.ts). Only EnipWireError may come out. `npm run fuzz -- enip [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { identityFacts } from "../../probes/enip/probe.js";
import {
  CMD,
  EnipWireError,
  HEADER_LENGTH,
  ITEM,
  MAX_ITEMS,
  encode,
  frameLength,
  parseCpf,
  parseHeader,
  parseIdentityItem,
  parseRRDataReply,
  parseServiceItem,
} from "../../probes/enip/wire.js";
import { FANUC_R30IB_LIST_IDENTITY, hex } from "../../test/enip/captures.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof EnipWireError;
const LIST_IDENTITY = hex(FANUC_R30IB_LIST_IDENTITY);
const SERVICES = Buffer.concat([Buffer.from([1, 0, 0x00, 0x01, 20, 0, 1, 0, 0x20, 0x01]), Buffer.from("Communications\0\0", "latin1")]);
const RR = Buffer.concat([Buffer.alloc(6), Buffer.from([2, 0, 0, 0, 0, 0, 0xb2, 0, 7, 0, 0x8e, 0, 0, 1, 0x34, 0x12, 0x02])]);
const FRAMES = [encode(CMD.LIST_IDENTITY, LIST_IDENTITY), encode(CMD.LIST_SERVICES, SERVICES), encode(CMD.SEND_RR_DATA, RR, 0x1001)];

export const ENIP_TARGETS: FuzzTarget<any>[] = [
  {
    name: "encapsulation stream (frames split at arbitrary points)",
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
          const len = frameLength(buf);
          if (len === undefined || len > buf.length) break;
          if (len < HEADER_LENGTH || len > HEADER_LENGTH + 0xffff) throw new Error(`frame of ${len} bytes`);
          const h = parseHeader(buf.subarray(0, len));
          const body = buf.subarray(HEADER_LENGTH, len);
          try {
            if (h.command === CMD.SEND_RR_DATA) parseRRDataReply(body);
            else parseCpf(body);
          } catch (e) {
            if (!typed(e)) throw e;
          }
          buf = buf.subarray(len);
        }
      }
    },
  },
  {
    name: "CPF list with identity and service items",
    input: mutated([LIST_IDENTITY, SERVICES], 800),
    typed,
    run(b: Buffer) {
      const cpf = parseCpf(b);
      if (cpf.items.length > MAX_ITEMS) throw new Error(`${cpf.items.length} items`);
      for (const it of cpf.items) {
        try {
          if (it.typeId === ITEM.IDENTITY) identityFacts(parseIdentityItem(it.data));
          else parseServiceItem(it);
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }
    },
  },
  {
    name: "CIP identity item (raw)",
    input: mutated([LIST_IDENTITY.subarray(6)], 300),
    typed,
    run(b: Buffer) {
      const id = parseIdentityItem(b);
      if (id.productName.length > 255) throw new Error("product name over 255 bytes");
    },
  },
  {
    name: "SendRRData reply (CIP response, additional status)",
    input: mutated([RR], 400),
    typed,
    run(b: Buffer) {
      const r = parseRRDataReply(b);
      if (r.additional.length > 255) throw new Error("additional status over 255 words");
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("enip", ENIP_TARGETS);
