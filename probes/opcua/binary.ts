// OPC UA Binary encoding (OPC 10000-6 §5.2) for our own UACP client: a writer for the few requests
// we send and a strictly bounded reader for what a device sends back. Every read is bounds-checked;
// lengths that lie (negative other than -1, longer than what is left, arrays larger than the bytes
// left could hold) fail at once with the one typed decoder error, UacpProtocolError. Strings kept
// for facts are capped (a 4 MB ApplicationName is cut, marked, and still skipped exactly); they are
// otherwise kept as received, control characters included (escaping happens at the output boundary).

/** The peer broke the protocol (malformed, oversized, unexpected message): the decoder's only error. */
export class UacpProtocolError extends Error {
  override name = "UacpProtocolError";
}

/** Caps on what one decoded value may hold (bounded work and bounded facts). */
export const DECODE_LIMITS = {
  /** bytes of a String kept (the rest is skipped and replaced by a marker) */
  maxStringChars: 1024,
  /** elements of one array the reader will walk (OPC 10000-6 §5.2.5) */
  maxArray: 10_000,
  /** nesting of DiagnosticInfo (the only recursive structure our client decodes; §5.2.2.12) */
  maxDepth: 4,
} as const;

export class BinaryWriter {
  private parts: Buffer[] = [];
  uint8(v: number) {
    const b = Buffer.alloc(1);
    b.writeUInt8(v);
    this.parts.push(b);
    return this;
  }
  uint16(v: number) {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(v);
    this.parts.push(b);
    return this;
  }
  uint32(v: number) {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v >>> 0);
    this.parts.push(b);
    return this;
  }
  int32(v: number) {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: bigint) {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(v);
    this.parts.push(b);
    return this;
  }
  bytes(b: Buffer) {
    this.parts.push(b);
    return this;
  }
  /** String / ByteString: Int32 length, -1 = null (§5.2.2.4) */
  string(s: string | null) {
    if (s === null) return this.int32(-1);
    const b = Buffer.from(s, "utf8");
    return this.int32(b.length).bytes(b);
  }
  byteString(b: Buffer | null) {
    return b === null ? this.int32(-1) : this.int32(b.length).bytes(b);
  }
  /** DateTime: 100 ns ticks since 1601-01-01 UTC (§5.2.2.5) */
  dateTime(d: Date) {
    return this.int64(BigInt(d.getTime() + 11_644_473_600_000) * 10_000n);
  }
  /** NodeId in the four-byte form: namespace < 256, id < 65536 (§5.2.2.9) */
  fourByteNodeId(ns: number, id: number) {
    return this.uint8(0x01).uint8(ns).uint16(id);
  }
  toBuffer() {
    return Buffer.concat(this.parts);
  }
}

/** Marker appended to a String cut at DECODE_LIMITS.maxStringChars (so it can never equal a known URI). */
export function truncatedMarker(extraBytes: number): string {
  return `…[+${extraBytes} bytes]`;
}

