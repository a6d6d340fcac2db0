// Minimal BER codec for the raw SNMP datagrams the probe builds itself: v1/v2c GET, GETNEXT and
// SET (RFC 1157 §4, RFC 3416 §3), the SNMPv3 discovery probe and noAuthNoPriv GETs (RFC 3412 §6,
// RFC 3414 §2.4 and §4), and decoding of whatever comes back. Definite-length, single-byte tags
// only (X.690 §8.1.2, §8.1.3): anything else, truncated data or a length that runs past its
// container is a BerParseError, the one error type decode functions throw.
// Bounded by construction (hostile agents): decoding walks a fixed depth (message, PDU, varbind
// list, varbind) with no recursion, every container has a count limit (BER_LIMITS), OID
// sub-identifiers stop at 32 bits and 128 arcs (RFC 2578 §3.5), so work is linear in the datagram.
export class BerParseError extends Error {
  override name = "BerParseError";
}

/** Universal and SNMP application tags (X.690 §8; RFC 2578 §7.1; RFC 3416 §3). */
export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  IP_ADDRESS: 0x40,
  COUNTER32: 0x41,
  GAUGE32: 0x42,
  TIMETICKS: 0x43,
  OPAQUE: 0x44,
  COUNTER64: 0x46,
  NO_SUCH_OBJECT: 0x80,
  NO_SUCH_INSTANCE: 0x81,
  END_OF_MIB_VIEW: 0x82,
} as const;

/** PDU tags (RFC 3416 §3: context-specific, constructed). */
export const PDU = {
  GET: 0xa0,
  GET_NEXT: 0xa1,
  RESPONSE: 0xa2,
  SET: 0xa3,
  TRAP_V1: 0xa4,
  GET_BULK: 0xa5,
  INFORM: 0xa6,
  TRAP_V2: 0xa7,
  REPORT: 0xa8,
} as const;

export const SNMP_VERSION = { v1: 0, v2c: 1, v3: 3 } as const;

/** Count limits of the decoder: more is a BerParseError, never more work. */
export const BER_LIMITS = {
  /** fields of one constructed TLV other than the varbind list (a message has 3-4, a PDU 4) */
  children: 16,
  /** varbinds in one PDU; the probe never asks for more than a dozen */
  varbinds: 256,
  /** sub-identifiers of one OID (RFC 2578 §3.5: at most 128) */
  oidArcs: 128,
} as const;

// ---------------------------------------------------------------- decoding

export interface Tlv {
  tag: number;
  /** offset of the first content byte */
  start: number;
  /** offset just past the last content byte */
  end: number;
}

