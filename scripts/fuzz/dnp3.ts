// Fuzz the DNP3 parsers (probes/dnp3/link.ts, app.ts): link framing of a byte stream, whole-frame
// decoding with CRC checks, transport reassembly and application response decoding (attributes,
// Secure Authentication objects, IIN), on arbitrary bytes and on mutated real frames (lying LEN,
// counts, ranges, lengths). Only Dnp3DecodeError may come out. `npm run fuzz -- dnp3 [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { Reassembly, decodeResponse } from "../../probes/dnp3/app.js";
import { Dnp3DecodeError, MAX_FRAME, decodeFrame, encodeFrame, frameLength } from "../../probes/dnp3/link.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof Dnp3DecodeError;
const hex = (h: string) => Buffer.from(h, "hex");
// real frames (test/dnp3/fixtures/real-traffic.ts: Zeek, ITI / opendnp3 captures)
const FRAMES = [
  "0564058b01006400a097",
  "056405c9000401009881",
  "056420440300040095e3c8c581000000d5000000020401000000607a00d7000000020403000000789f",
  "05641c440300040064bdc7c683900078015b010c0003000000009287000401737465768d5c",
  "05640a44030004007caee6f78210004fbd",
].map(hex);
const FRAGMENTS = [
  hex("c0810000" + "00fc000000010441434d45" + "00d1000000020105"),
  hex("c0830000" + "78015b010c0003000000000004010102030405"),
  hex("c0830000" + "78075b0109000100000001000000" + "04"),
  hex("d0820000"),
];

export const DNP3_TARGETS: FuzzTarget<any>[] = [
  {
    name: "link frame length (transport kit frame function)",
    input: mutated(FRAMES, 300),
    typed,
    run(b: Buffer) {
      const n = frameLength(b);
      if (n !== undefined && (n < 10 || n > MAX_FRAME)) throw new Error(`frame length ${n}`);
    },
  },
  {
    name: "whole link frame (header and block CRCs)",
    input: mutated(FRAMES, 300),
    typed,
    run(b: Buffer) {
      const f = decodeFrame(b);
      if (f.data.length > 250) throw new Error("user data over 250 bytes");
      if (!encodeFrame(f).equals(b)) throw new Error("a frame that decodes must re-encode to the same bytes");
    },
  },
  {
    name: "transport reassembly (segments in any order)",
    input: fc.array(
      fc.uint8Array({ minLength: 0, maxLength: 250 }).map((a) => Buffer.from(a)),
      { maxLength: 80 },
    ),
    typed,
    run(segs: Buffer[]) {
      const r = new Reassembly(4096, 64);
      for (const s of segs) {
        const out = r.push(s);
        if (out && out.length > 4096) throw new Error("fragment over the bound");
      }
    },
  },
  {
    name: "application response (attributes, g120, IIN)",
    input: mutated(FRAGMENTS, 2048),
    typed,
    run(b: Buffer) {
      const r = decodeResponse(b);
      if (r.attributes.length > 64 || r.auth.length > 64 || r.headers.length > 32) throw new Error("unbounded objects");
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("dnp3", DNP3_TARGETS);