export class BinaryReader {
  offset = 0;
  constructor(readonly buf: Buffer) {}
  private need(n: number, what: string) {
    if (n < 0 || this.offset + n > this.buf.length)
      throw new UacpProtocolError(`truncated message: ${what} needs ${n} bytes at offset ${this.offset}, ${this.buf.length - this.offset} left`);
  }
  remaining() {
    return this.buf.length - this.offset;
  }
  uint8(what = "byte") {
    this.need(1, what);
    return this.buf.readUInt8(this.offset++);
  }
  uint16(what = "uint16") {
    this.need(2, what);
    const v = this.buf.readUInt16LE(this.offset);
    this.offset += 2;
    return v;
  }
  uint32(what = "uint32") {
    this.need(4, what);
    const v = this.buf.readUInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  int32(what = "int32") {
    this.need(4, what);
    const v = this.buf.readInt32LE(this.offset);
    this.offset += 4;
    return v;
  }
  int64(what = "int64") {
    this.need(8, what);
    const v = this.buf.readBigInt64LE(this.offset);
    this.offset += 8;
    return v;
  }
  skip(n: number, what: string) {
    this.need(n, what);
    this.offset += n;
  }
  /** Int32 length of a String/ByteString/array: -1 is null (§5.2.2.4, §5.2.5); other negatives lie. */
  private length(what: string): number {
    const len = this.int32(`${what} length`);
    if (len < -1) throw new UacpProtocolError(`${what}: negative length ${len}`);
    return len;
  }
  /** ByteString (§5.2.2.7): a view of the bytes, or null. */
  byteString(what = "ByteString"): Buffer | null {
    const len = this.length(what);
    if (len < 0) return null;
    this.need(len, what);
    const b = this.buf.subarray(this.offset, this.offset + len);
    this.offset += len;
    return b;
  }
  /** String (§5.2.2.4), UTF-8; kept as received up to maxStringChars, then cut and marked. */
  string(what = "String"): string | null {
    const b = this.byteString(what);
    if (b === null) return null;
    const cap = DECODE_LIMITS.maxStringChars;
    if (b.length <= cap) return b.toString("utf8");
    // decode only a prefix of a huge string (a cut inside a UTF-8 sequence becomes U+FFFD)
    return b.subarray(0, cap).toString("utf8") + truncatedMarker(b.length - cap);
  }
  /**
   * Array (§5.2.5): -1 is null (empty here). A length the remaining bytes cannot hold (each element
   * takes at least `minElementBytes`) lies: fail before looping.
   */
  array<T>(read: () => T, what: string, minElementBytes = 1): T[] {
    const n = this.arrayLength(what, minElementBytes);
    const out: T[] = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }
  arrayLength(what: string, minElementBytes = 1): number {
    const n = this.length(what);
    if (n < 0) return 0;
    if (n > DECODE_LIMITS.maxArray) throw new UacpProtocolError(`${what}: array of ${n} elements exceeds the cap of ${DECODE_LIMITS.maxArray}`);
    if (n * minElementBytes > this.remaining()) throw new UacpProtocolError(`${what}: ${n} elements announced, only ${this.remaining()} bytes left`);
    return n;
  }
  /** NodeId / ExpandedNodeId (§5.2.2.9, §5.2.2.10); returns "ns=x;i=y"-like text */
  nodeId(what = "NodeId"): string {
    const enc = this.uint8(what);
    let text: string;
    switch (enc & 0x3f) {
      case 0x00:
        text = `i=${this.uint8(what)}`;
        break;
      case 0x01: {
        const ns = this.uint8(what);
        text = `ns=${ns};i=${this.uint16(what)}`;
        break;
      }
      case 0x02: {
        const ns = this.uint16(what);
        text = `ns=${ns};i=${this.uint32(what)}`;
        break;
      }
      case 0x03: {
        const ns = this.uint16(what);
        text = `ns=${ns};s=${this.string(what) ?? ""}`;
        break;
      }
      case 0x04: {
        const ns = this.uint16(what);
        this.need(16, what);
        text = `ns=${ns};g=${this.buf.subarray(this.offset, this.offset + 16).toString("hex")}`;
        this.offset += 16;
        break;
      }
      case 0x05: {
        const ns = this.uint16(what);
        const b = this.byteString(what) ?? Buffer.alloc(0);
        text = `ns=${ns};b=${b.subarray(0, 256).toString("base64")}`;
        break;
      }
      default:
        throw new UacpProtocolError(`${what}: unknown NodeId encoding 0x${enc.toString(16)}`);
    }
    if (enc & 0x80) this.string(`${what} namespace URI`);
    if (enc & 0x40) this.uint32(`${what} server index`);
    return text;
  }
  /** numeric id of a namespace-0 type NodeId, or -1 for another form */
  typeId(what: string): number {
    const t = this.nodeId(what);
    const m = /^ns=0;i=(\d+)$|^i=(\d+)$/.exec(t);
    return m ? Number(m[1] ?? m[2]) : -1;
  }
  /** LocalizedText (§5.2.2.14): the text, locale dropped */
  localizedText(what = "LocalizedText"): string {
    const mask = this.uint8(what);
    if (mask & 0x01) this.string(`${what} locale`);
    return mask & 0x02 ? (this.string(`${what} text`) ?? "") : "";
  }
  /** DiagnosticInfo (§5.2.2.12), skipped; depth-limited against recursion bombs */
  diagnosticInfo(depth = 0): void {
    if (depth > DECODE_LIMITS.maxDepth) throw new UacpProtocolError("DiagnosticInfo nested too deeply");
    const mask = this.uint8("DiagnosticInfo");
    if (mask & 0x01) this.int32("SymbolicId");
    if (mask & 0x02) this.int32("NamespaceUri");
    if (mask & 0x08) this.int32("Locale");
    if (mask & 0x04) this.int32("LocalizedText");
    if (mask & 0x10) this.string("AdditionalInfo");
    if (mask & 0x20) this.uint32("InnerStatusCode");
    if (mask & 0x40) this.diagnosticInfo(depth + 1);
  }
  /** ExtensionObject (§5.2.2.15), skipped: its body is a length-prefixed ByteString never decoded */
  extensionObject(what = "ExtensionObject"): void {
    this.nodeId(what);
    const enc = this.uint8(what);
    if (enc === 0x01 || enc === 0x02) this.byteString(what);
    else if (enc !== 0x00) throw new UacpProtocolError(`${what}: unknown encoding byte 0x${enc.toString(16)}`);
  }
}
