// BACnet/IP codec (probes/bacnet/bvlc.ts, apdu.ts, tags.ts) on traffic captured from real devices and
// a real router (fixtures/real-traffic.ts, icsnpp-bacnet captures): BVLC, NPDU with source and
// destination specifiers, I-Am, ReadProperty-ACKs, services-supported, Error/Reject/Abort, a
// segmented ACK recognised (never reassembled); our requests encode like the real workstation's.
import { describe, expect, it } from "vitest";
import { DEVICE_PROPERTIES, OBJECT, PROP, readProperty, readPropertyMultiple, decodeApdu } from "../../probes/bacnet/apdu.js";
import { BVLC, decodeBvlc, decodeNpdu, encodeBvlc } from "../../probes/bacnet/bvlc.js";
import { valueText } from "../../probes/bacnet/probe.js";
import { BacnetDecodeError } from "../../probes/bacnet/tags.js";
import { REAL_BACNET as R } from "./fixtures/real-traffic.js";

const answer = (h: string) => {
  const b = decodeBvlc(Buffer.from(h, "hex")) as { npdu: Buffer };
  const n = decodeNpdu(b.npdu);
  return { npdu: n, apdu: decodeApdu(n.apdu) };
};
const ackText = (h: string) => {
  const a = answer(h).apdu;
  if (a.kind !== "ack") throw new Error(a.kind);
  return valueText(a.results[0]!.values!).value;
};

describe("BACnet/IP on real traffic", () => {
  it("decodes I-Am from a device and through a router (global DNET, SNET/SADR)", () => {
    expect(answer(R.iAmLocal).apdu).toEqual({ kind: "i-am", iAm: { instance: 111, maxApdu: 50, segmentation: 3, vendorId: 42 } });
    const routed = answer(R.iAmRouted);
    expect(routed.npdu).toMatchObject({ dnet: 0xffff, snet: 3, sadr: "6c" });
    expect(routed.apdu).toEqual({ kind: "i-am", iAm: { instance: 108, maxApdu: 480, segmentation: 0, vendorId: 42 } });
  });
  it("decodes the Device object properties of a real controller", () => {
    expect(ackText(R.objectIdentifier)).toBe("8,29");
    expect(ackText(R.objectName)).toBe("112E1");
    expect(ackText(R.vendorName)).toBe("Lithonia Lighting, Inc.");
    expect(ackText(R.vendorIdentifier)).toBe("42");
    expect(ackText(R.modelName)).toBe("SYSC MLX");
    expect(ackText(R.firmwareRevision)).toBe("2.62");
    expect(ackText(R.applicationSoftwareVersion)).toBe("16-Dec-2004");
    expect(ackText(R.protocolVersion)).toBe("1");
    expect(ackText(R.systemStatus)).toBe("0");
    // services supported: readProperty (12) and readPropertyMultiple (14) among the bits
    const bits = ackText(R.servicesSupported);
    expect([bits[12], bits[14], bits[15]]).toEqual(["1", "1", "1"]);
  });
  it("our ReadProperty encodes the object and property exactly like the real workstation's", () => {
    const real = Buffer.from(R.readPropertyRequest, "hex");
    const apdu = decodeNpdu((decodeBvlc(real) as { npdu: Buffer }).npdu).apdu;
    const ours = readProperty(apdu[2]!, OBJECT.DEVICE, 29, PROP.OBJECT_IDENTIFIER);
    expect(ours.subarray(2)).toEqual(apdu.subarray(2)); // invoke id, service, object, property
    expect(ours.subarray(0, 2)).toEqual(Buffer.from([0x00, 0x05])); // ours: segmented response NOT accepted, max APDU 1476
  });
  it("decodes Error, Reject and Abort PDUs", () => {
    expect(answer(R.error).apdu).toEqual({ kind: "error", invokeId: 0x34, service: 20, errorClass: 5, errorCode: 26 });
    expect(answer(R.reject).apdu).toEqual({ kind: "reject", invokeId: 0x3a, reason: 9 });
    expect(answer(R.abort).apdu).toEqual({ kind: "abort", invokeId: 1, reason: 0, server: true });
  });
  it("recognises a segmented Complex-ACK without reassembling it", () => {
    expect(answer(R.segmentedAck).apdu).toMatchObject({ kind: "segmented", invokeId: 0x88 });
  });
});

describe("BVLC and our requests", () => {
  it("encodes only the read-only BVLC functions; Write-BDT and Register-Foreign-Device are refused", () => {
    expect(encodeBvlc(BVLC.READ_BDT)).toEqual(Buffer.from("81020004", "hex"));
    expect(encodeBvlc(BVLC.READ_FDT)).toEqual(Buffer.from("81060004", "hex"));
    for (const fn of [BVLC.WRITE_BDT, BVLC.REGISTER_FOREIGN_DEVICE, BVLC.DELETE_FDT_ENTRY, BVLC.DISTRIBUTE_BROADCAST, BVLC.ORIGINAL_BROADCAST])
      expect(() => encodeBvlc(fn)).toThrow(/never sent/);
  });
  it("refuses to encode a confirmed service other than ReadProperty(Multiple)", () => {
    expect(readPropertyMultiple(1, 8, 1, DEVICE_PROPERTIES)[3]).toBe(14);
  });
  it("checks the BVLC length against the datagram and table sizes", () => {
    expect(() => decodeBvlc(Buffer.from("810a0020010000", "hex"))).toThrow(/BVLC length 32 but the datagram has 7/);
    expect(() => decodeBvlc(Buffer.from("8103000700000000", "hex"))).toThrow(BacnetDecodeError);
    expect(decodeBvlc(Buffer.from("8103000e0a000001bac0ffffffff", "hex"))).toEqual({
      function: 3,
      total: 1,
      entries: [{ address: "10.0.0.1", port: 47808, mask: "255.255.255.255" }],
    });
    expect(() => decodeBvlc(Buffer.from("8203000400", "hex").subarray(0, 4))).toThrow(/type 0x82/);
  });
});
