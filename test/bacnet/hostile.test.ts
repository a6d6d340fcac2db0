// Hostile BACnet/IP devices (30 UDP cases): lying BVLC lengths and types, broken NPDUs, network-layer
// messages, bad I-Ams and floods of them, unmatched invoke ids, lying tag lengths, deep nesting,
// value floods, segmentation abuse, Abort/Reject/Error to everything, control characters and
// invalid UTF-8 in every string, huge BBMD tables. Every case: a schema-valid result, no pass the
// case does not warrant, a probe that ended on its own, bounded facts, and from the device's side
// only unicast reads (BVLC 0x0a/0x02/0x06, services Who-Is, ReadProperty, ReadPropertyMultiple).
import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import bacnet from "../../probes/bacnet/index.js";
import type { BacnetFacts } from "../../probes/bacnet/facts.js";
import { appObject, appString, appUnsigned, closing, encodeContextObject, encodeContextUnsigned, opening } from "../../probes/bacnet/tags.js";
import { safeText } from "../../src/report/safe-text.js";
import { DeviceResult } from "../../src/model/result.js";
import { freeUdpPort } from "../helpers/daemons.js";
import { scanWith } from "../dnp3/helpers.js";

interface Req {
  fn: number;
  type?: number;
  invoke?: number;
  service?: number;
  property?: number;
}
type Send = (b: Buffer) => void;
interface Case {
  name: string;
  answer?(r: Req, send: Send): void;
  check?(f: BacnetFacts | undefined, r: DeviceResult): void;
  passes?: string[];
  /** no peer at all: the port is closed (ICMP port unreachable) */
  closed?: boolean;
}

const bvlc = (fn: number, body: Buffer, len?: number) => {
  const b = Buffer.concat([Buffer.from([0x81, fn, 0, 0]), body]);
  b.writeUInt16BE(len ?? b.length, 2);
  return b;
};
const uni = (apdu: Buffer, npdu = Buffer.from([1, 0])) => bvlc(0x0a, Buffer.concat([npdu, apdu]));
const iAm = (instance = 5, type = 8) =>
  uni(Buffer.concat([Buffer.from([0x10, 0]), appObject(type, instance), appUnsigned(1476), appUnsigned(3, 9), appUnsigned(42)]));
const rpAck = (r: Req, value: Buffer, prop = r.property ?? 77) =>
  uni(Buffer.concat([Buffer.from([0x30, r.invoke!, 12]), encodeContextObject(0, 8, 5), encodeContextUnsigned(1, prop), opening(3), value, closing(3)]));
const rawString = (charset: number, bytes: Buffer) => Buffer.concat([Buffer.from([0x75, bytes.length + 1, charset]), bytes]);
/** an ordinary device for the parts a case does not break */
function sane(r: Req, send: Send): void {
  if (r.type === 1 && r.service === 8) return send(iAm());
  if (r.fn === 0x02) return send(bvlc(0x00, Buffer.from([0, 0x20])));
  if (r.fn === 0x06) return send(bvlc(0x00, Buffer.from([0, 0x40])));
  if (r.type === 0 && r.service === 12)
    return send(
      r.property === 97
        ? rpAck(r, Buffer.from([0x83, 0x07, 0x00, 0x08]))
        : r.property === 121
          ? rpAck(r, appString("Sane"))
          : uni(Buffer.concat([Buffer.from([0x50, r.invoke!, 12]), appUnsigned(2, 9), appUnsigned(32, 9)])),
    );
}
const EVIL = "\x1b]0;owned\x07\x1b[31mPASS\r\u202efdp.exe\u0000";
const notRead = (f?: BacnetFacts) => expect(f!.identity.vendorName).toBeUndefined();

