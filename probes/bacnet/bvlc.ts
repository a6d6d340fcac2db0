// BACnet/IP virtual link layer (ASHRAE 135-2020 Annex J.2: BVLC type 0x81, function, 2-byte length of
// the whole message) and the network layer header (clause 6.2: NPDU version 1, control octet, optional
// destination DNET/DLEN/DADR + hop count and source SNET/SLEN/SADR, network-layer messages). The
// probe sends only Original-Unicast-NPDU (0x0A), Read-Broadcast-Distribution-Table (0x02) and
// Read-Foreign-Device-Table (0x06): never Write-BDT, Register-Foreign-Device, Delete-FDT-Entry,
// Distribute-Broadcast-To-Network or a broadcast. Decoders throw only BacnetDecodeError.
import { BacnetDecodeError } from "./tags.js";

export const BVLC_TYPE = 0x81;
export const BVLC = {
  RESULT: 0x00,
  WRITE_BDT: 0x01,
  READ_BDT: 0x02,
  READ_BDT_ACK: 0x03,
  FORWARDED_NPDU: 0x04,
  REGISTER_FOREIGN_DEVICE: 0x05,
  READ_FDT: 0x06,
  READ_FDT_ACK: 0x07,
  DELETE_FDT_ENTRY: 0x08,
  DISTRIBUTE_BROADCAST: 0x09,
  ORIGINAL_UNICAST: 0x0a,
  ORIGINAL_BROADCAST: 0x0b,
  SECURE_BVLL: 0x0c,
} as const;

/** BVLC functions the probe may send (checked before every send). */
export const SENDABLE_BVLC: ReadonlySet<number> = new Set([BVLC.ORIGINAL_UNICAST, BVLC.READ_BDT, BVLC.READ_FDT]);

/** BVLC-Result codes (J.2.1.1): 0 success, 0x10 Write-BDT NAK, 0x20 Read-BDT NAK, 0x30 Register-FD NAK, 0x40 Read-FDT NAK, 0x50 Delete-FDT NAK, 0x60 Distribute-Broadcast NAK. */
export const RESULT_NAMES: Record<number, string> = {
  0x00: "successful completion",
  0x10: "Write-BDT NAK",
  0x20: "Read-BDT NAK",
  0x30: "Register-Foreign-Device NAK",
  0x40: "Read-FDT NAK",
  0x50: "Delete-FDT-Entry NAK",
  0x60: "Distribute-Broadcast-To-Network NAK",
};

/** Table entries decoded at most per answer (a 1476-byte datagram holds 147). */
export const MAX_TABLE_ENTRIES = 64;

export interface BdtEntry {
  address: string;
  port: number;
  mask: string;
}
export interface FdtEntry {
  address: string;
  port: number;
  ttl: number;
  remaining: number;
}

export type Bvlc =
  | { function: typeof BVLC.RESULT; result: number }
  | { function: typeof BVLC.READ_BDT_ACK; entries: BdtEntry[]; total: number }
  | { function: typeof BVLC.READ_FDT_ACK; entries: FdtEntry[]; total: number }
  | { function: typeof BVLC.ORIGINAL_UNICAST | typeof BVLC.ORIGINAL_BROADCAST; npdu: Buffer }
  | { function: typeof BVLC.FORWARDED_NPDU; origin: string; npdu: Buffer }
  | { function: number; other: true };

