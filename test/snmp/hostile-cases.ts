// The hostile-agent corpus (issue 13, SNMP): scripted UDP agents for test/snmp/hostile.test.ts and
// the peak-RSS figure of scripts/bench/snmp.ts. Each entry: a name and a script for
// startFakeSnmpAgent (fake-agent.ts).
import { PDU, TAG, encodeCommunityMessage, encodeInteger, encodeOctetString, encodePdu, tlv, type SnmpMessage } from "../../probes/snmp/ber.js";
import { USM_UNKNOWN_ENGINE } from "../../probes/snmp/oids.js";
import { communityResponse, hasCommunity, isDiscovery, responseTo, v3Plain, type FakeAnswer } from "./fake-agent.js";

/** The probe timeout the cases are written for (the slow-drip case answers just after it). */
export const HOSTILE_TIMEOUT = 300;
const cat = (...b: Buffer[]) => Buffer.concat(b);

/** A v3 message with any header values (RFC 3412 §6 layout), for extremes the encoder would not make. */
function v3Raw(o: {
  m: SnmpMessage;
  engineId?: Buffer;
  boots?: number | bigint;
  time?: number | bigint;
  flags?: Buffer;
  pduType?: number;
  varbinds?: { oid: string; raw?: Buffer }[];
  scoped?: Buffer;
}): Buffer {
  const engineId = o.engineId ?? Buffer.from("80001f8803525400abcdef", "hex");
  const header = tlv(0x30, cat(encodeInteger(o.m.v3!.msgId), encodeInteger(65507), encodeOctetString(o.flags ?? Buffer.from([0])), encodeInteger(3)));
  const usm = tlv(
    0x30,
    cat(
      encodeOctetString(engineId),
      encodeInteger(o.boots ?? 1),
      encodeInteger(o.time ?? 60),
      encodeOctetString(o.m.v3!.userName),
      encodeOctetString(""),
      encodeOctetString(""),
    ),
  );
  const pdu = encodePdu(o.pduType ?? PDU.REPORT, o.m.pdu?.requestId ?? 0, o.varbinds ?? [{ oid: USM_UNKNOWN_ENGINE, raw: encodeInteger(1, TAG.COUNTER32) }]);
  return tlv(0x30, cat(encodeInteger(3), header, encodeOctetString(usm), o.scoped ?? tlv(0x30, cat(encodeOctetString(engineId), encodeOctetString(""), pdu))));
}

/** Every value of a GET with 'public' answered by `value(oid)`; v3 answered plainly. */
const publicAnswers =
  (value: (oid: string) => Buffer) =>
  (m: SnmpMessage): FakeAnswer =>
    v3Plain(m) ??
    (hasCommunity(m, "public")
      ? responseTo(
          m,
          m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: value(vb.oid) })),
        )
      : undefined);
/** 'public' answered by `broken(m)`, v3 plainly. */
const publicBroken =
  (broken: (m: SnmpMessage) => FakeAnswer) =>
  (m: SnmpMessage): FakeAnswer =>
    v3Plain(m) ?? (hasCommunity(m, "public") ? broken(m) : undefined);
/** Discovery answered by `report(m)`, everything else silent. */
const discoveryOnly =
  (report: (m: SnmpMessage) => FakeAnswer) =>
  (m: SnmpMessage): FakeAnswer =>
    isDiscovery(m) ? report(m) : undefined;

/** `depth` SEQUENCEs around `inner`, built in one pass (headers inside out, then one concat). */
function nested(depth: number, inner: Buffer): Buffer {
  const headers: Buffer[] = [];
  let length = inner.length;
  for (let i = 0; i < depth; i++) {
    const h = tlv(0x30, Buffer.alloc(0)).subarray(0, 1);
    const len =
      length < 0x80
        ? Buffer.from([length])
        : length < 0x100
          ? Buffer.from([0x81, length])
          : length < 0x10000
            ? Buffer.from([0x82, length >> 8, length & 0xff])
            : Buffer.from([0x83, length >> 16, (length >> 8) & 0xff, length & 0xff]);
    headers.push(Buffer.concat([h, len]));
    length += 1 + len.length;
  }
  return Buffer.concat([...headers.reverse(), inner]);
}
const HOSTILE_TEXT = Buffer.from("PLC\x1b[2J\x1b]0;pwned\x07\r\u202eevil\u2066\x9b31m\x7f", "utf8");
const rawVarbindResponse = (m: SnmpMessage, vbs: Buffer) =>
  encodeCommunityMessage(
    m.version as 0 | 1,
    m.community!,
    tlv(PDU.RESPONSE, cat(encodeInteger(m.pdu!.requestId), encodeInteger(0), encodeInteger(0), tlv(0x30, vbs))),
  );

