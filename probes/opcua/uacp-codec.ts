// UACP framing as pure functions (no socket): the chunk framer (linear in the bytes received,
// whatever the TCP segmentation), Hello/Acknowledge/Error, the secure-conversation chunk header and
// response assembly with size and count caps. The service messages are in uacp-services.ts
// (re-exported here). Fuzzed by scripts/fuzz/opcua.ts; UacpProtocolError (and UacpRemoteError for a
// decoded ERR or abort) are the only errors they throw.
// Spec: OPC 10000-6 §7.1.2 (UACP messages), §6.7.2 (secure conversation chunks, F/C/A), §6.7.3
// (abort chunks).
import { BinaryReader, BinaryWriter, UacpProtocolError } from "./binary.js";

export const POLICY_NONE = "http://opcfoundation.org/UA/SecurityPolicy#None";

/** What we announce in Hello (Part 6 §7.1.2.3); the peer must not send chunks larger than this. */
export const CLIENT_LIMITS = {
  protocolVersion: 0,
  receiveBufferSize: 65_536,
  sendBufferSize: 65_536,
  maxMessageSize: 4 * 1024 * 1024,
  maxChunkCount: 64,
} as const;

/** What one GetEndpoints / FindServers answer may put into the facts. */
export const KEEP_LIMITS = { endpoints: 100, userTokens: 16, servers: 16, discoveryUrls: 8 } as const;

/** Binary encoding ids of the services we use (Part 6 Annex / NodeIds.csv, namespace 0). */
export const ENCODING_IDS = {
  ServiceFault: 397,
  FindServersRequest: 422,
  FindServersResponse: 425,
  GetEndpointsRequest: 428,
  GetEndpointsResponse: 431,
  OpenSecureChannelRequest: 446,
  OpenSecureChannelResponse: 449,
  CloseSecureChannelRequest: 452,
} as const;

/** The peer answered with an ERR message, an abort chunk or a ServiceFault / bad service result. */
export class UacpRemoteError extends Error {
  override name = "UacpRemoteError";
  constructor(
    readonly statusCode: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
  }
}

