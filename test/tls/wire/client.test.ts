// Raw hello exchange and observed Node handshake (probes/tls/wire/client.ts, observed-handshake.ts)
// against Node's TLS server (OpenSSL) and scripted misbehaving peers: each answer ends in a named
// outcome and step within the deadline; nothing hangs, nothing throws.
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { describeWithDaemon } from "../../helpers/daemons.js";
import { Deadline } from "../../../src/net/index.js";
import { helloOnce, isConnectFailure, type HelloResult } from "../../../probes/tls/wire/client.js";
import { buildClientHello, keyShareFor } from "../../../probes/tls/wire/hello.js";
import { observedHandshake } from "../../../probes/tls/wire/observed-handshake.js";
import { suitesForVersion } from "../../../probes/tls/wire/suites.js";
import { alertRecord, hsRecord, record, scriptedPeer, serverHello, tls12Flight } from "./server-messages.js";
import { makeCert, opensslAvailable } from "./openssl-certs.js";

const hello12 = () =>
  buildClientHello({ version: 0x0303, cipherSuites: suitesForVersion(0x0303), groups: [29, 23], signatureAlgorithms: [0x0403, 0x0804, 0x0401] });
const hello13 = () =>
  buildClientHello({
    version: 0x0303,
    supportedVersions: [0x0304],
    cipherSuites: suitesForVersion(0x0304),
    groups: [29, 23],
    keyShares: [{ group: 29, key: keyShareFor(29)! }],
    signatureAlgorithms: [0x0403, 0x0804],
    sessionId: Buffer.alloc(32, 1),
  });

async function once(port: number, hello: Buffer, timeoutMs = 400): Promise<HelloResult> {
  const r = await helloOnce({ host: "127.0.0.1", port, timeoutMs, closeGraceMs: 100 }, hello);
  if (isConnectFailure(r)) throw new Error(r.detail);
  return r;
}

describeWithDaemon("against Node's TLS server (OpenSSL)", opensslAvailable(), "needs the openssl CLI (.ci/run installs it)", () => {
  let server: tls.Server;
  let port = 0;
  beforeAll(async () => {
    const c = makeCert("ec:prime256v1");
    server = tls.createServer({ key: c.keyPem, cert: c.certPem, requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2" }, (s) => s.end());
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test("TLS 1.2 hello: the whole cleartext flight with certificate and CertificateRequest", async () => {
    const r = await once(port, hello12(), 2000);
    expect(r.outcome).toBe("flight-complete");
    expect(r.flight.serverHello!.version).toBe(0x0303);
    expect(r.flight.certificate!.certificates).toHaveLength(1);
    expect(r.flight.certificateRequest).toBeDefined();
  });

  test("TLS 1.3 hello: ServerHello then encrypted records", async () => {
    const r = await once(port, hello13(), 2000);
    expect(r.outcome).toBe("flight-complete");
    expect(r.flight.serverHello).toMatchObject({ version: 0x0304, keyShareGroup: 29 });
  });

  test("TLS 1.0 hello to a TLS 1.2+ server: an alert before any ServerHello", async () => {
    const r = await once(port, buildClientHello({ version: 0x0301, cipherSuites: suitesForVersion(0x0301) }), 2000);
    expect(r).toMatchObject({ outcome: "alert", step: "before-server-hello" });
  });

  test("observed Node handshake without a client certificate (TLS 1.2): CertificateRequest seen, then an alert", async () => {
    const h = await observedHandshake({ host: "127.0.0.1", port, timeoutMs: 2000, signal: new AbortController().signal, maxVersion: "TLSv1.2" });
    expect(h.kind).toBe("failed");
    expect(h.observation.flight.certificateRequest).toBeDefined();
    if (h.kind === "failed") {
      expect(h.step).toBe("after-server-hello");
      expect(h.alert).toBe(40); // OpenSSL: handshake_failure after our empty Certificate
    }
  });
});

describe("scripted misbehaving TLS peers", () => {
  const peers: Awaited<ReturnType<typeof scriptedPeer>>[] = [];
  const peer = async (...args: Parameters<typeof scriptedPeer>) => {
    const p = await scriptedPeer(...args);
    peers.push(p);
    return p.port;
  };
  afterAll(() => Promise.all(peers.map((p) => p.close())));
  const sh12 = hsRecord(serverHello({ suite: 0xc02f }));

  test.each([
    ["ServerHello then reset", "reset", "after-server-hello", () => [sh12, { wait: 20 }, "reset"] as const],
    ["ServerHello then close", "closed", "after-server-hello", () => [sh12, "close"] as const],
    ["ServerHello then silence", "timeout", "after-server-hello", () => [sh12, "hang"] as const],
    ["reset at once", "reset", "before-server-hello", () => ["reset"] as const],
    ["an HTTP answer", "not-tls", "before-server-hello", () => [Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"), "close"] as const],
    [
      "a record length that lies (announces 16 KiB, sends 10 bytes)",
      "timeout",
      "before-server-hello",
      () => [Buffer.from([22, 3, 3, 0x40, 0x00, 2, 0, 0, 70, 3]), "hang"] as const,
    ],
    ["a record length over the RFC limit", "too-large", "before-server-hello", () => [Buffer.from([22, 3, 3, 0xff, 0xff]), "hang"] as const],
    ["a handshake length that lies inside a record", "closed", "before-server-hello", () => [record(22, Buffer.from([2, 0, 0, 200, 3, 3])), "close"] as const],
    ["a truncated ServerHello", "malformed", "before-server-hello", () => [record(22, Buffer.from([2, 0, 0, 4, 3, 3, 1, 2])), "close"] as const],
    ["an alert", "alert", "before-server-hello", () => [alertRecord(40)] as const],
    ["ServerHello then an alert", "alert", "after-server-hello", () => [sh12, alertRecord(80)] as const],
    ["a whole flight dripped one byte at a time past the deadline", "timeout", "before-server-hello", () => [{ drip: tls12Flight(), everyMs: 20 }] as const],
  ])("%s -> %s (%s)", async (_name, outcome, step, steps) => {
    const port = await peer(() => [...steps()]);
    const r = await once(port, hello12(), 300);
    expect(r.outcome).toBe(outcome);
    expect(r.step).toBe(step);
    expect(r.detail.length).toBeGreaterThan(0);
  });

  test("the deadline is absolute: a drip of one byte every 50 ms cannot stretch the read", async () => {
    const port = await peer(() => [{ drip: Buffer.concat([tls12Flight(), tls12Flight()]), everyMs: 50 }]);
    const t0 = Date.now();
    const r = await helloOnce({ host: "127.0.0.1", port, timeoutMs: 300, deadline: new Deadline(300), closeGraceMs: 50 }, hello12());
    expect(isConnectFailure(r) ? "" : r.outcome).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test("observed handshake: ServerHello then reset is a failure after the ServerHello, no alert", async () => {
    const port = await peer(() => [sh12, { wait: 20 }, "reset"]);
    const h = await observedHandshake({ host: "127.0.0.1", port, timeoutMs: 500, signal: new AbortController().signal });
    expect(h).toMatchObject({ kind: "failed", step: "after-server-hello" });
    expect(h.kind === "failed" && h.alert).toBeFalsy();
  });
});
