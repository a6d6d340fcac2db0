// DNP3 data link layer (IEEE 1815-2012 §9.2): frames start 0x05 0x64, LEN counts CTRL + DEST + SRC +
// user data (5..255), the 8-byte header carries its own CRC, and the user data follows in blocks of
// at most 16 bytes, each with a CRC. The CRC is CRC-16/DNP (§9.2.4.1.3 and Annex: polynomial 0x3D65,
// reflected, initial 0, final XOR 0xFFFF, sent low byte first); check value of "123456789" is 0xEA82.
// Pure functions; decoders throw only Dnp3DecodeError. Bounded: a frame is at most 292 bytes.

export class Dnp3DecodeError extends Error {
  override name = "Dnp3DecodeError";
}

/** The reflected form of 0x3D65 (CRC-16/DNP). */
const POLY_REFLECTED = 0xa6bc;
const TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY_REFLECTED : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/DNP of `data` (the value; on the wire it is sent low byte first). */
export function crcDnp(data: Uint8Array, start = 0, end = data.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = (crc >>> 8) ^ TABLE[(crc ^ data[i]!) & 0xff]!;
  return ~crc & 0xffff;
}

export const START = [0x05, 0x64] as const;
export const HEADER_LEN = 10;
export const MAX_FRAME = 292;

/** Primary (PRM=1) link functions, §9.2.4.1.4 Table 9-1. */
export const PRI = { RESET_LINK_STATES: 0, TEST_LINK_STATES: 2, CONFIRMED_USER_DATA: 3, UNCONFIRMED_USER_DATA: 4, REQUEST_LINK_STATUS: 9 } as const;
/** Secondary (PRM=0) link functions, §9.2.4.1.4 Table 9-2. */
export const SEC = { ACK: 0, NACK: 1, LINK_STATUS: 11, NOT_SUPPORTED: 15 } as const;

/** Addresses 0xFFFD-0xFFFF are broadcasts (§9.2.5.3.2) and 0xFFFC is the self address: never used by the probe. */
export function isReservedAddress(a: number): boolean {
  return a >= 0xfff0;
}

export interface LinkFrame {
  /** DIR: 1 = sent by a master */
  dir: boolean;
  /** PRM: 1 = primary (initiating) frame */
  prm: boolean;
  /** FCB (primary) */
  fcb: boolean;
  /** FCV (primary) or DFC (secondary: data flow control, the receiver is busy) */
  fcvDfc: boolean;
  func: number;
  dest: number;
  src: number;
  /** user data with the block CRCs removed */
  data: Buffer;
}

function userLengthOf(len: number): number {
  return len - 5;
}

/** Total bytes of the frame whose header starts `buf`, once the header is there (transport-kit frame function). */
export function frameLength(buf: Uint8Array): number | undefined {
  if (buf.length >= 1 && buf[0] !== START[0])
    throw new Dnp3DecodeError(`not a DNP3 frame: first byte 0x${buf[0]!.toString(16).padStart(2, "0")} (expected 0x05 0x64)`);
  if (buf.length >= 2 && buf[1] !== START[1])
    throw new Dnp3DecodeError(`not a DNP3 frame: second byte 0x${buf[1]!.toString(16).padStart(2, "0")} (expected 0x64)`);
  if (buf.length < 3) return undefined;
  const len = buf[2]!;
  if (len < 5) throw new Dnp3DecodeError(`link LEN ${len} below the minimum 5`);
  const user = userLengthOf(len);
  return HEADER_LEN + user + 2 * Math.ceil(user / 16);
}

/** Encode one frame: header with CRC, then the user data in CRC-protected blocks of 16. */
export function encodeFrame(f: Omit<LinkFrame, "data"> & { data?: Uint8Array }): Buffer {
  const data = f.data ?? new Uint8Array(0);
  if (data.length > 250) throw new Dnp3DecodeError(`user data of ${data.length} bytes exceeds 250`);
  const out = Buffer.alloc(HEADER_LEN + data.length + 2 * Math.ceil(data.length / 16));
  out[0] = START[0];
  out[1] = START[1];
  out[2] = data.length + 5;
  out[3] = (f.dir ? 0x80 : 0) | (f.prm ? 0x40 : 0) | (f.fcb ? 0x20 : 0) | (f.fcvDfc ? 0x10 : 0) | (f.func & 0x0f);
  out.writeUInt16LE(f.dest & 0xffff, 4);
  out.writeUInt16LE(f.src & 0xffff, 6);
  out.writeUInt16LE(crcDnp(out, 0, 8), 8);
  let at = HEADER_LEN;
  for (let i = 0; i < data.length; i += 16) {
    const block = data.subarray(i, Math.min(i + 16, data.length));
    out.set(block, at);
    out.writeUInt16LE(crcDnp(block), at + block.length);
    at += block.length + 2;
  }
  return out;
}

/** Decode one whole frame (as cut by frameLength); a CRC error or a short frame throws. */
export function decodeFrame(buf: Uint8Array): LinkFrame {
  const total = frameLength(buf);
  if (total === undefined || buf.length < total) throw new Dnp3DecodeError(`frame truncated: ${buf.length} bytes`);
  if (buf.length !== total) throw new Dnp3DecodeError(`frame of ${buf.length} bytes, header announces ${total}`);
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.length);
  if (b.readUInt16LE(8) !== crcDnp(b, 0, 8))
    throw new Dnp3DecodeError(`header CRC mismatch (received 0x${b.readUInt16LE(8).toString(16)}, computed 0x${crcDnp(b, 0, 8).toString(16)})`);
  const user = userLengthOf(b[2]!);
  const data = Buffer.alloc(user);
  let at = HEADER_LEN;
  for (let i = 0; i < user; i += 16) {
    const n = Math.min(16, user - i);
    if (b.readUInt16LE(at + n) !== crcDnp(b, at, at + n)) throw new Dnp3DecodeError(`user data block ${i / 16} CRC mismatch`);
    b.copy(data, i, at, at + n);
    at += n + 2;
  }
  const ctrl = b[3]!;
  return {
    dir: (ctrl & 0x80) !== 0,
    prm: (ctrl & 0x40) !== 0,
    fcb: (ctrl & 0x20) !== 0,
    fcvDfc: (ctrl & 0x10) !== 0,
    func: ctrl & 0x0f,
    dest: b.readUInt16LE(4),
    src: b.readUInt16LE(6),
    data,
  };
}

/** A REQUEST_LINK_STATUS from a master (§9.2.6.2): DIR=1, PRM=1, FCV=0, no user data. */
export function linkStatusRequest(dest: number, src: number): Buffer {
  return encodeFrame({ dir: true, prm: true, fcb: false, fcvDfc: false, func: PRI.REQUEST_LINK_STATUS, dest, src });
}

export function secondaryName(func: number): string {
  return ({ 0: "ACK", 1: "NACK", 11: "LINK_STATUS", 15: "NOT_SUPPORTED" } as Record<number, string>)[func] ?? `secondary function ${func}`;
}

export function primaryName(func: number): string {
  return (
    (
      { 0: "RESET_LINK_STATES", 2: "TEST_LINK_STATES", 3: "CONFIRMED_USER_DATA", 4: "UNCONFIRMED_USER_DATA", 9: "REQUEST_LINK_STATUS" } as Record<
        number,
        string
      >
    )[func] ?? `primary function ${func}`
  );
}
