// The one error type the TLS wire parsers throw. Anything else escaping a parser is a bug (the
// fuzz scripts and property tests check that). `code` says what was wrong with the bytes.
export type TlsWireErrorCode = "truncated" | "invalid" | "too-large" | "not-tls";

export class TlsWireError extends Error {
  constructor(
    readonly code: TlsWireErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "TlsWireError";
  }
}

/** A bounds-checked reader over one message body: every read past the end throws `truncated`. */
export class Reader {
  at = 0;
  constructor(
    readonly buf: Buffer,
    readonly what: string,
  ) {}
  get left(): number {
    return this.buf.length - this.at;
  }
  private need(n: number, field: string): void {
    if (this.at + n > this.buf.length) throw new TlsWireError("truncated", `${this.what}: ${field} needs ${n} bytes, ${this.left} left`);
  }
  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.at++]!;
  }
  u16(field: string): number {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.at);
    this.at += 2;
    return v;
  }
  u24(field: string): number {
    this.need(3, field);
    const v = (this.buf[this.at]! << 16) | (this.buf[this.at + 1]! << 8) | this.buf[this.at + 2]!;
    this.at += 3;
    return v;
  }
  bytes(n: number, field: string): Buffer {
    this.need(n, field);
    const v = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return v;
  }
  /** a vector with a 1-, 2- or 3-byte length prefix (RFC 8446 §3.4) */
  vector(lengthBytes: 1 | 2 | 3, field: string): Buffer {
    const n = lengthBytes === 1 ? this.u8(field) : lengthBytes === 2 ? this.u16(field) : this.u24(field);
    return this.bytes(n, field);
  }
}
