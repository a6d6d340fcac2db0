// SSH wire basics, pure (no I/O): RFC 4251 §5 data types (bounds-checked reader and encoders), the
// unencrypted binary packet (RFC 4253 §6) and an incremental reader of what a server sends first
// (text lines, identification string, packets) over a chunk queue. Every step is linear in the
// bytes received: no rescans, no repeated concatenation, every length checked before it is trusted.

/** RFC 4253 §4.2: the identification string is at most 255 characters including CR LF. */
export const MAX_IDENT_LINE = 255;
/** RFC 4253 §4.2 allows other lines before the version string; we bound them (count and size). */
export const MAX_PRE_BANNER_LINES = 50;
export const MAX_PRE_BANNER_LINE = 1024;
/** RFC 4253 §6.1: implementations must handle packets of 35000 bytes; we accept up to 256 KiB. */
export const MAX_PACKET_LENGTH = 256 * 1024;

/** RFC 4253 §12 / RFC 4419 §5 / RFC 5656 §7.1 message numbers used here. */
export const MSG = {
  DISCONNECT: 1,
  IGNORE: 2,
  UNIMPLEMENTED: 3,
  DEBUG: 4,
  SERVICE_REQUEST: 5,
  SERVICE_ACCEPT: 6,
  EXT_INFO: 7, // RFC 8308 §2.3
  KEXINIT: 20,
  NEWKEYS: 21,
  KEXDH_INIT: 30, // also SSH_MSG_KEX_ECDH_INIT
  KEXDH_REPLY: 31, // also SSH_MSG_KEX_ECDH_REPLY and SSH_MSG_KEX_DH_GEX_GROUP
  KEX_DH_GEX_INIT: 32,
  KEX_DH_GEX_REPLY: 33,
  KEX_DH_GEX_REQUEST: 34,
  USERAUTH_REQUEST: 50, // RFC 4252 §6
  USERAUTH_FAILURE: 51,
  USERAUTH_SUCCESS: 52,
  USERAUTH_BANNER: 53,
} as const;

/** A protocol violation by the peer (the probe turns it into an `error` fact, code "protocol"). */
export class SshWireError extends Error {
  override name = "SshWireError";
}

