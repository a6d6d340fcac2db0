// The RFB handshake parser (probes/vnc/rfb.ts): ProtocolVersion (RFC 6143 §7.1.1), security types
// (§7.1.2), failure reasons with lying lengths; fast-check properties for hostile input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  chooseClientVersion,
  encodeSecurityList,
  encodeSecurityType,
  MAX_REASON,
  parseSecurityList,
  parseSecurityType,
  parseVersion,
  RfbWireError,
  securityListFrame,
  securityTypeFrame,
} from "../../probes/vnc/rfb.js";

describe("ProtocolVersion", () => {
  it("parses the three versions of RFC 6143 and the common others", () => {
    expect(parseVersion(Buffer.from("RFB 003.008\n"))).toEqual({ raw: "RFB 003.008\n", major: 3, minor: 8 });
    expect(parseVersion(Buffer.from("RFB 003.889\n"))).toMatchObject({ major: 3, minor: 889 });
    expect(parseVersion(Buffer.from("RFB 005.000\n"))).toMatchObject({ major: 5, minor: 0 });
  });

  it("rejects anything that is not exactly RFB xxx.yyy\\n", () => {
    for (const t of ["HTTP/1.1 400 ", "RFB 3.8\n    ", "RFB 003.008\r", "rfb 003.008\n", "RFB 003.00\x008\n"])
      expect(() => parseVersion(Buffer.from(t, "latin1"))).toThrow(RfbWireError);
  });

  it("answers 3.8 to 3.8 and above, 3.7 to 3.7, 3.3 to the rest (§7.1.1)", () => {
    const c = (major: number, minor: number) => chooseClientVersion({ major, minor });
    expect([c(3, 8), c(3, 889), c(4, 1), c(5, 0), c(3, 7), c(3, 3), c(3, 5), c(2, 9)]).toEqual(["3.8", "3.8", "3.8", "3.8", "3.7", "3.3", "3.3", "3.3"]);
  });
});

describe("security types", () => {
  it("3.7/3.8 list, and a refusal with its reason", () => {
    expect(parseSecurityList(encodeSecurityList([1, 2, 19]))).toEqual({ types: [1, 2, 19], serverChosen: false });
    expect(parseSecurityList(encodeSecurityList([], "Too many security failures"))).toEqual({
      types: [],
      serverChosen: false,
      failureReason: "Too many security failures",
    });
  });

  it("3.3 server-chosen type, and type 0 with a reason", () => {
    expect(parseSecurityType(encodeSecurityType(2))).toEqual({ types: [2], serverChosen: true });
    expect(parseSecurityType(encodeSecurityType(0, "go away"))).toEqual({ types: [], serverChosen: true, failureReason: "go away" });
  });

  it("a lying reason length is read only up to MAX_REASON and marked truncated", () => {
    const lying = Buffer.concat([Buffer.from([0, 0xff, 0xff, 0xff, 0xff]), Buffer.alloc(MAX_REASON + 10, 0x41)]);
    expect(securityListFrame(lying)).toBe(5 + MAX_REASON);
    const parsed = parseSecurityList(lying.subarray(0, 5 + MAX_REASON));
    expect(parsed.failureReason).toHaveLength(MAX_REASON);
    expect(parsed.reasonTruncated).toBe(true);
  });

  it("control characters in a reason are kept byte for byte (escaping is the output's job)", () => {
    const r = "\x1b[2J\x07evil\r\n\x00";
    expect(parseSecurityList(encodeSecurityList([], r)).failureReason).toBe(r);
  });

  it("frames wait for whole messages", () => {
    expect(securityListFrame(Buffer.alloc(0))).toBeUndefined();
    expect(securityListFrame(Buffer.from([3, 1]))).toBe(4);
    expect(securityListFrame(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(securityTypeFrame(Buffer.from([0, 0, 0]))).toBeUndefined();
    expect(securityTypeFrame(Buffer.from([0, 0, 0, 2]))).toBe(4);
    expect(securityTypeFrame(Buffer.from([0, 0, 0, 0, 0, 0, 0, 4]))).toBe(12);
  });
});

describe("properties (fast-check)", () => {
  it("parseVersion on any 12 bytes either parses or throws RfbWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), (b) => {
        try {
          const v = parseVersion(Buffer.from(b));
          expect(v.raw).toHaveLength(12);
        } catch (e) {
          expect(e).toBeInstanceOf(RfbWireError);
        }
      }),
    );
  });

  it("frames are bounded and parsing a framed message never throws", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (b) => {
        const buf = Buffer.from(b);
        for (const [frame, parse, max] of [
          [securityListFrame, parseSecurityList, 5 + MAX_REASON],
          [securityTypeFrame, parseSecurityType, 8 + MAX_REASON],
        ] as const) {
          const n = frame(buf);
          if (n === undefined) continue;
          expect(n).toBeLessThanOrEqual(max);
          if (n <= buf.length) {
            const r = parse(buf.subarray(0, n));
            expect(r.types.length).toBeLessThanOrEqual(255);
            expect((r.failureReason ?? "").length).toBeLessThanOrEqual(MAX_REASON);
          }
        }
      }),
    );
  });

  it("encode then frame and parse gives the list back, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 255 }), fc.integer({ min: 0, max: 300 }), (types, cut) => {
        const wire = encodeSecurityList(types);
        const head = wire.subarray(0, Math.min(cut, wire.length));
        const n = securityListFrame(head);
        if (head.length < wire.length) expect(n === undefined || n > head.length).toBe(true);
        expect(securityListFrame(wire)).toBe(wire.length);
        expect(parseSecurityList(wire).types).toEqual(types);
      }),
    );
  });
});