export const HOSTILE_CASES: [string, (m: SnmpMessage) => FakeAnswer][] = [
  ["silence", () => undefined],
  ["an empty datagram for everything", () => Buffer.alloc(0)],
  ["text garbage for everything", () => Buffer.from("HTTP/1.0 400 Bad Request\r\n\r\n")],
  ["truncated BER", publicBroken((m) => communityResponse(m, "x").subarray(0, 17))],
  [
    "top-level length that lies (runs past the datagram)",
    publicBroken((m) => {
      const b = communityResponse(m, "x");
      b[1] = 0x7f;
      return b;
    }),
  ],
  [
    "varbind-list length that lies",
    publicBroken((m) => {
      const b = communityResponse(m, "abc");
      const i = b.lastIndexOf(0x30, b.length - 14);
      b[i + 1] = 0x7e;
      return b;
    }),
  ],
  [
    "indefinite length",
    publicBroken((m) => {
      const ok = communityResponse(m, "x");
      return cat(Buffer.from([0x30, 0x80]), ok.subarray(2), Buffer.from([0, 0]));
    }),
  ],
  ["5-octet length field", publicBroken(() => Buffer.from([0x30, 0x85, 0, 0, 0, 0, 3, 2, 1, 1]))],
  ["multi-byte tag", publicBroken(() => Buffer.from([0x3f, 0x81, 0x01, 0x00]))],
  ["nesting 12,000 deep as the whole message", publicBroken(() => nested(12_000, Buffer.from([0x02, 0x01, 0x01])))],
  ["nesting 6,000 deep as a varbind value", publicAnswers(() => nested(6_000, Buffer.from([0x05, 0x00])))],
  [
    "1,000 varbinds in one answer",
    publicBroken((m) =>
      responseTo(
        m,
        Array.from({ length: 1000 }, (_, i) => ({ oid: `1.3.6.1.2.1.1.${i}.0`, raw: encodeOctetString("v") })),
      ),
    ),
  ],
  [
    "an OID of 200 arcs",
    publicBroken((m) =>
      rawVarbindResponse(m, tlv(0x30, cat(tlv(TAG.OID, Buffer.concat([Buffer.from([0x2b]), Buffer.alloc(199, 1)])), encodeOctetString("x")))),
    ),
  ],
  [
    "an OID arc above 2^53",
    publicBroken((m) => rawVarbindResponse(m, tlv(0x30, cat(tlv(TAG.OID, Buffer.from("2b0601ffffffffffffffff7f", "hex")), encodeOctetString("x"))))),
  ],
  [
    "an OID arc with a leading 0x80",
    publicBroken((m) => rawVarbindResponse(m, tlv(0x30, cat(tlv(TAG.OID, Buffer.from("2b06018001", "hex")), encodeOctetString("x"))))),
  ],
  [
    "a 100-octet INTEGER request id",
    publicBroken((m) =>
      encodeCommunityMessage(
        m.version as 0 | 1,
        "public",
        tlv(PDU.RESPONSE, cat(tlv(TAG.INTEGER, Buffer.alloc(100, 1)), encodeInteger(0), encodeInteger(0), tlv(0x30, Buffer.alloc(0)))),
      ),
    ),
  ],
  ["control characters, ESC, BEL, CR, U+202E in every system string", publicAnswers(() => encodeOctetString(HOSTILE_TEXT))],
  ["a 60 KB sysDescr", publicAnswers(() => encodeOctetString(Buffer.alloc(60_000, 0x41)))],
  ["a flood of 3,000 garbage datagrams per request", () => ({ reply: Buffer.from("flood"), times: 3000 })],
  [
    "a flood of 500 valid answers with wrong request ids per request",
    (m) =>
      m.v3
        ? v3Plain(m)
        : { reply: responseTo(m, [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("x") }], { requestId: m.pdu!.requestId ^ 0x5555 }), times: 500 },
  ],
  [
    "every answer 40 times (duplicates)",
    (m) => {
      const a = v3Plain(m) ?? (hasCommunity(m, "public") ? communityResponse(m, "dup") : undefined);
      return a ? { reply: a, times: 40 } : undefined;
    },
  ],
  [
    "answers from another source port",
    (m) => {
      const a = v3Plain(m) ?? (hasCommunity(m, "public") ? communityResponse(m, "x") : undefined);
      return a ? { reply: a, fromOtherPort: true } : undefined;
    },
  ],
  [
    "answers from another address",
    (m) => {
      const a = v3Plain(m) ?? (hasCommunity(m, "public") ? communityResponse(m, "x") : undefined);
      return a ? { reply: a, fromOtherHost: true } : undefined;
    },
  ],
  [
    "wrong request ids for everything",
    (m) => (m.v3 ? undefined : responseTo(m, [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("x") }], { requestId: m.pdu!.requestId + 7 })),
  ],
  ["a Report PDU to a v2c GET", publicBroken((m) => responseTo(m, [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("x") }], { pduType: PDU.REPORT }))],
  [
    "another community in the answer",
    publicBroken((m) =>
      encodeCommunityMessage(
        m.version as 0 | 1,
        "other",
        encodePdu(PDU.RESPONSE, m.pdu!.requestId, [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("x") }]),
      ),
    ),
  ],
  [
    "a v1 answer to a v2c request",
    publicBroken((m) =>
      encodeCommunityMessage(
        m.version === 1 ? 0 : 1,
        "public",
        encodePdu(PDU.RESPONSE, m.pdu!.requestId, [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("x") }]),
      ),
    ),
  ],
  [
    "error-status 2^31-1 and a negative error index",
    publicBroken((m) => responseTo(m, [{ oid: "1.3.6.1.2.1.1.1.0" }], { errorStatus: 2147483647, errorIndex: -5 })),
  ],
  ["engine id of 0 octets", discoveryOnly((m) => v3Raw({ m, engineId: Buffer.alloc(0) }))],
  ["engine id of 64 octets", discoveryOnly((m) => v3Raw({ m, engineId: Buffer.alloc(64, 0x81) }))],
  ["engine id of 5,000 octets", discoveryOnly((m) => v3Raw({ m, engineId: Buffer.alloc(5000, 0x41) }))],
  [
    "engine id in text format full of control characters",
    discoveryOnly((m) => v3Raw({ m, engineId: cat(Buffer.from([0x80, 0, 0x1f, 0x88, 4]), Buffer.from("\x1b[31m\u202e", "utf8")) })),
  ],
  ["engineBoots latched (2^31-1), engineTime 2^31-1", discoveryOnly((m) => v3Raw({ m, boots: 2147483647, time: 2147483647 }))],
  ["engineBoots -1, engineTime 2^32-1", discoveryOnly((m) => v3Raw({ m, boots: -1, time: 4294967295 }))],
  ["engineTime 2^63 (not a 32-bit value)", discoveryOnly((m) => v3Raw({ m, time: 2n ** 63n - 1n }))],
  [
    "discovery answered with data in a Response",
    (m) => (m.v3 ? v3Raw({ m, pduType: PDU.RESPONSE, varbinds: [{ oid: "1.3.6.1.2.1.1.1.0", raw: encodeOctetString("open") }] }) : undefined),
  ],
  [
    "discovery answered with the privacy flag and garbage ciphertext",
    (m) => (m.v3 ? v3Raw({ m, flags: Buffer.from([0x03]), scoped: encodeOctetString(Buffer.alloc(64, 7)) }) : undefined),
  ],
  ["msgFlags of two octets", (m) => (m.v3 ? v3Raw({ m, flags: Buffer.from([0, 0]) }) : undefined)],
  [
    "GETNEXT that never advances, and a table without end",
    (m) => {
      if (m.v3 || !hasCommunity(m, "public")) return v3Plain(m);
      if (m.pdu!.type === PDU.GET_NEXT)
        return responseTo(
          m,
          m.pdu!.varbinds.map((vb) => ({ oid: vb.oid.split(".").length > 12 ? `${vb.oid}.1` : vb.oid, raw: encodeOctetString(HOSTILE_TEXT) })),
        );
      return responseTo(
        m,
        m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: encodeOctetString("x") })),
      );
    },
  ],
  [
    "answers only after the timeout (slow drip)",
    (m) => {
      const a = v3Plain(m) ?? (hasCommunity(m, "public") ? communityResponse(m, "late") : undefined);
      return a ? { reply: a, delayMs: HOSTILE_TIMEOUT + 150 } : undefined;
    },
  ],
  [
    "an OID value that does not decode in the system group",
    publicAnswers((oid) => (oid.endsWith("1.2.0") ? tlv(TAG.OID, Buffer.from([0xff])) : tlv(TAG.INTEGER, Buffer.alloc(20, 0xff)))),
  ],
];
