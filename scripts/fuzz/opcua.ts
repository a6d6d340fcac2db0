// Fuzz the OPC UA wire code of our own UACP client (probes/opcua/uacp-codec.ts, binary.ts): the chunk
// framer on arbitrary byte streams cut into arbitrary TCP segments (and on valid streams, which it
// must split back exactly), Acknowledge / Error / abort decoding, secure-conversation chunk headers
// and response assembly, and the OpenSecureChannel, GetEndpoints and FindServers response decoders
// on arbitrary bytes and on mutated valid answers (overwritten, cut and doubled bytes, lying
// lengths). Only UacpProtocolError (and UacpRemoteError, the decoded ERR/ServiceFault) may escape.
// Self-contained: `npm run fuzz -- opcua [--runs N] [--seed S]` (default 10,000 cases per target);
// it also exports the targets (test/opcua/fuzz.test.ts runs fewer of them in vitest).
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { BinaryReader, BinaryWriter, UacpProtocolError } from "../../probes/opcua/binary.js";
import {
  ChunkFramer,
  ENCODING_IDS,
  KEEP_LIMITS,
  POLICY_NONE,
  ResponseAssembler,
  UacpRemoteError,
  decodeAck,
  decodeError,
  frame,
  type Chunk,
} from "../../probes/opcua/uacp-codec.js";
import {
  decodeFindServersResponse,
  decodeGetEndpointsResponse,
  decodeOpenSecureChannelResponse,
  readEndpointDescription,
} from "../../probes/opcua/uacp-services.js";

export interface OpcuaFuzzTarget<T = Buffer> {
  name: string;
  input: fc.Arbitrary<T>;
  /** returns true when the decoder rejected the input with its typed error; anything else thrown is an escape */
  run(input: T): boolean;
}

function target<T>(t: OpcuaFuzzTarget<T>): OpcuaFuzzTarget<unknown> {
  return t as OpcuaFuzzTarget<unknown>;
}

/** the decoder's own errors: a rejection, not a bug */
function typed(e: unknown): boolean {
  if (e instanceof UacpProtocolError || e instanceof UacpRemoteError) return true;
  throw e;
}
function attempt(fn: () => void): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return typed(e);
  }
}

// --- valid material to mutate (OPC 10000-4 §7.14, §7.2; OPC 10000-6 §7.1.2, §6.7.2)

const str = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(POLICY_NONE), fc.constant("\u001b[2J\u0007\u202e"));
function responseHeader(w: BinaryWriter, result = 0) {
  w.dateTime(new Date(0)).uint32(1).uint32(result).uint8(0).int32(-1).uint8(0).uint8(0).uint8(0);
}
const endpoint = fc.record({
  url: str,
  app: str,
  mode: fc.integer({ min: -1, max: 5 }),
  policy: str,
  tokens: fc.array(fc.tuple(str, fc.integer({ min: -1, max: 6 }), fc.option(str)), { maxLength: 4 }),
  cert: fc.option(fc.uint8Array({ maxLength: 64 })),
});
const endpointsBody = fc.array(endpoint, { maxLength: 6 }).map((eps) => {
  const w = new BinaryWriter().fourByteNodeId(0, ENCODING_IDS.GetEndpointsResponse);
  responseHeader(w);
  w.int32(eps.length);
  for (const e of eps) {
    w.string(e.url).string(e.app).string("urn:p").uint8(0x02).string(e.app).int32(0).string(null).string(null).int32(1).string(e.url);
    w.byteString(e.cert ? Buffer.from(e.cert) : null)
      .int32(e.mode)
      .string(e.policy)
      .int32(e.tokens.length);
    for (const [id, type, policy] of e.tokens) w.string(id).int32(type).string(null).string(null).string(policy);
    w.string("http://opcfoundation.org/UA-Profile/Transport/uatcp-uasc-uabinary").uint8(1);
  }
  return w.toBuffer();
});
const serversBody = fc
  .array(fc.record({ uri: str, urls: fc.array(str, { maxLength: 12 }), type: fc.integer({ min: -1, max: 4 }) }), { maxLength: 20 })
  .map((ss) => {
    const w = new BinaryWriter().fourByteNodeId(0, ENCODING_IDS.FindServersResponse);
    responseHeader(w);
    w.int32(ss.length);
    for (const s of ss) {
      w.string(s.uri).string("urn:p").uint8(0x02).string("n").int32(s.type).string(null).string(null).int32(s.urls.length);
      for (const u of s.urls) w.string(u);
    }
    return w.toBuffer();
  });
