// TLS record layer (RFC 5246 §6.2, RFC 8446 §5.1): encode records, frame a received byte stream
// into records (cheap fixed-header check, for src/net Connection.read), and reassemble handshake
// messages that span records or share one (RFC 5246 §6.2.1: "multiple client messages of the same
// ContentType MAY be coalesced into a single TLSPlaintext record, or a single message MAY be
// fragmented across several records"). Everything is bounded: record payloads by RFC limits,
// handshake messages by a caller-given maximum, message counts by `maxMessages`. Linear in input.
import { ALERTS, ContentType, MAX_PLAINTEXT, MAX_RECORD_PAYLOAD } from "./constants.js";
import { TlsWireError } from "./errors.js";

export const RECORD_HEADER_BYTES = 5;

export interface TlsRecord {
  type: number;
  /** record-layer version (legacy_record_version; not the negotiated version) */
  version: number;
  payload: Buffer;
}

/** Encode `payload` as records of `type`, fragmented at 2^14 bytes (RFC 8446 §5.1). */
export function encodeRecords(type: number, version: number, payload: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  do {
    const chunk = payload.subarray(at, at + MAX_PLAINTEXT);
    const head = Buffer.alloc(RECORD_HEADER_BYTES);
    head[0] = type;
    head.writeUInt16BE(version & 0xffff, 1);
    head.writeUInt16BE(chunk.length, 3);
    parts.push(head, chunk);
    at += MAX_PLAINTEXT;
  } while (at < payload.length);
  return Buffer.concat(parts);
}

/**
 * Frame function for a record stream: undefined until the 5-byte header is in, then the whole
 * record's length. Throws TlsWireError `not-tls` on an unknown content type or a major version
 * other than 3, `too-large` on a length over 2^14 + 2048 (RFC 5246 §6.2.3).
 */
export function recordLength(buf: Buffer): number | undefined {
  if (buf.length < 1) return undefined;
  const type = buf[0]!;
  if (type < ContentType.changeCipherSpec || type > ContentType.heartbeat) {
    throw new TlsWireError(
      "not-tls",
      `first byte 0x${type.toString(16).padStart(2, "0")} is no TLS record type${(type & 0x80) !== 0 ? " (an SSLv2-style header?)" : ""}`,
    );
  }
  if (buf.length >= 2 && buf[1] !== 3) throw new TlsWireError("not-tls", `record version major ${buf[1]} (expected 3)`);
  if (buf.length < RECORD_HEADER_BYTES) return undefined;
  const length = buf.readUInt16BE(3);
  if (length > MAX_RECORD_PAYLOAD) throw new TlsWireError("too-large", `record length ${length} exceeds ${MAX_RECORD_PAYLOAD}`);
  return RECORD_HEADER_BYTES + length;
}

/** Parse one whole record (as framed by recordLength). */
export function parseRecord(buf: Buffer): TlsRecord {
  const n = recordLength(buf);
  if (n === undefined || buf.length < n) throw new TlsWireError("truncated", `record needs ${n ?? RECORD_HEADER_BYTES} bytes, have ${buf.length}`);
  return { type: buf[0]!, version: buf.readUInt16BE(1), payload: buf.subarray(RECORD_HEADER_BYTES, n) };
}

export interface Alert {
  level: number;
  description: number;
  name: string;
}

/** Alerts in one alert record (two bytes each, RFC 5246 §7.2); an odd trailing byte is `truncated`. */
export function parseAlerts(payload: Buffer, max = 8): Alert[] {
  if (payload.length === 0 || payload.length % 2 !== 0) throw new TlsWireError("truncated", `alert record of ${payload.length} bytes`);
  const out: Alert[] = [];
  for (let i = 0; i + 1 < payload.length && out.length < max; i += 2) {
    const d = payload[i + 1]!;
    out.push({ level: payload[i]!, description: d, name: ALERTS[d] ?? `unknown_alert_${d}` });
  }
  return out;
}

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

/**
 * Reassembles handshake messages from handshake-record payloads. Chunks are kept in a list and
 * joined once per complete message, so a peer sending one byte per record costs linear time.
 */
export class HandshakeAssembler {
  private chunks: Buffer[] = [];
  private length = 0;
  private need: number | undefined;
  private count = 0;

  constructor(
    readonly maxMessageBytes = 1 << 18,
    readonly maxMessages = 32,
  ) {}

  /** bytes held that do not yet form a whole message */
  get pending(): number {
    return this.length;
  }

  push(payload: Buffer): HandshakeMessage[] {
    if (payload.length === 0) return [];
    this.chunks.push(payload);
    this.length += payload.length;
    const out: HandshakeMessage[] = [];
    for (;;) {
      if (this.need === undefined) {
        if (this.length < 4) break;
        const head = this.peek(4);
        const bodyLen = (head[1]! << 16) | (head[2]! << 8) | head[3]!;
        if (bodyLen > this.maxMessageBytes)
          throw new TlsWireError("too-large", `handshake message type ${head[0]} of ${bodyLen} bytes exceeds ${this.maxMessageBytes}`);
        this.need = 4 + bodyLen;
      }
      if (this.length < this.need) break;
      if (++this.count > this.maxMessages) throw new TlsWireError("too-large", `more than ${this.maxMessages} handshake messages`);
      const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
      out.push({ type: all[0]!, body: all.subarray(4, this.need) });
      const rest = all.subarray(this.need);
      this.chunks = rest.length ? [rest] : [];
      this.length = rest.length;
      this.need = undefined;
    }
    return out;
  }

  /** the first n buffered bytes (n small: joins at most n chunks) */
  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!;
    const parts: Buffer[] = [];
    let have = 0;
    for (const c of this.chunks) {
      parts.push(c);
      have += c.length;
      if (have >= n) break;
    }
    return Buffer.concat(parts).subarray(0, n);
  }
}

/** Encode one handshake message (type + 24-bit length + body, RFC 8446 §4). */
export function encodeHandshake(type: number, body: Buffer): Buffer {
  if (body.length > 0xffffff) throw new TlsWireError("too-large", `handshake body of ${body.length} bytes`);
  const head = Buffer.from([type, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff]);
  return Buffer.concat([head, body]);
}
