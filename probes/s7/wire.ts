// S7comm wire codec (pure, no I/O): RFC 1006 TPKT, ISO 8073 (X.224) COTP CR/CC/DR/DT, the S7comm
// header and the only S7 PDUs the probe may send: "Setup communication" (job, function 0xF0) and
// "Read SZL" (userdata, function group 4 CPU functions, subfunction 1), first and follow-up
// fragments. Every decoder checks lengths against what is really there and throws S7WireError only;
// nothing here loops over a count the peer chose without a cap.
// The S7comm layout is not published by Siemens as a standard; it is the one documented by the
// Wireshark s7comm dissector (packet-s7comm.c, Thomas Wiens) and implemented by snap7 (s7_types.h),
// and confirmed here against snap7's server and a public capture of a real S7-1200 (test fixtures).

export class S7WireError extends Error {
  override name = "S7WireError";
}

/** RFC 1006 §6: TPKT version 3; the length covers the 4-byte header; the largest TPDU is 65,535 bytes. */
export const TPKT_VERSION = 3;
/** S7comm protocol id (first byte of every S7comm PDU); 0x72 is S7comm-plus (S7-1200 V4+/S7-1500). */
export const S7_PROTOCOL_ID = 0x32;
export const S7PLUS_PROTOCOL_ID = 0x72;

/** ISO 8073 §13 TPDU codes (high nibble of the code octet; CR/CC carry the credit in the low nibble). */
export const COTP = { CR: 0xe0, CC: 0xd0, DR: 0x80, DC: 0xc0, DT: 0xf0, ED: 0x10, AK: 0x60, ER: 0x70 } as const;

/** S7comm ROSCTR (PDU type): 1 job, 2 ack, 3 ack-data, 7 userdata. */
export const ROSCTR = { JOB: 1, ACK: 2, ACK_DATA: 3, USERDATA: 7 } as const;
export const FUNCTION_SETUP_COMMUNICATION = 0xf0;

/**
 * Connection-type byte of an S7 TSAP (high byte): 1 PG (programming device), 2 OP (operator panel),
 * 3 S7 basic. The low byte is rack * 32 + slot (snap7 s7_client.cpp SetConnectionParams).
 */
export function tsapFor(connectionType: number, rack: number, slot: number): number {
  return ((connectionType & 0xff) << 8) | (((rack & 0x07) << 5) | (slot & 0x1f));
}

export function tsapName(t: number): string {
  return `0x${t.toString(16).padStart(4, "0")}`;
}

/** Length of one TPKT frame once its 4-byte header is buffered (RFC 1006 §6), for Connection.read. */
export function tpktFrameLength(buf: Buffer): number | undefined {
  if (buf.length < 4) return undefined;
  if (buf[0] !== TPKT_VERSION) throw new S7WireError(`not a TPKT frame: version byte 0x${buf[0]!.toString(16)} (3 expected)`);
  const len = buf.readUInt16BE(2);
  // the smallest useful TPDU: a 3-byte COTP DT header (LI, code, EOT/number) after the 4-byte TPKT header
  if (len < 7) throw new S7WireError(`TPKT length ${len} is below the 7-byte minimum`);
  return len;
}

function tpkt(payload: Buffer): Buffer {
  const len = payload.length + 4;
  if (len > 0xffff) throw new S7WireError("TPDU too large");
  const h = Buffer.from([TPKT_VERSION, 0, 0, 0]);
  h.writeUInt16BE(len, 2);
  return Buffer.concat([h, payload]);
}

/**
 * ISO 8073 §13.3 Connection Request (class 0): DST-REF 0, SRC-REF, class 0, parameters TPDU size
 * (0xC0, 2^10 = 1024 bytes), calling TSAP (0xC1) and called TSAP (0xC2), as nmap s7-info and snap7 send.
 */
export function connectionRequest(calledTsap: number, callingTsap = 0x0100, srcRef = 0x0001): Buffer {
  const params = Buffer.from([0xc0, 0x01, 0x0a, 0xc1, 0x02, callingTsap >> 8, callingTsap & 0xff, 0xc2, 0x02, (calledTsap >> 8) & 0xff, calledTsap & 0xff]);
  const fixed = Buffer.from([COTP.CR, 0x00, 0x00, srcRef >> 8, srcRef & 0xff, 0x00]);
  const li = fixed.length + params.length;
  return tpkt(Buffer.concat([Buffer.from([li]), fixed, params]));
}

