// Fuzz the SNMP wire code (probes/snmp/ber.ts and what reads its output): message decoding on
// arbitrary bytes, on mutated valid messages (flipped, inserted and cut bytes, lying lengths), on
// random BER trees (any tags, nesting, lying lengths), plus engine-id decoding, value rendering,
// varbind conversion and answer classification. Only BerParseError may escape a decoder; the
// renderers and classifiers must not throw at all. Self-contained: `npm run fuzz -- snmp
// [--runs N] [--seed S]` (default 10,000 cases per target); it also default-exports the targets
// (test/snmp/fuzz.test.ts runs a smaller number of them in vitest).
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import {
  BerParseError,
  PDU,
  TAG,
  decodeMessage,
  encodeCommunityMessage,
  encodeInteger,
  encodeOctetString,
  encodePdu,
  encodeV3NoAuthMessage,
  octetsToText,
  tlv,
  valueToText,
  type SnmpMessage,
} from "../../probes/snmp/ber.js";
import { toReadVarbind } from "../../probes/snmp/community-reader.js";
import { decodeEngineId } from "../../probes/snmp/engine-id.js";
import { systemFromPdu } from "../../probes/snmp/system.js";
import { classifyName } from "../../probes/snmp/users.js";
import { classifySet } from "../../probes/snmp/write.js";

export interface SnmpFuzzTarget {
  name: string;
  input: fc.Arbitrary<Uint8Array>;
  /** true when the decoder rejected the input with BerParseError; any exception thrown is an escape */
  run(bytes: Uint8Array): boolean;
}

const oid = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 14 }))
  .map(([a, b, r]) => [a, b, ...r].join("."));
const value = fc.oneof(
  fc.uint8Array({ maxLength: 80 }).map((b) => encodeOctetString(b)),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }).map((v) => encodeInteger(v, TAG.COUNTER64)),
  fc.integer().map((v) => encodeInteger(v)),
  fc.constantFrom(
    Buffer.from([TAG.NULL, 0]),
    Buffer.from([TAG.NO_SUCH_OBJECT, 0]),
    Buffer.from([TAG.NO_SUCH_INSTANCE, 0]),
    Buffer.from([TAG.END_OF_MIB_VIEW, 0]),
  ),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => tlv(TAG.IP_ADDRESS, b)),
);
const varbinds = fc.array(fc.record({ oid, raw: value }), { maxLength: 12 });
const pduType = fc.constantFrom(PDU.GET, PDU.GET_NEXT, PDU.RESPONSE, PDU.SET, PDU.REPORT, PDU.GET_BULK, PDU.INFORM, PDU.TRAP_V2);

/** Valid messages of every shape the probe meets: v1/v2c of any PDU type, v3 noAuth (discovery and Reports). */
const validMessage: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom(0 as const, 1 as const),
      fc.uint8Array({ maxLength: 40 }),
      pduType,
      fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
      varbinds,
      fc.nat(20),
      fc.nat(20),
    )
    .map(([v, c, t, id, vbs, es, ei]) => encodeCommunityMessage(v, c, encodePdu(t, id, vbs, es, ei))),
  fc
    .tuple(
      fc.nat(2 ** 31 - 1),
      fc.uint8Array({ maxLength: 40 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
      fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
      fc.string({ maxLength: 40 }),
      pduType,
      varbinds,
    )
    .map(([msgId, engineId, boots, time, user, t, vbs]) =>
      encodeV3NoAuthMessage({ msgId, engineId, engineBoots: boots, engineTime: time, userName: user, pdu: encodePdu(t, msgId, vbs) }),
    ),
);

/** A valid message with 1-8 edits: byte overwrite, insertion, deletion, or a cut. */
const mutatedMessage: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    validMessage,
    fc.array(fc.tuple(fc.constantFrom("set", "insert", "delete", "cut"), fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
  )
  .map(([msg, edits]) => {
    let b = Buffer.from(msg);
    for (const [kind, at, byte] of edits) {
      const i = b.length ? at % b.length : 0;
      if (kind === "set" && b.length) b[i] = byte;
      else if (kind === "insert") b = Buffer.concat([b.subarray(0, i), Buffer.from([byte]), b.subarray(i)]);
      else if (kind === "delete") b = Buffer.concat([b.subarray(0, i), b.subarray(i + 1)]);
      else b = b.subarray(0, i);
    }
    return b;
  });

/** Random BER trees: any tag, nesting up to 6, and lengths that may lie (declared +/- a little, or huge). */
const berTree: fc.Arbitrary<Uint8Array> = fc
  .letrec<{ node: Buffer }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 24 })).map(([t, c]) => tlv(t, c)),
      fc
        .tuple(
          fc.constantFrom(0x30, 0xa0, 0xa2, 0xa8, 0x04, 0x06, 0x02),
          fc.array(tie("node"), { maxLength: 5 }),
          fc.integer({ min: -3, max: 3 }),
          fc.boolean(),
        )
        .map(([t, kids, lie, huge]) => {
          const body = Buffer.concat(kids);
          const real = tlv(t, body);
          if (lie === 0 && !huge) return real;
          const declared = huge ? 0x7fffffff : Math.max(0, body.length + lie);
          return Buffer.concat([Buffer.from([t, 0x84, declared >>> 24, (declared >>> 16) & 0xff, (declared >>> 8) & 0xff, declared & 0xff]), body]);
        }),
    ),
  }))
  .node.map((b) => new Uint8Array(b));