const CASES: Case[] = [
  {
    name: "not BACnet at all (text datagram)",
    answer: (_r, s) => s(Buffer.from("HELLO\r\n")),
    check: (f) => expect(f!.datagrams.malformed).toBeGreaterThan(0),
  },
  { name: "BVLC type 0x82", answer: (_r, s) => s(Buffer.from([0x82, 0x0a, 0, 6, 1, 0])) },
  {
    name: "BVLC length longer than the datagram",
    answer: (_r, s) => s(bvlc(0x0a, Buffer.from([1, 0, 0x10, 0]), 400)),
    check: (f) => expect(f!.anomalies.join()).toMatch(/BVLC length 400/),
  },
  { name: "BVLC length shorter than the datagram", answer: (_r, s) => s(bvlc(0x0a, Buffer.concat([Buffer.from([1, 0]), Buffer.alloc(30)]), 6)) },
  {
    name: "BVLC-Result success to every table read (neither table nor NAK)",
    answer: (r, s) => (r.fn === 0x02 || r.fn === 0x06 ? s(bvlc(0x00, Buffer.from([0, 0]))) : sane(r, s)),
    check: (f) => expect(f!.bbmd.bdt.status).toBe("error"),
    passes: [],
  },
  { name: "NPDU version 2", answer: (_r, s) => s(uni(Buffer.from([0x10, 0]), Buffer.from([2, 0]))) },
  { name: "NPDU source with SLEN 0", answer: (_r, s) => s(uni(Buffer.from([0x10, 0]), Buffer.from([1, 0x08, 0, 3, 0]))) },
  { name: "NPDU destination truncated", answer: (_r, s) => s(bvlc(0x0a, Buffer.from([1, 0x20, 0xff]))) },
  { name: "network-layer messages instead of APDUs", answer: (_r, s) => s(bvlc(0x0a, Buffer.from([1, 0x80, 0x03, 0, 1]))) },
  {
    name: "I-Am naming an analog-input, not a device",
    answer: (r, s) => (r.type === 1 ? s(iAm(5, 0)) : sane(r, s)),
    check: (f) => expect(f!.whoIs.answered).toBe(false),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "I-Am with the tags in the wrong order",
    answer: (r, s) => (r.type === 1 ? s(uni(Buffer.concat([Buffer.from([0x10, 0]), appUnsigned(3, 9), appObject(8, 5)]))) : sane(r, s)),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "600 I-Ams for one Who-Is",
    answer: (r, s) => (r.type === 1 ? Array.from({ length: 600 }, (_, i) => s(iAm(i))) : sane(r, s)),
    check: (f) => expect(f!.datagrams.received).toBeLessThanOrEqual(1000),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "answers carry another invoke id",
    answer: (r, s) => (r.type === 0 ? s(rpAck({ ...r, invoke: (r.invoke! + 1) & 0xff }, appString("Wrong"))) : sane(r, s)),
    check: (f) => notRead(f),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "character string whose tag length lies",
    answer: (r, s) => (r.type === 0 ? s(rpAck(r, Buffer.from([0x75, 200, 0, 0x41]))) : sane(r, s)),
    check: (f) => notRead(f),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "constructed value nested 20 deep",
    answer: (r, s) =>
      r.type === 0
        ? s(rpAck(r, Buffer.concat([...Array.from({ length: 20 }, () => opening(1)), ...Array.from({ length: 20 }, () => closing(1))])))
        : sane(r, s),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "600 values in one property",
    answer: (r, s) => (r.type === 0 ? s(rpAck(r, Buffer.concat(Array.from({ length: 600 }, () => Buffer.from([0x21, 1]))))) : sane(r, s)),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "RPM-ACK without its closing tags",
    answer: (r, s) =>
      r.type === 0 && r.service === 14
        ? s(
            uni(
              Buffer.concat([
                Buffer.from([0x30, r.invoke!, 14]),
                encodeContextObject(0, 8, 5),
                opening(1),
                encodeContextUnsigned(2, 77),
                opening(4),
                appString("x"),
              ]),
            ),
          )
        : sane(r, s),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "segmented Complex-ACK to every read (segmentation was not accepted)",
    answer: (r, s) => (r.type === 0 ? s(uni(Buffer.from([0x3c, r.invoke!, 0, 4, r.service!, 0x0c, 1, 2]))) : sane(r, s)),
    check: (f) => expect(f!.reads[0]!.outcome).toBe("segmented"),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "Abort to everything",
    answer: (r, s) => (r.type === 0 ? s(uni(Buffer.from([0x71, r.invoke!, 4]))) : sane(r, s)),
    check: (f) => expect(f!.reads[0]!.outcome).toBe("abort"),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "Reject to everything",
    answer: (r, s) => (r.type === 0 ? s(uni(Buffer.from([0x60, r.invoke!, 9]))) : sane(r, s)),
    check: (f) => expect(f!.reads[0]!.outcome).toBe("reject"),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "Error PDU with a broken error class",
    answer: (r, s) => (r.type === 0 ? s(uni(Buffer.from([0x50, r.invoke!, 12, 0x21, 1]))) : sane(r, s)),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "control characters, escapes and bidi overrides in every string",
    answer: (r, s) => (r.type === 0 && r.service === 12 && r.property !== 97 ? s(rpAck(r, appString(EVIL))) : sane(r, s)),
    check: (f) => {
      expect(f!.identity.vendorName).toBe(EVIL); // exact, in the facts
      expect(safeText(f!.identity.vendorName!)).not.toMatch(/[\x00\x07\x1b\u202e]/); // escaped at the output boundary
    },
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "invalid UTF-8 in a character string (bytes kept as hex)",
    answer: (r, s) => (r.type === 0 && r.property === 121 ? s(rpAck(r, rawString(0, Buffer.from([0xc3, 0x28, 0xff])))) : sane(r, s)),
    check: (f) => expect(f!.properties.find((p) => p.id === 121)!.hex).toBe("c328ff"),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "UCS-2 and unknown character sets",
    answer: (r, s) =>
      r.type === 0 && r.property === 121
        ? s(rpAck(r, rawString(4, Buffer.from([0, 0x41, 0, 0x42]))))
        : r.type === 0 && r.property === 70
          ? s(rpAck(r, rawString(9, Buffer.from("zz"))))
          : sane(r, s),
    check: (f) => expect(f!.identity.vendorName).toBe("AB"),
    passes: ["bacnet.bbmd.tables"],
  },
  { name: "silent device" },
  { name: "closed port (ICMP port unreachable)", closed: true, check: (_f, r) => expect(r.facts.bacnet!.status).toBe("unreachable") },
  {
    name: "Read-BDT-Ack with 300 entries",
    answer: (r, s) => (r.fn === 0x02 ? s(bvlc(0x03, Buffer.alloc(3000, 1))) : sane(r, s)),
    check: (f) => expect({ n: f!.bbmd.bdt.entries.length, total: f!.bbmd.bdt.total }).toEqual({ n: 64, total: 300 }),
  },
  {
    name: "Read-FDT-Ack not a whole number of entries",
    answer: (r, s) => (r.fn === 0x06 ? s(bvlc(0x07, Buffer.alloc(15, 1))) : sane(r, s)),
    check: (f) => expect(f!.bbmd.fdt.status).toBe("silent"),
  },
  {
    name: "a router answering Who-Is for 40 devices behind it",
    answer: (r, s) =>
      r.type === 1
        ? Array.from({ length: 40 }, (_, i) =>
            s(
              uni(
                Buffer.concat([Buffer.from([0x10, 0]), appObject(8, 100 + i), appUnsigned(480), appUnsigned(0, 9), appUnsigned(5)]),
                Buffer.from([1, 0x08, 0, 3, 1, i]),
              ),
            ),
          )
        : sane(r, s),
    check: (f) => expect(f!.whoIs.instance).toBe(100),
    passes: ["bacnet.bbmd.tables"],
  },
  {
    name: "every answer five times",
    answer: (r, s) => Array.from({ length: 5 }, () => sane(r, s)),
    check: (f) => expect(f!.datagrams.unmatched).toBeGreaterThan(0),
    passes: ["bacnet.bbmd.tables"],
  },
];

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
beforeAll(async () => void (await import("../../probes/bacnet/probe.js")));

