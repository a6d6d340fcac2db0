// Hostile-peer corpus for the EtherNet/IP probe: scripted encapsulation peers that lie in the
// encapsulation length, CPF item counts and item lengths, the product-name length, the additional
// status size, answer with the wrong command or sender context, flood, drip, reset mid-frame, and
// put control characters and non-UTF-8 bytes in the product name. Every case asserts: a
// schema-valid result; nothing unverifiable passes; the probe ended inside its cap; bounded facts;
// the peer received only the read-only commands and Get_Attribute_Single; messages stay printable.
import net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { DeviceResult } from "../../src/model/result.js";
import type { EnipFacts } from "../../probes/enip/facts.js";
import { assertSendable } from "../../probes/enip/client.js";
import { identityItem } from "../../probes/enip/simulator.js";
import { EnipSimProfile } from "../../probes/enip/profile.js";
import { CMD, ITEM } from "../../probes/enip/wire.js";
import { loopbackHost, scan } from "./helpers.js";

const TIMEOUT = 400;
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
beforeAll(async () => void (await import("../../probes/enip/probe.js")));

type Step = Buffer | { wait: number } | { drip: Buffer; everyMs: number } | "close" | "reset" | "hang";
interface Req {
  raw: Buffer;
  command: number;
  context: Buffer;
  session: number;
}

/** A scripted encapsulation peer on a loopback address of its own (its 2221/2222 are free). */
async function enipPeer(answer: (r: Req) => Step[], onConnect: () => Step[] = () => []) {
  const host = loopbackHost();
  const reqs: Req[] = [];
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const play = async (s: net.Socket, steps: Step[]) => {
    for (const step of steps) {
      if (s.destroyed) return;
      if (Buffer.isBuffer(step)) s.write(step);
      else if (step === "close") return void s.end();
      else if (step === "reset") return void s.resetAndDestroy();
      else if (step === "hang") return;
      else if ("wait" in step) await new Promise<void>((r) => timers.add(setTimeout(r, step.wait)));
      else
        for (let i = 0; i < step.drip.length && !s.destroyed; i++) {
          s.write(step.drip.subarray(i, i + 1));
          await new Promise<void>((r) => timers.add(setTimeout(r, step.everyMs)));
        }
    }
  };
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on("error", () => undefined);
    let buf = Buffer.alloc(0);
    let chain = play(s, onConnect());
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 24 && buf.length >= 24 + buf.readUInt16LE(2)) {
        const raw = Buffer.from(buf.subarray(0, 24 + buf.readUInt16LE(2)));
        buf = buf.subarray(raw.length);
        const r: Req = { raw, command: raw.readUInt16LE(0), context: raw.subarray(12, 20), session: raw.readUInt32LE(4) };
        reqs.push(r);
        const steps = answer(r);
        chain = chain.then(() => play(s, steps));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  const port = (server.address() as net.AddressInfo).port;
  closers.push(
    () =>
      new Promise<void>((r) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  );
  return { url: `enip://${host}:${port}`, reqs };
}

/** A reply to `r` with any header values. */
function reply(r: Req, data: Buffer, o: { command?: number; length?: number; status?: number; session?: number; context?: Buffer } = {}): Buffer {
  const h = Buffer.alloc(24);
  h.writeUInt16LE(o.command ?? r.command, 0);
  h.writeUInt16LE(o.length ?? data.length, 2);
  h.writeUInt32LE(o.session ?? (r.command === CMD.REGISTER_SESSION ? 0x77 : r.session), 4);
  h.writeUInt32LE(o.status ?? 0, 8);
  (o.context ?? r.context).copy(h, 12);
  return Buffer.concat([h, data]);
}
const cpf = (items: [number, Buffer][], count?: number) =>
  Buffer.concat([
    Buffer.from([(count ?? items.length) & 0xff, (count ?? items.length) >> 8]),
    ...items.map(([t, b]) => Buffer.concat([Buffer.from([t & 0xff, t >> 8, b.length & 0xff, b.length >> 8]), b])),
  ]);
const P = EnipSimProfile.parse({});
const ident = (name: Buffer | string = "PLC", mut?: (d: Buffer) => void) => {
  const d = identityItem({ ...P, identity: { ...P.identity, productName: "" } }, 44818).subarray(0, 33);
  const n = Buffer.isBuffer(name) ? name : Buffer.from(name, "latin1");
  const out = Buffer.concat([d, n, Buffer.from([3])]);
  out[32] = n.length;
  mut?.(out);
  return out;
};
const services = () => {
  const d = Buffer.alloc(20);
  d.writeUInt16LE(1, 0);
  d.writeUInt16LE(0x120, 2);
  Buffer.from("Communications").copy(d, 4);
  return d;
};
const cipReply = (status: number, data: Buffer = Buffer.alloc(0), addl: number[] = []) =>
  Buffer.concat([
    Buffer.alloc(6),
    cpf([
      [0, Buffer.alloc(0)],
      [ITEM.UNCONNECTED_DATA, Buffer.concat([Buffer.from([0x8e, 0, status, addl.length]), ...addl.map((w) => Buffer.from([w & 0xff, w >> 8])), data])],
    ]),
  ]);
function sane(r: Req, o: { name?: Buffer | string; cip?: Buffer } = {}): Step[] {
  switch (r.command) {
    case CMD.LIST_IDENTITY:
      return [reply(r, cpf([[ITEM.IDENTITY, ident(o.name)]]))];
    case CMD.LIST_SERVICES:
      return [reply(r, cpf([[ITEM.COMMUNICATIONS, services()]]))];
    case CMD.REGISTER_SESSION:
      return [reply(r, r.raw.subarray(24))];
    case CMD.SEND_RR_DATA:
      return [reply(r, o.cip ?? cipReply(0x05))];
    default:
      return ["close"];
  }
}
const on = (cmd: number, steps: (r: Req) => Step[]) => (r: Req) => (r.command === cmd ? steps(r) : sane(r));
const ESC = Buffer.from("\x1b[2J\x1b[31mOK\x07\u202e\r", "utf8");
const BAD = Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0x80, 0x41]);

