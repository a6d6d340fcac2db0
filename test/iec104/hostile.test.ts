// Hostile IEC 60870-5-104 stations (30 cases, plain and TLS): lying lengths, malformed U/S/I
// frames, unasked STARTDT/STOPDT, I-frame floods before STARTDT, garbage floods, drips, resets,
// TLS ports that are not TLS or hang. Every case: a schema-valid result, no pass the case does not
// warrant, a probe that ended on its own, bounded facts, and from the station's side nothing but
// TESTFR act bytes (never STARTDT, STOPDT, an interrogation or a command).
import net from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import iec104 from "../../probes/iec104/index.js";
import { TESTFR_ACT } from "../../probes/iec104/apci.js";
import type { Iec104Facts } from "../../probes/iec104/facts.js";
import { issueCertificate } from "../../probes/modbus/certs.js";
import { DeviceResult } from "../../src/model/result.js";
import { scanWith } from "../dnp3/helpers.js";

type Io = { sock: net.Socket; write(b: Buffer): void };
interface Case {
  name: string;
  tls?: "raw" | "real";
  onConnect?(io: Io): void;
  /** called once the probe's whole TESTFR act (6 bytes) arrived */
  onTestfr?(io: Io): void;
  check?(f: Iec104Facts | undefined, r: DeviceResult): void;
  passes?: string[];
}

const u = (c1: number, c2 = 0, c3 = 0, c4 = 0) => Buffer.from([0x68, 4, c1, c2, c3, c4]);
const iFrame = (typeId: number, body: number[] = [1, 3, 0, 1, 0, 1, 0, 0, 1]) => Buffer.from([0x68, 4 + 1 + body.length, 0, 0, 0, 0, typeId, ...body]);
const CON = u(0x83);
const plain = (f?: Iec104Facts) => f!.plain[0]!;

const CASES: Case[] = [
  {
    name: "an HTTP answer instead of an APDU",
    onTestfr: (io) => io.write(Buffer.from("HTTP/1.0 400 Bad Request\r\n\r\n")),
    check: (f) => expect(plain(f).testfr).toBe("error"),
  },
  { name: "start octet 0x69", onTestfr: (io) => io.write(Buffer.from([0x69, 4, 0x83, 0, 0, 0])) },
  { name: "APDU length 3 (below 4)", onTestfr: (io) => io.write(Buffer.from([0x68, 3, 0x83, 0, 0])) },
  { name: "APDU length 254 (above 253)", onTestfr: (io) => io.write(Buffer.concat([Buffer.from([0x68, 254]), Buffer.alloc(254)])) },
  {
    name: "length 200, 10 bytes sent, then nothing",
    onTestfr: (io) => io.write(Buffer.concat([Buffer.from([0x68, 200]), Buffer.alloc(10)])),
    check: (f) => expect(plain(f).testfr).toBe("silent"),
  },
  {
    name: "STARTDT con nobody asked for",
    onTestfr: (io) => io.write(u(0x0b)),
    check: (f) => expect(plain(f).anomalies.join()).toMatch(/STARTDT con received unasked/),
  },
  { name: "STOPDT act from the station", onTestfr: (io) => io.write(u(0x13)) },
  {
    name: "the station tests us back (TESTFR act) and never confirms ours",
    onTestfr: (io) => io.write(u(0x43)),
    check: (f) => expect(plain(f)).toMatchObject({ testfr: "other", received: { u: { "TESTFR act": 1 } } }),
  },
  {
    name: "TESTFR con with non-zero control octets",
    onTestfr: (io) => io.write(u(0x83, 1, 2, 3)),
    check: (f) => expect(plain(f).anomalies.join()).toMatch(/not zero/),
  },
  { name: "U-format with two function bits", onTestfr: (io) => io.write(u(0xc3)) },
  { name: "S-format carrying ASDU bytes", onTestfr: (io) => io.write(Buffer.from([0x68, 6, 1, 0, 0, 0, 9, 9])) },
  { name: "I-format without an ASDU", onTestfr: (io) => io.write(u(0x00)) },
  {
    name: "300 I-frames before STARTDT",
    onTestfr: (io) => io.write(Buffer.concat(Array.from({ length: 300 }, () => iFrame(1)))),
    check: (f) => expect(plain(f).anomalies.join()).toMatch(/before STARTDT|flood/),
  },
  { name: "1 MiB of garbage on connect", onConnect: (io) => io.write(Buffer.alloc(1 << 20, 0x68)) },
  {
    name: "drip: TESTFR con one byte every 300 ms",
    onTestfr: (io) => {
      let i = 0;
      const t = setInterval(() => (i < 6 && !io.sock.destroyed ? io.write(CON.subarray(i, ++i)) : clearInterval(t)), 300);
      io.sock.on("close", () => clearInterval(t));
    },
    check: (f) => expect(plain(f).testfr).toBe("silent"),
  },
  { name: "reset on connect", onConnect: (io) => io.sock.resetAndDestroy() },
  { name: "FIN on TESTFR act", onTestfr: (io) => io.sock.end(), check: (f) => expect(plain(f).testfr).toBe("closed") },
  { name: "reset on TESTFR act", onTestfr: (io) => io.sock.resetAndDestroy(), check: (f) => expect(["closed", "error"]).toContain(plain(f).testfr) },
  { name: "silent station" },
  {
    name: "TESTFR con in six TCP segments",
    onTestfr: (io) => {
      CON.forEach((b, i) => {
        setTimeout(() => io.write(Buffer.from([b])), i * 5);
      });
    },
    check: (f) => expect(plain(f).testfr).toBe("testfr-con"),
  },
  {
    name: "50 S-frames, then TESTFR con",
    onTestfr: (io) => io.write(Buffer.concat([...Array.from({ length: 50 }, () => Buffer.from([0x68, 4, 1, 0, 2, 0])), CON])),
    check: (f) => expect(plain(f).received.s).toBe(50),
  },
  {
    name: "control characters and escapes inside an I-frame ASDU",
    onTestfr: (io) => io.write(Buffer.concat([iFrame(1, [...Buffer.from("\x1b[2J\x07\u202e")]), CON])),
    check: (f) => expect(plain(f).received.typeIds).toEqual([1]),
  },
  {
    name: "100 TESTFR con in a row",
    onTestfr: (io) => io.write(Buffer.concat(Array.from({ length: 100 }, () => CON))),
    check: (f) => expect(plain(f).testfr).toBe("testfr-con"),
  },
  {
    name: "a command-direction I-frame (C_SC_NA_1) sent by the station",
    onTestfr: (io) => io.write(iFrame(45)),
    check: (f) => expect(plain(f).received.typeIds).toEqual([45]),
  },
  { name: "TLS port answers plain IEC 104", tls: "raw", onTestfr: (io) => io.write(CON), check: (f) => expect(f!.tls[0]!.proof).toBe("none") },
  {
    name: "TLS port answers garbage to the ClientHello",
    tls: "raw",
    onConnect: (io) => io.sock.once("data", () => io.write(Buffer.alloc(64, 0x41))),
    check: (f) => expect(f!.tls[0]!.proof).toBe("none"),
  },
  { name: "TLS port resets on the ClientHello", tls: "raw", onConnect: (io) => io.sock.once("data", () => io.sock.resetAndDestroy()) },
  {
    name: "TLS port accepts and never answers",
    tls: "raw",
    check: (_f, r) => expect(r.findings.find((x) => x.ruleId === "iec104.tls.absent")!.status).toBe("error"),
  },
  {
    name: "TLS session, then garbage inside it",
    tls: "real",
    onTestfr: (io) => io.write(Buffer.from("garbage\r\n")),
    check: (f) => expect(f!.tls[0]!).toMatchObject({ proof: "handshake-completed", testfr: "error" }),
    passes: ["iec104.tls.absent", "iec104.tls.weak"],
  },
  {
    name: "TLS session, then 200 KiB flood inside it",
    tls: "real",
    onTestfr: (io) => io.write(Buffer.alloc(200 * 1024, 0x68)),
    passes: ["iec104.tls.absent", "iec104.tls.weak"],
  },
];