function decodeOrParseError(bytes: Uint8Array): SnmpMessage | undefined {
  try {
    return decodeMessage(bytes);
  } catch (e) {
    if (e instanceof BerParseError) return undefined;
    throw e;
  }
}

/** Decode, use what decoded; true when the decoder rejected the input. */
function decodeAndUse(bytes: Uint8Array): boolean {
  const m = decodeOrParseError(bytes);
  useDecoded(m);
  return m === undefined;
}

/** Everything the probe does with a decoded answer must not throw. */
function useDecoded(m: SnmpMessage | undefined): void {
  if (!m) return;
  classifyName(m);
  if (m.pdu) {
    systemFromPdu(m.pdu, "fuzz");
    classifySet(m, "1.3.6.1.2.1.1.6.0", Buffer.from([4, 0]), 1000);
    for (const vb of m.pdu.varbinds) {
      toReadVarbind(vb);
      try {
        valueToText(vb);
      } catch (e) {
        if (!(e instanceof BerParseError)) throw e;
      }
    }
  }
  if (m.v3) decodeEngineId(m.v3.engineId);
}

export const SNMP_TARGETS: SnmpFuzzTarget[] = [
  { name: "decodeMessage: arbitrary bytes", input: fc.uint8Array({ maxLength: 1500 }), run: decodeAndUse },
  {
    name: "decodeMessage: valid messages decode and are usable",
    input: validMessage,
    run: (b) => {
      if (decodeAndUse(b)) throw new Error(`a valid message was rejected: ${Buffer.from(b).toString("hex")}`);
      return false;
    },
  },
  { name: "decodeMessage: mutated valid messages", input: mutatedMessage, run: decodeAndUse },
  { name: "decodeMessage: random BER trees with lying lengths", input: berTree, run: decodeAndUse },
  {
    name: "decodeMessage: responses whose values are random BER trees",
    input: fc.tuple(fc.constantFrom(0 as const, 1 as const), fc.array(fc.tuple(oid, berTree), { minLength: 1, maxLength: 6 })).map(
      ([v, vbs]) =>
        new Uint8Array(
          encodeCommunityMessage(
            v,
            "public",
            encodePdu(
              PDU.RESPONSE,
              1,
              vbs.map(([o, raw]) => ({ oid: o, raw: Buffer.from(raw) })),
            ),
          ),
        ),
    ),
    run: decodeAndUse,
  },
  { name: "decodeEngineId: arbitrary engine ids (never throws)", input: fc.uint8Array({ maxLength: 80 }), run: (b) => (decodeEngineId(b), false) },
  {
    name: "octetsToText: arbitrary octets (never throws; no controls but TAB, LF, CRLF)",
    input: fc.uint8Array({ maxLength: 2000 }),
    run: (b) => {
      const s = octetsToText(b);
      if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/.test(s))
        throw new Error(`raw control character in ${JSON.stringify(s)}`);
      return false;
    },
  },
];

function arg(argv: string[], flag: string): number | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? Number(argv[i + 1]) : undefined;
}

/** Run every target; returns the number of targets with an escaped exception. */
export function runSnmpFuzz(runs: number, seed?: number, log: (line: string) => void = console.log): number {
  let failed = 0;
  for (const t of SNMP_TARGETS) {
    let rejected = 0;
    const started = Date.now();
    const out = fc.check(
      fc.property(t.input, (b) => {
        if (t.run(b)) rejected++;
      }),
      { numRuns: runs, ...(seed === undefined ? {} : { seed }) },
    );
    const line = `snmp  ${t.name.padEnd(62)} ${String(out.numRuns).padStart(7)} cases ${String(Date.now() - started).padStart(6)} ms`;
    if (out.failed) {
      failed++;
      log(`${line}  ESCAPED (seed ${out.seed}, path ${out.counterexamplePath}): ${String(out.errorInstance ?? "").split("\n")[0]}`);
    } else log(`${line}  0 exceptions escaped (${rejected} rejected with BerParseError)`);
  }
  return failed;
}

export default { protocol: "snmp", targets: SNMP_TARGETS };

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  process.exitCode = runSnmpFuzz(arg(argv, "--runs") ?? 10_000, arg(argv, "--seed")) ? 1 : 0;
}
