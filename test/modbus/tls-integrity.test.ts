// Verdict integrity for Modbus/TCP Security (issue 12 §2), against peers that behave so: raw
// scripted TLS peers built from records, and Node's TLS server (OpenSSL) with chosen options and
// certificates made by the openssl CLI. Each case here produced a false pass before this change.
import { afterAll, describe, expect, test } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import { finding, scan } from "./helpers.js";
import { rawTlsPeer, tlsModbusServer } from "./tls-peers.js";
import { certificate, hsRecord, serverHello, serverHelloDone, skeEcdhe } from "../tls/wire/server-messages.js";
import { makeCert, opensslAvailable } from "../tls/wire/openssl-certs.js";

const TIMEOUT = 500;
const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
const keep = <T extends { close(): Promise<void> }>(p: T): T => (closers.push(() => p.close()), p);

function statuses(result: Awaited<ReturnType<typeof scan>>["result"]) {
  return Object.fromEntries(result.findings.filter((f) => f.ruleId.startsWith("modbus.security")).map((f) => [f.ruleId, f.status]));
}

describe("a TLS handshake that never completes is not a TLS service", () => {
  const sh = hsRecord(serverHello({ suite: 0xc02f }));
  const sh13 = hsRecord(serverHello({ suite: 0x1301, supportedVersion: 0x0304, keyShareGroup: 29 }));

  test.each([
    ["reset right after the ServerHello", "reset"],
    ["close right after the ServerHello", "close"],
  ] as const)("%s: no 'offered', no TLS pass, no client-auth pass", async (_name, end) => {
    const peer = keep(
      await rawTlsPeer({ 0x0303: { suite: 0xc02f, steps: [sh, { wait: 10 }, end] }, 0x0304: { suite: 0x1301, steps: [sh13, { wait: 10 }, end] } }),
    );
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    const t = facts!.secure[0]!;
    expect(t.tlsOffered).toBe(false);
    expect(t.versions.find((v) => v.version === "TLSv1.2")).toMatchObject({ result: "incomplete" });
    expect(t.versions.find((v) => v.version === "TLSv1.2")!.detail).toMatch(/after the ServerHello/);
    expect(t.clientCertificate.required).toBe("unknown");
    expect(statuses(result)).toEqual({
      "modbus.security.absent": "undetermined",
      "modbus.security.tls-weak": "undetermined",
      "modbus.security.certificate": "undetermined",
      "modbus.security.client-auth": "undetermined",
    });
    expect(result.findings.filter((f) => f.status === "pass")).toEqual([]);
  });
});

describeWithDaemon("client-certificate requirement: proof, never a hang-up", opensslAvailable(), "needs the openssl CLI (apt-get install openssl)", () => {
  const ec = opensslAvailable() ? makeCert("ec:prime256v1") : undefined;

  test("a server that completes the handshake and hangs up on the first Modbus request (no alert) has not shown a requirement", async () => {
    const peer = keep(await tlsModbusServer({ key: ec!.keyPem, cert: ec!.certPem }, "hangup"));
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    expect(facts!.secure[0]!.tlsOffered).toBe(true);
    expect(facts!.secure[0]!.clientCertificate).toMatchObject({ required: "unknown", evidence: "none" });
    expect(finding(result, "modbus.security.client-auth")[0]!.status).toBe("undetermined");
    expect(peer.requests()).toBeGreaterThan(0);
  });

  test("TLS 1.2 with a required certificate: CertificateRequest seen, handshake_failure after our empty Certificate -> pass with that evidence", async () => {
    const peer = keep(
      await tlsModbusServer({ key: ec!.keyPem, cert: ec!.certPem, requestCert: true, rejectUnauthorized: true, ca: [ec!.certPem], maxVersion: "TLSv1.2" }),
    );
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    const t = facts!.secure[0]!;
    expect(t.serverFlight!.certificateRequest).toBeDefined();
    expect(t.clientCertificate).toMatchObject({ required: "required", evidence: "alert", alert: { code: 40 } });
    expect(finding(result, "modbus.security.client-auth")[0]!).toMatchObject({ status: "pass", evidence: expect.objectContaining({ proof: "alert" }) });
    expect(peer.requests()).toBe(0);
  });

  test("TLS 1.3 with a required certificate: certificate_required (116) -> pass", async () => {
    const peer = keep(
      await tlsModbusServer({ key: ec!.keyPem, cert: ec!.certPem, requestCert: true, rejectUnauthorized: true, ca: [ec!.certPem], minVersion: "TLSv1.3" }),
    );
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    expect(facts!.secure[0]!.clientCertificate).toMatchObject({ required: "required", evidence: "alert", alert: { code: 116, name: "certificate_required" } });
    expect(statuses(result)["modbus.security.client-auth"]).toBe("pass");
  });

  test("a certificate requested but not required (Modbus answered without one) fails", async () => {
    const peer = keep(await tlsModbusServer({ key: ec!.keyPem, cert: ec!.certPem, requestCert: true, rejectUnauthorized: false, maxVersion: "TLSv1.2" }));
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    expect(facts!.secure[0]!.clientCertificate).toMatchObject({ required: "not_required", evidence: "modbus-answered" });
    expect(facts!.secure[0]!.clientCertificate.detail).toMatch(/requested but not required/);
    expect(statuses(result)["modbus.security.client-auth"]).toBe("fail");
  });
});

