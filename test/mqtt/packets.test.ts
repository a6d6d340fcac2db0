// MQTT packets (probes/mqtt/packets.ts): CONNECT encoding per level, CONNACK parsing for 3.x and 5.0
// (properties, short-form answers to a 5.0 CONNECT), Remaining Length limits; fast-check properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeVarint,
  encodeConnack,
  encodeConnect,
  encodeVarint,
  judgeConnack,
  MAX_CONNACK,
  MAX_PROPERTIES,
  MqttWireError,
  packetFrame,
  parseConnack,
  parseConnackProperties,
  parseConnect,
} from "../../probes/mqtt/packets.js";

describe("CONNECT", () => {
  it("5.0 without credentials: Clean Start, no Will, empty properties; round-trips through the broker-side parser", () => {
    const p = encodeConnect({ level: 5, clientId: "otaudit-abc" });
    expect(p[0]).toBe(0x10);
    const c = parseConnect(p);
    expect(c).toEqual({ protocolName: "MQTT", level: 5, flags: 0x02, clientId: "otaudit-abc" });
  });

  it("3.1 uses MQIsdp; user name and password set their flags", () => {
    const c = parseConnect(encodeConnect({ level: 3, clientId: "x", username: "u", password: "p" }));
    expect(c).toMatchObject({ protocolName: "MQIsdp", level: 3, flags: 0xc2, username: "u", password: "p" });
  });
});

describe("CONNACK", () => {
  it("3.1.1: session present flag and return code", () => {
    expect(parseConnack(Buffer.from([0x20, 2, 1, 5]), 4)).toEqual({ sessionPresent: true, code: 5, shortForm: false });
    expect(judgeConnack({ code: 5, shortForm: false }, 4)).toEqual({ verdict: "auth-refused", name: "not authorized" });
  });

  it("a 3.x broker answering a 5.0 CONNECT with a 2-byte CONNACK code 1: version refused", () => {
    const c = parseConnack(Buffer.from([0x20, 2, 0, 1]), 5);
    expect(c.shortForm).toBe(true);
    expect(judgeConnack(c, 5).verdict).toBe("version-refused");
  });

  it("5.0 with properties (mosquitto's receive maximum and topic alias maximum)", () => {
    const c = parseConnack(Buffer.from([0x20, 0x09, 0x00, 0x00, 0x06, 0x21, 0x00, 0x14, 0x22, 0x00, 0x0a]), 5);
    expect(c).toEqual({ sessionPresent: false, code: 0, shortForm: false, properties: { receiveMaximum: 20, topicAliasMaximum: 10 } });
    expect(judgeConnack(c, 5)).toEqual({ verdict: "accepted", name: "Success" });
    expect(judgeConnack({ code: 0x87, shortForm: false }, 5).verdict).toBe("auth-refused");
    expect(judgeConnack({ code: 0x84, shortForm: false }, 5).verdict).toBe("version-refused");
    expect(judgeConnack({ code: 0x9f, shortForm: false }, 5)).toEqual({ verdict: "other", name: "Connection rate exceeded" });
  });

  it("an unknown property identifier stops the parse and says so", () => {
    expect(parseConnackProperties(Buffer.from([0x24, 1, 0x7f, 1, 2, 3]), 0, 6)).toEqual({ maximumQoS: 1, unparsed: "unknown property identifier 0x7f" });
  });

  it("a property that runs past the packet is malformed", () => {
    expect(() => parseConnackProperties(Buffer.from([0x1f, 0x00, 0x10, 0x41]), 0, 4)).toThrow(MqttWireError);
  });

  it("not a CONNACK, or too short: malformed", () => {
    expect(() => parseConnack(Buffer.from([0x30, 2, 0, 0]), 4)).toThrow(/expected CONNACK/);
    expect(() => parseConnack(Buffer.from([0x20, 1, 0]), 4)).toThrow(/at least 2/);
  });
});

describe("Remaining Length and framing", () => {
  it("varints: 4 bytes at most (268,435,455)", () => {
    expect(decodeVarint(encodeVarint(268_435_455), 0)).toEqual({ value: 268_435_455, size: 4 });
    expect(() => decodeVarint(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x01]), 0)).toThrow(/more than 4 bytes/);
    expect(decodeVarint(Buffer.from([0x80]), 0)).toBeUndefined();
  });

  it("a first packet claiming more than MAX_CONNACK bytes is refused before it is read", () => {
    expect(() => packetFrame(Buffer.concat([Buffer.from([0x20]), encodeVarint(MAX_CONNACK)]))).toThrow(MqttWireError);
    expect(packetFrame(Buffer.from([0x20, 2]))).toBe(4);
  });
});

describe("properties (fast-check)", () => {
  it("varint round trip", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 268_435_455 }), (n) => {
        expect(decodeVarint(encodeVarint(n), 0)).toEqual({ value: n, size: encodeVarint(n).length });
      }),
    );
  });

  it("any bytes: framing and CONNACK parsing either succeed within bounds or throw MqttWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom(3, 4, 5), (b, level) => {
        const buf = Buffer.from(b);
        try {
          const n = packetFrame(buf);
          if (n === undefined || n > buf.length) return;
          expect(n).toBeLessThanOrEqual(MAX_CONNACK);
          const c = parseConnack(buf.subarray(0, n), level as 3 | 4 | 5);
          expect(c.code).toBeLessThanOrEqual(255);
          if (c.properties?.userProperties) expect(c.properties.userProperties.length).toBeLessThanOrEqual(16);
        } catch (e) {
          expect(e).toBeInstanceOf(MqttWireError);
        }
      }),
    );
  });

  it("property lists longer than the cap stop at MAX_PROPERTIES", () => {
    const many = Buffer.from(Array.from({ length: MAX_PROPERTIES + 5 }, () => [0x24, 1]).flat());
    expect(parseConnackProperties(many, 0, many.length).unparsed).toMatch(/more than/);
  });

  it("encodeConnack -> parseConnack keeps code and properties", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 0x86, 0x87),
        fc.integer({ min: 0, max: 1 }),
        fc.integer({ min: 0, max: 65535 }),
        fc.string({ maxLength: 40 }),
        (code, qos, ka, reason) => {
          const c = parseConnack(encodeConnack(5, code, { maximumQoS: qos, serverKeepAlive: ka, reasonString: reason }), 5);
          expect(c).toMatchObject({ code, properties: { maximumQoS: qos, serverKeepAlive: ka, reasonString: reason } });
        },
      ),
    );
  });

  it("parseConnect on any bytes: parses or throws MqttWireError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (b) => {
        try {
          parseConnect(Buffer.concat([Buffer.from([0x10]), Buffer.from(b)]));
        } catch (e) {
          expect(e).toBeInstanceOf(MqttWireError);
        }
      }),
    );
  });
});