/** Bounds-checked reader over an SSH payload (RFC 4251 §5 data types). */
export class PayloadReader {
  private pos: number;
  constructor(
    private readonly buf: Buffer,
    start = 0,
  ) {
    this.pos = start;
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  byte(what: string): number {
    if (this.remaining < 1) throw new SshWireError(`truncated: ${what}`);
    return this.buf[this.pos++]!;
  }
  bytes(n: number, what: string): Buffer {
    if (n < 0 || this.remaining < n) throw new SshWireError(`truncated: ${what} needs ${n} bytes, ${this.remaining} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  uint32(what: string): number {
    if (this.remaining < 4) throw new SshWireError(`truncated: ${what}`);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  uint64(what: string): bigint {
    if (this.remaining < 8) throw new SshWireError(`truncated: ${what}`);
    const v = this.buf.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  /** RFC 4251 §5 string: uint32 length + bytes; the length is checked against what is left. */
  string(what: string): Buffer {
    const len = this.uint32(`${what} length`);
    if (len > this.remaining) throw new SshWireError(`${what}: length field ${len} exceeds the ${this.remaining} bytes left`);
    return this.bytes(len, what);
  }
}

/** Significant bits of an unsigned big-endian integer (an RFC 4251 §5 mpint's magnitude). */
export function magnitudeBits(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

export function encodeUint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function encodeString(b: Buffer | string): Buffer {
  const body = typeof b === "string" ? Buffer.from(b, "latin1") : b;
  return Buffer.concat([encodeUint32(body.length), body]);
}

/** RFC 4251 §5 mpint of a non-negative magnitude: leading zero byte when the top bit is set. */
export function encodeMpint(magnitude: Buffer): Buffer {
  let i = 0;
  while (i < magnitude.length && magnitude[i] === 0) i++;
  let m = magnitude.subarray(i);
  if (m.length && m[0]! & 0x80) m = Buffer.concat([Buffer.from([0]), m]);
  return encodeString(m);
}

/** Wrap a payload in an unencrypted binary packet (RFC 4253 §6): length, padding length, padding. */
export function encodeBinaryPacket(payload: Buffer): Buffer {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding);
  head[4] = padding;
  return Buffer.concat([head, payload, Buffer.alloc(padding)]);
}

/** Check an RFC 4253 §6 packet header; returns the total size (4 + packet_length). */
export function checkPacketHeader(packetLength: number, paddingLength: number): number {
  if (packetLength > MAX_PACKET_LENGTH) throw new SshWireError(`packet_length ${packetLength} exceeds the ${MAX_PACKET_LENGTH}-byte limit`);
  // RFC 4253 §6: at least 4 bytes of padding, and a payload of at least one byte (message number)
  if (paddingLength < 4) throw new SshWireError(`padding_length ${paddingLength} is below the minimum of 4`);
  if (paddingLength + 1 >= packetLength) throw new SshWireError(`padding_length ${paddingLength} leaves no payload in a packet of length ${packetLength}`);
  return 4 + packetLength;
}

/**
 * Read one unencrypted binary packet (RFC 4253 §6) from the start of `buf`; null when more bytes are
 * needed. Length fields are checked before anything is allocated or trusted.
 */
export function readBinaryPacket(buf: Buffer): { payload: Buffer; consumed: number } | null {
  if (buf.length < 5) return null;
  const total = checkPacketHeader(buf.readUInt32BE(0), buf[4]!);
  if (buf.length < total) return null;
  return { payload: buf.subarray(5, total - buf[4]!), consumed: total };
}

/**
 * A FIFO of received chunks. Bytes are copied at most once (when taken); a search for a line end
 * resumes where the last one stopped, so feeding a stream one byte at a time stays linear.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private first = 0; // index of the first unread chunk (no Array.shift: that is linear per call)
  private head = 0; // offset into chunks[first]
  private len = 0;
  get length(): number {
    return this.len;
  }
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.len += chunk.length;
  }
  /** Byte at position i (0 = next unread byte); i < length. Cost: chunks walked to reach it. */
  at(i: number): number {
    let k = this.first;
    let off = this.head + i;
    while (off >= this.chunks[k]!.length) {
      off -= this.chunks[k]!.length;
      k++;
    }
    return this.chunks[k]![off]!;
  }
  /** First index >= from of `byte` within the first `limit` bytes, or -1. Cost: chunks up to `limit`. */
  indexOf(byte: number, from: number, limit: number): number {
    const end = Math.min(limit, this.len);
    let pos = 0;
    for (let k = this.first; k < this.chunks.length && pos < end; k++) {
      const c = this.chunks[k]!;
      const start = k === this.first ? this.head : 0;
      const size = c.length - start;
      if (pos + size > from) {
        const rel = Math.max(0, from - pos);
        const found = c.subarray(start + rel, start + Math.min(size, end - pos)).indexOf(byte);
        if (found !== -1) return pos + rel + found;
      }
      pos += size;
    }
    return -1;
  }
  /** Remove and return the next n bytes (n <= length), copied into one buffer. */
  take(n: number): Buffer {
    if (n > this.len) throw new RangeError("take past the end");
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const c = this.chunks[this.first]!;
      const m = Math.min(c.length - this.head, n - filled);
      c.copy(out, filled, this.head, this.head + m);
      filled += m;
      this.head += m;
      if (this.head === c.length) {
        this.first++;
        this.head = 0;
      }
    }
    this.len -= n;
    // drop consumed chunks now and then (amortised linear)
    if (this.first > 64 && this.first * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
    return out;
  }
}

/** A text line the server sent before its identification string, and the identification line. */
export type ServerLine = { kind: "ident"; line: string } | { kind: "pre-banner"; line: string };

/**
 * Incremental reader of an SSH server's stream before encryption: lines (RFC 4253 §4.2), then
 * binary packets (§6). push() chunks; nextLine() / nextPacket() return null until enough arrived.
 */
export class SshStreamReader {
  private q = new ByteQueue();
  private scanned = 0; // bytes of the current line already searched for LF
  private packetSize: number | undefined;
  private lines = 0;
  /** packets taken so far: the server's sequence number of the next one (RFC 4253 §6.4) */
  packets = 0;

  push(chunk: Buffer): void {
    this.q.push(chunk);
  }
  get buffered(): number {
    return this.q.length;
  }
  /** Everything buffered and not yet parsed (the start of the encrypted stream after NEWKEYS). */
  takeRest(): Buffer {
    if (this.packetSize !== undefined) throw new SshWireError("a packet was half read when the keys changed");
    return this.q.take(this.q.length);
  }

  /** The next line (without CR LF), or null. Bounded: 255 bytes for "SSH-" lines, 1024 otherwise. */
  nextLine(): ServerLine | null {
    const isIdent = this.q.length >= 4 ? this.q.at(0) === 0x53 && this.q.at(1) === 0x53 && this.q.at(2) === 0x48 && this.q.at(3) === 0x2d : false;
    const limit = isIdent ? MAX_IDENT_LINE : MAX_PRE_BANNER_LINE;
    const what = isIdent ? "identification" : "pre-banner";
    const nl = this.q.indexOf(0x0a, this.scanned, limit);
    if (nl === -1) {
      this.scanned = Math.min(this.q.length, limit);
      if (this.q.length >= limit) throw new SshWireError(`${what} line exceeds ${limit} bytes without a line end`);
      return null;
    }
    this.scanned = 0;
    let line = this.q
      .take(nl + 1)
      .subarray(0, nl)
      .toString("latin1");
    if (line.endsWith("\r")) line = line.slice(0, -1); // CR LF; a bare LF is tolerated as OpenSSH does
    if (line.startsWith("SSH-")) return { kind: "ident", line };
    if (++this.lines > MAX_PRE_BANNER_LINES) throw new SshWireError(`more than ${MAX_PRE_BANNER_LINES} lines before the identification string`);
    // a NUL-laden "line" is binary data, not a text banner: refuse early rather than keep reading
    // (other control characters are kept as sent; the output layer escapes them)
    if (line.includes("\x00")) throw new SshWireError("received binary data where the SSH identification string was expected");
    return { kind: "pre-banner", line };
  }

  /** The next packet's payload (message number first), or null. */
  nextPacket(): Buffer | null {
    if (this.packetSize === undefined) {
      if (this.q.length < 5) return null;
      const packetLength = ((this.q.at(0) << 24) | (this.q.at(1) << 16) | (this.q.at(2) << 8) | this.q.at(3)) >>> 0;
      this.packetSize = checkPacketHeader(packetLength, this.q.at(4));
    }
    if (this.q.length < this.packetSize) return null;
    const pkt = this.q.take(this.packetSize);
    this.packetSize = undefined;
    this.packets++;
    return pkt.subarray(5, pkt.length - pkt[4]!);
  }
}