interface Case {
  name: string;
  answer: (r: Req) => Step[];
  onConnect?: () => Step[];
  check?: (facts: EnipFacts | undefined, r: DeviceResult) => void;
  timeoutMs?: number;
}

const cases: Case[] = [
  {
    name: "encapsulation length longer than the data (never completes)",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, Buffer.alloc(10), { length: 500 }), "hang"]),
  },
  { name: "encapsulation length 65535 with 300 bytes", answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, Buffer.alloc(300), { length: 0xffff }), "hang"]) },
  {
    name: "encapsulation length shorter than the data (garbage follows)",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf([[ITEM.IDENTITY, ident()]]), { length: 4 })]),
  },
  { name: "CPF item count 65535 with one item", answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf([[ITEM.IDENTITY, ident()]], 0xffff))]) },
  {
    name: "CPF item length past the end",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, Buffer.concat([Buffer.from([1, 0, 0x0c, 0, 0xff, 0x00]), ident()]))]),
  },
  { name: "identity item of 20 bytes", answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf([[ITEM.IDENTITY, Buffer.alloc(20)]]))]) },
  {
    name: "product-name length 255 with 3 bytes",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf([[ITEM.IDENTITY, ident("ABC", (d) => (d[32] = 255))]]))]),
  },
  {
    name: "no identity item, 16 other items",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf(Array.from({ length: 16 }, () => [0x1234, Buffer.alloc(8)] as [number, Buffer])))]),
  },
  { name: "reply with another command", answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, Buffer.alloc(0), { command: 0x0004 })]) },
  { name: "reply with another sender context", answer: (r) => sane(r).map((s) => (Buffer.isBuffer(s) ? (s.fill(0xaa, 12, 20), s) : s)) },
  { name: "encapsulation status 0x0001 to everything", answer: (r) => [reply(r, Buffer.alloc(0), { status: 1 })] },
  {
    name: "RegisterSession answered with session 0",
    answer: on(CMD.REGISTER_SESSION, (r) => [reply(r, r.raw.subarray(24), { session: 0 })]),
    check: (f) => expect(f!.session.status).toBe("refused"),
  },
  {
    name: "SendRRData reply without an unconnected data item",
    answer: on(CMD.SEND_RR_DATA, (r) => [reply(r, Buffer.concat([Buffer.alloc(6), cpf([[0, Buffer.alloc(0)]])]))]),
  },
  {
    name: "CIP additional status size 200 with 1 word",
    answer: (r) =>
      sane(r, {
        cip: Buffer.concat([
          Buffer.alloc(6),
          cpf([
            [0, Buffer.alloc(0)],
            [ITEM.UNCONNECTED_DATA, Buffer.from([0x8e, 0, 0, 200, 1, 0])],
          ]),
        ]),
      }),
  },
  {
    name: "CIP reply service of another request (0x81)",
    answer: (r) =>
      sane(r, {
        cip: Buffer.concat([
          Buffer.alloc(6),
          cpf([
            [0, Buffer.alloc(0)],
            [ITEM.UNCONNECTED_DATA, Buffer.from([0x81, 0, 0, 0, 2])],
          ]),
        ]),
      }),
  },
  {
    name: "CIP Security 'success' with no data",
    answer: (r) => sane(r, { cip: cipReply(0) }),
    check: (_f, res) => expect(res.findings.find((x) => x.ruleId === "enip.cip-security.absent")!.status).toBe("undetermined"),
  },
  { name: "CIP Security 'configured' state as a 2-byte value", answer: (r) => sane(r, { cip: cipReply(0, Buffer.from([2, 0])) }) },
  { name: "privilege violation (0x0F) on the CIP Security object", answer: (r) => sane(r, { cip: cipReply(0x0f) }) },
  {
    name: "control characters, ESC, BEL and U+202E in the product name",
    answer: (r) => sane(r, { name: ESC }),
    check: (f) => expect(Buffer.from(f!.listIdentity.identity!.productName, "latin1")).toEqual(ESC),
  },
  {
    name: "non-UTF-8 bytes in the product name",
    answer: (r) => sane(r, { name: BAD }),
    check: (f) => expect(Buffer.from(f!.listIdentity.identity!.productName, "latin1")).toEqual(BAD),
  },
  {
    name: "unsolicited flood on connect (200 KiB of encapsulation frames)",
    onConnect: () => [
      Buffer.concat(Array.from({ length: 100 }, () => Buffer.concat([Buffer.from([0x63, 0, 0xd0, 0x07]), Buffer.alloc(20), Buffer.alloc(2000)]))),
    ],
    answer: (r) => sane(r),
  },
  { name: "1 MiB flood after the first answer", answer: on(CMD.LIST_IDENTITY, (r) => [...(sane(r) as Buffer[]), Buffer.alloc(1 << 20, 0x41)]) },
  {
    name: "1-byte TCP segments (valid answers, in time)",
    timeoutMs: 3000,
    answer: (r) => [{ drip: Buffer.concat(sane(r).filter(Buffer.isBuffer)), everyMs: 1 }],
    check: (f) => expect(f!.listIdentity.identity!.productName).toBe("PLC"),
  },
  { name: "slow drip past the deadline (absolute, not per chunk)", answer: (r) => [{ drip: Buffer.concat(sane(r).filter(Buffer.isBuffer)), everyMs: 80 }] },
  {
    name: "reset in the middle of the ListIdentity reply",
    answer: on(CMD.LIST_IDENTITY, (r) => [reply(r, cpf([[ITEM.IDENTITY, ident()]])).subarray(0, 30), { wait: 5 }, "reset"]),
  },
  { name: "FIN in the middle of the RegisterSession reply", answer: on(CMD.REGISTER_SESSION, (r) => [reply(r, r.raw.subarray(24)).subarray(0, 10), "close"]) },
  { name: "reset on connect", onConnect: () => ["reset"], answer: (r) => sane(r) },
  { name: "accepts and never answers", answer: () => ["hang"] },
  { name: "an HTTP server on port 44818", answer: () => [Buffer.from("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"), "close"] },
  { name: "duplicate replies to every request", answer: (r) => [...sane(r), ...sane(r)] },
  {
    name: "ListServices with 16 items of 64 KiB names",
    answer: on(CMD.LIST_SERVICES, (r) => [
      reply(r, cpf(Array.from({ length: 16 }, () => [ITEM.COMMUNICATIONS, Buffer.alloc(3000, 0x41)] as [number, Buffer]))),
    ]),
  },
];

function common(facts: EnipFacts | undefined, result: DeviceResult, json: string): void {
  expect(() => DeviceResult.parse(result)).not.toThrow();
  expect(result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId)).toEqual([]);
  const env = result.facts.enip!;
  expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
  expect(env.incomplete).toBeUndefined();
  expect(json.length).toBeLessThan(200_000);
  for (const f of result.findings) expect(f.message).not.toMatch(/[\x00-\x1f\x7f\u202e]/);
  expect(facts?.cipSecurity.reads.length ?? 0).toBeLessThanOrEqual(3);
}

describe.concurrent("hostile EtherNet/IP peers", () => {
  test("the corpus has at least 25 cases", () => expect(cases.length).toBeGreaterThanOrEqual(25));
  test.each(cases)("$name", async (c) => {
    const peer = await enipPeer(c.answer, c.onConnect);
    const { result, facts } = await scan([peer.url], { timeoutMs: c.timeoutMs ?? TIMEOUT });
    common(facts, result, JSON.stringify(result));
    c.check?.(facts, result);
    for (const r of peer.reqs) expect(() => assertSendable(r.raw)).not.toThrow();
    expect(peer.reqs.length).toBeLessThanOrEqual(8);
  });
});