export interface CotpParameter {
  code: number;
  value: Buffer;
}

export type CotpTpdu =
  | { kind: "cc"; dstRef: number; srcRef: number; classOption: number; params: CotpParameter[]; tpduSize?: number; callingTsap?: Buffer; calledTsap?: Buffer }
  | { kind: "cr"; dstRef: number; srcRef: number; classOption: number; params: CotpParameter[]; callingTsap?: Buffer; calledTsap?: Buffer }
  | { kind: "dr"; dstRef: number; srcRef: number; reason: number }
  | { kind: "er"; dstRef: number; cause: number }
  | { kind: "dt"; lastUnit: boolean; payload: Buffer }
  | { kind: "other"; code: number };

/** At most this many COTP parameters are read from one CR/CC (a TPDU header is at most 254 bytes anyway). */
const MAX_COTP_PARAMS = 16;

function parseParams(b: Buffer): CotpParameter[] {
  const out: CotpParameter[] = [];
  let at = 0;
  while (at < b.length && out.length < MAX_COTP_PARAMS) {
    if (at + 2 > b.length) throw new S7WireError("COTP parameter header cut short");
    const code = b[at]!;
    const len = b[at + 1]!;
    if (at + 2 + len > b.length) throw new S7WireError(`COTP parameter 0x${code.toString(16)} announces ${len} bytes, ${b.length - at - 2} left`);
    out.push({ code, value: Buffer.from(b.subarray(at + 2, at + 2 + len)) });
    at += 2 + len;
  }
  return out;
}

/** Parse one whole TPKT frame (as returned by tpktFrameLength) into its COTP TPDU. */
export function parseTpkt(frame: Buffer): CotpTpdu {
  if (frame.length < 7) throw new S7WireError(`TPKT frame of ${frame.length} bytes`);
  const declared = frame.readUInt16BE(2);
  if (declared !== frame.length) throw new S7WireError(`TPKT length ${declared} but ${frame.length} bytes in the frame`);
  const li = frame[4]!;
  // ISO 8073 §13.2.1: LI counts the header bytes after itself; 255 is reserved
  if (li === 0 || li === 255 || 5 + li > frame.length) throw new S7WireError(`COTP length indicator ${li} does not fit the ${frame.length - 5} bytes after it`);
  const header = frame.subarray(5, 5 + li);
  const code = header[0]! & 0xf0;
  switch (code) {
    case COTP.DT: {
      if (li < 2) throw new S7WireError("COTP DT header shorter than 2 bytes");
      return { kind: "dt", lastUnit: (header[1]! & 0x80) !== 0, payload: Buffer.from(frame.subarray(5 + li)) };
    }
    case COTP.CC:
    case COTP.CR: {
      if (li < 6) throw new S7WireError(`COTP ${code === COTP.CC ? "CC" : "CR"} header of ${li} bytes (6 minimum)`);
      const params = parseParams(header.subarray(6));
      const p = (c: number) => params.find((x) => x.code === c)?.value;
      const base = {
        dstRef: header.readUInt16BE(1),
        srcRef: header.readUInt16BE(3),
        classOption: header[5]!,
        params,
        callingTsap: p(0xc1),
        calledTsap: p(0xc2),
      };
      if (code === COTP.CR) return { kind: "cr", ...base };
      const size = p(0xc0);
      return { kind: "cc", ...base, ...(size?.length === 1 && size[0]! >= 7 && size[0]! <= 13 ? { tpduSize: 1 << size[0]! } : {}) };
    }
    case COTP.DR: {
      if (li < 6) throw new S7WireError(`COTP DR header of ${li} bytes (6 minimum)`);
      return { kind: "dr", dstRef: header.readUInt16BE(1), srcRef: header.readUInt16BE(3), reason: header[5]! };
    }
    case COTP.ER: {
      if (li < 4) throw new S7WireError(`COTP ER header of ${li} bytes (4 minimum)`);
      return { kind: "er", dstRef: header.readUInt16BE(1), cause: header[3]! };
    }
    default:
      return { kind: "other", code: header[0]! };
  }
}

