// Hostile-peer corpus (issue 13): scripted Modbus/TCP peers and scripted TLS peers that lie about
// lengths, mismatch ids, flood, drip, reset mid-frame, loop "more follows", and put control
// characters and non-UTF-8 bytes in every identity string. Every case asserts: a schema-valid
// result is written; nothing unverifiable passes; the probe ended inside its cap (the core never had
// to abort it); facts and result stay bounded. Cases run concurrently (each has its own peer).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DeviceResult } from "../../src/model/result.js";
import type { ModbusFacts } from "../../probes/modbus/facts.js";
import { scan } from "./helpers.js";
import { exceptionPdu, meiOf, meiPdu, modbusPeer, rawAdu, reply, type Req, type Step } from "./hostile-peers.js";
import { rawTlsPeer } from "./tls-peers.js";
import { alertRecord, certificate, hsRecord, record, scriptedPeer, serverHello, tls12Flight, FAKE_CERT } from "../tls/wire/server-messages.js";
import { MAX_STREAM_REQUESTS } from "../../probes/modbus/plain-probe.js";

const TIMEOUT = 400;
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
// the probe module is loaded lazily by the plugin: load it once before the concurrent cases, so the
// first ones do not spend their probe cap on module loading
beforeAll(async () => void (await import("../../probes/modbus/probe.js")));

const basic = (
  r: Req,
  objects: [number, Buffer | string][] = [
    [0, "Vendor"],
    [1, "P-1"],
    [2, "1.0"],
  ],
) => [reply(r, meiPdu({ objects }))];
/** a sane device: FC 43 basic -> three objects, other read codes -> exception, FC 17 -> "SRV" + run ON */
function sane(r: Req): Step[] {
  const m = meiOf(r);
  if (m) return m.readCode === 1 ? basic(r) : [reply(r, exceptionPdu(0x2b, 2))];
  if (r.pdu[0] === 0x11) return [reply(r, Buffer.from([0x11, 4, 0x53, 0x52, 0x56, 0xff]))];
  return [reply(r, exceptionPdu(r.pdu[0]!, 1))];
}
const ESC = "\x1b[2J\x1b[31mOK\x07\u202e\r";
/** the bytes a device would send: UTF-8 (U+202E is E2 80 AE); facts keep them exactly, as latin1 */
const EVIL = Buffer.from(ESC, "utf8");

type Check = (facts: ModbusFacts | undefined, result: DeviceResult) => void;
interface Case {
  name: string;
  answer: (r: Req) => Step[];
  onConnect?: () => Step[];
  check?: Check;
  /** a per-case --timeout (default TIMEOUT) */
  timeoutMs?: number;
}

