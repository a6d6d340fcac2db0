// BACnet encoding of primitive values (ASHRAE 135-2020 clause 20.2): tag octet (tag number, class,
// length/value/type), extended tag numbers and lengths, opening/closing tags, and the application
// types the probe reads (null, boolean, unsigned, signed, real, double, octet and character strings,
// bit string, enumerated, date, time, object identifier). Bounded and linear; throws only
// BacnetDecodeError. Character strings keep their exact bytes (hex) when they do not decode losslessly.

export class BacnetDecodeError extends Error {
  override name = "BacnetDecodeError";
}

export interface Tag {
  number: number;
  context: boolean;
  /** opening (6) / closing (7) tag of a constructed context value */
  opening: boolean;
  closing: boolean;
  /** content length, or for an application boolean its value */
  length: number;
  /** offset of the content */
  start: number;
}

/** Most values decoded from one property (an object-list of a small device fits). */
export const MAX_VALUES = 512;

export type BacnetValue =
  | { type: "null" }
  | { type: "boolean"; value: boolean }
  | { type: "unsigned" | "signed" | "enumerated"; value: number }
  | { type: "real" | "double"; value: number }
  | { type: "octets"; hex: string }
  | { type: "string"; charset: number; value: string; hex?: string }
  | { type: "bits"; bits: string }
  | { type: "date" | "time"; hex: string }
  | { type: "object"; objectType: number; instance: number }
  | { type: "context"; tag: number; hex: string };

export class TagReader {
  at: number;
  constructor(
    readonly b: Buffer,
    start = 0,
    readonly end = b.length,
  ) {
    this.at = start;
  }
  get done(): boolean {
    return this.at >= this.end;
  }
  private u8(): number {
    if (this.at >= this.end) throw new BacnetDecodeError(`tag truncated at offset ${this.at}`);
    return this.b[this.at++]!;
  }
  /** Read a tag header; the content starts at `start` (not consumed). */
  peek(): Tag {
    const save = this.at;
    const t = this.tag();
    this.at = save;
    return t;
  }
  tag(): Tag {
    const first = this.u8();
    let number = first >> 4;
    if (number === 0x0f) number = this.u8();
    const context = (first & 0x08) !== 0;
    const lvt = first & 0x07;
    if (context && lvt === 6) return { number, context, opening: true, closing: false, length: 0, start: this.at };
    if (context && lvt === 7) return { number, context, opening: false, closing: true, length: 0, start: this.at };
    let length = lvt;
    if (!context && number === 1) return { number, context, opening: false, closing: false, length: lvt, start: this.at }; // boolean: value in LVT
    if (lvt === 5) {
      length = this.u8();
      if (length === 254) length = (this.u8() << 8) | this.u8();
      else if (length === 255) length = ((this.u8() << 24) >>> 0) + (this.u8() << 16) + (this.u8() << 8) + this.u8();
    }
    if (this.at + length > this.end) throw new BacnetDecodeError(`tag ${number} announces ${length} bytes, ${this.end - this.at} left`);
    return { number, context, opening: false, closing: false, length, start: this.at };
  }
  /** Skip the content of a primitive tag just read. */
  skip(t: Tag): void {
    if (!(!t.context && t.number === 1)) this.at = t.start + t.length;
  }
  content(t: Tag): Buffer {
    this.at = t.start + t.length;
    return this.b.subarray(t.start, t.start + t.length);
  }
  /** Read a context-tagged unsigned with tag `n` (required). */
  contextUnsigned(n: number, what: string): number {
    const t = this.tag();
    if (!t.context || t.number !== n || t.opening || t.closing) throw new BacnetDecodeError(`${what}: expected context tag ${n}`);
    return unsignedOf(this.content(t), what);
  }
  contextObject(n: number, what: string): { objectType: number; instance: number } {
    const t = this.tag();
    if (!t.context || t.number !== n || t.length !== 4) throw new BacnetDecodeError(`${what}: expected a 4-byte context tag ${n}`);
    return objectIdOf(this.content(t));
  }
  expectOpening(n: number, what: string): void {
    const t = this.tag();
    if (!t.opening || t.number !== n) throw new BacnetDecodeError(`${what}: expected opening tag ${n}`);
  }
  /** Application values up to the closing tag `n` (consumed), bounded. */
  valuesUntilClosing(n: number, what: string): BacnetValue[] {
    const out: BacnetValue[] = [];
    let depth = 0;
    for (;;) {
      if (this.done) throw new BacnetDecodeError(`${what}: closing tag ${n} missing`);
      const t = this.tag();
      if (t.closing && depth === 0) {
        if (t.number !== n) throw new BacnetDecodeError(`${what}: closing tag ${t.number}, expected ${n}`);
        return out;
      }
      if (t.opening) {
        if (++depth > 8) throw new BacnetDecodeError(`${what}: constructed values nested deeper than 8`);
        continue;
      }
      if (t.closing) {
        depth--;
        continue;
      }
      if (out.length >= MAX_VALUES) throw new BacnetDecodeError(`${what}: more than ${MAX_VALUES} values`);
      out.push(t.context ? { type: "context", tag: t.number, hex: this.content(t).toString("hex") } : tagValue(t, this));
    }
  }
}

export function unsignedOf(b: Buffer, what: string): number {
  if (b.length < 1 || b.length > 6) throw new BacnetDecodeError(`${what}: unsigned of ${b.length} bytes`);
  return b.readUIntBE(0, b.length);
}

