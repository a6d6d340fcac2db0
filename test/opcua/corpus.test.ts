// The hostile-peer corpus for the OPC UA probe (issue 13): scripted UACP peers that lie about
// lengths, flood, drip, reset mid-handshake, abort chunks, nest, send huge or negative arrays and
// put control characters in every string. Each case asserts: a device result is written, nothing
// unverifiable passes (only the rules the case names may pass), the probe ends within its cap, the
// result stays small and the heap bounded. Passive phase only (no node-opcua): fast.
import { describe, expect, it } from "vitest";
import type { Socket } from "node:net";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { BinaryWriter, ENCODING_IDS, POLICY_NONE, frame } from "../../probes/opcua/uacp.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";
import {
  ack,
  conversation,
  endpointDescription,
  errMessage,
  findServersBody,
  getEndpointsBody,
  msgPrefix,
  opnBody,
  requestTypeId,
  startFakePeer,
  type FakeEndpoint,
  type OnMessage,
} from "./fake-server.js";

const TIMEOUT_MS = 1000;
const CAP_MS = TIMEOUT_MS * 12 + 2 * TIMEOUT_MS; // the core's probe cap, plus its settle grace
const opts: AuditOptions = {
  plugins: [plugin],
  timeoutMs: TIMEOUT_MS,
  concurrency: 1,
  intrusive: false,
  credentials: [],
  failOn: "high",
  log: pino({ level: "silent" }),
};
const B256 = "http://opcfoundation.org/UA/SecurityPolicy#Basic256Sha256";
const EVIL = "\u001b[2J\u0007\u202eevil\r";
// a None endpoint with a UserName token (cleartext): no session check needed, nothing can pass
const plain = (over: Partial<FakeEndpoint> = {}): FakeEndpoint => ({
  url: "opc.tcp://plc:4840",
  policyUri: POLICY_NONE,
  mode: 1,
  tokens: [{ policyId: "u", type: 1 }],
  ...over,
});

/** Write `bytes` in segments of `size`, a macrotask apart (small TCP segments). */
function trickle(socket: Socket, bytes: Buffer, size = 1, delayMs = 0): void {
  let i = 0;
  const next = () => {
    if (i >= bytes.length || socket.destroyed) return;
    socket.write(bytes.subarray(i, i + size));
    i += size;
    if (delayMs > 0) setTimeout(next, delayMs);
    else setImmediate(next);
  };
  socket.setNoDelay(true);
  next();
}

/** A MSG body split into chunks of `payload` bytes after the 16-byte header (C...C F). */
function chunked(body: Buffer, payload: number, last: "F" | "A" = "F"): Buffer {
  const head = body.subarray(0, 16);
  const rest = body.subarray(16);
  const out: Buffer[] = [];
  for (let i = 0; i < rest.length; i += payload)
    out.push(frame("MSG", Buffer.concat([head, rest.subarray(i, i + payload)]), i + payload >= rest.length ? last : "C"));
  return Buffer.concat(out);
}

/** Answer GetEndpoints with `msg` (raw bytes on the socket), everything else normally. */
function onGetEndpoints(write: (s: Socket) => void): OnMessage {
  const base = conversation([]);
  return (type, socket, body, c) => {
    if (type === "MSG" && requestTypeId(body) === ENCODING_IDS.GetEndpointsRequest) return write(socket);
    base(type, socket, body, c);
  };
}

/** An OPN chunk: asymmetric header (policy, no certificates), sequence header, then `rest`. */
function opnChunk(policy: string, rest: Buffer, kind: "F" | "A" = "F"): Buffer {
  return frame(
    "OPN",
    Buffer.concat([new BinaryWriter().uint32(7).string(policy).byteString(null).byteString(null).uint32(1).uint32(1).toBuffer(), rest]),
    kind,
  );
}
const OPN_HEADER = 4 + 4 + POLICY_NONE.length + 4 + 4 + 8;

function endpointsResponse(count: number, declared = count, e: FakeEndpoint = plain()): Buffer {
  const w = msgPrefix(ENCODING_IDS.GetEndpointsResponse);
  w.int32(declared);
  for (let i = 0; i < count; i++) endpointDescription(w, e);
  return w.toBuffer();
}

/** A response header whose DiagnosticInfo nests `depth` times. */
function nestedDiagnostics(depth: number): Buffer {
  const w = new BinaryWriter().uint32(7).uint32(1).uint32(2).uint32(2);
  w.fourByteNodeId(0, ENCODING_IDS.GetEndpointsResponse);
  w.dateTime(new Date()).uint32(2).uint32(0);
  for (let i = 0; i < depth; i++) w.uint8(0x40);
  w.uint8(0).int32(-1).uint8(0).uint8(0).uint8(0).int32(0);
  return frame("MSG", w.toBuffer());
}