const ip = (b: Buffer, at: number) => `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;

export function encodeBvlc(fn: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  if (!SENDABLE_BVLC.has(fn)) throw new Error(`BVLC function 0x${fn.toString(16)} is never sent by this probe`);
  const out = Buffer.alloc(4 + payload.length);
  out[0] = BVLC_TYPE;
  out[1] = fn;
  out.writeUInt16BE(out.length, 2);
  payload.copy(out, 4);
  return out;
}

/** Decode a whole UDP datagram's BVLC (the length field must match the datagram). */
export function decodeBvlc(d: Buffer): Bvlc {
  if (d.length < 4) throw new BacnetDecodeError(`datagram of ${d.length} bytes: no BVLC header`);
  if (d[0] !== BVLC_TYPE) throw new BacnetDecodeError(`BVLC type 0x${d[0]!.toString(16)} (expected 0x81, BACnet/IP)`);
  const fn = d[1]!;
  const len = d.readUInt16BE(2);
  if (len !== d.length) throw new BacnetDecodeError(`BVLC length ${len} but the datagram has ${d.length} bytes`);
  const body = d.subarray(4);
  switch (fn) {
    case BVLC.RESULT:
      if (body.length !== 2) throw new BacnetDecodeError(`BVLC-Result with ${body.length} bytes`);
      return { function: BVLC.RESULT, result: body.readUInt16BE(0) };
    case BVLC.READ_BDT_ACK:
    case BVLC.READ_FDT_ACK: {
      if (body.length % 10 !== 0) throw new BacnetDecodeError(`table of ${body.length} bytes is not a whole number of 10-byte entries`);
      const total = body.length / 10;
      if (fn === BVLC.READ_BDT_ACK) {
        const entries: BdtEntry[] = [];
        for (let i = 0; i < Math.min(total, MAX_TABLE_ENTRIES); i++)
          entries.push({ address: ip(body, i * 10), port: body.readUInt16BE(i * 10 + 4), mask: ip(body, i * 10 + 6) });
        return { function: BVLC.READ_BDT_ACK, entries, total };
      }
      const entries: FdtEntry[] = [];
      for (let i = 0; i < Math.min(total, MAX_TABLE_ENTRIES); i++)
        entries.push({
          address: ip(body, i * 10),
          port: body.readUInt16BE(i * 10 + 4),
          ttl: body.readUInt16BE(i * 10 + 6),
          remaining: body.readUInt16BE(i * 10 + 8),
        });
      return { function: BVLC.READ_FDT_ACK, entries, total };
    }
    case BVLC.ORIGINAL_UNICAST:
    case BVLC.ORIGINAL_BROADCAST:
      return { function: fn, npdu: Buffer.from(body) };
    case BVLC.FORWARDED_NPDU:
      if (body.length < 6) throw new BacnetDecodeError("Forwarded-NPDU without its 6-byte origin");
      return { function: BVLC.FORWARDED_NPDU, origin: `${ip(body, 0)}:${body.readUInt16BE(4)}`, npdu: Buffer.from(body.subarray(6)) };
    default:
      return { function: fn, other: true };
  }
}

export interface Npdu {
  expectingReply: boolean;
  networkMessage?: number;
  dnet?: number;
  snet?: number;
  sadr?: string;
  apdu: Buffer;
}

/** Decode the network layer header (clause 6.2.2); the APDU is what follows. */
export function decodeNpdu(b: Buffer): Npdu {
  if (b.length < 2) throw new BacnetDecodeError("NPDU shorter than 2 bytes");
  if (b[0] !== 0x01) throw new BacnetDecodeError(`NPDU version ${b[0]} (expected 1)`);
  const ctrl = b[1]!;
  let at = 2;
  const need = (n: number, what: string) => {
    if (at + n > b.length) throw new BacnetDecodeError(`NPDU ${what} truncated`);
  };
  const out: Npdu = { expectingReply: (ctrl & 0x04) !== 0, apdu: Buffer.alloc(0) };
  if (ctrl & 0x20) {
    need(3, "destination");
    out.dnet = b.readUInt16BE(at);
    const dlen = b[at + 2]!;
    at += 3;
    need(dlen, "DADR");
    at += dlen;
  }
  if (ctrl & 0x08) {
    need(3, "source");
    out.snet = b.readUInt16BE(at);
    const slen = b[at + 2]!;
    if (slen === 0) throw new BacnetDecodeError("NPDU source with SLEN 0 (clause 6.2.2: invalid)");
    at += 3;
    need(slen, "SADR");
    out.sadr = b.subarray(at, at + slen).toString("hex");
    at += slen;
  }
  if (ctrl & 0x20) {
    need(1, "hop count");
    at += 1;
  }
  if (ctrl & 0x80) {
    need(1, "network message type");
    out.networkMessage = b[at]!;
    return out;
  }
  out.apdu = Buffer.from(b.subarray(at));
  return out;
}

/** NPDU header of a local request (no DNET/SNET), optionally expecting a reply. */
export function npduHeader(expectingReply: boolean): Buffer {
  return Buffer.from([0x01, expectingReply ? 0x04 : 0x00]);
}
