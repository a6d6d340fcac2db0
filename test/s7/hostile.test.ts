// Hostile-peer corpus for the S7comm probe (issue 11's corpus grows with it): scripted ISO-on-TCP
// peers that lie in TPKT, COTP and S7 lengths, SZL record lengths and counts, loop "more follows",
// flood, drip, reset mid-frame, answer with the wrong PDU, and put control characters and
// non-UTF-8 bytes in every identity string. Every case asserts: a schema-valid result; nothing
// unverifiable passes; the probe ended inside its cap (the core never aborted it); bounded facts;
// the peer received only COTP CRs, Setup communication and Read SZL; no control character reaches
// a finding message.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DeviceResult } from "../../src/model/result.js";
import type { S7Facts } from "../../probes/s7/facts.js";
import { MAX_FRAGMENTS } from "../../probes/s7/probe.js";
import { assertSendable } from "../../probes/s7/session.js";
import { scan } from "./helpers.js";
import { cc, dr, dt, refOf, s7Peer, s7pdu, setupAck, szlAnswer, szlList, szlOf, tpkt, type Frame, type Step } from "./hostile-peers.js";

const TIMEOUT = 400;
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
beforeAll(async () => void (await import("../../probes/s7/probe.js")));

const pad = (s: Buffer | string, n: number) => {
  const b = Buffer.alloc(n);
  (Buffer.isBuffer(s) ? s : Buffer.from(s, "latin1")).copy(b, 0, 0, n);
  return b;
};
const rec11 = (idx: number, mlfb: Buffer | string, ausbg = 0, ausbe = 0) =>
  Buffer.concat([Buffer.from([0, idx]), pad(mlfb, 20), Buffer.from([0, 0xc0, ausbg >> 8, ausbg & 0xff, ausbe >> 8, ausbe & 0xff])]);
const rec1c = (idx: number, text: Buffer | string) => Buffer.concat([Buffer.from([0, idx]), pad(text, 32)]);
const prot = (levels: number[]) => {
  const r = Buffer.alloc(40);
  [4, ...levels].forEach((v, i) => {
    r.writeUInt16BE(v, i * 2);
  });
  return r;
};
const LISTS: Record<number, Buffer> = {
  0x0011: szlList(0x0011, 0, 28, [rec11(1, "6ES7 315-2EH14-0AB0"), rec11(7, "", 0x5603, 0x0206)]),
  0x001c: szlList(0x001c, 0, 34, [rec1c(1, "STATION"), rec1c(5, "S C-1")]),
  0x0232: szlList(0x0232, 4, 40, [prot([1, 0, 1, 2, 0])]),
  0x0424: szlList(0x0424, 0, 20, [Buffer.from([0x43, 0x04, 0xff, 0x08, ...Buffer.alloc(16)])]),
};
/** a sane CPU: CC, setup ack, every SZL list */
function sane(f: Frame, lists = LISTS): Step[] {
  if (f.code === 0xe0) return [cc()];
  if (f.s7?.[1] === 1) return [setupAck(refOf(f))];
  const id = szlOf(f);
  if (id !== undefined) return [szlAnswer(f, lists[id] ?? Buffer.alloc(0), lists[id] ? {} : { returnCode: 0x0a })];
  return [szlAnswer(f, Buffer.alloc(0), { returnCode: 0x0a })];
}
const onSzl = (fn: (f: Frame, id: number) => Step[]) => (f: Frame) => (szlOf(f) !== undefined ? fn(f, szlOf(f)!) : sane(f));
const ESC = Buffer.from("\x1b[2J\x1b[31mOK\x07\u202e\r", "utf8");
const BAD = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80, 0x41]);

interface Case {
  name: string;
  answer: (f: Frame) => Step[];
  onConnect?: () => Step[];
  check?: (facts: S7Facts | undefined, r: DeviceResult) => void;
  timeoutMs?: number;
}