interface Case {
  name: string;
  peer: OnMessage;
  /** rules that may pass here (the peer answered something verifiable) */
  allowPass?: string[];
  check?: (r: Awaited<ReturnType<typeof auditDevice>>) => void;
}

const list = (eps: FakeEndpoint[]) => getEndpointsBody(eps);
/** what a complete list of known token types verifies: anonymous access and the modes offered */
const LIST = [
  "opcua.security-mode.invalid",
  "opcua.user-token.anonymous",
  "opcua.anonymous.writable-variables",
  "opcua.anonymous.writable-attributes",
  "opcua.anonymous.executable-methods",
  "opcua.anonymous.writable-diagnostics",
];
/** ... and, for a list of known policies, that none is deprecated */
const KNOWN = [...LIST, "opcua.security-policy.deprecated"];
// the large answers are built once, before the cases run concurrently (building them blocks)
/** as many endpoints as one message within our 4 MiB / 64-chunk limits holds */
const MANY = Math.floor(3_900_000 / (endpointsResponse(1).length - endpointsResponse(0).length));
const MANY_ENDPOINTS = chunked(endpointsResponse(MANY), 65_000);
const SERVERS_10K = chunked(
  findServersBody(Array.from({ length: 10_000 }, (_, i) => ({ applicationUri: `urn:s${i}`, discoveryUrls: [`opc.tcp://192.0.2.${i % 250}:4840`] }))),
  65_000,
);
const CASES: Case[] = [
  { name: "Hello answered with HTTP", peer: (_t, s) => s.write("HTTP/1.1 400 Bad Request\r\n\r\n") },
  {
    name: "ERR whose reason holds ESC, BEL, U+202E (kept as received)",
    peer: (_t, s) => s.write(errMessage(0x80820000, EVIL)),
    check: (r) => expect(r.facts.opcua?.error?.message).toContain(EVIL),
  },
  { name: "ERR flood", peer: (_t, s) => s.write(Buffer.concat(Array.from({ length: 2000 }, () => errMessage(0x80820000, "busy")))) },
  { name: "silence", peer: () => undefined },
  { name: "FIN right after Hello", peer: (_t, s) => s.end() },
  { name: "reset right after Hello", peer: (_t, s) => s.resetAndDestroy() },
  { name: "reset mid-handshake (after OPN)", peer: (t, s) => (t === "HEL" ? s.write(ack()) : t === "OPN" ? s.resetAndDestroy() : undefined) },
  {
    name: "ReverseHello instead of Acknowledge",
    peer: (_t, s) => s.write(frame("RHE" as "ACK", new BinaryWriter().string("urn:x").string("opc.tcp://x").toBuffer())),
  },
  { name: "Acknowledge with ReceiveBufferSize below 8192", peer: (_t, s) => s.write(ack({ receiveBufferSize: 1024 })) },
  { name: "Acknowledge truncated", peer: (_t, s) => s.write(frame("ACK", Buffer.alloc(4))) },
  {
    name: "header announcing more bytes than sent, then silence",
    peer: (_t, s) => s.write(Buffer.concat([Buffer.from("ACKF"), Buffer.from([0x00, 0x10, 0x00, 0x00]), Buffer.alloc(20)])),
  },
  { name: "header size below 8", peer: (_t, s) => s.write(Buffer.concat([Buffer.from("ACKF"), Buffer.from([4, 0, 0, 0])])) },
  { name: "header size of 4 GiB", peer: (_t, s) => s.write(Buffer.concat([Buffer.from("ACKF"), Buffer.from([0xff, 0xff, 0xff, 0xff])])) },
  { name: "unknown message type", peer: (_t, s) => s.write(Buffer.concat([Buffer.from("XYZF"), Buffer.from([8, 0, 0, 0])])) },
  {
    name: "OPN response with a case variant of the None policy",
    peer: (t, s) => (t === "HEL" ? s.write(ack()) : t === "OPN" ? s.write(opnChunk(POLICY_NONE.toLowerCase(), opnBody().subarray(OPN_HEADER))) : undefined),
  },
  {
    name: "OPN abort chunk with control characters",
    peer: (t, s) =>
      t === "HEL"
        ? s.write(ack())
        : t === "OPN"
          ? s.write(opnChunk(POLICY_NONE, new BinaryWriter().uint32(0x80010000).string(EVIL).toBuffer(), "A"))
          : undefined,
    check: (r) => expect(r.facts.opcua?.error?.message).toContain(EVIL),
  },
  {
    name: "OPN answered with a ServiceFault",
    peer: (t, s) =>
      t === "HEL"
        ? s.write(ack())
        : t === "OPN"
          ? s.write(
              opnChunk(
                POLICY_NONE,
                Buffer.concat([
                  new BinaryWriter()
                    .fourByteNodeId(0, ENCODING_IDS.ServiceFault)
                    .dateTime(new Date())
                    .uint32(1)
                    .uint32(0x80010000)
                    .uint8(0)
                    .int32(-1)
                    .uint8(0)
                    .uint8(0)
                    .uint8(0)
                    .toBuffer(),
                ]),
              ),
            )
          : undefined,
  },
  {
    name: "unrequested flood after Acknowledge",
    peer: (t, s) => (t === "HEL" ? s.write(Buffer.concat([ack(), ...Array.from({ length: 500 }, () => frame("MSG", Buffer.alloc(0)))])) : undefined),
  },
  { name: "GetEndpoints aborted (abort chunk)", peer: onGetEndpoints((s) => s.write(chunked(endpointsResponse(3), 100, "A"))) },
  {
    name: "ERR in the middle of a chunked GetEndpoints",
    peer: onGetEndpoints((s) => s.write(Buffer.concat([chunked(endpointsResponse(3), 100).subarray(0, 150), errMessage(0x80010000, "x")]))),
  },
  { name: "65 chunks (above our MaxChunkCount)", peer: onGetEndpoints((s) => s.write(chunked(endpointsResponse(65), 130))) },
  {
    name: "GetEndpoints in 200-byte chunks",
    peer: onGetEndpoints((s) => s.write(chunked(list([plain(), plain({ url: "opc.tcp://plc:4841", tokens: [{ policyId: "c", type: 2 }] })]), 200))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpoints).toHaveLength(2),
    allowPass: KNOWN,
  },
  {
    name: "GetEndpoints chunked and sent in 1-byte TCP segments",
    peer: onGetEndpoints((s) => trickle(s, chunked(list([plain()]), 64))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpoints).toHaveLength(1),
    allowPass: KNOWN,
  },
  { name: "drip: one byte every 40 ms (an absolute deadline ends it)", peer: (t, s) => (t === "HEL" ? trickle(s, ack(), 1, 40) : undefined) },
  { name: "drip: chunks just inside the timeout, forever", peer: onGetEndpoints((s) => trickle(s, chunked(endpointsResponse(60), 40), 80, TIMEOUT_MS - 100)) },
  { name: "endpoint array null (-1)", peer: onGetEndpoints((s) => s.write(frame("MSG", endpointsResponse(0, -1)))) },
  { name: "endpoint array negative (-5)", peer: onGetEndpoints((s) => s.write(frame("MSG", endpointsResponse(0, -5)))) },
  {
    name: "endpoint array announcing 50,000, holding 2",
    peer: onGetEndpoints((s) => s.write(frame("MSG", endpointsResponse(2, 50_000)))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpointList).toMatchObject({ declared: 50_000, kept: 2 }),
  },
  {
    name: "an endpoint that breaks after two good ones keeps the two",
    peer: onGetEndpoints((s) => s.write(frame("MSG", Buffer.concat([endpointsResponse(2, 3), Buffer.from([0xff, 0xff, 0xff, 0x7f])])))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpointList?.error).toMatch(/endpoint 3 of 3/),
  },
  {
    name: "String length that lies (2 GiB)",
    peer: onGetEndpoints((s) =>
      s.write(frame("MSG", Buffer.concat([msgPrefix(ENCODING_IDS.GetEndpointsResponse).int32(1).toBuffer(), Buffer.from([0xff, 0xff, 0xff, 0x7f])]))),
    ),
  },
  {
    name: "String length negative (-7)",
    peer: onGetEndpoints((s) =>
      s.write(frame("MSG", Buffer.concat([msgPrefix(ENCODING_IDS.GetEndpointsResponse).int32(1).toBuffer(), Buffer.from([0xf9, 0xff, 0xff, 0xff])]))),
    ),
  },
  { name: "DiagnosticInfo nested 100 deep", peer: onGetEndpoints((s) => s.write(nestedDiagnostics(100))) },
  {
    name: "unknown NodeId encoding for the response type",
    peer: onGetEndpoints((s) => s.write(frame("MSG", Buffer.concat([Buffer.alloc(16), Buffer.from([0x3f, 0, 0])])))),
  },
  {
    name: "a 60 KB ApplicationName is cut in the facts",
    peer: onGetEndpoints((s) => s.write(chunked(list([plain({ applicationName: "A".repeat(60_000) })]), 60_000))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpoints[0]!.applicationName.length).toBeLessThan(1100),
    allowPass: KNOWN,
  },
  {
    name: "control characters in every string field (kept as received)",
    peer: onGetEndpoints((s) =>
      s.write(
        frame(
          "MSG",
          list([
            {
              url: `opc.tcp://${EVIL}:4840`,
              policyUri: EVIL,
              mode: 1,
              tokens: [{ policyId: EVIL, type: 1, policyUri: EVIL }],
              applicationUri: EVIL,
              applicationName: EVIL,
            },
          ]),
        ),
      ),
    ),
    check: (r) => {
      const e = (r.facts.opcua?.data as OpcuaFacts).endpoints[0]!;
      expect([e.endpointUrl, e.securityPolicyUri, e.applicationUri, e.applicationName, e.userTokens[0]!.policyId, e.userTokens[0]!.securityPolicyUri]).toEqual([
        `opc.tcp://${EVIL}:4840`,
        EVIL,
        EVIL,
        EVIL,
        EVIL,
        EVIL,
      ]);
      expect(r.findings.find((f) => f.ruleId === "opcua.security-policy.none")).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    },
    allowPass: LIST,
  },
  {
    name: "MessageSecurityMode 7 and UserTokenType 9",
    peer: onGetEndpoints((s) => s.write(frame("MSG", list([{ url: "opc.tcp://plc:4840", policyUri: B256, mode: 7, tokens: [{ policyId: "x", type: 9 }] }])))),
    check: (r) => {
      expect(r.findings.find((f) => f.ruleId === "opcua.security-mode.invalid")?.status).toBe("fail");
      expect(r.findings.find((f) => f.ruleId === "opcua.user-token.anonymous")).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    },
    allowPass: ["opcua.security-policy.none", "opcua.security-policy.deprecated"],
  },
  {
    name: "garbage certificate bytes",
    peer: onGetEndpoints((s) => s.write(frame("MSG", list([plain({ certificate: Buffer.from("not a certificate at all") })])))),
    check: (r) => expect(r.findings.find((f) => f.ruleId === "opcua.certificate.key-size")).toMatchObject({ status: "undetermined", reason: "unparsed" }),
    allowPass: KNOWN,
  },
  {
    name: "a 70 KB certificate chain",
    peer: onGetEndpoints((s) =>
      s.write(chunked(list([plain({ certificate: Buffer.concat([Buffer.from([0x30, 0x82, 0x11, 0x00]), Buffer.alloc(70_000 - 4)]) })]), 60_000)),
    ),
    allowPass: KNOWN,
  },
  {
    name: "FindServers answered with garbage: endpoints kept",
    peer: conversation([plain()], () => frame("MSG", Buffer.alloc(40, 0xee))),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).discovery?.status).toBe("error"),
    allowPass: KNOWN,
  },
  {
    name: "FindServers listing 10,000 servers",
    peer: conversation([plain()], () => SERVERS_10K),
    check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).discovery!.servers.length).toBeLessThanOrEqual(16),
    allowPass: KNOWN,
  },
];

