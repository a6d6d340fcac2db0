// Fuzz the BACnet/IP parsers (probes/bacnet/bvlc.ts, apdu.ts, tags.ts): BVLC (lengths, tables),
// NPDU (source/destination specifiers), APDU decoding (I-Am, ReadProperty / ReadPropertyMultiple
// ACKs, Error/Reject/Abort, segmentation) and the tag reader, on arbitrary bytes and on mutated real
// datagrams (icsnpp-bacnet captures). Only BacnetDecodeError may come out. `npm run fuzz -- bacnet`.
import { pathToFileURL } from "node:url";
import { decodeApdu } from "../../probes/bacnet/apdu.js";
import { decodeBvlc, decodeNpdu, MAX_TABLE_ENTRIES } from "../../probes/bacnet/bvlc.js";
import { BacnetDecodeError, MAX_VALUES, TagReader } from "../../probes/bacnet/tags.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";

const typed = (e: unknown) => e instanceof BacnetDecodeError;
const hex = (h: string) => Buffer.from(h, "hex");
// real datagrams (test/bacnet/fixtures/real-traffic.ts) and a few constructed ones
const DATAGRAMS = [
  "810b00170120ffff00ff1000c40200006f21329103212a",
  "810b001c0128ffff000003016cfe1000c40200006c2201e09100212a",
  "810a003001080003011d30930c0c0200001d19793e7518004c6974686f6e6961204c69676874696e672c20496e632e3f",
  "810a001e01080003011d309a0c0c0200001d19613e850605030b4830e03f",
  "810a001e01080003016c388801100e0c000008541e29555e9101911f5f1f",
  "810a00120120000d013dff5034149105911a",
  "8103000e0a000001bac0ffffffff",
  "8107000e0a09090900bac0025800",
  "810a002c010030050e0c020004d21e294d4e7506006e616d651f29794e75030041421f29465e9102912020205f1f1f",
].map(hex);

export const BACNET_TARGETS: FuzzTarget<any>[] = [
  {
    name: "BVLC (type, length, tables)",
    input: mutated(DATAGRAMS, 1500),
    typed,
    run(d: Buffer) {
      const b = decodeBvlc(d);
      if ("entries" in b && b.entries.length > MAX_TABLE_ENTRIES) throw new Error("table over its bound");
    },
  },
  {
    name: "BVLC + NPDU + APDU (a whole datagram)",
    input: mutated(DATAGRAMS, 1500),
    typed,
    run(d: Buffer) {
      const b = decodeBvlc(d);
      if (!("npdu" in b)) return;
      const n = decodeNpdu(b.npdu);
      if (n.networkMessage !== undefined) return;
      const a = decodeApdu(n.apdu);
      if (a.kind === "ack" && a.results.some((r) => (r.values?.length ?? 0) > MAX_VALUES)) throw new Error("values over their bound");
    },
  },
  {
    name: "tag reader (values until a closing tag)",
    input: mutated(
      DATAGRAMS.map((d) => d.subarray(4)),
      1500,
    ),
    typed,
    run(b: Buffer) {
      const r = new TagReader(b);
      r.valuesUntilClosing(3, "fuzz");
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("bacnet", BACNET_TARGETS);
