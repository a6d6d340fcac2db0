// DNP3 transport function (IEEE 1815-2012 §8: one header byte FIN|FIR|SEQ per segment) and the
// application layer (§4.2.2): the probe's READ requests of device attributes (group 0, §11.9.1
// Table 11-?; each header qualifier 0x00 index 0..0) and the decoding of responses: application
// control, function code, the internal indications (IIN, §4.2.2.7.2) and the objects the probe asked
// for (group 0 attributes: data type, length, value, §11.9.1.1) plus the Secure Authentication objects
// an outstation may answer with (group 120, §7.6). Any other object stops the decoding (its size is
// not known without the whole object library): counted, never guessed. Throws only Dnp3DecodeError.
import { Dnp3DecodeError } from "./link.js";

export const FC = { CONFIRM: 0, READ: 1, RESPONSE: 129, UNSOLICITED_RESPONSE: 130, AUTHENTICATION_RESPONSE: 131 } as const;

/** The only application function codes the probe ever sends (defence in depth: checked before every send). */
export const SENDABLE_FUNCTIONS: ReadonlySet<number> = new Set([FC.READ]);

/** Device attribute variations of group 0 (IEEE 1815-2012 §11.9.1, Table 11-? "Device attributes"). */
export const ATTRIBUTE_NAMES: Record<number, string> = {
  209: "secure authentication version",
  240: "maximum transmit fragment size",
  241: "maximum receive fragment size",
  242: "device manufacturer's software version",
  243: "device manufacturer's hardware version",
  245: "user-assigned location name",
  246: "user-assigned ID code/number",
  247: "user-assigned device name",
  248: "device serial number",
  249: "DNP3 subset and conformance",
  250: "device manufacturer's product name and model",
  252: "device manufacturer's name",
};

/** What a default run reads: identity first, then (in its own request) the SA version. */
export const IDENTITY_VARIATIONS = [252, 250, 242, 243, 248, 247, 246] as const;
export const SA_VERSION_VARIATION = 209;

export function transportHeader(fir: boolean, fin: boolean, seq: number): number {
  return (fin ? 0x80 : 0) | (fir ? 0x40 : 0) | (seq & 0x3f);
}

/**
 * A READ of group 0 variations (one object header each, qualifier 0x00, range 0..0: the standard
 * attribute set), in one unfragmented application request: AC = FIR|FIN|SEQ, FC 1.
 */
export function readAttributesRequest(seq: number, variations: readonly number[]): Buffer {
  const parts = [Buffer.from([0xc0 | (seq & 0x0f), FC.READ])];
  for (const v of variations) parts.push(Buffer.from([0x00, v & 0xff, 0x00, 0x00, 0x00]));
  return Buffer.concat(parts);
}

/** IIN1 bits (§4.2.2.7.2): bit 0 .. bit 7. */
const IIN1 = ["broadcast", "class-1-events", "class-2-events", "class-3-events", "need-time", "local-control", "device-trouble", "device-restart"];
/** IIN2 bits: bit 0 .. bit 7 (6 and 7 reserved). */
const IIN2 = [
  "function-not-supported",
  "object-unknown",
  "parameter-error",
  "event-buffer-overflow",
  "already-executing",
  "config-corrupt",
  "reserved-2.6",
  "reserved-2.7",
];

/** Every IIN flag name iinFlags() produces (the rules tell these from unknown ones). */
export const IIN_FLAG_NAMES: readonly string[] = [...IIN1, ...IIN2];

export function iinFlags(iin1: number, iin2: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 8; i++) if (iin1 & (1 << i)) out.push(IIN1[i]!);
  for (let i = 0; i < 8; i++) if (iin2 & (1 << i)) out.push(IIN2[i]!);
  return out;
}

export interface Attribute {
  variation: number;
  /** attribute set index (0 = the standard set) */
  index: number;
  dataType: number;
  /** the value bytes as received */
  raw: Buffer;
}

export interface AuthObject {
  variation: number;
  /** g120v1 challenge: sequence, user, MAC algorithm, reason */
  challenge?: { csq: number; user: number; macAlgorithm: number; reason: number; dataLength: number };
  /** g120v7 error: sequence, user, association id, error code */
  error?: { csq: number; user: number; associationId: number; code: number };
}

