// Pure Modbus/TCP framing: MBAP header encode/decode and the PDUs the probe and the simulator use.
// No I/O here, so the stream parser can be covered by property tests (test/modbus/mbap.property.test.ts).
//
// MBAP header (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3):
//   transaction id (2) | protocol id (2, always 0) | length (2: unit id + PDU bytes) | unit id (1)
// PDU = function code (1) + data; at most 253 bytes (Modbus Application Protocol 1.1b §4.1), so
// the length field is 2..254 and a whole ADU is at most 260 bytes.

export const MBAP_HEADER_BYTES = 7;
export const MAX_PDU_BYTES = 253;
export const MAX_LENGTH_FIELD = MAX_PDU_BYTES + 1;
export const MIN_LENGTH_FIELD = 2;

export interface MbapFrame {
  transactionId: number;
  protocolId: number;
  unitId: number;
  /** function code + data */
  pdu: Buffer;
}

export type ExtractResult =
  | { kind: "need-more" /** bytes the header says are still missing (0 when the header itself is incomplete) */; missing: number }
  | { kind: "frame"; frame: MbapFrame; consumed: number }
  | { kind: "invalid"; reason: string };

/** Encode one ADU. Throws on a PDU the protocol cannot carry (empty or > 253 bytes). */
export function encodeFrame(frame: { transactionId: number; unitId: number; pdu: Buffer; protocolId?: number }): Buffer {
  if (frame.pdu.length < 1 || frame.pdu.length > MAX_PDU_BYTES) throw new RangeError(`PDU length ${frame.pdu.length} outside 1..${MAX_PDU_BYTES}`);
  const out = Buffer.alloc(MBAP_HEADER_BYTES + frame.pdu.length);
  out.writeUInt16BE(frame.transactionId & 0xffff, 0);
  out.writeUInt16BE((frame.protocolId ?? 0) & 0xffff, 2);
  out.writeUInt16BE(frame.pdu.length + 1, 4);
  out.writeUInt8(frame.unitId & 0xff, 6);
  frame.pdu.copy(out, MBAP_HEADER_BYTES);
  return out;
}

/**
 * Take the first frame off a receive buffer. Strict: protocol id must be 0 (§3.1.3: "0 = MODBUS
 * protocol") and the length field must lie in 2..254; anything else is `invalid` (the stream cannot
 * be resynchronised, the caller closes the connection).
 */
export function extractFrame(buf: Buffer): ExtractResult {
  const h = extractFrameHeader(buf);
  if (h.kind === "need-more") return { kind: "need-more", missing: 0 };
  if (h.kind === "invalid") return h;
  if (buf.length < h.total) return { kind: "need-more", missing: h.total - buf.length };
  return {
    kind: "frame",
    consumed: h.total,
    frame: { transactionId: buf.readUInt16BE(0), protocolId: 0, unitId: buf.readUInt8(6), pdu: Buffer.from(buf.subarray(7, h.total)) },
  };
}

/**
 * Frame function for a Modbus/TCP byte stream (src/net Connection.read): undefined until the
 * 6-byte header prefix is in, then the whole ADU length; throws MbapDecodeError on a header that
 * cannot be Modbus (the stream cannot be resynchronised).
 */
export function mbapFrameLength(buf: Buffer): number | undefined {
  const r = extractFrameHeader(buf);
  if (r.kind === "invalid") throw new MbapDecodeError(`invalid MBAP header: ${r.reason}`);
  return r.kind === "need-more" ? undefined : r.total;
}

function extractFrameHeader(buf: Buffer): { kind: "need-more" } | { kind: "invalid"; reason: string } | { kind: "ok"; total: number } {
  if (buf.length < 6) return { kind: "need-more" };
  const protocolId = buf.readUInt16BE(2);
  const length = buf.readUInt16BE(4);
  if (protocolId !== 0) return { kind: "invalid", reason: `protocol id ${protocolId} (expected 0)` };
  if (length > MAX_LENGTH_FIELD) return { kind: "invalid", reason: `length field ${length} exceeds ${MAX_LENGTH_FIELD} (PDU over ${MAX_PDU_BYTES} bytes)` };
  if (length < MIN_LENGTH_FIELD) return { kind: "invalid", reason: `length field ${length} below ${MIN_LENGTH_FIELD} (no function code)` };
  return { kind: "ok", total: 6 + length };
}