const plainCases: Case[] = [
  { name: "length field longer than the data (never completes)", answer: (r) => [rawAdu(r.tid, 0, 40, r.unit, Buffer.from([0x2b, 0x0e, 1])), "hang"] },
  { name: "length field shorter than the data (garbage follows)", answer: (r) => [rawAdu(r.tid, 0, 2, r.unit, Buffer.from([0x2b, 0x0e, 1, 0x81, 0, 0, 0]))] },
  { name: "length field 0", answer: (r) => [rawAdu(r.tid, 0, 0, r.unit, Buffer.alloc(0))] },
  { name: "length field 65535", answer: (r) => [rawAdu(r.tid, 0, 0xffff, r.unit, Buffer.alloc(300, 0x41)), "hang"] },
  { name: "protocol id 1", answer: (r) => [rawAdu(r.tid, 1, 3, r.unit, Buffer.from([0xab, 1]))] },
  { name: "transaction id mismatch", answer: (r) => [reply(r, meiPdu({ objects: [[0, "V"]] }), { tid: r.tid ^ 0x5555 })] },
  { name: "unit id mismatch", answer: (r) => [reply(r, meiPdu({ objects: [[0, "V"]] }), { unit: (r.unit + 7) & 0xff })] },
  { name: "function code mismatch (FC 3 answer to FC 43)", answer: (r) => [reply(r, Buffer.from([0x03, 2, 0, 1]))] },
  { name: "exception for another function code", answer: (r) => [reply(r, exceptionPdu(0x03, 1))] },
  { name: "exception PDU of the wrong length", answer: (r) => [reply(r, Buffer.from([r.pdu[0]! | 0x80, 1, 1]))] },
  { name: "exception flood (50 per request)", answer: (r) => Array.from({ length: 50 }, () => reply(r, exceptionPdu(r.pdu[0]!, 4))) },
  {
    name: "unsolicited frames on connect",
    onConnect: () => [Buffer.concat(Array.from({ length: 5 }, (_, i) => rawAdu(9000 + i, 0, 3, 1, Buffer.from([0x2b, 0x0e]))))],
    answer: sane,
  },
  { name: "unsolicited flood (1 MiB on connect)", onConnect: () => [Buffer.alloc(1 << 20, 0)], answer: sane },
  { name: "duplicate replies (same transaction id twice)", answer: (r) => [...sane(r), ...sane(r)] },
  {
    name: "1-byte TCP segments (valid answers, slow but in time)",
    timeoutMs: 3000,
    answer: (r) => [{ drip: Buffer.concat(sane(r) as Buffer[]), everyMs: 1 }],
    check: (f) => expect(f!.plain[0]!.units.find((u) => u.unitId === 1)!.deviceId!.identity.vendorName).toBe("Vendor"),
  },
  { name: "slow drip past the deadline (absolute, not per chunk)", answer: (r) => [{ drip: Buffer.concat(sane(r) as Buffer[]), everyMs: 60 }] },
  {
    name: "endless 'more follows' (next id always advancing)",
    answer: (r) =>
      meiOf(r) ? [reply(r, meiPdu({ more: 0xff, next: Math.min(0xfe, meiOf(r)!.objectId + 1), objects: [[meiOf(r)!.objectId, "x".repeat(200)]] }))] : sane(r),
    check: (f) =>
      expect(f!.plain[0]!.exchanges.filter((x) => x.unitId === 1 && x.detail?.startsWith("MEI 14 read code 1 ")).length).toBeLessThanOrEqual(
        MAX_STREAM_REQUESTS,
      ),
  },
  {
    name: "'more follows' loop (next id does not advance)",
    answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ more: 0xff, next: 0, objects: [[0, "V"]] }))] : sane(r)),
    check: (f) => expect(f!.plain[0]!.units[0]!.deviceId!.streams![0]!.stopped).toMatch(/loop/),
  },
  {
    name: "More Follows byte neither 0x00 nor 0xFF",
    answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ more: 0x42, next: 3, objects: [[0, "V"]] }))] : sane(r)),
    check: (f) => expect(f!.plain[0]!.units[0]!.deviceId!.anomalies!.join()).toMatch(/More Follows byte 0x42/),
  },
  {
    name: "MEI object count lies (200 announced, 1 sent)",
    answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ count: 200, objects: [[0, "V"]] }))] : sane(r)),
    check: (f) => expect(f!.plain[0]!.units[0]!.deviceId!.error!.code).toBe("unparsed"),
  },
  {
    name: "MEI object length past the PDU",
    answer: (r) => (meiOf(r) ? [reply(r, Buffer.concat([meiPdu({ objects: [] }).subarray(0, 6), Buffer.from([1, 0, 250, 0x41])]))] : sane(r)),
  },
  {
    name: "repeated object ids",
    answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ objects: Array.from({ length: 10 }, () => [0, "dup"] as [number, string]) }))] : sane(r)),
    check: (f) => expect(f!.plain[0]!.units[0]!.deviceId!.objects).toHaveLength(1),
  },
  {
    name: "objects outside the stream asked for",
    answer: (r) =>
      meiOf(r)
        ? [
            reply(
              r,
              meiPdu({
                objects: [
                  [0x80, "private"],
                  [0x06, "app"],
                ],
              }),
            ),
          ]
        : sane(r),
  },
  {
    name: "extended stream flood (conformity 0x83, every answer 240 bytes, always more)",
    answer: (r) =>
      meiOf(r)
        ? [
            reply(
              r,
              meiPdu({
                readCode: meiOf(r)!.readCode,
                conformity: 0x83,
                more: 0xff,
                next: Math.min(0xff, meiOf(r)!.objectId + 1),
                objects: [[meiOf(r)!.objectId, "e".repeat(240)]],
              }),
            ),
          ]
        : sane(r),
  },
  {
    name: "control characters, ESC, BEL and U+202E in every identity string and FC 17",
    answer: (r) =>
      meiOf(r)
        ? [reply(r, meiPdu({ readCode: meiOf(r)!.readCode, objects: [0, 1, 2, 3, 4, 5, 6].map((id) => [id, EVIL] as [number, Buffer]) }))]
        : r.pdu[0] === 0x11
          ? [reply(r, Buffer.concat([Buffer.from([0x11, EVIL.length]), EVIL]))]
          : sane(r),
    check: (f) => {
      expect(Buffer.from(f!.plain[0]!.units[0]!.deviceId!.identity.vendorName!, "latin1")).toEqual(EVIL);
      expect(Buffer.from(f!.plain[0]!.units[0]!.serverId!.hex!, "hex")).toEqual(EVIL);
    },
  },
  {
    name: "non-UTF-8 bytes in identity strings",
    answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ objects: [[0, Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x80])]] }))] : sane(r)),
    check: (f) =>
      expect(Buffer.from(f!.plain[0]!.units[0]!.deviceId!.identity.vendorName!, "latin1")).toEqual(Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x00, 0x80])),
  },
  { name: "reset mid-frame", answer: (r) => [reply(r, meiPdu({ objects: [[0, "V"]] })).subarray(0, 5), { wait: 5 }, "reset"] },
  { name: "FIN mid-frame", answer: (r) => [reply(r, meiPdu({ objects: [[0, "V"]] })).subarray(0, 9), "close"] },
  { name: "reset on connect", onConnect: () => ["reset"], answer: sane },
  { name: "accepts and never answers", answer: () => ["hang"] },
  { name: "gateway exceptions for every unit", answer: (r) => [reply(r, exceptionPdu(r.pdu[0]!, 0x0b))] },
  { name: "FC 17 byte count lies", answer: (r) => (r.pdu[0] === 0x11 ? [reply(r, Buffer.from([0x11, 200, 1, 0xff]))] : sane(r)) },
  { name: "FC 17 maximum size", answer: (r) => (r.pdu[0] === 0x11 ? [reply(r, Buffer.concat([Buffer.from([0x11, 251]), Buffer.alloc(251, 0x41)]))] : sane(r)) },
  { name: "read code echoed wrongly", answer: (r) => (meiOf(r) ? [reply(r, meiPdu({ readCode: 9, objects: [[0, "V"]] }))] : sane(r)) },
  { name: "length 1 (no function code)", answer: (r) => [rawAdu(r.tid, 0, 1, r.unit, Buffer.alloc(0))] },
  { name: "an HTTP server on the Modbus port", answer: () => [Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), "close"] },
  { name: "a TLS server on the plain port", answer: () => [hsRecord(serverHello({ suite: 0xc02f })), "hang"] },
  { name: "answers only unit 255 (silent for unit 1)", answer: (r) => (r.unit === 255 ? sane(r) : ["hang"]) },
  { name: "exception to every request", answer: (r) => [reply(r, exceptionPdu(r.pdu[0]!, 1))] },
  { name: "huge frame burst after each answer (100 KiB)", answer: (r) => [...sane(r), Buffer.alloc(100 * 1024, 0x41)] },
];