export interface AppResponse {
  fir: boolean;
  fin: boolean;
  con: boolean;
  uns: boolean;
  seq: number;
  func: number;
  iin1: number;
  iin2: number;
  attributes: Attribute[];
  auth: AuthObject[];
  /** object headers decoded, and the first one the decoder could not size (it stops there) */
  headers: string[];
  stoppedAt?: string;
}

/** Most objects decoded per fragment (bounded work on a lying count). */
export const MAX_OBJECTS = 64;

class Reader {
  at = 0;
  constructor(readonly b: Buffer) {}
  need(n: number, what: string): void {
    if (this.at + n > this.b.length) throw new Dnp3DecodeError(`${what}: needs ${n} bytes at offset ${this.at}, ${this.b.length - this.at} left`);
  }
  u8(what: string): number {
    this.need(1, what);
    return this.b[this.at++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.b.readUInt16LE(this.at);
    this.at += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.b.readUInt32LE(this.at);
    this.at += 4;
    return v;
  }
  bytes(n: number, what: string): Buffer {
    this.need(n, what);
    const v = Buffer.from(this.b.subarray(this.at, this.at + n));
    this.at += n;
    return v;
  }
  get left(): number {
    return this.b.length - this.at;
  }
}

/** Index range of a header (qualifiers 0x00/0x01 start-stop, 0x07/0x08 count, 0x17/0x28 count with index prefix). */
function range(r: Reader, q: number): { count: number; prefix: 0 | 1 | 2; start: number } {
  switch (q) {
    case 0x00: {
      const start = r.u8("start");
      const stop = r.u8("stop");
      if (stop < start) throw new Dnp3DecodeError(`range stop ${stop} below start ${start}`);
      return { count: stop - start + 1, prefix: 0, start };
    }
    case 0x01: {
      const start = r.u16("start");
      const stop = r.u16("stop");
      if (stop < start) throw new Dnp3DecodeError(`range stop ${stop} below start ${start}`);
      return { count: stop - start + 1, prefix: 0, start };
    }
    case 0x07:
      return { count: r.u8("count"), prefix: 0, start: 0 };
    case 0x08:
      return { count: r.u16("count"), prefix: 0, start: 0 };
    case 0x17:
      return { count: r.u8("count"), prefix: 1, start: 0 };
    case 0x28:
      return { count: r.u16("count"), prefix: 2, start: 0 };
    default:
      throw new Dnp3DecodeError(`qualifier 0x${q.toString(16)} not decoded`);
  }
}

/** Decode an application response fragment (FC 129, 130 or 131). */
export function decodeResponse(frag: Buffer): AppResponse {
  const r = new Reader(frag);
  const ac = r.u8("application control");
  const func = r.u8("function code");
  if (func !== FC.RESPONSE && func !== FC.UNSOLICITED_RESPONSE && func !== FC.AUTHENTICATION_RESPONSE)
    throw new Dnp3DecodeError(`function code ${func} is not a response`);
  const iin1 = r.u8("IIN1");
  const iin2 = r.u8("IIN2");
  const out: AppResponse = {
    fir: (ac & 0x80) !== 0,
    fin: (ac & 0x40) !== 0,
    con: (ac & 0x20) !== 0,
    uns: (ac & 0x10) !== 0,
    seq: ac & 0x0f,
    func,
    iin1,
    iin2,
    attributes: [],
    auth: [],
    headers: [],
  };
  let objects = 0;
  while (r.left > 0) {
    if (out.headers.length >= 32) {
      out.stoppedAt = "more than 32 object headers";
      break;
    }
    const group = r.u8("object group");
    const variation = r.u8("object variation");
    const qualifier = r.u8("qualifier");
    const label = `g${group}v${variation} q0x${qualifier.toString(16).padStart(2, "0")}`;
    if (group === 0 && variation !== 254) {
      out.headers.push(label);
      const { count, prefix, start } = range(r, qualifier);
      for (let i = 0; i < count; i++) {
        if (++objects > MAX_OBJECTS) throw new Dnp3DecodeError(`more than ${MAX_OBJECTS} objects in one fragment`);
        const index = prefix === 1 ? r.u8("index") : prefix === 2 ? r.u16("index") : start + i;
        const dataType = r.u8("attribute data type");
        const len = r.u8("attribute length");
        out.attributes.push({ variation, index, dataType, raw: r.bytes(len, `attribute g0v${variation} value`) });
      }
    } else if (group === 120 && qualifier === 0x5b) {
      out.headers.push(label);
      const count = r.u8("count");
      for (let i = 0; i < count; i++) {
        if (++objects > MAX_OBJECTS) throw new Dnp3DecodeError(`more than ${MAX_OBJECTS} objects in one fragment`);
        const size = r.u16("object size");
        const body = new Reader(r.bytes(size, `g120v${variation} object`));
        const obj: AuthObject = { variation };
        if (variation === 1 && size >= 8)
          obj.challenge = { csq: body.u32("CSQ"), user: body.u16("USR"), macAlgorithm: body.u8("MAL"), reason: body.u8("RSN"), dataLength: size - 8 };
        if (variation === 7 && size >= 9) obj.error = { csq: body.u32("CSQ"), user: body.u16("USR"), associationId: body.u16("AID"), code: body.u8("ERR") };
        out.auth.push(obj);
      }
    } else {
      out.stoppedAt = label;
      break;
    }
  }
  return out;
}

/** A data-type-aware text of an attribute value (§11.9.1.1: 1 VSTR, 2 UINT, 3 INT, 4 FLT, 5 OSTR, 6 BSTR). */
export function attributeText(a: Attribute): string {
  const b = a.raw;
  if (a.dataType === 1) return b.toString("latin1");
  if (a.dataType === 2 && b.length >= 1 && b.length <= 4) return String(b.readUIntLE(0, b.length));
  if (a.dataType === 3 && b.length >= 1 && b.length <= 4) return String(b.readIntLE(0, b.length));
  if (a.dataType === 4 && b.length === 4) return String(b.readFloatLE(0));
  if (a.dataType === 4 && b.length === 8) return String(b.readDoubleLE(0));
  return b.toString("hex");
}

/**
 * Transport reassembly of one application fragment (§8.2): starts with a FIR segment, sequence
 * numbers consecutive, ends at FIN. Bounded in bytes and segments.
 */
export class Reassembly {
  private parts: Buffer[] = [];
  private size = 0;
  private nextSeq = -1;
  segments = 0;
  /** segments dropped: no FIR seen yet, or out of sequence */
  dropped = 0;