const opnBody = fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(0, 0x80010000)).map(([ch, tok, result]) => {
  const w = new BinaryWriter().fourByteNodeId(0, ENCODING_IDS.OpenSecureChannelResponse);
  responseHeader(w, result);
  return w.uint32(0).uint32(ch).uint32(tok).dateTime(new Date(0)).uint32(60000).byteString(null).toBuffer();
});

/** overwrite bytes (often with length-like values), cut, or double a valid buffer */
function mutate(valid: fc.Arbitrary<Buffer>): fc.Arbitrary<Buffer> {
  const edit = fc.tuple(fc.nat(), fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0xff, 0x7f, 0x80, 0x00)), fc.boolean());
  return fc.tuple(valid, fc.array(edit, { maxLength: 8 }), fc.nat(), fc.boolean()).map(([v, edits, cut, twice]) => {
    const b = Buffer.from(twice ? Buffer.concat([v, v]) : v);
    for (const [at, value, lie] of edits) {
      if (!b.length) break;
      const i = at % b.length;
      // a "lie": an Int32 length field set to -1, -7, 2^31-1 or a huge element count
      if (lie && i + 4 <= b.length) b.writeInt32LE([-1, -7, 0x7fffffff, 50_000, 10_001][value % 5]!, i);
      else b[i] = value;
    }
    return b.subarray(0, b.length ? Math.max(1, b.length - (cut % Math.max(1, b.length))) : 0);
  });
}
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((u) => Buffer.from(u));
const either = (valid: fc.Arbitrary<Buffer>) => fc.oneof(bytes(2048), mutate(valid), valid);

/** a stream of frames (valid ones and garbage) and the segment sizes it is delivered in */
const framesOf = (types: string[]) =>
  fc
    .array(fc.tuple(fc.constantFrom(...types), bytes(300), fc.constantFrom("F", "C", "A")), { maxLength: 8 })
    .map((fs) => fs.map(([t, b, c]) => frame(t as "MSG", b, c as "F")));
/** what a server may send (Part 6 §7.1.2: ACK, ERR, RHE; secure conversation OPN, MSG, CLO), and a client-only HEL */
const frames = framesOf(["ACK", "ERR", "MSG", "OPN", "CLO", "HEL"]);
const serverFrames = framesOf(["ACK", "ERR", "MSG", "OPN", "CLO", "RHE"]);

function splitAt(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let i = 0;
  for (const s of sizes) {
    if (i >= buf.length) break;
    out.push(buf.subarray(i, i + 1 + s));
    i += 1 + s;
  }
  if (i < buf.length) out.push(buf.subarray(i));
  return out;
}

const sizes = fc.array(fc.integer({ min: 0, max: 64 }), { maxLength: 200 });