/** ISO 8073 §13.5 DR reason codes a peer gives when it refuses a connection (the common ones). */
export function disconnectReason(r: number): string {
  const names: Record<number, string> = {
    0: "not specified",
    1: "congestion at the TSAP",
    2: "session entity not attached to the TSAP",
    3: "address unknown",
    128: "normal disconnect",
    129: "remote transport entity congestion",
    130: "connection negotiation failed",
    131: "duplicate source reference",
    132: "mismatched references",
    133: "protocol error",
    135: "reference overflow",
    136: "connection request refused",
    138: "header or parameter length invalid",
  };
  return names[r] ?? `reason ${r}`;
}

/** A COTP DT (class 0, last data unit) carrying one S7 PDU, in a TPKT frame. */
export function dataFrame(s7pdu: Buffer): Buffer {
  return tpkt(Buffer.concat([Buffer.from([0x02, COTP.DT, 0x80]), s7pdu]));
}

function s7Header(rosctr: number, pduRef: number, param: Buffer, data: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h[0] = S7_PROTOCOL_ID;
  h[1] = rosctr;
  h.writeUInt16BE(pduRef & 0xffff, 4);
  h.writeUInt16BE(param.length, 6);
  h.writeUInt16BE(data.length, 8);
  return Buffer.concat([h, param, data]);
}

/** Job "Setup communication": max AmQ calling 1, called 1, PDU length 480 (as snap7's client; nmap asks 480 too). */
export function setupCommunication(pduRef: number, pduLength = 480): Buffer {
  const p = Buffer.from([FUNCTION_SETUP_COMMUNICATION, 0x00, 0x00, 0x01, 0x00, 0x01, pduLength >> 8, pduLength & 0xff]);
  return dataFrame(s7Header(ROSCTR.JOB, pduRef, p, Buffer.alloc(0)));
}

/**
 * Userdata "Read SZL" (function group 4 = CPU functions, subfunction 1): the first request carries
 * the SZL id and index; a follow-up for the next fragment carries the sequence number the CPU gave
 * and an empty data part with return code 0x0A (as snap7's client opReadSZL sends it).
 */
export function readSzlRequest(pduRef: number, szlId: number, index: number): Buffer {
  const p = Buffer.from([0x00, 0x01, 0x12, 0x04, 0x11, 0x44, 0x01, 0x00]);
  const d = Buffer.from([0xff, 0x09, 0x00, 0x04, szlId >> 8, szlId & 0xff, index >> 8, index & 0xff]);
  return dataFrame(s7Header(ROSCTR.USERDATA, pduRef, p, d));
}

export function readSzlNextRequest(pduRef: number, sequence: number): Buffer {
  const p = Buffer.from([0x00, 0x01, 0x12, 0x08, 0x12, 0x44, 0x01, sequence & 0xff, 0x00, 0x00, 0x00, 0x00]);
  const d = Buffer.from([0x0a, 0x00, 0x00, 0x00]);
  return dataFrame(s7Header(ROSCTR.USERDATA, pduRef, p, d));
}

export interface S7Pdu {
  rosctr: number;
  pduRef: number;
  /** ack / ack-data only */
  errorClass?: number;
  errorCode?: number;
  param: Buffer;
  data: Buffer;
}

/** Parse an S7comm PDU (the DT payload). S7comm-plus (0x72) and anything else throw with what was seen. */
export function parseS7(pdu: Buffer): S7Pdu {
  if (pdu.length < 1) throw new S7WireError("empty S7 PDU");
  if (pdu[0] === S7PLUS_PROTOCOL_ID) throw new S7WireError("S7comm-plus PDU (protocol id 0x72)");
  if (pdu[0] !== S7_PROTOCOL_ID) throw new S7WireError(`not an S7comm PDU: protocol id 0x${pdu[0]!.toString(16)}`);
  if (pdu.length < 10) throw new S7WireError(`S7 header cut short (${pdu.length} bytes)`);
  const rosctr = pdu[1]!;
  const withError = rosctr === ROSCTR.ACK || rosctr === ROSCTR.ACK_DATA;
  const hlen = withError ? 12 : 10;
  if (pdu.length < hlen) throw new S7WireError(`S7 header of ROSCTR ${rosctr} cut short (${pdu.length} bytes)`);
  const plen = pdu.readUInt16BE(6);
  const dlen = pdu.readUInt16BE(8);
  if (hlen + plen + dlen !== pdu.length) throw new S7WireError(`S7 header announces ${plen} parameter and ${dlen} data bytes; ${pdu.length - hlen} follow`);
  return {
    rosctr,
    pduRef: pdu.readUInt16BE(4),
    ...(withError ? { errorClass: pdu[10]!, errorCode: pdu[11]! } : {}),
    param: Buffer.from(pdu.subarray(hlen, hlen + plen)),
    data: Buffer.from(pdu.subarray(hlen + plen)),
  };
}

