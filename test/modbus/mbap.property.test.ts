// Property tests of the pure Modbus/TCP framing (probes/modbus/mbap.ts) and the TLS first-record
// parser (probes/modbus/tls-hello.ts): round trips, arbitrary splits of a byte stream, and
// arbitrary bytes never throwing.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { MAX_LENGTH_FIELD, MAX_PDU_BYTES, decodeDeviceIdResponse, decodeReportServerIdResponse, encodeFrame, extractFrame, type MbapFrame } from "../../probes/modbus/mbap.js";
import { assertSendable } from "../../probes/modbus/client.js";
import { parseFirstRecord } from "../../probes/modbus/tls-hello.js";

const frameArb = fc.record({
  transactionId: fc.integer({ min: 0, max: 0xffff }),
  unitId: fc.integer({ min: 0, max: 255 }),
  pdu: fc.uint8Array({ minLength: 1, maxLength: MAX_PDU_BYTES }).map((a) => Buffer.from(a)),
});

/** Feed a stream in the given chunks, collecting frames the way the client does. */
function parseStream(chunks: Buffer[]): { frames: MbapFrame[]; invalid?: string; rest: number } {
  let buf = Buffer.alloc(0);
  const frames: MbapFrame[] = [];
  for (const c of chunks) {
    buf = Buffer.concat([buf, c]);
    for (;;) {
      const r = extractFrame(buf);
      if (r.kind === "need-more") break;
      if (r.kind === "invalid") return { frames, invalid: r.reason, rest: buf.length };
      frames.push(r.frame);
      buf = buf.subarray(r.consumed);
    }
  }
  return { frames, rest: buf.length };
}

describe("MBAP framing (Implementation Guide v1.0b §3.1.3)", () => {
  test("encode then extract is the identity", () => {
    fc.assert(
      fc.property(frameArb, (f) => {
        const r = extractFrame(encodeFrame(f));
        expect(r.kind).toBe("frame");
        if (r.kind !== "frame") return;
        expect(r.frame).toEqual({ ...f, protocolId: 0 });
        expect(r.consumed).toBe(7 + f.pdu.length);
      }),
    );
  });

  test("a stream of frames split at arbitrary points yields the same frames", () => {
    fc.assert(
      fc.property(fc.array(frameArb, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 12 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f) => encodeFrame(f)));
        const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of [...points, stream.length]) {
          chunks.push(stream.subarray(prev, p));
          prev = p;
        }
        const out = parseStream(chunks);
        expect(out.invalid).toBeUndefined();
        expect(out.rest).toBe(0);
        expect(out.frames.map((f) => [f.transactionId, f.unitId, f.pdu.toString("hex")])).toEqual(frames.map((f) => [f.transactionId, f.unitId, f.pdu.toString("hex")]));
      }),
    );
  });

  test("arbitrary bytes never throw; a frame is only accepted within the length bounds and protocol id 0", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const r = extractFrame(buf);
        if (r.kind === "frame") {
          expect(buf.readUInt16BE(2)).toBe(0);
          const len = buf.readUInt16BE(4);
          expect(len).toBeGreaterThanOrEqual(2);
          expect(len).toBeLessThanOrEqual(MAX_LENGTH_FIELD);
          expect(r.frame.pdu.length).toBe(len - 1);
        }
        if (r.kind === "need-more") expect(buf.length < 6 || buf.length < 6 + buf.readUInt16BE(4)).toBe(true);
      }),
    );
  });

  test("an over-long length field is invalid at once (no waiting for 65 kB)", () => {
    fc.assert(
      fc.property(fc.integer({ min: MAX_LENGTH_FIELD + 1, max: 0xffff }), (len) => {
        const h = Buffer.from([0, 1, 0, 0, len >> 8, len & 0xff, 1]);
        expect(extractFrame(h).kind).toBe("invalid");
      }),
    );
  });

  test("a non-zero protocol id is invalid", () => {
    fc.assert(
      fc.property(frameArb, fc.integer({ min: 1, max: 0xffff }), (f, pid) => {
        expect(extractFrame(encodeFrame({ ...f, protocolId: pid })).kind).toBe("invalid");
      }),
    );
  });

  test("PDU decoders throw Errors (never crash otherwise) on arbitrary PDUs", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (bytes) => {
        const pdu = Buffer.from([0x2b, 0x0e, ...bytes]);
        try {
          const r = decodeDeviceIdResponse(pdu);
          for (const o of r.objects) expect(o.value.length).toBeLessThanOrEqual(255);
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
        try {
          decodeReportServerIdResponse(Buffer.from([0x11, ...bytes]));
        } catch (e) {
          expect(e).toBeInstanceOf(Error);
        }
      }),
    );
  });
});

describe("the client never sends a state-changing function code unless the write-back test opted in", () => {
  test("only read-only codes pass without opt-in; FC 8 and unit-0 writes never pass", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), (fcode, sub, unit, optIn) => {
        const pdu = Buffer.from([fcode, sub, 0, 0, 0]);
        let sent = true;
        try {
          assertSendable(unit, pdu, optIn);
        } catch {
          sent = false;
        }
        const readOnly = [1, 2, 3, 4, 17].includes(fcode) || (fcode === 43 && sub === 14);
        const writeBack = (fcode === 5 || fcode === 6) && optIn && unit !== 0;
        expect(sent).toBe(readOnly || writeBack);
      }),
    );
  });
});

describe("TLS first-record parser", () => {
  test("arbitrary bytes never throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parseFirstRecord(Buffer.from(bytes));
        expect(["need-more", "server-hello", "alert", "other"]).toContain(r.kind);
      }),
    );
  });

  test("reads version and suite of a TLS 1.2 ServerHello, and supported_versions of TLS 1.3", () => {
    const hello = (version: number, suite: number, ext?: number) => {
      const exts = ext ? Buffer.from([0x00, 0x2b, 0x00, 0x02, ext >> 8, ext & 0xff]) : Buffer.alloc(0);
      const body = Buffer.concat([Buffer.from([version >> 8, version & 0xff]), Buffer.alloc(32, 7), Buffer.from([0, suite >> 8, suite & 0xff, 0]), Buffer.from([0, exts.length]), exts]);
      const hs = Buffer.concat([Buffer.from([0x02, 0, body.length >> 8, body.length & 0xff]), body]);
      return Buffer.concat([Buffer.from([0x16, 0x03, 0x03, hs.length >> 8, hs.length & 0xff]), hs]);
    };
    expect(parseFirstRecord(hello(0x0303, 0xc02b))).toEqual({ kind: "server-hello", version: 0x0303, cipherSuite: 0xc02b });
    expect(parseFirstRecord(hello(0x0303, 0x1302, 0x0304))).toEqual({ kind: "server-hello", version: 0x0304, cipherSuite: 0x1302 });
    expect(parseFirstRecord(hello(0x0303, 0xc02b).subarray(0, 20)).kind).toBe("need-more");
    expect(parseFirstRecord(Buffer.from([0x15, 3, 3, 0, 2, 2, 70]))).toEqual({ kind: "alert", level: 2, description: 70 });
  });
});