function common(facts: ModbusFacts | undefined, result: DeviceResult, json: string): void {
  expect(() => DeviceResult.parse(result)).not.toThrow();
  expect(result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId)).toEqual([]);
  const env = result.facts.modbus!;
  // the probe ended on its own: the core's cap never fired (no "did not finish within", no salvage)
  expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
  expect(env.incomplete).toBeUndefined();
  expect(json.length).toBeLessThan(300_000);
  for (const p of facts?.plain ?? []) expect(p.exchanges.length).toBeLessThanOrEqual(600);
}

describe.concurrent("hostile plain Modbus/TCP peers", () => {
  test("the corpus has at least 30 cases", () => expect(plainCases.length).toBeGreaterThanOrEqual(30));
  test.each(plainCases)("$name", async (c) => {
    const peer = await modbusPeer(c.answer, c.onConnect);
    closers.push(() => peer.close());
    const { result, facts } = await scan([peer.url], { timeoutMs: c.timeoutMs ?? TIMEOUT });
    common(facts, result, JSON.stringify(result));
    c.check?.(facts, result);
    // default mode never reaches unit 0 and never sends anything but reads
    expect(peer.requests.filter((r) => r.unit === 0)).toEqual([]);
    expect(peer.requests.every((r) => [0x2b, 0x11].includes(r.pdu[0]!))).toBe(true);
  });
});

const sh12 = hsRecord(serverHello({ suite: 0xc02f }));
const tlsCases: { name: string; steps: () => Step[] }[] = [
  { name: "record length that lies (16 KiB announced, 10 bytes sent)", steps: () => [Buffer.from([22, 3, 3, 0x40, 0, 2, 0, 0, 70, 3, 3, 0, 0, 0, 0]), "hang"] },
  { name: "record length over the RFC limit", steps: () => [Buffer.from([22, 3, 3, 0xff, 0xff]), "hang"] },
  { name: "ServerHello then reset", steps: () => [sh12, { wait: 5 }, "reset"] },
  { name: "handshake drip (whole flight, one byte per 40 ms)", steps: () => [{ drip: tls12Flight(), everyMs: 40 }] },
  { name: "endless empty HelloRequests", steps: () => [record(22, Buffer.concat(Array.from({ length: 400 }, () => Buffer.from([0, 0, 0, 0])))), "hang"] },
  {
    name: "a thousand certificates",
    steps: () => [hsRecord(serverHello({ suite: 0xc02f })), record(22, certificate(Array.from({ length: 1000 }, () => FAKE_CERT)).subarray(0, 16000)), "hang"],
  },
  { name: "an alert flood after the ServerHello", steps: () => [sh12, Buffer.concat(Array.from({ length: 200 }, () => alertRecord(10, 1)))] },
  { name: "garbage record types", steps: () => [record(99, Buffer.alloc(10)), "hang"] },
];

describe.concurrent("hostile Modbus/TCP Security (TLS) peers", () => {
  test.each(tlsCases)("$name", async (c) => {
    const peer = await rawTlsPeer({ 0x0303: { suite: 0xc02f, steps: c.steps() as never }, 0x0304: { suite: 0x1301, steps: c.steps() as never } });
    closers.push(() => peer.close());
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    common(facts, result, JSON.stringify(result));
    expect(facts?.secure[0]?.tlsOffered ?? false).toBe(false);
  });

  test("a peer that answers every hello with 1 MiB of zeros is refused, bounded", async () => {
    const peer = await scriptedPeer(() => [Buffer.alloc(1 << 20, 0), "hang"]);
    closers.push(() => peer.close());
    const { result, facts } = await scan([`modbus+tls://127.0.0.1:${peer.port}`], { timeoutMs: TIMEOUT });
    common(facts, result, JSON.stringify(result));
  });
});