CASES.push({
  name: `${MANY} endpoints in about 60 chunks: the facts keep 100`,
  peer: onGetEndpoints((s) => s.write(MANY_ENDPOINTS)),
  check: (r) => expect((r.facts.opcua?.data as OpcuaFacts).endpointList).toMatchObject({ declared: MANY, kept: 100 }),
});

describe("opcua hostile-peer corpus", () => {
  it(`has at least 30 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  for (const c of CASES) {
    it.concurrent(c.name, async () => {
      const peer = await startFakePeer(c.peer);
      try {
        const url = `opc.tcp://127.0.0.1:${peer.port}`;
        const heap = process.memoryUsage().heapUsed;
        const started = Date.now();
        const r = await auditDevice(
          {
            host: "127.0.0.1",
            address: "127.0.0.1",
            endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port: peer.port, transport: "tcp", url, explicit: true }],
          },
          opts,
        );
        const elapsed = Date.now() - started;
        expect(r.facts.opcua, "a result is written").toBeDefined();
        const passed = r.findings.filter((f) => f.status === "pass").map((f) => f.ruleId);
        expect(
          passed.filter((id) => !(c.allowPass ?? []).includes(id)),
          "nothing unverifiable passes",
        ).toEqual([]);
        expect(elapsed, "within the probe cap").toBeLessThan(CAP_MS);
        expect(JSON.stringify(r).length, "the result stays small").toBeLessThan(512 * 1024);
        expect(process.memoryUsage().heapUsed - heap, "heap bounded").toBeLessThan(256 * 1024 * 1024);
        c.check?.(r);
      } finally {
        await peer.close();
      }
    }, 20_000);
  }
});