export const hex8 = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, "0")}`;

// ---------------------------------------------------------------------------------------------
// Framing (Part 6 §7.1.2.2 message header)

export type ChunkKind = "F" | "C" | "A";
export interface Chunk {
  type: string;
  chunk: ChunkKind;
  body: Buffer;
}

export function frame(type: "HEL" | "OPN" | "MSG" | "CLO" | "ACK" | "ERR", body: Buffer, chunk: ChunkKind = "F"): Buffer {
  const header = Buffer.alloc(8);
  header.write(type, 0, "ascii");
  header.write(chunk, 3, "ascii");
  header.writeUInt32LE(body.length + 8, 4);
  return Buffer.concat([header, body]);
}

const TYPES = new Set(["ACK", "ERR", "MSG", "OPN", "CLO", "RHE"]);

/**
 * Splits the received byte stream into chunks. Bytes are kept as a list and joined once per chunk,
 * so 1-byte TCP segments cost no more than one large one; the header is checked as soon as its 8
 * bytes are there, so a lying size is refused before anything else is buffered.
 */
export class ChunkFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private expected: { type: string; chunk: ChunkKind; size: number } | undefined;
  constructor(readonly maxChunkSize: number = CLIENT_LIMITS.receiveBufferSize) {}

  get pending(): number {
    return this.size;
  }

  reset(): void {
    this.parts = [];
    this.size = 0;
    this.expected = undefined;
  }

  private take(n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    let used = 0; // parts consumed whole: dropped with one splice (Array.shift per part is linear each, so quadratic for 1-byte segments)
    while (filled < n) {
      const p = this.parts[used]!;
      const k = Math.min(p.length, n - filled);
      p.copy(out, filled, 0, k);
      filled += k;
      if (k === p.length) used++;
      else this.parts[used] = p.subarray(k);
    }
    this.parts.splice(0, used);
    this.size -= n;
    return out;
  }

  private peek8(): Buffer {
    if (this.parts[0]!.length >= 8) return this.parts[0]!.subarray(0, 8);
    const out = Buffer.alloc(8);
    let filled = 0;
    for (const p of this.parts) {
      const k = Math.min(p.length, 8 - filled);
      p.copy(out, filled, 0, k);
      filled += k;
      if (filled === 8) break;
    }
    return out;
  }

  /** Add received bytes; returns the chunks completed by them. Throws UacpProtocolError. */
  push(data: Buffer): Chunk[] {
    if (data.length) {
      this.parts.push(data);
      this.size += data.length;
    }
    const out: Chunk[] = [];
    for (;;) {
      if (!this.expected) {
        if (this.size < 8) return out;
        const h = this.peek8();
        const type = h.toString("latin1", 0, 3);
        const chunk = h.toString("latin1", 3, 4);
        const size = h.readUInt32LE(4);
        if (!TYPES.has(type) || !/^[FCA]$/.test(chunk)) throw new UacpProtocolError(`not an OPC UA TCP message: header bytes ${h.toString("hex")}`);
        // Part 6 §7.1.2.3: the peer must not send chunks larger than our ReceiveBufferSize
        if (size < 8 || size > this.maxChunkSize) throw new UacpProtocolError(`message size ${size} outside 8..${this.maxChunkSize} (our ReceiveBufferSize)`);
        this.expected = { type, chunk: chunk as ChunkKind, size };
      }
      if (this.size < this.expected.size) return out;
      const whole = this.take(this.expected.size);
      out.push({ type: this.expected.type, chunk: this.expected.chunk, body: whole.subarray(8) });
      this.expected = undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Connection-level messages (Part 6 §7.1.2.3 Hello, §7.1.2.4 Acknowledge, §7.1.2.5 Error)

export function encodeHello(endpointUrl: string): Buffer {
  const w = new BinaryWriter()
    .uint32(CLIENT_LIMITS.protocolVersion)
    .uint32(CLIENT_LIMITS.receiveBufferSize)
    .uint32(CLIENT_LIMITS.sendBufferSize)
    .uint32(CLIENT_LIMITS.maxMessageSize)
    .uint32(CLIENT_LIMITS.maxChunkCount)
    .string(endpointUrl);
  return frame("HEL", w.toBuffer());
}

export interface AckFacts {
  protocolVersion: number;
  receiveBufferSize: number;
  sendBufferSize: number;
  maxMessageSize: number;
  maxChunkCount: number;
}

export function decodeAck(body: Buffer): AckFacts {
  const r = new BinaryReader(body);
  const ack = {
    protocolVersion: r.uint32("Ack.ProtocolVersion"),
    receiveBufferSize: r.uint32("Ack.ReceiveBufferSize"),
    sendBufferSize: r.uint32("Ack.SendBufferSize"),
    maxMessageSize: r.uint32("Ack.MaxMessageSize"),
    maxChunkCount: r.uint32("Ack.MaxChunkCount"),
  };
  // Part 6 §7.1.2.4: buffers are at least 8192 bytes (our requests are far smaller; a huge value is harmless)
  if (ack.receiveBufferSize < 8192) throw new UacpProtocolError(`server ReceiveBufferSize ${ack.receiveBufferSize} is below the 8192 minimum`);
  return ack;
}

/** ERR (§7.1.2.5) or abort chunk body (§6.7.3): Error (StatusCode), Reason (String, kept as received). */
export function decodeError(body: Buffer, what: string): UacpRemoteError {
  const r = new BinaryReader(body);
  const code = r.uint32(`${what}.Error`);
  let reason: string | undefined;
  try {
    reason = r.remaining() >= 4 ? (r.string(`${what}.Reason`) ?? undefined) : undefined;
  } catch {
    reason = undefined; // a reason whose length lies: the status code alone is still a fact
  }
  return new UacpRemoteError(code, `${what} ${hex8(code)}${reason ? `: ${reason}` : ""}`, reason);
}

// ---------------------------------------------------------------------------------------------
// Secure conversation (Part 6 §6.7.2): chunk headers and response assembly

/** Strip the security and sequence headers of a received OPN/MSG chunk; abort chunks throw. */
export function securePayload(c: Chunk, expect: "OPN" | "MSG", what: string): Buffer {
  if (c.type !== expect) throw new UacpProtocolError(`expected ${expect} for ${what}, got ${c.type}`);
  const r = new BinaryReader(c.body);
  r.uint32("SecureChannelId");
  if (expect === "OPN") {
    const policy = r.string("SecurityPolicyUri");
    if (policy !== POLICY_NONE) throw new UacpProtocolError(`OPN response uses policy ${policy}, expected None`);
    r.byteString("SenderCertificate");
    r.byteString("ReceiverCertificateThumbprint");
  } else {
    r.uint32("TokenId");
  }
  r.uint32("SequenceNumber");
  r.uint32("RequestId");
  if (c.chunk === "A") throw decodeError(c.body.subarray(r.offset), `server aborted the ${what}:`);
  return c.body.subarray(r.offset);
}

/** Collects the chunks of one response (F ends it) within our MaxChunkCount and MaxMessageSize. */
export class ResponseAssembler {
  private parts: Buffer[] = [];
  private total = 0;
  constructor(
    readonly expect: "OPN" | "MSG",
    readonly what: string,
  ) {}
  /** the whole response body once the final chunk arrived, else undefined */
  add(c: Chunk): Buffer | undefined {
    const part = securePayload(c, this.expect, this.what);
    this.total += part.length;
    this.parts.push(part);
    if (this.parts.length > CLIENT_LIMITS.maxChunkCount) throw new UacpProtocolError(`${this.what}: more than ${CLIENT_LIMITS.maxChunkCount} chunks`);
    if (this.total > CLIENT_LIMITS.maxMessageSize) throw new UacpProtocolError(`${this.what}: larger than ${CLIENT_LIMITS.maxMessageSize} bytes`);
    return c.chunk === "F" ? Buffer.concat(this.parts) : undefined;
  }
}