  constructor(
    readonly maxBytes = 4096,
    readonly maxSegments = 64,
  ) {}

  /** Feed one link frame's user data; returns the fragment once FIN arrives. */
  push(userData: Buffer): Buffer | undefined {
    if (userData.length < 1) throw new Dnp3DecodeError("empty transport segment");
    const th = userData[0]!;
    const fir = (th & 0x40) !== 0;
    const fin = (th & 0x80) !== 0;
    const seq = th & 0x3f;
    if (++this.segments > this.maxSegments) throw new Dnp3DecodeError(`more than ${this.maxSegments} transport segments without a complete fragment`);
    if (fir) {
      if (this.parts.length) this.dropped++;
      this.parts = [];
      this.size = 0;
    } else if (this.nextSeq < 0 || seq !== this.nextSeq) {
      this.dropped++;
      this.parts = [];
      this.size = 0;
      this.nextSeq = -1;
      return undefined;
    }
    this.size += userData.length - 1;
    if (this.size > this.maxBytes) throw new Dnp3DecodeError(`fragment larger than ${this.maxBytes} bytes`);
    this.parts.push(userData.subarray(1));
    this.nextSeq = (seq + 1) & 0x3f;
    if (!fin) return undefined;
    const out = Buffer.concat(this.parts, this.size);
    this.parts = [];
    this.size = 0;
    this.nextSeq = -1;
    this.segments = 0;
    return out;
  }
}
