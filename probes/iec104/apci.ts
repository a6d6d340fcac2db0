// IEC 60870-5-104 APCI (IEC 60870-5-104:2006 §5): every APDU starts 0x68, one length octet (4..253:
// the four control octets plus the ASDU), then four control octets. Formats (§5.1-§5.3): I (numbered
// information transfer, bit 0 of octet 1 = 0), S (numbered supervisory, octet 1 = 0x01), U
// (unnumbered control, octet 1 bits 0-1 = 11): exactly one of STARTDT act/con, STOPDT act/con,
// TESTFR act/con. Pure functions; decoders throw only Iec104DecodeError. A frame is at most 255 bytes.

export class Iec104DecodeError extends Error {
  override name = "Iec104DecodeError";
}

export const START = 0x68;
export const MAX_APDU = 255;

/** U-format function bits in control octet 1 (§5.3), with the 0x03 format bits included. */
export const U = { STARTDT_ACT: 0x07, STARTDT_CON: 0x0b, STOPDT_ACT: 0x13, STOPDT_CON: 0x23, TESTFR_ACT: 0x43, TESTFR_CON: 0x83 } as const;
const U_NAMES: Record<number, string> = {
  0x07: "STARTDT act",
  0x0b: "STARTDT con",
  0x13: "STOPDT act",
  0x23: "STOPDT con",
  0x43: "TESTFR act",
  0x83: "TESTFR con",
};

/** The one APDU a default run sends: TESTFR act (§5.3, "test frame" on an idle connection). */
export const TESTFR_ACT = Buffer.from([START, 0x04, U.TESTFR_ACT, 0x00, 0x00, 0x00]);
export const TESTFR_CON = Buffer.from([START, 0x04, U.TESTFR_CON, 0x00, 0x00, 0x00]);

export type Apdu =
  | { format: "U"; function: string; code: number }
  | { format: "S"; recvSeq: number }
  | { format: "I"; sendSeq: number; recvSeq: number; typeId: number; cot?: number; asduLength: number };

/** Total bytes of the APDU at the start of `buf` once its length octet is there (transport-kit frame function). */
export function apduLength(buf: Uint8Array): number | undefined {
  if (buf.length >= 1 && buf[0] !== START)
    throw new Iec104DecodeError(`not an IEC 104 APDU: start octet 0x${buf[0]!.toString(16).padStart(2, "0")} (expected 0x68)`);
  if (buf.length < 2) return undefined;
  const len = buf[1]!;
  if (len < 4 || len > 253) throw new Iec104DecodeError(`APDU length ${len} outside 4..253`);
  return len + 2;
}

/** Decode one whole APDU (as cut by apduLength). */
export function decodeApdu(buf: Uint8Array): Apdu {
  const n = apduLength(buf);
  if (n === undefined || buf.length !== n) throw new Iec104DecodeError(`APDU of ${buf.length} bytes, length octet announces ${n ?? "?"}`);
  const [c1, c2, c3, c4] = [buf[2]!, buf[3]!, buf[4]!, buf[5]!];
  if ((c1 & 0x01) === 0) {
    if (n < 7) throw new Iec104DecodeError("I-format APDU without an ASDU");
    return {
      format: "I",
      sendSeq: ((c2 << 8) | c1) >> 1,
      recvSeq: ((c4 << 8) | c3) >> 1,
      typeId: buf[6]!,
      ...(n >= 9 ? { cot: buf[8]! & 0x3f } : {}),
      asduLength: n - 6,
    };
  }
  if ((c1 & 0x03) === 0x01) {
    if (n !== 6) throw new Iec104DecodeError(`S-format APDU with ${n - 6} bytes of ASDU`);
    if (c1 !== 0x01 || c2 !== 0) throw new Iec104DecodeError(`S-format control octets 0x${c1.toString(16)} 0x${c2.toString(16)} (expected 0x01 0x00)`);
    return { format: "S", recvSeq: ((c4 << 8) | c3) >> 1 };
  }
  if (n !== 6) throw new Iec104DecodeError(`U-format APDU with ${n - 6} bytes of ASDU`);
  const name = U_NAMES[c1];
  if (!name) throw new Iec104DecodeError(`U-format control octet 0x${c1.toString(16)} is not one function`);
  if (c2 || c3 || c4) throw new Iec104DecodeError("U-format control octets 2-4 are not zero");
  return { format: "U", function: name, code: c1 };
}

/** Type identifications (IEC 60870-5-101 §7.2.1.1 / -104 §8): commands (control direction) are 45..69, 100..107, 110..113, 120..127. */
export function isControlDirection(typeId: number): boolean {
  return (typeId >= 45 && typeId <= 69) || (typeId >= 100 && typeId <= 113) || (typeId >= 120 && typeId <= 127);
}
