// EtherNet/IP encapsulation and CIP codec (pure, no I/O), per ODVA "The CIP Networks Library" Vol. 2
// (EtherNet/IP Adaptation of CIP) chapter 2 "Encapsulation Protocol" and Vol. 1 (CIP Common):
//   §2-3 encapsulation header (24 bytes, little-endian: command, length, session handle, status,
//   sender context, options); §2-4.2 ListIdentity (0x63), §2-4.3 ListServices (0x04), §2-4.4
//   RegisterSession (0x65), §2-4.5 UnRegisterSession (0x66), §2-4.7 SendRRData (0x6F); §2-6 Common
//   Packet Format (item count, typed items); Vol. 1 §2-4 Message Router request/response.
// Only read services are ever built: Get_Attributes_All (0x01) and Get_Attribute_Single (0x0E).
// Every decoder checks lengths against the bytes present and throws EnipWireError only; item counts
// are capped (MAX_ITEMS).

export class EnipWireError extends Error {
  override name = "EnipWireError";
}

export const CMD = {
  NOP: 0x0000,
  LIST_SERVICES: 0x0004,
  LIST_IDENTITY: 0x0063,
  LIST_INTERFACES: 0x0064,
  REGISTER_SESSION: 0x0065,
  UNREGISTER_SESSION: 0x0066,
  SEND_RR_DATA: 0x006f,
  SEND_UNIT_DATA: 0x0070,
} as const;
export const ITEM = { NULL_ADDRESS: 0x0000, IDENTITY: 0x000c, UNCONNECTED_DATA: 0x00b2, COMMUNICATIONS: 0x0100 } as const;
export const SERVICE = { GET_ATTRIBUTES_ALL: 0x01, GET_ATTRIBUTE_SINGLE: 0x0e } as const;
/** Read services the probe may send (defence in depth: anything else is refused before the wire). */
export const READ_SERVICES = new Set<number>([SERVICE.GET_ATTRIBUTES_ALL, SERVICE.GET_ATTRIBUTE_SINGLE]);
/** Encapsulation messages are at most 24 + 65,511 bytes (§2-3.2); items per CPF list we read at most. */
export const HEADER_LENGTH = 24;
export const MAX_ITEMS = 16;

export interface EncapHeader {
  command: number;
  length: number;
  session: number;
  status: number;
  context: Buffer;
  options: number;
}

export function encode(command: number, data: Buffer = Buffer.alloc(0), session = 0, context: Buffer = Buffer.alloc(8)): Buffer {
  const h = Buffer.alloc(HEADER_LENGTH);
  h.writeUInt16LE(command, 0);
  h.writeUInt16LE(data.length, 2);
  h.writeUInt32LE(session >>> 0, 4);
  context.copy(h, 12, 0, 8);
  return Buffer.concat([h, data]);
}

export function parseHeader(b: Buffer): EncapHeader {
  if (b.length < HEADER_LENGTH) throw new EnipWireError(`encapsulation header cut short (${b.length} bytes)`);
  return {
    command: b.readUInt16LE(0),
    length: b.readUInt16LE(2),
    session: b.readUInt32LE(4),
    status: b.readUInt32LE(8),
    context: Buffer.from(b.subarray(12, 20)),
    options: b.readUInt32LE(20),
  };
}

/** Length of one encapsulation message once its header is buffered (for Connection.read). */
export function frameLength(b: Buffer): number | undefined {
  if (b.length < HEADER_LENGTH) return undefined;
  return HEADER_LENGTH + b.readUInt16LE(2);
}

/** §2-3.3 encapsulation status codes. */
export const ENCAP_STATUS: Record<number, string> = {
  0x0000: "success",
  0x0001: "invalid or unsupported command",
  0x0002: "insufficient memory",
  0x0003: "incorrect data",
  0x0064: "invalid session handle",
  0x0065: "invalid length",
  0x0069: "unsupported encapsulation protocol revision",
};

