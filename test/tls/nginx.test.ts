// Interop: the tls plugin against Debian nginx (OpenSSL 3) in a weak and a modern configuration.
// Weak: TLS 1.0-1.2, static-RSA and CBC suites, 1024-bit DHE, an expired, self-signed, SHA-1,
// RSA-1024 certificate without SAN: every weakness is a failing finding naming it. Modern: TLS 1.2/1.3
// only, ECDHE-ECDSA AEAD suites, a CA-issued P-256 certificate naming 127.0.0.1: no failure.
// From the device's side: the access log stays empty (a TLS audit sends no HTTP request), and the
// error log shows the SSLv3 hello nginx refused (a raw ClientHello Node's TLS cannot send).
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import tlsPlugin from "../../probes/tls/index.js";
import { audit } from "./helpers.js";
import { MODERN_TLS, modernCertificate, NGINX_READY, NGINX_REASON, startNginx, WEAK_TLS, weakCertificate, weakDhParams, type NginxServer } from "./nginx.js";

describeWithDaemon("tls plugin against Debian nginx", NGINX_READY, NGINX_REASON, () => {
  let nginx: NginxServer;
  let weak: Awaited<ReturnType<typeof audit>>;
  let modern: Awaited<ReturnType<typeof audit>>;
  beforeAll(async () => {
    nginx = await startNginx(
      2,
      (p, dir) => `${WEAK_TLS(p[0]!, dir)}\n${MODERN_TLS(p[1]!, dir)}`,
      (dir) => {
        weakCertificate(dir);
        modernCertificate(dir);
        weakDhParams(dir);
      },
    );
    weak = await audit([`tls://127.0.0.1:${nginx.ports[0]}`], { plugins: [tlsPlugin], timeoutMs: 5000 });
    modern = await audit([`tls://127.0.0.1:${nginx.ports[1]}`], { plugins: [tlsPlugin], timeoutMs: 5000 });
  }, 60_000);
  afterAll(() => nginx?.stop());

  it("weak configuration: every weakness is a failing finding that names it", () => {
    const msg = (id: string) =>
      weak
        .findings(id)
        .filter((f) => f.status === "fail")
        .map((f) => f.message)
        .join(" ");
    expect(msg("tls.protocol.legacy")).toMatch(/TLSv1\.1.*TLSv1|TLSv1.*TLSv1\.1/);
    expect(msg("tls.cipher.weak")).toMatch(/TLS_RSA_WITH_AES_128_CBC_SHA .*static RSA/);
    expect(msg("tls.key-exchange.weak")).toMatch(/DHE 1024-bit prime/);
    expect(msg("tls.certificate.validity")).toMatch(/expired/);
    expect(msg("tls.certificate.key")).toMatch(/rsa 1024/);
    expect(msg("tls.certificate.signature")).toMatch(/sha1WithRSAEncryption/);
    expect(msg("tls.certificate.self-signed")).toMatch(/self-signed/);
    expect(msg("tls.certificate.name-mismatch")).toMatch(/names no host/);
    expect(weak.statuses("tls.compression.enabled")).toEqual(["pass"]);
    expect(weak.statuses("tls.renegotiation.insecure")).toEqual(["pass"]);
  });

  it("modern configuration: no failure; every rule passes or does not apply", () => {
    const tls = modern.result.findings.filter((f) => f.protocol === "tls");
    expect(tls.filter((f) => f.status !== "pass" && f.status !== "not_applicable").map((f) => `${f.ruleId}: ${f.status} ${f.message}`)).toEqual([]);
    expect(tls.length).toBe(10);
  });

  it("the suites are enumerated per version as nginx is configured", () => {
    const s = (modern.result.facts.tls!.data as { services: { suites: { version: string; accepted: { name: string }[] }[] }[] }).services[0]!;
    expect(
      s.suites
        .find((x) => x.version === "TLSv1.2")!
        .accepted.map((a) => a.name)
        .sort(),
    ).toEqual(["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"]);
    expect(s.suites.find((x) => x.version === "TLSv1.3")!.accepted.length).toBe(3);
  });

  it("device side: no HTTP request in the access log; the raw SSLv3 hello reached nginx and was refused", () => {
    expect(nginx.accessLog()).toEqual([]);
    expect(nginx.errorLog()).toMatch(/unsupported protocol|wrong version number|no protocols available/);
  });
});
