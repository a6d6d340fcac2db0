// Property tests of the pure Modbus/TCP framing and PDU decoders (probes/modbus/mbap.ts): round
// trips, arbitrary splits of a byte stream, arbitrary bytes throwing only the typed decode error.
// (The TLS wire parsers have their own tests under test/tls/wire.)
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  MAX_LENGTH_FIELD,
  MAX_PDU_BYTES,
  MbapDecodeError,
  decodeDeviceIdResponse,
  decodeReportServerIdResponse,
  encodeFrame,
  extractFrame,
  mbapFrameLength,
  type MbapFrame,
} from "../../probes/modbus/mbap.js";
import { assertSendable } from "../../probes/modbus/client.js";

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
        expect(out.frames.map((f) => [f.transactionId, f.unitId, f.pdu.toString("hex")])).toEqual(
          frames.map((f) => [f.transactionId, f.unitId, f.pdu.toString("hex")]),
        );
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

  test("PDU decoders throw only MbapDecodeError on arbitrary PDUs; objects never run past the PDU", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 260 }), (bytes) => {
        const pdu = Buffer.from([0x2b, 0x0e, ...bytes]);
        try {
          const r = decodeDeviceIdResponse(pdu);
          const used = r.objects.reduce((n, o) => n + 2 + o.value.length, 7);
          expect(used + r.trailing).toBe(pdu.length);
          expect(r.objects.length).toBe(pdu[6]);
          expect(r.moreFollows).toBe(pdu[4] === 0xff);
        } catch (e) {
          expect(e).toBeInstanceOf(MbapDecodeError);
        }
        try {
          const r = decodeReportServerIdResponse(Buffer.from([0x11, ...bytes]));
          if (r.runIndicator) expect([0x00, 0xff]).toContain(r.data[r.runIndicator.offset]);
        } catch (e) {
          expect(e).toBeInstanceOf(MbapDecodeError);
        }
      }),
    );
  });

  test("the stream frame function agrees with extractFrame and throws only MbapDecodeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const buf = Buffer.from(bytes);
        const r = extractFrame(buf);
        try {
          const n = mbapFrameLength(buf);
          if (r.kind === "frame") expect(n).toBe(r.consumed);
          if (r.kind === "invalid") expect.unreachable("an invalid header must throw");
          if (n === undefined) expect(buf.length).toBeLessThan(6);
        } catch (e) {
          expect(e).toBeInstanceOf(MbapDecodeError);
          expect(r.kind).toBe("invalid");
        }
      }),
    );
  });

  test("FC 17 run indicator: after a one-byte server id (\\xFA\\xFF...), else the last byte", () => {
    expect(decodeReportServerIdResponse(Buffer.from([0x11, 5, 0xfa, 0xff, 0x50, 0x4d, 0x37])).runIndicator).toEqual({
      status: "on",
      offset: 1,
      basis: "after-1-byte-server-id",
    });
    expect(decodeReportServerIdResponse(Buffer.from([0x11, 4, 0x41, 0x42, 0x43, 0x00])).runIndicator).toEqual({ status: "off", offset: 3, basis: "last-byte" });
    expect(decodeReportServerIdResponse(Buffer.from([0x11, 3, 0x41, 0x42, 0x43])).runIndicator).toBeUndefined();
  });
});

describe("the client never sends a state-changing function code unless the write-back test opted in", () => {
  test("only read-only codes pass without opt-in; FC 8 and unit-0 writes never pass", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.boolean(),
        (fcode, sub, unit, optIn) => {
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
        },
      ),
    );
  });
});