export interface CpfItem {
  typeId: number;
  data: Buffer;
}

/** §2-6 Common Packet Format: item count, then {type id, length, data} items. */
export function parseCpf(b: Buffer): { items: CpfItem[]; announced: number; trailing: number } {
  if (b.length < 2) throw new EnipWireError("CPF item count missing");
  const announced = b.readUInt16LE(0);
  const items: CpfItem[] = [];
  let at = 2;
  for (let i = 0; i < announced && i < MAX_ITEMS; i++) {
    if (at + 4 > b.length) throw new EnipWireError(`CPF item ${i + 1} of ${announced}: header cut short`);
    const typeId = b.readUInt16LE(at);
    const len = b.readUInt16LE(at + 2);
    if (at + 4 + len > b.length) throw new EnipWireError(`CPF item 0x${typeId.toString(16)} announces ${len} bytes, ${b.length - at - 4} left`);
    items.push({ typeId, data: Buffer.from(b.subarray(at + 4, at + 4 + len)) });
    at += 4 + len;
  }
  return { items, announced, trailing: b.length - at };
}

export interface IdentityItem {
  encapsulationVersion: number;
  socketAddress: { family: number; port: number; address: string };
  vendorId: number;
  deviceType: number;
  productCode: number;
  revisionMajor: number;
  revisionMinor: number;
  status: number;
  serialNumber: number;
  /** SHORT_STRING, exact bytes (latin1) */
  productName: string;
  /** absent when the item ends after the name (older devices) */
  state?: number;
}

/**
 * §2-4.2.3 Table 2-4.4 CIP Identity item (type 0x0C): protocol version (UINT LE), socket address
 * (sin_family, sin_port, sin_addr in network byte order, sin_zero), then the Identity object
 * attributes 1-7 and 8 (Vol. 1 §5A-2.2): vendor, device type, product code, revision, status,
 * serial number, product name (SHORT_STRING), state.
 */
export function parseIdentityItem(d: Buffer): IdentityItem {
  if (d.length < 33) throw new EnipWireError(`identity item of ${d.length} bytes (33 minimum)`);
  const nameLen = d[32]!;
  if (33 + nameLen > d.length) throw new EnipWireError(`product name announces ${nameLen} bytes, ${d.length - 33} left`);
  const a = d.subarray(6, 10);
  return {
    encapsulationVersion: d.readUInt16LE(0),
    socketAddress: { family: d.readUInt16BE(2), port: d.readUInt16BE(4), address: `${a[0]}.${a[1]}.${a[2]}.${a[3]}` },
    vendorId: d.readUInt16LE(18),
    deviceType: d.readUInt16LE(20),
    productCode: d.readUInt16LE(22),
    revisionMajor: d[24]!,
    revisionMinor: d[25]!,
    status: d.readUInt16LE(26),
    serialNumber: d.readUInt32LE(28),
    productName: d.subarray(33, 33 + nameLen).toString("latin1"),
    ...(d.length > 33 + nameLen ? { state: d[33 + nameLen]! } : {}),
  };
}

export interface ServiceItem {
  typeId: number;
  version: number;
  capabilities: number;
  /** name field (16 bytes, NUL padded), exact bytes */
  name: string;
}

/** §2-4.3.3 ListServices reply item (type 0x0100 "Communications"): version, capability flags, name[16]. */
export function parseServiceItem(it: CpfItem): ServiceItem {
  const d = it.data;
  if (d.length < 4) throw new EnipWireError(`service item of ${d.length} bytes`);
  const raw = d.subarray(4, 20);
  const nul = raw.indexOf(0);
  return { typeId: it.typeId, version: d.readUInt16LE(0), capabilities: d.readUInt16LE(2), name: (nul >= 0 ? raw.subarray(0, nul) : raw).toString("latin1") };
}