describeWithDaemon("certificate keys of every type", opensslAvailable(), "needs the openssl CLI (apt-get install openssl)", () => {
  test.each([
    [
      "DSA 2048 (never acceptable, FIPS 186-5)",
      "dsa:2048",
      { maxVersion: "TLSv1.2", ciphers: "DHE-DSS-AES128-GCM-SHA256:@SECLEVEL=0", dhparam: "auto" },
      "fail",
      /DSA/,
    ],
    ["RSA-PSS 1024", "rsa-pss:1024", { minVersion: "TLSv1.3", ciphers: "DEFAULT:@SECLEVEL=0" }, "fail", /RSA-PSS 1024 bits \(below 2048\)/],
    ["Ed25519", "ed25519", { minVersion: "TLSv1.3" }, "pass", /ed25519/],
    ["EC secp384r1", "ec:secp384r1", {}, "pass", /secp384r1/],
  ] as const)("%s -> %s", async (_name, spec, opts, want, message) => {
    const c = makeCert(spec);
    const peer = keep(await tlsModbusServer({ key: c.keyPem, cert: c.certPem, ...opts } as never));
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    expect(facts!.secure[0]!.tlsOffered).toBe(true);
    const f = finding(result, "modbus.security.certificate")[0]!;
    expect(f.status).toBe(want);
    expect(f.message).toMatch(message);
  });
});

describeWithDaemon("unknown TLS parameters never pass", opensslAvailable(), "needs the openssl CLI (apt-get install openssl)", () => {
  const der = opensslAvailable() ? makeCert("ec:prime256v1").der : Buffer.alloc(0);
  const flight = (suite: number, group: number) =>
    hsRecord(serverHello({ suite }), certificate([der]), skeEcdhe(group, 0x0403, suite === 0xd001 ? Buffer.alloc(0) : undefined), serverHelloDone());

  test.each([
    ["a suite outside the knowledge base (TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256)", 0xd001, 23],
    ["an unknown key-exchange group (0x7777)", 0xc02b, 0x7777],
  ])("%s -> undetermined (unknown-value)", async (_name, suite, group) => {
    // TLS 1.2 answers with a whole cleartext flight (a proven TLS service); everything else is refused
    const peer = keep(await rawTlsPeer({ 0x0303: { suite, steps: [flight(suite, group), "hang"] } }));
    const { result, facts } = await scan([peer.url], { timeoutMs: TIMEOUT });
    expect(facts!.secure[0]!.service?.proof).toBe("server-flight");
    const f = finding(result, "modbus.security.tls-weak")[0]!;
    expect(f).toMatchObject({ status: "undetermined", reason: "unknown-value" });
  });
});