export const targets: OpcuaFuzzTarget<unknown>[] = [
  target({
    name: "framer: arbitrary bytes in arbitrary segments",
    input: fc.tuple(
      fc.oneof(
        bytes(4096),
        frames.map((f) => Buffer.concat(f)),
      ),
      sizes,
    ),
    run([stream, s]) {
      const framer = new ChunkFramer();
      return attempt(() => {
        for (const part of splitAt(stream, s)) framer.push(part);
        if (framer.pending > 65_536 + 8) throw new Error(`framer kept ${framer.pending} bytes, above one chunk`);
      });
    },
  }),
  target({
    name: "framer: valid streams in any segmentation come back exactly",
    input: fc.tuple(serverFrames, sizes),
    run([fs, s]) {
      const stream = Buffer.concat(fs);
      const framer = new ChunkFramer();
      const got: Chunk[] = [];
      for (const part of splitAt(stream, s)) got.push(...framer.push(part));
      const again = Buffer.concat(got.map((c) => frame(c.type as "MSG", c.body, c.chunk)));
      if (!again.equals(stream)) throw new Error("framer did not return the frames it was given");
      return false;
    },
  }),
  target({
    name: "Acknowledge",
    input: either(
      fc
        .array(fc.oneof(fc.nat(), fc.constant(8192), fc.constant(0xffffffff)), { minLength: 5, maxLength: 5 })
        .map((v) => Buffer.from(new Uint32Array(v).buffer)),
    ),
    run: (b) => attempt(() => decodeAck(b)),
  }),
  target({
    name: "ERR / abort reason",
    input: either(fc.tuple(fc.nat(), str).map(([c, r]) => new BinaryWriter().uint32(c).string(r).toBuffer())),
    run: (b) =>
      attempt(() => {
        const e = decodeError(b, "ERR");
        if (!(e instanceof UacpRemoteError)) throw new Error("decodeError must return a UacpRemoteError");
      }),
  }),

  target({
    name: "secure chunks: headers, abort chunks and assembly",
    input: fc.array(
      fc.tuple(
        fc.constantFrom("OPN", "MSG", "ERR"),
        fc.oneof(
          bytes(200),
          fc.tuple(bytes(8), str).map(([h, p]) => Buffer.concat([new BinaryWriter().uint32(1).string(p).int32(-1).int32(-1).toBuffer(), h])),
        ),
        fc.constantFrom<"F" | "C" | "A">("F", "C", "A"),
      ),
      { maxLength: 70 },
    ),
    run(cs) {
      const asm = new ResponseAssembler(cs[0]?.[0] === "OPN" ? "OPN" : "MSG", "fuzz");
      return attempt(() => {
        for (const [type, body, chunk] of cs) if (asm.add({ type, chunk, body })) break;
      });
    },
  }),
  target({ name: "OpenSecureChannel response", input: either(opnBody), run: (b) => attempt(() => decodeOpenSecureChannelResponse(b)) }),
  target({
    name: "GetEndpoints response",
    input: either(endpointsBody),
    run: (b) =>
      attempt(() => {
        const r = decodeGetEndpointsResponse(b);
        if (r.items.length > KEEP_LIMITS.endpoints) throw new Error("more endpoints kept than the limit");
        for (const e of r.items)
          if (e.userIdentityTokens.length > KEEP_LIMITS.userTokens || e.applicationName.length > 1100) throw new Error("an endpoint kept more than its limits");
      }),
  }),

  target({
    name: "FindServers response",
    input: either(serversBody),
    run: (b) =>
      attempt(() => {
        const r = decodeFindServersResponse(b);
        if (r.items.length > KEEP_LIMITS.servers || r.items.some((s) => s.discoveryUrls.length > KEEP_LIMITS.discoveryUrls))
          throw new Error("more servers or URLs kept than the limits");
      }),
  }),

  target({
    name: "EndpointDescription alone",
    input: either(endpointsBody.map((b) => b.subarray(32))),
    run: (b) => attempt(() => readEndpointDescription(new BinaryReader(b))),
  }),
];

export function fuzzOpcua(runs: number, seed?: number): { name: string; runs: number; rejected: number; ms: number; failure?: string }[] {
  return targets.map((t) => {
    let rejected = 0;
    const started = Date.now();
    const result = fc.check(
      fc.property(t.input, (b) => {
        if (t.run(b)) rejected++;
      }),
      { numRuns: runs, ...(seed !== undefined ? { seed } : {}) },
    );
    return { name: t.name, runs, rejected, ms: Date.now() - started, ...(result.failed ? { failure: fc.defaultReportMessage(result) ?? "failed" } : {}) };
  });
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const runs = Number(arg("--runs") ?? 10_000);
  const seed = arg("--seed") === undefined ? undefined : Number(arg("--seed"));
  let failed = false;
  for (const r of fuzzOpcua(runs, seed)) {
    if (r.failure) failed = true;
    console.log(
      `${r.failure ? "FAIL" : "ok  "} opcua/${r.name}: ${r.runs} cases (${r.rejected} rejected with the typed error) in ${r.ms} ms${r.failure ? `\n${r.failure}` : ""}`,
    );
  }
  process.exit(failed ? 1 : 0);
}
