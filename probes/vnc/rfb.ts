// RFB handshake parsing (RFC 6143 §7.1): the ProtocolVersion message and the security types, the
// only server messages otaudit reads. Pure and bounded: fixed-size headers, a failure reason read
// up to MAX_REASON bytes whatever length the server claims, at most 255 types (a u8 count).
// Frame functions say how many bytes a whole message needs (for Connection.read); parse functions
// decode exactly those bytes.

/** RFC 6143 §7.1.1: "RFB xxx.yyy\n", 12 bytes. */
export const VERSION_LENGTH = 12;
/** a failure reason is kept up to this many bytes (the claimed length may be anything) */
export const MAX_REASON = 1024;

export class RfbWireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RfbWireError";
  }
}

export interface RfbVersion {
  /** the 12 bytes as received (latin1, byte for byte) */
  raw: string;
  major: number;
  minor: number;
}

/** Parse the server's ProtocolVersion; throws RfbWireError when the 12 bytes are not one. */
export function parseVersion(bytes: Buffer): RfbVersion {
  const raw = bytes.subarray(0, VERSION_LENGTH).toString("latin1");
  const m = /^RFB (\d{3})\.(\d{3})\n$/.exec(raw);
  if (!m) throw new RfbWireError('not an RFB server: the first 12 bytes are not an RFB ProtocolVersion ("RFB xxx.yyy\\n")');
  return { raw, major: Number(m[1]), minor: Number(m[2]) };
}

export type ClientVersion = "3.3" | "3.7" | "3.8";

/**
 * The version otaudit answers with. RFC 6143 §7.1.1: versions other than 3.3, 3.7 and 3.8 "should
 * be interpreted as 3.3"; in practice servers announcing 3.8+ (Apple's 3.889, RealVNC's 4.x/5.x)
 * run the 3.8 handshake, so anything at or above 3.8 gets 3.8 and 3.4-3.6 get 3.3.
 */
export function chooseClientVersion(v: { major: number; minor: number }): ClientVersion {
  if (v.major > 3 || (v.major === 3 && v.minor >= 8)) return "3.8";
  if (v.major === 3 && v.minor === 7) return "3.7";
  return "3.3";
}

export function encodeClientVersion(v: ClientVersion): Buffer {
  return Buffer.from(v === "3.3" ? "RFB 003.003\n" : v === "3.7" ? "RFB 003.007\n" : "RFB 003.008\n", "latin1");
}

export interface SecurityAnswer {
  /** 3.7+: the types the server offers; 3.3: the one type the server chose (empty on failure) */
  types: number[];
  /** RFB 3.3: the server picked the type itself (§7.1.2, "the server decides") */
  serverChosen: boolean;
  /** the server refused the connection and said why (types count 0, or type 0 in 3.3) */
  failureReason?: string;
  /** the claimed reason length exceeded what otaudit reads */
  reasonTruncated?: boolean;
}

/** Bytes needed for a failure reason that starts at `at` (u32 length + string), or undefined. */
function reasonFrame(buf: Buffer, at: number): number | undefined {
  if (buf.length < at + 4) return undefined;
  return at + 4 + Math.min(buf.readUInt32BE(at), MAX_REASON);
}

/** Frame for the security message of 3.7/3.8: u8 count, then count types, or (count 0) a reason. */
export function securityListFrame(buf: Buffer): number | undefined {
  if (buf.length < 1) return undefined;
  const n = buf[0]!;
  return n > 0 ? 1 + n : reasonFrame(buf, 1);
}

/** Frame for RFB 3.3: a u32 security type; type 0 is followed by a reason. */
export function securityTypeFrame(buf: Buffer): number | undefined {
  if (buf.length < 4) return undefined;
  return buf.readUInt32BE(0) === 0 ? reasonFrame(buf, 4) : 4;
}

function readReason(bytes: Buffer, at: number): { failureReason: string; reasonTruncated?: boolean } {
  const claimed = bytes.readUInt32BE(at);
  const text = bytes.subarray(at + 4, at + 4 + Math.min(claimed, MAX_REASON)).toString("latin1");
  return claimed > MAX_REASON ? { failureReason: text, reasonTruncated: true } : { failureReason: text };
}

export function parseSecurityList(bytes: Buffer): SecurityAnswer {
  const n = bytes[0]!;
  if (n === 0) return { types: [], serverChosen: false, ...readReason(bytes, 1) };
  return { types: [...bytes.subarray(1, 1 + n)], serverChosen: false };
}

export function parseSecurityType(bytes: Buffer): SecurityAnswer {
  const t = bytes.readUInt32BE(0);
  if (t === 0) return { types: [], serverChosen: true, ...readReason(bytes, 4) };
  return { types: [t], serverChosen: true };
}

// --- encoders (simulator and tests) ------------------------------------------------------------

export function encodeSecurityList(types: readonly number[], reason?: string): Buffer {
  if (types.length === 0) {
    const r = Buffer.from(reason ?? "", "latin1");
    const head = Buffer.alloc(5);
    head.writeUInt32BE(r.length, 1);
    return Buffer.concat([head, r]);
  }
  return Buffer.from([types.length, ...types]);
}

export function encodeSecurityType(type: number, reason?: string): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(type >>> 0);
  if (type !== 0) return head;
  const r = Buffer.from(reason ?? "", "latin1");
  const len = Buffer.alloc(4);
  len.writeUInt32BE(r.length);
  return Buffer.concat([head, len, r]);
}
