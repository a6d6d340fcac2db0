// IEC 60870-5-104 APCI codec (probes/iec104/apci.ts) on frames captured from real stations
// (fixtures/real-traffic.ts, ITI captures): U, S and I formats, the TESTFR act we send, commands
// recognised as control direction, framing errors.
import { describe, expect, it } from "vitest";
import { Iec104DecodeError, TESTFR_ACT, TESTFR_CON, apduLength, decodeApdu, isControlDirection } from "../../probes/iec104/apci.js";
import { REAL_IEC104 as R } from "./fixtures/real-traffic.js";

const hex = (h: string) => Buffer.from(h, "hex");

describe("IEC 104 APCI on real traffic", () => {
  it("our TESTFR act is byte for byte the one real stations send, and TESTFR con decodes", () => {
    expect(TESTFR_ACT.toString("hex")).toBe(R.testfrActFromStation);
    expect(TESTFR_CON.toString("hex")).toBe(R.testfrCon);
    expect(decodeApdu(hex(R.testfrCon))).toEqual({ format: "U", function: "TESTFR con", code: 0x83 });
  });
  it("decodes STARTDT act/con, S and I formats with their sequence numbers", () => {
    expect(decodeApdu(hex(R.startdtAct))).toMatchObject({ format: "U", function: "STARTDT act" });
    expect(decodeApdu(hex(R.startdtCon))).toMatchObject({ format: "U", function: "STARTDT con" });
    expect(decodeApdu(hex(R.sFrame))).toEqual({ format: "S", recvSeq: 78 });
    expect(decodeApdu(hex(R.iFrameMeasured))).toMatchObject({ format: "I", sendSeq: 77, recvSeq: 20, typeId: 13, cot: 1 }); // Wireshark: cause 1 (periodic);
    expect(decodeApdu(hex(R.iFrameCommand))).toMatchObject({ format: "I", typeId: 58, cot: 6 });
  });
  it("tells commands (control direction) from monitor types", () => {
    expect(isControlDirection(58)).toBe(true); // C_SC_TA_1
    expect(isControlDirection(100)).toBe(true); // C_IC_NA_1 general interrogation
    expect(isControlDirection(13)).toBe(false); // M_ME_NC_1
    expect(isControlDirection(1)).toBe(false);
  });
  it("rejects what is not an APDU, lengths outside 4..253 and malformed U/S frames", () => {
    expect(() => apduLength(hex(R.garbage))).toThrow(Iec104DecodeError);
    expect(() => apduLength(hex("6803"))).toThrow(/outside 4..253/);
    expect(() => apduLength(hex("68fe"))).toThrow(/outside 4..253/);
    expect(apduLength(hex("68"))).toBeUndefined();
    expect(apduLength(hex("68fd"))).toBe(255);
    expect(() => decodeApdu(hex("680447000000"))).toThrow(/not one function/); // two U bits
    expect(() => decodeApdu(hex("680443000100"))).toThrow(/not zero/);
    expect(() => decodeApdu(hex("68050300000000"))).toThrow(/U-format APDU with 1 bytes/);
    expect(() => decodeApdu(hex("680402000000"))).toThrow(/without an ASDU/);
  });
});
