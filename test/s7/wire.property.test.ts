// S7comm codec: real device bytes (test/s7/captures.ts: an S7-1200's COTP and S7comm-plus TPDUs, a
// CPU 315's SZL lists), round trips of what the probe sends, the send guard, and property tests:
// on any bytes every decoder returns or throws S7WireError only, within its bounds.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { S7Error, assertSendable } from "../../probes/s7/session.js";
import { MAX_RECORDS, decodeComponentIdentification, decodeCpuMode, decodeModuleIdentification, decodeProtection, parseSzlList } from "../../probes/s7/szl.js";
import {
  S7WireError,
  connectionRequest,
  dataFrame,
  parseS7,
  parseS7PlusHeader,
  parseSetupAnswer,
  parseSzlFragment,
  parseTpkt,
  readSzlNextRequest,
  readSzlRequest,
  setupCommunication,
  tpktFrameLength,
} from "../../probes/s7/wire.js";
import { CPU_315, S7_1200, hex } from "./captures.js";

const typedOnly = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof S7WireError)) throw e;
  }
};

describe("real S7-1200 traffic (public capture)", () => {
  it("parses the HMI's COTP CR and the CPU's CC with 16-byte string TSAPs", () => {
    const cr = parseTpkt(hex(S7_1200.cotpCr));
    expect(cr).toMatchObject({ kind: "cr", srcRef: 0x0009 });
    if (cr.kind !== "cr") throw new Error();
    expect(cr.calledTsap!.toString("latin1")).toBe("SIMATIC-ROOT-HMI");
    const cc = parseTpkt(hex(S7_1200.cotpCc));
    expect(cc).toMatchObject({ kind: "cc", dstRef: 0x0009, tpduSize: 1024 });
    expect(tpktFrameLength(hex(S7_1200.cotpCc))).toBe(36);
  });

  it("recognises S7comm-plus answers (protocol id 0x72, versions 1 and 2) and refuses them as S7comm", () => {
    for (const [frame, version] of [
      [S7_1200.s7plusCreateObjectAnswer, 1],
      [S7_1200.s7plusV2Answer, 2],
    ] as const) {
      const t = parseTpkt(hex(frame));
      if (t.kind !== "dt") throw new Error("not DT");
      expect(t.lastUnit).toBe(true);
      expect(parseS7PlusHeader(t.payload)).toMatchObject({ version });
      expect(() => parseS7(t.payload)).toThrow(/S7comm-plus/);
    }
    // the CPU names itself in the CreateObject answer: the bytes are there as sent
    expect(hex(S7_1200.s7plusCreateObjectAnswer).toString("latin1")).toContain("1;6ES7 214-1HE30-0XB0 ;V2.2");
  });
});

describe("SZL lists of a physical CPU 315-2 PN/DP (snap7's data banks)", () => {
  const list = (h: string) => {
    const d = hex(h);
    return parseSzlList(d.subarray(4, 4 + d.readUInt16BE(2)));
  };
  it("0x0011: order number, firmware (index 7) and boot loader (index 0x81)", () => {
    expect(decodeModuleIdentification(list(CPU_315.szl0011))).toMatchObject({
      orderNumber: "6ES7 315-2EH14-0AB0",
      firmwareVersion: "V3.2.6",
      bootLoaderVersion: "A32.9.9",
    });
  });
  it("0x0232 index 4: protection level 1 by the mode selector, no password, RUN-P", () => {
    expect(decodeProtection(list(CPU_315.szl0232idx4))).toEqual({
      keySwitchLevel: 1,
      parameterizedLevel: 0,
      effectiveLevel: 1,
      modeSelector: 2,
      startupSwitch: 0,
    });
  });
  it("0x0424: RUN", () => expect(decodeCpuMode(list(CPU_315.szl0424))).toEqual({ code: 8, name: "RUN" }));
});

describe("what the probe sends", () => {
  it("a CR names the called and calling TSAPs; Setup communication and Read SZL round-trip and pass the send guard", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), (called, id, index) => {
        const cr = parseTpkt(connectionRequest(called));
        expect(cr.kind === "cr" && cr.calledTsap!.readUInt16BE(0)).toBe(called);
        for (const f of [connectionRequest(called), setupCommunication(1), readSzlRequest(2, id, index), readSzlNextRequest(3, id & 0xff)])
          expect(() => assertSendable(f)).not.toThrow();
        const t = parseTpkt(readSzlRequest(7, id, index));
        if (t.kind !== "dt") throw new Error();
        const p = parseS7(t.payload);
        expect(p.data.readUInt16BE(4)).toBe(id);
        expect(p.data.readUInt16BE(6)).toBe(index);
      }),
    );
  });

  it("the send guard refuses every other S7 job function (write 0x05, PLC stop 0x29, download 0x1A...) and any userdata but Read SZL", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }).filter((f) => f !== 0xf0),
        fc.uint8Array({ maxLength: 20 }),
        (fn, rest) => {
          const param = Buffer.concat([Buffer.from([fn]), Buffer.from(rest)]);
          const pdu = Buffer.concat([Buffer.from([0x32, 1, 0, 0, 0, 1, 0, param.length, 0, 0]), param]);
          expect(() => assertSendable(dataFrame(pdu))).toThrow(S7Error);
        },
      ),
    );
    // userdata group 4 subfunction 2 (read system state) and group 7 (time) are refused too
    for (const tg of [0x44, 0x47, 0x45]) {
      const sub = tg === 0x44 ? 0x02 : 0x01;
      const pdu = Buffer.concat([Buffer.from([0x32, 7, 0, 0, 0, 1, 0, 8, 0, 0]), Buffer.from([0, 1, 0x12, 4, 0x11, tg, sub, 0])]);
      expect(() => assertSendable(dataFrame(pdu))).toThrow(S7Error);
    }
  });
});

describe("decoders on arbitrary and mutated bytes (property)", () => {
  const samples = [S7_1200.cotpCr, S7_1200.cotpCc, S7_1200.s7plusCreateObjectAnswer].map(hex);
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)),
    fc.tuple(fc.constantFrom(...samples), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 })).map(([s, flips]) => {
      const b = Buffer.from(s);
      for (const [at, v] of flips) b[at % b.length] = v;
      return b;
    }),
  );

  it("TPKT framing, COTP, S7 header and SZL fragments throw only S7WireError", () => {
    fc.assert(
      fc.property(bytes, (b) => {
        typedOnly(() => {
          const n = tpktFrameLength(b);
          if (n !== undefined) expect(n).toBeGreaterThanOrEqual(7);
        });
        typedOnly(() => parseTpkt(b));
        typedOnly(() => parseSetupAnswer(parseS7(b)));
        typedOnly(() => parseSzlFragment(parseS7(b)));
      }),
      { numRuns: 3000 },
    );
  });

  it("SZL lists: record counts never exceed what the bytes hold or MAX_RECORDS, whatever the header claims", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 3000 }), (len, count, body) => {
        const h = Buffer.from([0, 0x11, 0, 0, len >> 8, len & 0xff, count >> 8, count & 0xff]);
        typedOnly(() => {
          const l = parseSzlList(Buffer.concat([h, Buffer.from(body)]));
          expect(l.records.length).toBeLessThanOrEqual(Math.min(MAX_RECORDS, count));
          expect(l.records.every((r) => r.length === len)).toBe(true);
          typedOnly(() => decodeModuleIdentification(l));
          typedOnly(() => decodeComponentIdentification(l));
          typedOnly(() => decodeProtection(l));
          typedOnly(() => decodeCpuMode(l));
        });
      }),
      { numRuns: 2000 },
    );
  });
});