/** Function codes (Modbus Application Protocol 1.1b §5.1, §6). */
export const FC = {
  READ_COILS: 0x01,
  READ_DISCRETE_INPUTS: 0x02,
  READ_HOLDING_REGISTERS: 0x03,
  READ_INPUT_REGISTERS: 0x04,
  WRITE_SINGLE_COIL: 0x05,
  WRITE_SINGLE_REGISTER: 0x06,
  DIAGNOSTICS: 0x08,
  REPORT_SERVER_ID: 0x11,
  ENCAPSULATED_INTERFACE: 0x2b,
} as const;

/** MEI type 14 = Read Device Identification (§6.21). */
export const MEI_READ_DEVICE_ID = 0x0e;

/** Read Device ID codes (§6.21): 1 basic stream, 2 regular stream, 3 extended stream, 4 one object. */
export const READ_DEVICE_ID_CODE = { basic: 1, regular: 2, extended: 3, specific: 4 } as const;

/** Object ids of the basic and regular categories (§6.21, Table "Object Id"). */
export const DEVICE_ID_OBJECTS = [
  { id: 0x00, key: "vendorName", category: "basic" },
  { id: 0x01, key: "productCode", category: "basic" },
  { id: 0x02, key: "revision", category: "basic" },
  { id: 0x03, key: "vendorUrl", category: "regular" },
  { id: 0x04, key: "productName", category: "regular" },
  { id: 0x05, key: "modelName", category: "regular" },
  { id: 0x06, key: "userApplicationName", category: "regular" },
] as const;
export type DeviceIdKey = (typeof DEVICE_ID_OBJECTS)[number]["key"];

/** Exception codes (§7). */
export const EXCEPTION_NAMES: Record<number, string> = {
  0x01: "ILLEGAL FUNCTION",
  0x02: "ILLEGAL DATA ADDRESS",
  0x03: "ILLEGAL DATA VALUE",
  0x04: "SERVER DEVICE FAILURE",
  0x05: "ACKNOWLEDGE",
  0x06: "SERVER DEVICE BUSY",
  0x08: "MEMORY PARITY ERROR",
  0x0a: "GATEWAY PATH UNAVAILABLE",
  0x0b: "GATEWAY TARGET DEVICE FAILED TO RESPOND",
};

export function exceptionName(code: number): string {
  return EXCEPTION_NAMES[code] ?? `UNKNOWN EXCEPTION 0x${code.toString(16).padStart(2, "0")}`;
}

/** An exception response PDU: function code with the high bit set, then one exception code (§7). */
export function isExceptionPdu(pdu: Buffer): boolean {
  return pdu.length >= 1 && (pdu[0]! & 0x80) !== 0;
}

// ---- request PDUs (only the read-only ones and the two single writes of the write-back test) ----

export function readDeviceIdRequest(readCode: number, objectId: number): Buffer {
  return Buffer.from([FC.ENCAPSULATED_INTERFACE, MEI_READ_DEVICE_ID, readCode, objectId]);
}

export function reportServerIdRequest(): Buffer {
  return Buffer.from([FC.REPORT_SERVER_ID]);
}

export function readBitsOrRegistersRequest(fc: number, address: number, quantity: number): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt8(fc, 0);
  b.writeUInt16BE(address, 1);
  b.writeUInt16BE(quantity, 3);
  return b;
}

/** FC 5 (§6.5): 0xFF00 = ON, 0x0000 = OFF; FC 6 (§6.6): the register value. */
export function writeSingleRequest(fc: typeof FC.WRITE_SINGLE_COIL | typeof FC.WRITE_SINGLE_REGISTER, address: number, value: number | boolean): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt8(fc, 0);
  b.writeUInt16BE(address, 1);
  b.writeUInt16BE(fc === FC.WRITE_SINGLE_COIL ? (value ? 0xff00 : 0x0000) : Number(value) & 0xffff, 3);
  return b;
}

// ---- response decoding (throws MbapDecodeError only; bounded by the 253-byte PDU) ----

/** The one error the decoders throw: the device's answer does not have the shape the spec gives. */
export class MbapDecodeError extends Error {
  override name = "MbapDecodeError";
}