async function peer(c: Case): Promise<{ port: number; got: Req[] }> {
  const got: Req[] = [];
  if (c.closed) return { port: await freeUdpPort(), got };
  const sock = dgram.createSocket("udp4");
  sock.on("message", (m, rinfo) => {
    const r: Req = { fn: m[1]! };
    if (r.fn === 0x0a && m.length >= 8) {
      const apdu = m.subarray(6);
      r.type = apdu[0]! >> 4;
      if (r.type === 1) r.service = apdu[1];
      if (r.type === 0) Object.assign(r, { invoke: apdu[2], service: apdu[3], property: apdu[3] === 12 ? apdu.readUIntBE(10, apdu[9]! & 7) : undefined });
    }
    got.push(r);
    c.answer?.(r, (b) => sock.send(b, rinfo.port, rinfo.address));
  });
  await new Promise<void>((res) => sock.bind(0, "127.0.0.1", () => res()));
  closers.push(() => new Promise<void>((res) => sock.close(() => res())));
  return { port: sock.address().port, got };
}

describe.concurrent("hostile BACnet/IP devices", () => {
  test("the corpus has at least 25 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(25));
  test.each(CASES)("$name", async (c) => {
    const p = await peer(c);
    const { result, facts } = await scanWith<BacnetFacts>(bacnet, [`bacnet://127.0.0.1:${p.port}`], { timeoutMs: 300 });
    expect(() => DeviceResult.parse(result)).not.toThrow();
    expect(result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId)).toEqual(c.passes ?? []);
    const env = result.facts.bacnet!;
    expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
    expect(env.incomplete).toBeUndefined();
    expect(JSON.stringify(result).length).toBeLessThan(200_000);
    for (const r of p.got) {
      expect([0x0a, 0x02, 0x06]).toContain(r.fn);
      if (r.type === 0) expect([12, 14]).toContain(r.service);
      if (r.type === 1) expect(r.service).toBe(8);
    }
    c.check?.(facts, result);
  });
});
