// Invariants of the Modbus/TCP Security knowledge (probes/modbus/data/tls.yaml) and of the judgements
// built on it (probes/modbus/tls-judge.ts): every version judged once, families match real suites,
// every TLS 1.3 suite acceptable, every weak family's suites judged weak, unknown names stay unknown,
// and certificate keys of every type judged through src/knowledge/key-strength.ts.
import { describe, expect, test } from "vitest";
import { familyCodes, tlsKnowledge } from "../../probes/modbus/knowledge.js";
import { judgeCertificate, judgeDhBits, judgeGroup, judgeGroupName, judgeSuite, judgeVersionCode } from "../../probes/modbus/tls-judge.js";
import { allSuites, suiteByCode } from "../../probes/tls/wire/suites.js";
import { GROUPS } from "../../probes/tls/wire/constants.js";
import type { CertificateFacts } from "../../probes/modbus/facts.js";

const k = tlsKnowledge();

describe("TLS knowledge file (probes/modbus/data/tls.yaml)", () => {
  test("covers every version once; exactly SSLv3, 1.0 and 1.1 are weak", () => {
    expect(k.versions.map((v) => v.version).sort()).toEqual(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
    expect(
      k.versions
        .filter((v) => v.weak)
        .map((v) => v.version)
        .sort(),
    ).toEqual(["SSLv3", "TLSv1", "TLSv1.1"]);
  });

  test("family ids are unique and every family offers real suites that are all judged weak", () => {
    expect(new Set(k.weakSuites.map((w) => w.id)).size).toBe(k.weakSuites.length);
    for (const w of k.weakSuites) {
      const codes = familyCodes(w.match);
      expect(codes.length, w.id).toBeGreaterThan(0);
      for (const c of codes) expect(judgeSuite(c).status, `${w.id}: ${suiteByCode(c)!.name}`).toBe("weak");
    }
  });

  test("the families cover the classic weak suites", () => {
    const all = new Set(k.weakSuites.flatMap((w) => familyCodes(w.match)));
    for (const code of [0x0001, 0x0003, 0x0004, 0x0005, 0x0009, 0x000a, 0x0018, 0x002f, 0x003b, 0xc011, 0xc017])
      expect(all.has(code), `0x${code.toString(16)}`).toBe(true);
    for (const code of [0xc02b, 0xc02f, 0xcca8, 0x1301, 0x009e]) expect(all.has(code), `0x${code.toString(16)}`).toBe(false);
  });

  test("every TLS 1.3 AEAD suite and the ECDHE/DHE AEAD suites are acceptable; signalling values are never accepted", () => {
    for (const code of [0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0xc02b, 0xc02c, 0xc02f, 0xc030, 0xcca8, 0xcca9, 0x009e, 0x009f])
      expect(judgeSuite(code).status, `0x${code.toString(16)}`).toBe("ok");
    expect(judgeSuite(0x00ff).status).toBe("unknown");
    expect(judgeSuite(0x5600).status).toBe("unknown");
  });

  test("every suite in the registry gets a judgement; parts outside the knowledge base are unknown, never ok", () => {
    for (const s of allSuites()) {
      const j = judgeSuite(s.code);
      expect(["ok", "weak", "unknown"]).toContain(j.status);
      if (/PSK|SRP|KRB5|GOST|ECCPWD|SM4|SEED|FORTEZZA/.test(s.name) && j.status !== "weak") expect(j.status, s.name).toBe("unknown");
    }
    expect(judgeSuite(0x0a0a).status).toBe("unknown");
    expect(judgeSuite("TLS_MADE_UP_WITH_AES_128_GCM_SHA256").status).toBe("unknown");
  });

  test("versions, groups and DHE primes", () => {
    expect(judgeVersionCode(0x0304).status).toBe("ok");
    expect(judgeVersionCode(0x0301).status).toBe("weak");
    expect(judgeVersionCode(0x7f1c).status).toBe("unknown");
    expect(judgeGroup(29).status).toBe("ok");
    expect(judgeGroup(19).status).toBe("weak"); // secp192r1
    expect(judgeGroup(0x11ec).status).toBe("ok");
    expect(judgeGroup(0x5555).status).toBe("unknown");
    for (const [code, g] of Object.entries(GROUPS)) expect(judgeGroup(Number(code)).status, g.name).not.toBe("unknown");
    expect(judgeGroupName("X25519").status).toBe("ok");
    expect(judgeGroupName("prime256v1").status).toBe("ok");
    expect(judgeGroupName("GC256A").status).toBe("unknown");
    expect(judgeDhBits(1024).status).toBe("weak");
    expect(judgeDhBits(2048).status).toBe("ok");
  });
});

describe("certificate keys of every type (src/knowledge/key-strength.ts) and signature hashes", () => {
  const cert = (over: Partial<CertificateFacts>): CertificateFacts => ({
    subject: "CN=x",
    issuer: "CN=x",
    selfSigned: true,
    notBefore: "",
    notAfter: "",
    validNow: true,
    keyAlgorithm: "rsa",
    keyBits: 2048,
    signatureAlgorithm: "sha256WithRSAEncryption",
    signatureHash: "sha256",
    sha256: "00",
    ...over,
  });
  test.each([
    ["rsa", 2048, undefined, "ok"],
    ["rsa", 1024, undefined, "weak"],
    ["rsa-pss", 1024, undefined, "weak"],
    ["rsa-pss", 3072, undefined, "ok"],
    ["dsa", 2048, undefined, "weak"],
    ["dsa", 3072, undefined, "weak"],
    ["ec", 256, "prime256v1", "ok"],
    ["ec", 192, "prime192v1", "weak"],
    ["ec", undefined, "secp160r1", "weak"],
    ["ec", undefined, "made-up-curve", "unknown"],
    ["ed25519", undefined, undefined, "ok"],
    ["ed448", undefined, undefined, "ok"],
    ["unknown", undefined, undefined, "unknown"],
    ["gost2012", 256, undefined, "unknown"],
  ] as const)("%s %s %s -> %s", (keyAlgorithm, keyBits, namedCurve, want) => {
    const c = cert({ keyAlgorithm, ...(keyBits ? { keyBits } : { keyBits: undefined }), ...(namedCurve ? { namedCurve } : {}) });
    expect(judgeCertificate(c).key.status).toBe(want);
  });

  test("signature hashes: md5/sha1 weak, sha256+ and EdDSA ok, an unknown OID unknown", () => {
    expect(judgeCertificate(cert({ signatureHash: "sha1", signatureAlgorithm: "sha1WithRSAEncryption" })).signature.status).toBe("weak");
    expect(judgeCertificate(cert({ signatureHash: "md5" })).signature.status).toBe("weak");
    expect(judgeCertificate(cert({ signatureHash: "intrinsic", signatureAlgorithm: "Ed25519" })).signature.status).toBe("ok");
    expect(judgeCertificate(cert({ signatureHash: undefined, signatureAlgorithm: "1.2.643.7.1.1.3.2" })).signature.status).toBe("unknown");
    // facts recorded before signatureHash existed
    expect(judgeCertificate(cert({ signatureHash: undefined, signatureAlgorithm: "ECDSA with SHA-256" })).signature.status).toBe("ok");
    expect(judgeCertificate(cert({ signatureHash: undefined, signatureAlgorithm: "RSASSA-PKCS1-v1_5 with SHA-1" })).signature.status).toBe("weak");
  });
});