/** S7comm-plus frame header (protocol id 0x72, version, length) as seen in the DT payload. */
export function parseS7PlusHeader(pdu: Buffer): { version: number; length: number } {
  if (pdu.length < 4 || pdu[0] !== S7PLUS_PROTOCOL_ID) throw new S7WireError("not an S7comm-plus frame");
  return { version: pdu[1]!, length: pdu.readUInt16BE(2) };
}

export interface SetupAnswer {
  maxAmqCalling: number;
  maxAmqCalled: number;
  pduLength: number;
}

/** The negotiated parameters of an ack-data to Setup communication. */
export function parseSetupAnswer(p: S7Pdu): SetupAnswer {
  if (p.param.length !== 8 || p.param[0] !== FUNCTION_SETUP_COMMUNICATION)
    throw new S7WireError(`Setup communication answer with a ${p.param.length}-byte parameter (function 0x${(p.param[0] ?? 0).toString(16)})`);
  return { maxAmqCalling: p.param.readUInt16BE(2), maxAmqCalled: p.param.readUInt16BE(4), pduLength: p.param.readUInt16BE(6) };
}

export interface SzlFragment {
  /** sequence number to quote in the follow-up request */
  sequence: number;
  /** the CPU has more fragments of this list */
  more: boolean;
  /** userdata error code (0 = none) */
  errorCode: number;
  /** data return code: 0xFF success, 0x0A object does not exist, ... */
  returnCode: number;
  transportSize: number;
  payload: Buffer;
}

/** Decode a userdata answer to Read SZL (function group 4, subfunction 1): parameter, then the data part. */
export function parseSzlFragment(p: S7Pdu): SzlFragment {
  if (p.rosctr !== ROSCTR.USERDATA) throw new S7WireError(`Read SZL answered with ROSCTR ${p.rosctr}`);
  const q = p.param;
  if (q.length < 8 || q[0] !== 0x00 || q[1] !== 0x01 || q[2] !== 0x12) throw new S7WireError("userdata parameter head is not 00 01 12");
  const type = q[5]! >> 4;
  const group = q[5]! & 0x0f;
  if (type !== 0x8 || group !== 0x4 || q[6] !== 0x01)
    throw new S7WireError(`userdata answer of type ${type}, group ${group}, subfunction ${q[6]} (8/4/1 expected)`);
  const long = q.length >= 12;
  const more = long ? q[9] !== 0x00 : false;
  const errorCode = long ? q.readUInt16BE(10) : 0;
  const d = p.data;
  if (d.length < 4) {
    if (d.length === 0 && errorCode !== 0) return { sequence: q[7]!, more: false, errorCode, returnCode: 0, transportSize: 0, payload: Buffer.alloc(0) };
    throw new S7WireError(`userdata data part of ${d.length} bytes`);
  }
  const n = d.readUInt16BE(2);
  if (4 + n > d.length) throw new S7WireError(`SZL data announces ${n} bytes, ${d.length - 4} present`);
  return { sequence: q[7]!, more, errorCode, returnCode: d[0]!, transportSize: d[1]!, payload: Buffer.from(d.subarray(4, 4 + n)) };
}

export const RETURN_CODES: Record<number, string> = {
  0xff: "success",
  0x0a: "object does not exist",
  0x05: "invalid address",
  0x06: "data type not supported",
  0x07: "data type inconsistent",
  0x01: "hardware fault",
  0x03: "accessing the object not allowed",
};

/** S7 error classes of ack / ack-data (snap7 s7_text.cpp, Wireshark packet-s7comm.c). */
export const ERROR_CLASSES: Record<number, string> = {
  0x00: "no error",
  0x81: "application relationship error",
  0x82: "object definition error",
  0x83: "no resources available",
  0x84: "error on service processing",
  0x85: "error on supplies",
  0x87: "access error",
};