export interface DeviceIdResponse {
  readCode: number;
  conformityLevel: number;
  moreFollows: boolean;
  /** the raw More Follows byte (§6.21: 0x00 or 0xFF; anything else is reported and read as "no more") */
  moreFollowsByte: number;
  nextObjectId: number;
  objects: { id: number; value: string }[];
  /** bytes after the last object (a length that lies) */
  trailing: number;
}

/** Decode a Read Device Identification response PDU (§6.21); throws MbapDecodeError on a malformed one. */
export function decodeDeviceIdResponse(pdu: Buffer): DeviceIdResponse {
  if (pdu.length < 7 || pdu[0] !== FC.ENCAPSULATED_INTERFACE || pdu[1] !== MEI_READ_DEVICE_ID)
    throw new MbapDecodeError("not a Read Device Identification response");
  const count = pdu[6]!;
  const objects: { id: number; value: string }[] = [];
  let at = 7;
  for (let i = 0; i < count; i++) {
    if (at + 2 > pdu.length) throw new MbapDecodeError(`object list truncated at object ${i} of ${count}`);
    const id = pdu[at]!;
    const len = pdu[at + 1]!;
    if (at + 2 + len > pdu.length) throw new MbapDecodeError(`object 0x${id.toString(16)} length ${len} runs past the PDU`);
    objects.push({ id, value: pdu.subarray(at + 2, at + 2 + len).toString("latin1") });
    at += 2 + len;
  }
  return {
    readCode: pdu[2]!,
    conformityLevel: pdu[3]!,
    moreFollows: pdu[4] === 0xff,
    moreFollowsByte: pdu[4]!,
    nextObjectId: pdu[5]!,
    objects,
    trailing: pdu.length - at,
  };
}

export interface ServerIdResponse {
  data: Buffer;
  runIndicator?: { status: "on" | "off"; offset: number; basis: "after-1-byte-server-id" | "last-byte" };
}

/**
 * FC 17 response (§6.17): byte count, then Server ID (device specific length), Run Indicator Status
 * (0x00 OFF, 0xFF ON), additional data. The run indicator is read where a layout shows it: after a
 * one-byte server id (Modicon-style, e.g. "\xFA\xFFPM710PowerMeter"), else as the last byte.
 */
export function decodeReportServerIdResponse(pdu: Buffer): ServerIdResponse {
  if (pdu.length < 2 || pdu[0] !== FC.REPORT_SERVER_ID) throw new MbapDecodeError("not a Report Server ID response");
  const count = pdu[1]!;
  if (pdu.length < 2 + count) throw new MbapDecodeError(`byte count ${count} runs past the PDU`);
  const data = Buffer.from(pdu.subarray(2, 2 + count));
  const out: ServerIdResponse = { data };
  const flag = (b: number | undefined) => (b === 0xff ? "on" : b === 0x00 ? "off" : undefined);
  const second = flag(data[1]);
  const last = flag(data[data.length - 1]);
  if (data.length >= 2 && second) out.runIndicator = { status: second, offset: 1, basis: "after-1-byte-server-id" };
  else if (data.length >= 2 && last) out.runIndicator = { status: last, offset: data.length - 1, basis: "last-byte" };
  return out;
}

/** FC 1/2 response: byte count + packed bits; FC 3/4: byte count + 16-bit registers (§6.1-6.4). */
export function decodeReadResponse(pdu: Buffer, quantity: number): number[] {
  const fc = pdu[0]!;
  const count = pdu[1] ?? 0;
  if (pdu.length < 2 + count) throw new MbapDecodeError(`byte count ${count} runs past the PDU`);
  const data = pdu.subarray(2, 2 + count);
  if (fc === FC.READ_COILS || fc === FC.READ_DISCRETE_INPUTS) {
    if (count * 8 < quantity) throw new MbapDecodeError(`bit response too short for ${quantity} bits`);
    return Array.from({ length: quantity }, (_, i) => (data[i >> 3]! >> (i & 7)) & 1);
  }
  if (count < quantity * 2) throw new MbapDecodeError(`register response too short for ${quantity} registers`);
  return Array.from({ length: quantity }, (_, i) => data.readUInt16BE(i * 2));
}