/** Read one TLV at `offset`, whose content must end at or before `limit` (X.690 §8.1). */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  if (offset >= limit) throw new BerParseError(`truncated: no tag at offset ${offset}`);
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new BerParseError(`multi-byte tag at offset ${offset} not supported`);
  if (offset + 1 >= limit) throw new BerParseError(`truncated: no length at offset ${offset + 1}`);
  const first = buf[offset + 1]!;
  let length: number;
  let start: number;
  if (first < 0x80) {
    length = first;
    start = offset + 2;
  } else if (first === 0x80) {
    throw new BerParseError(`indefinite length at offset ${offset + 1} not allowed (X.690 §10.1)`);
  } else {
    const count = first & 0x7f;
    if (count > 4) throw new BerParseError(`length of ${count} octets at offset ${offset + 1} is too long`);
    if (offset + 2 + count > limit) throw new BerParseError(`truncated length at offset ${offset + 1}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i]!;
    start = offset + 2 + count;
  }
  const end = start + length;
  if (end > limit) throw new BerParseError(`length ${length} at offset ${offset + 1} runs past the end of its container (${limit - start} octets left)`);
  return { tag, start, end };
}

function expectTag(t: Tlv, tag: number, what: string): Tlv {
  if (t.tag !== tag) throw new BerParseError(`${what}: expected tag 0x${tag.toString(16)}, got 0x${t.tag.toString(16)}`);
  return t;
}

/** Two's-complement INTEGER (X.690 §8.3), at most 9 content octets (Counter64 fits). */
export function decodeInteger(buf: Uint8Array, t: Tlv): bigint {
  const n = t.end - t.start;
  if (n === 0) throw new BerParseError("empty INTEGER");
  if (n > 9) throw new BerParseError(`INTEGER of ${n} octets is too long`);
  let v = 0n;
  for (let i = t.start; i < t.end; i++) v = (v << 8n) | BigInt(buf[i]!);
  if (buf[t.start]! & 0x80 && t.tag === TAG.INTEGER) v -= 1n << BigInt(8 * n);
  return v;
}

function int32(buf: Uint8Array, t: Tlv, what: string): number {
  const v = decodeInteger(buf, expectTag(t, TAG.INTEGER, what));
  if (v < -2147483648n || v > 4294967295n) throw new BerParseError(`${what}: ${v} out of 32-bit range`);
  return Number(v);
}

/** OBJECT IDENTIFIER (X.690 §8.19) to dotted text. */
export function decodeOid(buf: Uint8Array, t: Tlv): string {
  if (t.end === t.start) throw new BerParseError("empty OBJECT IDENTIFIER");
  if (t.end - t.start > 5 * BER_LIMITS.oidArcs) throw new BerParseError(`OBJECT IDENTIFIER of ${t.end - t.start} octets is too long`);
  const arcs: number[] = [];
  let value = 0;
  let octets = 0;
  for (let i = t.start; i < t.end; i++) {
    const b = buf[i]!;
    if (octets === 0 && b === 0x80) throw new BerParseError("OID sub-identifier with a leading 0x80 octet (X.690 §8.19.2)");
    value = value * 128 + (b & 0x7f);
    octets++;
    if (octets > 5 || value > 0xffffffff) throw new BerParseError("OID sub-identifier exceeds 32 bits");
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const x = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(x, value - 40 * x);
      } else arcs.push(value);
      if (arcs.length > BER_LIMITS.oidArcs) throw new BerParseError(`OID has more than ${BER_LIMITS.oidArcs} sub-identifiers (RFC 2578 §3.5)`);
      value = 0;
      octets = 0;
    }
  }
  if (octets !== 0) throw new BerParseError("OID ends inside a sub-identifier");
  return arcs.join(".");
}

/** Children of a constructed TLV, at most `max` of them (BerParseError beyond). */
export function children(buf: Uint8Array, parent: Tlv, max: number = BER_LIMITS.children): Tlv[] {
  const out: Tlv[] = [];
  let off = parent.start;
  while (off < parent.end) {
    if (out.length >= max) throw new BerParseError(`more than ${max} elements in one container at offset ${parent.start}`);
    const c = readTlv(buf, off, parent.end);
    out.push(c);
    off = c.end;
  }
  return out;
}

export interface Varbind {
  oid: string;
  /** value tag (TAG.*) */
  type: number;
  /** content octets of the value */
  value: Buffer;
  /** the whole value TLV, byte for byte (a write-back SET reuses it verbatim) */
  raw: Buffer;
}

export interface Pdu {
  type: number;
  requestId: number;
  errorStatus: number;
  errorIndex: number;
  varbinds: Varbind[];
}

export interface V3Header {
  msgId: number;
  msgMaxSize: number;
  msgFlags: number;
  securityModel: number;
  /** RFC 3414 §2.4 UsmSecurityParameters */
  engineId: Buffer;
  engineBoots: number;
  engineTime: number;
  userName: Buffer;
  /** scopedPDU was encrypted (privacy flag set): pdu is absent */
  encrypted: boolean;
}

export interface SnmpMessage {
  version: number;
  community?: Buffer;
  v3?: V3Header;
  pdu?: Pdu;
}

function decodePdu(buf: Uint8Array, t: Tlv): Pdu {
  if (t.tag < 0xa0 || t.tag > 0xa8 || t.tag === PDU.TRAP_V1) throw new BerParseError(`not a request/response PDU tag 0x${t.tag.toString(16)}`);
  const f = children(buf, t);
  if (f.length !== 4) throw new BerParseError(`PDU has ${f.length} fields, expected 4`);
  const vbl = expectTag(f[3]!, TAG.SEQUENCE, "variable-bindings");
  const varbinds = children(buf, vbl, BER_LIMITS.varbinds).map((vb) => {
    const parts = children(buf, expectTag(vb, TAG.SEQUENCE, "varbind"));
    if (parts.length !== 2) throw new BerParseError(`varbind has ${parts.length} fields, expected 2`);
    const oid = decodeOid(buf, expectTag(parts[0]!, TAG.OID, "varbind name"));
    const v = parts[1]!;
    const headerStart = parts[0]!.end;
    return { oid, type: v.tag, value: Buffer.from(buf.subarray(v.start, v.end)), raw: Buffer.from(buf.subarray(headerStart, v.end)) };
  });
  return {
    type: t.tag,
    requestId: int32(buf, f[0]!, "request-id"),
    errorStatus: int32(buf, f[1]!, "error-status"),
    errorIndex: int32(buf, f[2]!, "error-index"),
    varbinds,
  };
}

/** Decode one SNMP message (v1/v2c: RFC 3416; v3: RFC 3412 §6 with USM parameters RFC 3414 §2.4). */
export function decodeMessage(input: Uint8Array): SnmpMessage {
  const buf = input;
  const top = expectTag(readTlv(buf, 0), TAG.SEQUENCE, "message");
  const f = children(buf, top);
  if (f.length < 3) throw new BerParseError(`message has ${f.length} fields`);
  const version = int32(buf, f[0]!, "version");
  if (version === SNMP_VERSION.v1 || version === SNMP_VERSION.v2c) {
    if (f.length !== 3) throw new BerParseError(`community message has ${f.length} fields, expected 3`);
    const c = expectTag(f[1]!, TAG.OCTET_STRING, "community");
    return { version, community: Buffer.from(buf.subarray(c.start, c.end)), pdu: decodePdu(buf, f[2]!) };
  }
  if (version !== SNMP_VERSION.v3) throw new BerParseError(`unknown SNMP version ${version}`);
  if (f.length !== 4) throw new BerParseError(`v3 message has ${f.length} fields, expected 4`);
  const g = children(buf, expectTag(f[1]!, TAG.SEQUENCE, "msgGlobalData"));
  if (g.length !== 4) throw new BerParseError("msgGlobalData must have 4 fields");
  const flagsTlv = expectTag(g[2]!, TAG.OCTET_STRING, "msgFlags");
  if (flagsTlv.end - flagsTlv.start !== 1) throw new BerParseError("msgFlags must be one octet");
  const sp = expectTag(f[2]!, TAG.OCTET_STRING, "msgSecurityParameters");
  const usm = children(buf, expectTag(readTlv(buf, sp.start, sp.end), TAG.SEQUENCE, "UsmSecurityParameters"));
  if (usm.length !== 6) throw new BerParseError("UsmSecurityParameters must have 6 fields");
  const octets = (t: Tlv, what: string) => Buffer.from(buf.subarray(expectTag(t, TAG.OCTET_STRING, what).start, t.end));
  const msgFlags = buf[flagsTlv.start]!;
  const v3: V3Header = {
    msgId: int32(buf, g[0]!, "msgID"),
    msgMaxSize: int32(buf, g[1]!, "msgMaxSize"),
    msgFlags,
    securityModel: int32(buf, g[3]!, "msgSecurityModel"),
    engineId: octets(usm[0]!, "msgAuthoritativeEngineID"),
    engineBoots: int32(buf, usm[1]!, "msgAuthoritativeEngineBoots"),
    engineTime: int32(buf, usm[2]!, "msgAuthoritativeEngineTime"),
    userName: octets(usm[3]!, "msgUserName"),
    encrypted: (msgFlags & 0x02) !== 0,
  };
  if (v3.encrypted) {
    expectTag(f[3]!, TAG.OCTET_STRING, "encryptedPDU");
    return { version, v3 };
  }
  const scoped = children(buf, expectTag(f[3]!, TAG.SEQUENCE, "ScopedPDU"));
  if (scoped.length !== 3) throw new BerParseError("ScopedPDU must have 3 fields");
  return { version, v3, pdu: decodePdu(buf, scoped[2]!) };
}

// ---------------------------------------------------------------- encoding

function encodeLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function encodeInteger(value: number | bigint, tag: number = TAG.INTEGER): Buffer {
  // X.690 §8.3: the shortest two's complement. Request ids and the like fit 32 bits: plain numbers
  // (an arithmetic shift keeps the sign); anything larger through BigInt
  if (typeof value === "number" && Number.isInteger(value) && value >= -0x80000000 && value <= 0x7fffffff) {
    let n = value;
    const small: number[] = [];
    do {
      small.unshift(n & 0xff);
      n >>= 8;
    } while (!((n === 0 && (small[0]! & 0x80) === 0) || (n === -1 && (small[0]! & 0x80) !== 0)));
    return tlv(tag, Buffer.from(small));
  }
  let v = BigInt(value);
  const bytes: number[] = [];
  do {
    bytes.unshift(Number(v & 0xffn));
    v >>= 8n;
  } while (!((v === 0n && (bytes[0]! & 0x80) === 0) || (v === -1n && (bytes[0]! & 0x80) !== 0)));
  return tlv(tag, Buffer.from(bytes));
}

export function encodeOctetString(value: Uint8Array | string): Buffer {
  return tlv(TAG.OCTET_STRING, typeof value === "string" ? Buffer.from(value, "utf8") : value);
}

export function encodeOid(oid: string): Buffer {
  const arcs = oid.split(".").map((a) => {
    if (!/^\d+$/.test(a)) throw new Error(`not an OID: ${oid}`);
    return Number(a);
  });
  if (arcs.length < 2 || arcs[0]! > 2 || (arcs[0]! < 2 && arcs[1]! > 39)) throw new Error(`not an OID: ${oid}`);
  const subids = [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)];
  const out: number[] = [];
  for (const s of subids) {
    if (s > 0xffffffff) throw new Error(`OID arc too large: ${oid}`);
    const group: number[] = [s & 0x7f];
    for (let v = Math.floor(s / 128); v > 0; v = Math.floor(v / 128)) group.unshift((v & 0x7f) | 0x80);
    out.push(...group);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

export const NULL_VALUE = Buffer.from([TAG.NULL, 0]);

export interface OutVarbind {
  oid: string;
  /** a whole value TLV; NULL for a GET */
  raw?: Buffer;
}

/** A PDU (RFC 3416 §3); error-status and error-index stay 0 in requests (test agents set them). */
export function encodePdu(type: number, requestId: number, varbinds: OutVarbind[], errorStatus = 0, errorIndex = 0): Buffer {
  const vbs = varbinds.map((vb) => tlv(TAG.SEQUENCE, Buffer.concat([encodeOid(vb.oid), vb.raw ?? NULL_VALUE])));
  return tlv(type, Buffer.concat([encodeInteger(requestId), encodeInteger(errorStatus), encodeInteger(errorIndex), tlv(TAG.SEQUENCE, Buffer.concat(vbs))]));
}

/** A v1 or v2c message (RFC 1157 §4; RFC 1901 §3). */
export function encodeCommunityMessage(version: 0 | 1, community: Uint8Array | string, pdu: Buffer): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat([encodeInteger(version), encodeOctetString(community), pdu]));
}

export interface V3Out {
  msgId: number;
  engineId: Uint8Array;
  engineBoots: number;
  engineTime: number;
  userName: string;
  pdu: Buffer;
}

/**
 * An SNMPv3 noAuthNoPriv, reportable message (RFC 3412 §6, msgFlags 0x04; USM model 3, RFC 3414
 * §2.4). With an empty engine ID and user it is the discovery probe of RFC 3414 §4.
 */
export function encodeV3NoAuthMessage(m: V3Out): Buffer {
  const globalData = tlv(TAG.SEQUENCE, Buffer.concat([encodeInteger(m.msgId), encodeInteger(65507), encodeOctetString(Buffer.from([0x04])), encodeInteger(3)]));
  const usm = tlv(
    TAG.SEQUENCE,
    Buffer.concat([
      encodeOctetString(m.engineId),
      encodeInteger(m.engineBoots),
      encodeInteger(m.engineTime),
      encodeOctetString(m.userName),
      encodeOctetString(""),
      encodeOctetString(""),
    ]),
  );
  const scoped = tlv(TAG.SEQUENCE, Buffer.concat([encodeOctetString(m.engineId), encodeOctetString(""), m.pdu]));
  return tlv(TAG.SEQUENCE, Buffer.concat([encodeInteger(3), globalData, encodeOctetString(usm), scoped]));
}

// ---------------------------------------------------------------- values

/** Longest octet string rendered into facts; longer values are cut (the length is kept). */
export const MAX_TEXT_OCTETS = 1024;

/**
 * Device text is kept as text only when it is valid UTF-8 without terminal or layout controls: no
 * C0 controls except TAB and LF (CR only before LF), no DEL, no C1 controls, no bidi overrides or
 * isolates (U+202A-U+202E, U+2066-U+2069, U+200E/F, U+061C). Anything else is kept exactly, as hex.
 */
const SAFE_TEXT = /^(?:[\x09\x0a\x20-\x7e\u00a0-\u061b\u061d-\u200d\u2010-\u2029\u202f-\u2065\u206a-\ufffc\ufffe\uffff\u{10000}-\u{10ffff}]|\r\n)*$/u;

/** Octets as facts text: safe text verbatim, anything else `0x<hex>`; cut after `max` octets. */
export function octetsToText(octets: Uint8Array, max: number = MAX_TEXT_OCTETS): string {
  const buf = Buffer.from(octets.buffer, octets.byteOffset, Math.min(octets.length, max));
  const cut = octets.length > max ? ` [cut: ${octets.length} octets]` : "";
  const s = buf.toString("utf8");
  if (SAFE_TEXT.test(s) && !s.includes("\ufffd")) return s + cut;
  return `0x${buf.toString("hex")}${cut}`;
}

/** Text of a decoded value for facts (printable strings as text, others as hex or numbers). */
export function valueToText(vb: Varbind): string {
  switch (vb.type) {
    case TAG.OCTET_STRING:
      return octetsToText(vb.value);
    case TAG.OID:
      return decodeOid(vb.value, { tag: TAG.OID, start: 0, end: vb.value.length });
    case TAG.INTEGER:
    case TAG.COUNTER32:
    case TAG.GAUGE32:
    case TAG.TIMETICKS:
    case TAG.COUNTER64:
      return decodeInteger(vb.value, { tag: vb.type, start: 0, end: vb.value.length }).toString();
    case TAG.IP_ADDRESS:
      return vb.value.length === 4 ? [...vb.value].join(".") : `0x${vb.value.subarray(0, MAX_TEXT_OCTETS).toString("hex")}`;
    case TAG.NULL:
      return "";
    default:
      return `0x${vb.value.subarray(0, MAX_TEXT_OCTETS).toString("hex")}`;
  }
}

/** RFC 3416 §3 exception values in a response varbind. */
export function isException(vb: Varbind): boolean {
  return vb.type === TAG.NO_SUCH_OBJECT || vb.type === TAG.NO_SUCH_INSTANCE || vb.type === TAG.END_OF_MIB_VIEW;
}
