// DNP3 codec (probes/dnp3/link.ts, app.ts): CRC-16/DNP against published check values and against
// frames captured from real devices and stacks (fixtures/real-traffic.ts), link framing, transport
// reassembly, attribute and Secure Authentication decoding, IIN bits.
import { describe, expect, it } from "vitest";
import { Dnp3DecodeError, crcDnp, decodeFrame, encodeFrame, frameLength, linkStatusRequest } from "../../probes/dnp3/link.js";
import { Reassembly, attributeText, decodeResponse, iinFlags, readAttributesRequest } from "../../probes/dnp3/app.js";
import { REAL_DNP3 } from "./fixtures/real-traffic.js";

const hex = (h: string) => Buffer.from(h, "hex");

describe("CRC-16/DNP", () => {
  it('matches the published check value of the catalogue of CRC algorithms ("123456789" -> 0xEA82)', () => {
    expect(crcDnp(Buffer.from("123456789"))).toBe(0xea82);
  });
  it("is 0xFFFF on no data (initial 0, final XOR 0xFFFF)", () => {
    expect(crcDnp(Buffer.alloc(0))).toBe(0xffff);
  });
  it("verifies the header CRC of every real frame (sent low byte first)", () => {
    for (const [name, h] of Object.entries(REAL_DNP3)) {
      const b = hex(h);
      expect(b.readUInt16LE(8), name).toBe(crcDnp(b, 0, 8));
    }
  });
  it("our link status requests are byte for byte the ones real masters send", () => {
    expect(linkStatusRequest(1024, 1).toString("hex")).toBe(REAL_DNP3.linkStatusRequestOpendnp3);
    // Zeek's capture has DIR=0 (0x49) from that master; ours always sets DIR=1 (we are the master)
    const z = decodeFrame(hex(REAL_DNP3.linkStatusRequestZeek));
    expect(linkStatusRequest(z.dest, z.src).subarray(4, 8)).toEqual(hex(REAL_DNP3.linkStatusRequestZeek).subarray(4, 8));
  });
  it("our READ of attributes encodes like the real one in ITI's dataset_exchange capture", () => {
    const real = decodeFrame(hex(REAL_DNP3.readAttributes));
    const ours = Buffer.concat([Buffer.from([real.data[0]!]), readAttributesRequest(real.data[1]! & 0x0f, [213, 215])]);
    expect(ours).toEqual(real.data);
    expect(encodeFrame({ ...real, data: ours }).toString("hex")).toBe(REAL_DNP3.readAttributes);
  });
});

describe("link frames from real traffic", () => {
  it("decodes LINK_STATUS answers (secondary, function 11)", () => {
    for (const h of [REAL_DNP3.linkStatusZeek, REAL_DNP3.linkStatusOpendnp3]) {
      const f = decodeFrame(hex(h));
      expect({ prm: f.prm, func: f.func, data: f.data.length }).toEqual({ prm: false, func: 11, data: 0 });
    }
    expect(decodeFrame(hex(REAL_DNP3.linkStatusOpendnp3))).toMatchObject({ src: 1024, dest: 1 });
  });
  it("rejects a flipped bit in the header and in a data block (CRC)", () => {
    const b = hex(REAL_DNP3.attributesResponse);
    b[5] ^= 1;
    expect(() => decodeFrame(b)).toThrow(/header CRC/);
    const c = hex(REAL_DNP3.attributesResponse);
    c[12] ^= 0x40;
    expect(() => decodeFrame(c)).toThrow(/block 0 CRC/);
  });
  it("frameLength needs the start octets and a LEN >= 5", () => {
    expect(frameLength(hex("05"))).toBeUndefined();
    expect(frameLength(hex("0564"))).toBeUndefined();
    expect(frameLength(hex("056405"))).toBe(10);
    expect(frameLength(hex("0564ff"))).toBe(292);
    expect(() => frameLength(hex("0565"))).toThrow(Dnp3DecodeError);
    expect(() => frameLength(hex("056404"))).toThrow(/LEN 4/);
  });
});

describe("application layer from real traffic", () => {
  it("decodes device attributes (g0, data type, length, value)", () => {
    const f = decodeFrame(hex(REAL_DNP3.attributesResponse));
    const r = decodeResponse(f.data.subarray(1));
    expect(r.func).toBe(129);
    expect(r.attributes.map((a) => [a.variation, a.dataType, attributeText(a)])).toEqual([
      [213, 2, "1"],
      [215, 2, "3"],
    ]);
  });
  it("decodes an authentication challenge (FC 131, g120v1) and the IIN beside it", () => {
    const f = decodeFrame(hex(REAL_DNP3.authChallenge));
    const r = decodeResponse(f.data.subarray(1));
    expect(r.func).toBe(131);
    expect(iinFlags(r.iin1, r.iin2)).toEqual(["need-time", "device-restart"]);
    expect(r.auth[0]).toEqual({ variation: 1, challenge: { csq: 3, user: 0, macAlgorithm: 4, reason: 1, dataLength: 4 } });
  });
  it("decodes an unsolicited response's IIN (need time)", () => {
    const r = decodeResponse(decodeFrame(hex(REAL_DNP3.unsolicitedNeedTime)).data.subarray(1));
    expect({ func: r.func, uns: r.uns, flags: iinFlags(r.iin1, r.iin2) }).toEqual({ func: 130, uns: true, flags: ["need-time"] });
  });
  it("stops at objects it cannot size instead of guessing (g1v2 in a class 0 response)", () => {
    const frag = Buffer.from([0xc0, 0x81, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00, 0x03, 0x01, 0x01, 0x01, 0x01]);
    expect(decodeResponse(frag)).toMatchObject({ attributes: [], stoppedAt: "g1v2 q0x00" });
  });
});

describe("transport reassembly", () => {
  const seg = (fir: boolean, fin: boolean, seq: number, body: number[]) => Buffer.from([(fin ? 0x80 : 0) | (fir ? 0x40 : 0) | seq, ...body]);
  it("joins FIR..FIN in sequence", () => {
    const r = new Reassembly();
    expect(r.push(seg(true, false, 5, [1, 2]))).toBeUndefined();
    expect(r.push(seg(false, true, 6, [3]))).toEqual(Buffer.from([1, 2, 3]));
  });
  it("drops a segment out of sequence, and a tail without FIR (the real multi-frame response's last frame)", () => {
    const r = new Reassembly();
    r.push(seg(true, false, 1, [1]));
    expect(r.push(seg(false, true, 9, [2]))).toBeUndefined();
    expect(r.dropped).toBe(1);
    const tail = decodeFrame(hex(REAL_DNP3.responseTail));
    expect(new Reassembly().push(tail.data)).toBeUndefined();
  });
  it("bounds the fragment size and the number of segments", () => {
    const r = new Reassembly(100, 4);
    r.push(seg(true, false, 0, Array(60).fill(0)));
    expect(() => r.push(seg(false, false, 1, Array(60).fill(0)))).toThrow(/larger than 100/);
    const s = new Reassembly(10_000, 3);
    s.push(seg(true, false, 0, [0]));
    s.push(seg(false, false, 1, [0]));
    s.push(seg(false, false, 2, [0]));
    expect(() => s.push(seg(false, false, 3, [0]))).toThrow(/more than 3 transport segments/);
  });
});