let cert: { key: string; cert: string };
const closers: (() => Promise<void>)[] = [];
beforeAll(async () => {
  await import("../../probes/iec104/probe.js");
  const c = await issueCertificate({ subject: "CN=hostile station", ips: ["127.0.0.1"] });
  cert = { key: c.keyPem, cert: c.certPem };
});
afterAll(() => Promise.all(closers.map((c) => c())));

async function peer(c: Case): Promise<{ url: string; received: () => Buffer }> {
  const chunks: Buffer[] = [];
  const socks = new Set<net.Socket>();
  const onSocket = (sock: net.Socket) => {
    socks.add(sock);
    sock.on("error", () => undefined);
    sock.on("close", () => socks.delete(sock));
    const io: Io = { sock, write: (b) => void (!sock.destroyed && sock.write(b)) };
    c.onConnect?.(io);
    let got = Buffer.alloc(0);
    let fired = false;
    sock.on("data", (d: Buffer) => {
      if (c.tls !== "raw") chunks.push(d);
      got = Buffer.concat([got, d]);
      if (!fired && got.length >= 6 && got.subarray(0, 6).equals(TESTFR_ACT)) {
        fired = true;
        c.onTestfr?.(io);
      }
    });
  };
  const server = c.tls === "real" ? tls.createServer({ ...cert }, onSocket) : net.createServer(onSocket);
  if (c.tls === "real") server.on("tlsClientError", () => undefined);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  closers.push(async () => {
    for (const s of socks) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const port = (server.address() as net.AddressInfo).port;
  return { url: `${c.tls ? "iec104+tls" : "iec104"}://127.0.0.1:${port}`, received: () => Buffer.concat(chunks) };
}

describe.concurrent("hostile IEC 104 stations", () => {
  test("the corpus has at least 25 cases", () => expect(CASES.length).toBeGreaterThanOrEqual(25));
  test.each(CASES)("$name", async (c) => {
    const p = await peer(c);
    const { result, facts } = await scanWith<Iec104Facts>(iec104, [p.url], { timeoutMs: 400, options: { "iec104.companions": "off" } });
    expect(() => DeviceResult.parse(result)).not.toThrow();
    expect(
      result.findings
        .filter((f) => f.status === "pass")
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual(c.passes ?? []);
    const env = result.facts.iec104!;
    expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
    expect(env.incomplete).toBeUndefined();
    expect(JSON.stringify(result).length).toBeLessThan(100_000);
    // from the station's side: TESTFR act and nothing else (plain, and inside TLS)
    const got = p.received();
    expect(got.length % 6).toBe(0);
    for (let i = 0; i < got.length; i += 6) expect(got.subarray(i, i + 6)).toEqual(TESTFR_ACT);
    c.check?.(facts, result);
  });
});
