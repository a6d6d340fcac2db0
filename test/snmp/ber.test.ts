// Property tests of the hand-written BER codec (probes/snmp/ber.ts): arbitrary, truncated and
// over-long input only ever raises BerParseError; what we encode decodes to the same values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BerParseError,
  PDU,
  decodeInteger,
  decodeMessage,
  decodeOid,
  encodeCommunityMessage,
  encodeInteger,
  encodeOctetString,
  encodeOid,
  encodePdu,
  encodeV3NoAuthMessage,
  readTlv,
} from "../../probes/snmp/ber.js";
import { decodeEngineId } from "../../probes/snmp/engine-id.js";

const oidArb = fc
  .tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 12 }))
  .map(([a, b, rest]) => [a, b, ...rest].join("."));

const communityMessageArb = fc.record({
  version: fc.constantFrom(0 as const, 1 as const),
  community: fc.uint8Array({ maxLength: 300 }),
  requestId: fc.integer({ min: -2147483648, max: 2147483647 }),
  oids: fc.array(oidArb, { maxLength: 8 }),
});

function onlyParseErrors(bytes: Uint8Array): void {
  try {
    decodeMessage(bytes);
  } catch (e) {
    if (!(e instanceof BerParseError)) throw e;
  }
}

describe("BER codec", () => {
  it("never throws anything but BerParseError on arbitrary bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => onlyParseErrors(bytes)),
      { numRuns: 3000 },
    );
  });

  it("never throws anything but BerParseError on mutated valid messages", () => {
    fc.assert(
      fc.property(communityMessageArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (m, flips) => {
        const buf = encodeCommunityMessage(
          m.version,
          m.community,
          encodePdu(
            PDU.RESPONSE,
            m.requestId,
            m.oids.map((oid) => ({ oid })),
          ),
        );
        for (const [pos, val] of flips) buf[pos % buf.length] = val;
        onlyParseErrors(buf);
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips v1/v2c messages", () => {
    fc.assert(
      fc.property(communityMessageArb, (m) => {
        const buf = encodeCommunityMessage(
          m.version,
          m.community,
          encodePdu(
            PDU.GET,
            m.requestId,
            m.oids.map((oid) => ({ oid })),
          ),
        );
        const d = decodeMessage(buf);
        expect(d.version).toBe(m.version);
        expect(Buffer.compare(d.community!, Buffer.from(m.community))).toBe(0);
        expect(d.pdu!.requestId).toBe(m.requestId);
        expect(d.pdu!.varbinds.map((v) => v.oid)).toEqual(m.oids);
        expect(d.pdu!.varbinds.every((v) => v.type === 0x05)).toBe(true);
      }),
    );
  });

  it("rejects every truncation of a valid message with BerParseError", () => {
    fc.assert(
      fc.property(communityMessageArb, fc.nat(), (m, cut) => {
        const buf = encodeCommunityMessage(
          m.version,
          m.community,
          encodePdu(
            PDU.GET,
            m.requestId,
            m.oids.map((oid) => ({ oid })),
          ),
        );
        const n = cut % buf.length; // strictly shorter
        expect(() => decodeMessage(buf.subarray(0, n))).toThrow(BerParseError);
      }),
    );
  });

  it("rejects over-long lengths (declared length past the datagram) with BerParseError", () => {
    fc.assert(
      fc.property(communityMessageArb, fc.integer({ min: 1, max: 0xffffff }), (m, extra) => {
        const inner = encodeCommunityMessage(m.version, m.community, encodePdu(PDU.GET, m.requestId, []));
        const t = readTlv(inner, 0);
        const declared = t.end - t.start + extra;
        const header = Buffer.from([0x30, 0x84, (declared >>> 24) & 0xff, (declared >>> 16) & 0xff, (declared >>> 8) & 0xff, declared & 0xff]);
        expect(() => decodeMessage(Buffer.concat([header, inner.subarray(t.start)]))).toThrow(BerParseError);
      }),
    );
    // 5-octet length, indefinite length, multi-byte tag
    expect(() => decodeMessage(Buffer.from([0x30, 0x85, 1, 0, 0, 0, 0]))).toThrow(/too long/);
    expect(() => decodeMessage(Buffer.from([0x30, 0x80, 0, 0]))).toThrow(/indefinite/);
    expect(() => decodeMessage(Buffer.from([0x1f, 0x01, 0x00]))).toThrow(BerParseError);
  });

  it("round-trips INTEGER and OBJECT IDENTIFIER", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (v) => {
        const b = encodeInteger(v);
        expect(decodeInteger(b, readTlv(b, 0))).toBe(v);
      }),
    );
    // the 32-bit fast path encodes exactly what the BigInt path does (X.690 §8.3 shortest form)
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.constantFrom(0, -1, 127, 128, -128, -129, 255, 256, 0x7fffffff, -0x80000000)),
        (v) => {
          expect(encodeInteger(v)).toEqual(encodeInteger(BigInt(v)));
          expect(decodeInteger(encodeInteger(v), readTlv(encodeInteger(v), 0))).toBe(BigInt(v));
        },
      ),
    );
    fc.assert(
      fc.property(oidArb, (oid) => {
        const b = encodeOid(oid);
        expect(decodeOid(b, readTlv(b, 0))).toBe(oid);
      }),
    );
  });

  it("decodes the v3 discovery message it encodes (RFC 3414 §4)", () => {
    const msg = encodeV3NoAuthMessage({ msgId: 4242, engineId: Buffer.alloc(0), engineBoots: 0, engineTime: 0, userName: "", pdu: encodePdu(PDU.GET, 77, []) });
    const d = decodeMessage(msg);
    expect(d.version).toBe(3);
    expect(d.v3).toMatchObject({ msgId: 4242, msgFlags: 0x04, securityModel: 3, engineBoots: 0, encrypted: false });
    expect(d.pdu).toMatchObject({ type: PDU.GET, requestId: 77, varbinds: [] });
    expect(encodeOctetString("x")).toEqual(Buffer.from([0x04, 0x01, 0x78]));
  });

  it("decodes engine IDs (RFC 3411 §5) and never throws on arbitrary bytes", () => {
    expect(decodeEngineId(Buffer.from("80001f8803525400123456", "hex"))).toMatchObject({
      enterprise: 8072,
      scheme: "rfc3411",
      format: "mac",
      data: "52:54:00:12:34:56",
    });
    expect(decodeEngineId(Buffer.from("800010e90104000001", "hex")).enterprise).toBe(4329);
    expect(decodeEngineId(Buffer.from("80001f88017f000001", "hex"))).toMatchObject({ format: "ipv4", data: "127.0.0.1" });
    expect(decodeEngineId(Buffer.from("000000090102030405060708", "hex"))).toMatchObject({ scheme: "rfc1910", enterprise: 9 });
    expect(decodeEngineId(Buffer.from("8000", "hex")).scheme).toBe("invalid");
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => void decodeEngineId(b)));
  });
});