export function objectIdOf(b: Buffer): { objectType: number; instance: number } {
  const v = b.readUInt32BE(0);
  return { objectType: v >>> 22, instance: v & 0x3fffff };
}

/** Character sets (clause 20.2.9): 0 UTF-8, 3 UCS-4, 4 UCS-2, 5 ISO 8859-1. */
function stringOf(b: Buffer): BacnetValue {
  if (b.length < 1) throw new BacnetDecodeError("character string without a character set");
  const charset = b[0]!;
  const raw = b.subarray(1);
  let value: string;
  if (charset === 0) value = raw.toString("utf8");
  else if (charset === 5) value = raw.toString("latin1");
  else if (charset === 4 && raw.length % 2 === 0) value = Buffer.from(raw).swap16().toString("utf16le");
  else value = raw.toString("latin1");
  const lossless = charset === 5 || (charset === 0 && Buffer.from(value, "utf8").equals(raw));
  return { type: "string", charset, value, ...(lossless ? {} : { hex: raw.toString("hex") }) };
}

function tagValue(t: Tag, r: TagReader): BacnetValue {
  if (t.number === 1) return { type: "boolean", value: t.length !== 0 };
  const c = r.content(t);
  switch (t.number) {
    case 0:
      return { type: "null" };
    case 2:
      return { type: "unsigned", value: unsignedOf(c, "unsigned") };
    case 3:
      if (c.length < 1 || c.length > 6) throw new BacnetDecodeError(`signed of ${c.length} bytes`);
      return { type: "signed", value: c.readIntBE(0, c.length) };
    case 4:
      if (c.length !== 4) throw new BacnetDecodeError(`real of ${c.length} bytes`);
      return { type: "real", value: c.readFloatBE(0) };
    case 5:
      if (c.length !== 8) throw new BacnetDecodeError(`double of ${c.length} bytes`);
      return { type: "double", value: c.readDoubleBE(0) };
    case 6:
      return { type: "octets", hex: c.toString("hex") };
    case 7:
      return stringOf(c);
    case 8: {
      if (c.length < 1) throw new BacnetDecodeError("bit string without its unused-bits octet");
      const unused = c[0]!;
      if (unused > 7 || (c.length === 1 && unused)) throw new BacnetDecodeError(`bit string with ${unused} unused bits`);
      let bits = "";
      for (let i = 1; i < c.length; i++) bits += c[i]!.toString(2).padStart(8, "0");
      return { type: "bits", bits: bits.slice(0, bits.length - unused) };
    }
    case 9:
      return { type: "enumerated", value: unsignedOf(c, "enumerated") };
    case 10:
    case 11:
      return { type: t.number === 10 ? "date" : "time", hex: c.toString("hex") };
    case 12:
      if (c.length !== 4) throw new BacnetDecodeError(`object identifier of ${c.length} bytes`);
      return { type: "object", ...objectIdOf(c) };
    default:
      return { type: "octets", hex: c.toString("hex") };
  }
}

// ---- encoders (requests only) ----

export function encodeContextUnsigned(tag: number, v: number): Buffer {
  const n = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
  const b = Buffer.alloc(1 + n);
  b[0] = (tag << 4) | 0x08 | n;
  b.writeUIntBE(v, 1, n);
  return b;
}

export function encodeContextObject(tag: number, objectType: number, instance: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = (tag << 4) | 0x08 | 4;
  b.writeUInt32BE((((objectType & 0x3ff) << 22) | (instance & 0x3fffff)) >>> 0, 1);
  return b;
}

export const opening = (tag: number) => Buffer.from([(tag << 4) | 0x0e]);
export const closing = (tag: number) => Buffer.from([(tag << 4) | 0x0f]);

/** Application-tagged encoders (the simulator's answers). */
export function appUnsigned(v: number, tagNumber = 2): Buffer {
  const n = v < 0x100 ? 1 : v < 0x10000 ? 2 : v < 0x1000000 ? 3 : 4;
  const b = Buffer.alloc(1 + n);
  b[0] = (tagNumber << 4) | n;
  b.writeUIntBE(v, 1, n);
  return b;
}

export function appString(s: string): Buffer {
  const body = Buffer.concat([Buffer.from([0]), Buffer.from(s, "utf8")]);
  const head =
    body.length < 5
      ? Buffer.from([0x70 | body.length])
      : body.length < 254
        ? Buffer.from([0x75, body.length])
        : Buffer.from([0x75, 254, body.length >> 8, body.length & 0xff]);
  return Buffer.concat([head, body]);
}

export function appObject(objectType: number, instance: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0xc4;
  b.writeUInt32BE((((objectType & 0x3ff) << 22) | (instance & 0x3fffff)) >>> 0, 1);
  return b;
}

export function appBits(bits: string): Buffer {
  const bytes = Math.ceil(bits.length / 8);
  const body = Buffer.alloc(1 + bytes);
  body[0] = bytes * 8 - bits.length;
  for (let i = 0; i < bits.length; i++) if (bits[i] === "1") body[1 + (i >> 3)]! |= 0x80 >> (i & 7);
  return Buffer.concat([body.length < 5 ? Buffer.from([0x80 | body.length]) : Buffer.from([0x85, body.length]), body]);
}
