// TLS record layer (probes/tls/wire/record.ts): framing, fragmentation, handshake reassembly across
// and within records (RFC 5246 §6.2.1), bounds, and arbitrary bytes throwing only TlsWireError.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { HandshakeAssembler, encodeHandshake, encodeRecords, parseAlerts, parseRecord, recordLength } from "../../../probes/tls/wire/record.js";
import { TlsWireError } from "../../../probes/tls/wire/errors.js";

describe("record framing", () => {
  test("encodeRecords fragments at 2^14 bytes and each record frames back", () => {
    const payload = Buffer.alloc(40_000, 0xab);
    const wire = encodeRecords(22, 0x0303, payload);
    const parts: Buffer[] = [];
    let at = 0;
    while (at < wire.length) {
      const n = recordLength(wire.subarray(at))!;
      const r = parseRecord(wire.subarray(at, at + n));
      expect(r.type).toBe(22);
      expect(r.payload.length).toBeLessThanOrEqual(16384);
      parts.push(r.payload);
      at += n;
    }
    expect(Buffer.concat(parts).equals(payload)).toBe(true);
  });

  test("headers that cannot be TLS are rejected at once: unknown type, SSLv2-style, major version, over-long length", () => {
    expect(() => recordLength(Buffer.from("HTTP/1.1 200"))).toThrow(TlsWireError);
    expect(() => recordLength(Buffer.from([0x80, 0x2e]))).toThrow(/SSLv2/);
    expect(() => recordLength(Buffer.from([22, 2, 0, 0, 5]))).toThrow(/major/);
    expect(() => recordLength(Buffer.from([22, 3, 3, 0xff, 0xff]))).toThrow(/exceeds/);
    expect(recordLength(Buffer.from([22, 3]))).toBeUndefined();
    expect(recordLength(Buffer.from([22, 3, 3, 0, 4]))).toBe(9);
  });

  test("alerts: pairs of level/description; an odd byte is truncated", () => {
    expect(parseAlerts(Buffer.from([2, 116]))).toEqual([{ level: 2, description: 116, name: "certificate_required" }]);
    expect(parseAlerts(Buffer.from([1, 0, 2, 40]))).toHaveLength(2);
    expect(() => parseAlerts(Buffer.from([2]))).toThrow(TlsWireError);
  });

  test("arbitrary bytes: recordLength and parseRecord throw only TlsWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const b = Buffer.from(bytes);
        try {
          const n = recordLength(b);
          if (n !== undefined && b.length >= n) expect(parseRecord(b).payload.length).toBe(n - 5);
        } catch (e) {
          expect(e).toBeInstanceOf(TlsWireError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe("handshake reassembly", () => {
  const messages = fc.array(fc.record({ type: fc.integer({ min: 0, max: 255 }), body: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) }), {
    minLength: 1,
    maxLength: 6,
  });

  test("messages split into records at arbitrary points come out whole and in order", () => {
    fc.assert(
      fc.property(messages, fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }), (msgs, sizes) => {
        const stream = Buffer.concat(msgs.map((m) => encodeHandshake(m.type, m.body)));
        const a = new HandshakeAssembler();
        const out: { type: number; body: Buffer }[] = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const n = sizes[i % sizes.length]!;
          out.push(...a.push(stream.subarray(at, at + n)));
          at += n;
        }
        expect(out.map((m) => [m.type, m.body.toString("hex")])).toEqual(msgs.map((m) => [m.type, m.body.toString("hex")]));
        expect(a.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test("one-byte records of a 200 KB message: linear work, one message out", () => {
    const body = Buffer.alloc(200_000, 1);
    const wire = encodeHandshake(11, body);
    const a = new HandshakeAssembler();
    const out = [];
    for (let i = 0; i < wire.length; i++) out.push(...a.push(wire.subarray(i, i + 1)));
    expect(out).toHaveLength(1);
    expect(out[0]!.body.length).toBe(200_000);
  });

  test("a message over the limit and too many messages are too-large", () => {
    expect(() => new HandshakeAssembler(1000).push(Buffer.from([11, 0, 0x10, 0]))).toThrow(/exceeds/);
    const many = Buffer.concat(Array.from({ length: 40 }, () => encodeHandshake(0, Buffer.alloc(0))));
    expect(() => new HandshakeAssembler(1000, 32).push(many)).toThrow(/more than 32/);
  });
});