/** §2-4.3.3 Table 2-4.8: bit 5 CIP encapsulation over TCP, bit 8 CIP class 0/1 connections over UDP. */
export function capabilityNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & (1 << 5)) out.push("CIP over TCP");
  if (flags & (1 << 8)) out.push("class 0/1 I/O over UDP");
  return out;
}

/** §2-4.4 RegisterSession request: protocol version 1, options 0. */
export function registerSession(): Buffer {
  return encode(CMD.REGISTER_SESSION, Buffer.from([0x01, 0x00, 0x00, 0x00]));
}

/** A logical path class/instance[/attribute] with 8-bit or 16-bit segments (Vol. 1 Appendix C-1.4.2). */
export function logicalPath(cls: number, instance: number, attribute?: number): Buffer {
  const seg = (type: number, v: number) => (v <= 0xff ? Buffer.from([type, v]) : Buffer.from([type | 1, 0, v & 0xff, v >> 8]));
  return Buffer.concat([seg(0x20, cls), seg(0x24, instance), ...(attribute !== undefined ? [seg(0x30, attribute)] : [])]);
}

/** A Message Router request (Vol. 1 §2-4.1): service, path size in words, path. Read services only. */
export function cipRequest(service: number, path: Buffer): Buffer {
  if (!READ_SERVICES.has(service)) throw new EnipWireError(`CIP service 0x${service.toString(16)} is never sent by this probe`);
  return Buffer.concat([Buffer.from([service, path.length / 2]), path]);
}

/** §2-4.7 SendRRData: interface handle 0, timeout, CPF {null address, unconnected data item}. */
export function sendRRData(session: number, cip: Buffer, timeoutSec = 5): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0, 0);
  d.writeUInt16LE(timeoutSec, 4);
  d.writeUInt16LE(2, 6);
  d.writeUInt16LE(ITEM.NULL_ADDRESS, 8);
  d.writeUInt16LE(0, 10);
  d.writeUInt16LE(ITEM.UNCONNECTED_DATA, 12);
  d.writeUInt16LE(cip.length, 14);
  return encode(CMD.SEND_RR_DATA, Buffer.concat([d, cip]), session);
}

export interface CipResponse {
  service: number;
  generalStatus: number;
  additional: number[];
  data: Buffer;
}

/** The Message Router response in a SendRRData reply: reply service, reserved, general status, additional status words, data. */
export function parseRRDataReply(body: Buffer): CipResponse {
  if (body.length < 6) throw new EnipWireError(`SendRRData reply of ${body.length} bytes`);
  const cpf = parseCpf(body.subarray(6));
  const item = cpf.items.find((i) => i.typeId === ITEM.UNCONNECTED_DATA);
  if (!item) throw new EnipWireError("SendRRData reply without an unconnected data item");
  const d = item.data;
  if (d.length < 4) throw new EnipWireError(`CIP response of ${d.length} bytes`);
  const words = d[3]!;
  if (4 + words * 2 > d.length) throw new EnipWireError(`CIP response announces ${words} additional status words, ${(d.length - 4) >> 1} present`);
  const additional: number[] = [];
  for (let i = 0; i < words; i++) additional.push(d.readUInt16LE(4 + i * 2));
  return { service: d[0]!, generalStatus: d[2]!, additional, data: Buffer.from(d.subarray(4 + words * 2)) };
}

/** Vol. 1 Appendix B-1 general status codes (the ones a read meets). */
export const GENERAL_STATUS: Record<number, string> = {
  0x00: "success",
  0x01: "connection failure",
  0x02: "resource unavailable",
  0x04: "path segment error",
  0x05: "path destination unknown",
  0x06: "partial transfer",
  0x08: "service not supported",
  0x09: "invalid attribute value",
  0x0c: "object state conflict",
  0x0f: "privilege violation",
  0x11: "reply data too large",
  0x13: "not enough data",
  0x14: "attribute not supported",
  0x15: "too much data",
  0x16: "object does not exist",
  0x1e: "embedded service error",
  0x20: "invalid parameter",
};
