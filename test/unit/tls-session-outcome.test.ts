// The shared "current version and strong key" outcome of a plugin's own TLS session (ftp.tls,
// mqtt.tls): what cannot be judged is undetermined, never a pass.
import { describe, expect, it } from "vitest";
import { type TlsSessionFacts, tlsSessionOutcome } from "../../src/net/tls-session.js";

const good: TlsSessionFacts = {
  protocol: "TLSv1.3",
  cipher: "TLS_AES_256_GCM_SHA384",
  chainLength: 1,
  verified: false,
  certificate: {
    subject: "CN=x",
    issuer: "CN=x",
    serialNumber: "01",
    notBefore: "2025-01-01T00:00:00.000Z",
    notAfter: "2035-01-01T00:00:00.000Z",
    selfSigned: true,
    keyType: "rsa",
    keyBits: 3072,
    signatureAlgorithm: "RSASSA-PKCS1-v1_5 with SHA-256",
    sha256: "00",
    subjectAltNames: [],
  },
};
const NOW = new Date("2026-12-01T00:00:00Z");

describe("tlsSessionOutcome", () => {
  it("passes a TLS 1.3 session with a strong, unexpired key", () => {
    expect(tlsSessionOutcome(good, NOW).status).toBe("pass");
  });
  it("fails legacy versions, weak keys and expired certificates", () => {
    expect(tlsSessionOutcome({ ...good, protocol: "TLSv1" }, NOW).status).toBe("fail");
    expect(tlsSessionOutcome({ ...good, certificate: { ...good.certificate!, keyBits: 1024 } }, NOW).status).toBe("fail");
    expect(tlsSessionOutcome({ ...good, certificate: { ...good.certificate!, notAfter: "2020-01-01T00:00:00.000Z" } }, NOW).status).toBe("fail");
  });
  it("an unknown version name or an unparsable expiry is undetermined, never a pass", () => {
    expect(tlsSessionOutcome({ ...good, protocol: "unknown" }, NOW)).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    expect(tlsSessionOutcome({ ...good, protocol: "TLSv9" }, NOW)).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    for (const notAfter of ["x-1", "", "2030-13-99"])
      expect(tlsSessionOutcome({ ...good, certificate: { ...good.certificate!, notAfter } }, NOW), notAfter).toMatchObject({ status: "undetermined" });
    expect(tlsSessionOutcome({ ...good, certificate: undefined }, NOW)).toMatchObject({ status: "undetermined" });
  });
});