const cases: Case[] = [
  { name: "TPKT version byte 4 in the CC", answer: (f) => (f.code === 0xe0 ? [tpkt(cc().subarray(4), undefined, 4)] : sane(f)) },
  { name: "TPKT length 4 (below the minimum)", answer: () => [Buffer.from([3, 0, 0, 4]), "hang"] },
  { name: "TPKT length longer than the data (never completes)", answer: (f) => (f.code === 0xe0 ? [tpkt(cc().subarray(4), 200), "hang"] : sane(f)) },
  { name: "TPKT length 65535 with 300 bytes sent", answer: () => [Buffer.concat([Buffer.from([3, 0, 0xff, 0xff]), Buffer.alloc(300, 0x41)]), "hang"] },
  { name: "COTP length indicator 0", answer: (f) => (f.code === 0xe0 ? [tpkt(Buffer.from([0, 0xd0, 0, 1, 0, 1, 0]))] : sane(f)) },
  { name: "COTP length indicator past the frame", answer: (f) => (f.code === 0xe0 ? [tpkt(Buffer.from([40, 0xd0, 0, 1, 0, 1, 0]))] : sane(f)) },
  { name: "COTP CC parameter length past the TPDU", answer: (f) => (f.code === 0xe0 ? [tpkt(Buffer.from([9, 0xd0, 0, 1, 0, 1, 0, 0xc0, 9, 0x0a]))] : sane(f)) },
  { name: "COTP ER (error TPDU) instead of a CC", answer: (f) => (f.code === 0xe0 ? [tpkt(Buffer.from([4, 0x70, 0, 1, 2]))] : sane(f)) },
  { name: "COTP DT instead of a CC", answer: (f) => (f.code === 0xe0 ? [setupAck()] : sane(f)) },
  {
    name: "COTP DR for every TSAP (odd reason codes)",
    answer: () => [dr(0xee), "close"],
    check: (facts) => expect(facts!.tsapAttempts.map((a) => a.outcome)).toEqual(["disconnect", "disconnect", "disconnect", "disconnect"]),
  },
  { name: "reset right after the CC, on the setup", answer: (f) => (f.code === 0xe0 ? [cc()] : ["reset"]) },
  {
    name: "setup answer whose S7 parameter length lies (200 announced)",
    answer: (f) => (f.code === 0xe0 ? [cc()] : [dt(s7pdu({ rosctr: 3, param: Buffer.from([0xf0, 0, 0, 1, 0, 1, 0, 240]), plen: 200 }))]),
  },
  {
    name: "setup refused (ack, error class 0x85)",
    answer: (f) => (f.code === 0xe0 ? [cc()] : [dt(s7pdu({ rosctr: 2, param: Buffer.alloc(0), err: [0x85, 0x00] }))]),
    check: (facts) => expect(facts!.setup).toMatchObject({ status: "refused", errorClass: 0x85 }),
  },
  {
    name: "setup answered with protocol id 0x33",
    answer: (f) => (f.code === 0xe0 ? [cc()] : [dt(s7pdu({ rosctr: 3, param: Buffer.from([0xf0, 0, 0, 1, 0, 1, 0, 240]), proto: 0x33 }))]),
  },
  { name: "setup answer with a 3-byte parameter", answer: (f) => (f.code === 0xe0 ? [cc()] : [dt(s7pdu({ rosctr: 3, param: Buffer.from([0xf0, 0, 0]) }))]) },
  { name: "SZL data length larger than the data", answer: onSzl((f, id) => [szlAnswer(f, LISTS[id]!, { announce: 900 })]) },
  {
    name: "SZL record count 65535 with one record",
    answer: onSzl((f, id) => [szlAnswer(f, Buffer.concat([LISTS[id]!.subarray(0, 6), Buffer.from([0xff, 0xff]), LISTS[id]!.subarray(8)]))]),
    check: (facts) => expect(facts!.szl.every((r) => (r.recordsRead ?? 0) <= 64)).toBe(true),
  },
  { name: "SZL record length 0 with 5 records announced", answer: onSzl((f) => [szlAnswer(f, szlList(0x0011, 0, 0, [], 5))]) },
  { name: "SZL record length 65535", answer: onSzl((f) => [szlAnswer(f, szlList(0x0011, 0, 0xffff, [Buffer.alloc(100)], 1))]) },
  {
    name: "SZL 'more follows' forever",
    answer: onSzl((f, id) => [szlAnswer(f, Buffer.alloc(100, 0x41), { more: true, seq: 7 })].concat(id ? [] : [])),
    check: (facts) => expect(facts!.szl.every((r) => r.fragments <= MAX_FRAGMENTS)).toBe(true),
  },
  {
    name: "follow-up requests answered with 'more' and 1 KiB each",
    answer: (f) => (f.s7?.[1] === 7 ? [szlAnswer(f, Buffer.alloc(1000, 0x42), { more: true })] : sane(f)),
    check: (facts) => expect(facts!.szl.every((r) => r.fragments <= MAX_FRAGMENTS && (r.hex?.length ?? 0) <= 8192)).toBe(true),
  },
  { name: "SZL answer of another function group (type 8 group 7)", answer: onSzl((f, id) => [szlAnswer(f, LISTS[id]!, { tg: 0x87 })]) },
  {
    name: "SZL return code 0x03 (access not allowed) for every list",
    answer: onSzl((f) => [szlAnswer(f, Buffer.alloc(0), { returnCode: 0x03 })]),
    check: (facts) => expect(facts!.szl.every((r) => r.status === "refused")).toBe(true),
  },
  {
    name: "control characters, ESC, BEL and U+202E in every identity string",
    answer: (f) =>
      sane(f, {
        ...LISTS,
        0x0011: szlList(0x0011, 0, 28, [rec11(1, ESC), rec11(7, "", 0x5603, 0x0206)]),
        0x001c: szlList(
          0x001c,
          0,
          34,
          [1, 2, 3, 4, 5, 7, 8].map((i) => rec1c(i, ESC)),
        ),
      }),
    check: (facts) => {
      expect(Buffer.from(facts!.identity!.orderNumber!, "latin1")).toEqual(ESC);
      expect(Buffer.from(facts!.identity!.serialNumber!, "latin1")).toEqual(ESC);
    },
  },
  {
    name: "non-UTF-8 bytes in identity strings",
    answer: (f) => sane(f, { ...LISTS, 0x001c: szlList(0x001c, 0, 34, [rec1c(1, BAD)]) }),
    check: (facts) => expect(Buffer.from(facts!.identity!.asName!, "latin1")).toEqual(BAD),
  },
  {
    name: "unsolicited flood on connect (1 MiB of DT frames)",
    onConnect: () => [Buffer.concat(Array.from({ length: 170 }, () => dt(Buffer.alloc(6000, 0x32))))],
    answer: sane,
  },
  {
    name: "1-byte TCP segments (valid answers, in time)",
    timeoutMs: 3000,
    answer: (f) => [{ drip: Buffer.concat(sane(f) as Buffer[]), everyMs: 1 }],
    check: (facts) => expect(facts!.identity!.orderNumber).toBe("6ES7 315-2EH14-0AB0"),
  },
  { name: "slow drip past the deadline (absolute, not per chunk)", answer: (f) => [{ drip: Buffer.concat(sane(f) as Buffer[]), everyMs: 80 }] },
  {
    name: "answers split into DT frames without end of TSDU (never ends)",
    answer: (f) => (f.code === 0xe0 ? [cc()] : Array.from({ length: 20 }, () => dt(Buffer.alloc(10), false))),
  },
  { name: "an HTTP server on port 102", answer: () => [Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), "close"] },
  { name: "accepts TCP and never answers a CR", answer: () => ["hang"] },
  { name: "reset on connect", onConnect: () => ["reset"], answer: sane },
  { name: "FIN in the middle of the setup answer", answer: (f) => (f.code === 0xe0 ? [cc()] : [setupAck().subarray(0, 9), "close"]) },
  { name: "protection record of 10 bytes", answer: (f) => sane(f, { ...LISTS, 0x0232: szlList(0x0232, 4, 10, [Buffer.alloc(10)]) }) },
  {
    name: "protection levels out of range (7, 9)",
    answer: (f) => sane(f, { ...LISTS, 0x0232: szlList(0x0232, 4, 40, [prot([7, 9, 7, 2, 0])]) }),
    check: (_f, r) => expect(r.findings.find((x) => x.ruleId === "s7.protection.none")).toMatchObject({ status: "undetermined", reason: "unknown-value" }),
  },
  { name: "duplicate answers to every request", answer: (f) => [...sane(f), ...sane(f)] },
];

function common(facts: S7Facts | undefined, result: DeviceResult, json: string): void {
  expect(() => DeviceResult.parse(result)).not.toThrow();
  expect(result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId)).toEqual([]);
  const env = result.facts.s7!;
  expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
  expect(env.incomplete).toBeUndefined();
  expect(json.length).toBeLessThan(200_000);
  for (const f of result.findings) expect(f.message).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
  expect(facts?.tsapAttempts.length ?? 0).toBeLessThanOrEqual(4);
}

describe.concurrent("hostile S7comm peers", () => {
  test("the corpus has at least 25 cases", () => expect(cases.length).toBeGreaterThanOrEqual(25));
  test.each(cases)("$name", async (c) => {
    const peer = await s7Peer(c.answer, c.onConnect);
    closers.push(() => peer.close());
    const { result, facts } = await scan([peer.url], { timeoutMs: c.timeoutMs ?? TIMEOUT });
    common(facts, result, JSON.stringify(result));
    c.check?.(facts, result);
    // what the device received: only COTP CRs, Setup communication and Read SZL (first and follow-up)
    for (const f of peer.frames) expect(() => assertSendable(f.raw)).not.toThrow();
    expect(peer.connections).toBeLessThanOrEqual(4);
  });
});
