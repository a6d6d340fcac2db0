// tls rules on facts (no network): every rule passes on a well-configured service with evidence,
// fails naming the weakness, and is undetermined (never pass) when its evidence is missing, cut or
// unknown: unknown suites and groups, an unfinished enumeration, a certificate that did not parse,
// dates that do not parse, an IP target whose certificate names only DNS names.
import { describe, expect, it } from "vitest";
import { CA, facts, judge, leaf, service, statusOf } from "./facts-builder.js";

describe("tls rules on a well-configured service", () => {
  it("every rule passes, with evidence", () => {
    const all = judge(facts());
    for (const [id, fs] of Object.entries(all)) {
      expect(
        fs.map((f) => f.status),
        id,
      ).toEqual(["pass"]);
      expect(Object.keys(fs[0]!.evidence ?? {}).length, id).toBeGreaterThan(0);
    }
    expect(Object.keys(all).length).toBe(10);
  });

  it("a probe cut short (incomplete envelope) turns every pass into undetermined", () => {
    for (const fs of Object.values(judge(facts(), { incomplete: true }))) expect(fs.map((f) => f.status)).not.toContain("pass");
  });
});

describe("versions, suites, key exchange, features", () => {
  it("TLS 1.0 accepted fails naming it; an untested legacy version is undetermined", () => {
    const s = service();
    s.versions[3] = { version: "TLSv1", result: "accepted", serverVersion: 0x0301, cipherCode: 0xc013 };
    const f = judge(facts(s))["tls.protocol.legacy"]![0]!;
    expect(f.status).toBe("fail");
    expect(f.message).toMatch(/TLSv1 .*RFC 8996/);
    const t = service();
    t.versions[4] = { version: "SSLv3", result: "error", detail: "timeout" };
    expect(statusOf(facts(t), "tls.protocol.legacy")).toEqual(["undetermined"]);
  });

  it("a weak suite anywhere in the enumeration fails; an unknown suite is undetermined; an unfinished enumeration never passes", () => {
    const weak = service();
    weak.suites[0]!.accepted.push({ code: 0x000a, name: "TLS_RSA_WITH_3DES_EDE_CBC_SHA" });
    expect(judge(facts(weak))["tls.cipher.weak"]![0]!.message).toMatch(/3DES.*SWEET32/);
    const unknown = service();
    unknown.suites[0]!.accepted.push({ code: 0xfe77, name: "unknown suite 0xfe77" });
    expect(statusOf(facts(unknown), "tls.cipher.weak")).toEqual(["undetermined"]);
    const cut = service();
    cut.suites[0]!.result = "truncated";
    expect(statusOf(facts(cut), "tls.cipher.weak")).toEqual(["undetermined"]);
    const none = service({ suites: [] });
    expect(statusOf(facts(none), "tls.cipher.weak")).toEqual(["undetermined"]);
  });

  it("a 1024-bit DH prime or an accepted weak curve fails; a pass needs the weak-curve probe's refusal", () => {
    const dh = service();
    dh.suites[0]!.accepted.push({ code: 0x009e, name: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", dhBits: 1024 });
    expect(judge(facts(dh))["tls.key-exchange.weak"]![0]!.message).toMatch(/1024/);
    expect(statusOf(facts(service({ weakGroups: { result: "accepted", group: 19, offered: [19] } })), "tls.key-exchange.weak")).toEqual(["fail"]);
    expect(statusOf(facts(service({ weakGroups: undefined })), "tls.key-exchange.weak")).toEqual(["undetermined"]);
    const unknownGroup = service();
    unknownGroup.suites[0]!.accepted[0]!.group = 0x7777;
    expect(statusOf(facts(unknownGroup), "tls.key-exchange.weak")).toEqual(["undetermined"]);
  });

  it("compression and renegotiation: fail on DEFLATE / no renegotiation_info, undetermined when not observed, not applicable for TLS 1.3 only", () => {
    expect(
      statusOf(facts(service({ compression: { result: "accepted", method: 1, offered: [1, 0], version: "TLSv1.2" } })), "tls.compression.enabled"),
    ).toEqual(["fail"]);
    expect(statusOf(facts(service({ compression: { result: "error", offered: [1, 0], detail: "reset" } })), "tls.compression.enabled")).toEqual([
      "undetermined",
    ]);
    // "no compression" chosen when DEFLATE is not recorded as offered proves nothing (was a pass)
    expect(statusOf(facts(service({ compression: { result: "accepted", method: 0, offered: [], version: "TLSv1.2" } })), "tls.compression.enabled")).toEqual([
      "undetermined",
    ]);
    expect(
      statusOf(facts(service({ compression: { result: "accepted", method: 0, offered: [1, 0], version: "TLSv1.2" } })), "tls.compression.enabled"),
    ).toEqual(["pass"]);
    const noReneg = service();
    noReneg.versions[0]!.renegotiationInfo = false;
    expect(statusOf(facts(noReneg), "tls.renegotiation.insecure")).toEqual(["fail"]);
    const unrecorded = service();
    delete unrecorded.versions[0]!.renegotiationInfo;
    expect(statusOf(facts(unrecorded), "tls.renegotiation.insecure")).toEqual(["undetermined"]);
    const only13 = service();
    only13.versions[0] = { version: "TLSv1.2", result: "refused" };
    expect(statusOf(facts(only13), "tls.compression.enabled")).toEqual(["not_applicable"]);
    expect(statusOf(facts(only13), "tls.renegotiation.insecure")).toEqual(["not_applicable"]);
  });
});

describe("certificate rules", () => {
  it("expired fails high, near expiry fails low, unparseable dates are undetermined", () => {
    const expired = judge(facts(service({ certificates: [leaf({ notAfter: "2026-01-02T00:00:00.000Z" }), CA] })))["tls.certificate.validity"]![0]!;
    expect([expired.status, expired.severity]).toEqual(["fail", "high"]);
    const soon = judge(facts(service({ certificates: [leaf({ notAfter: "2026-06-10T00:00:00.000Z" }), CA] })))["tls.certificate.validity"]![0]!;
    expect([soon.status, soon.severity]).toEqual(["fail", "low"]);
    expect(statusOf(facts(service({ certificates: [leaf({ notAfter: "next year" }), CA] })), "tls.certificate.validity")).toEqual(["undetermined"]);
  });

  it("key and signature: RSA 1024, DSA and SHA-1 fail; an unknown key type or hash is undetermined; a root's self-signature is not judged", () => {
    expect(statusOf(facts(service({ certificates: [leaf({ keyAlgorithm: "rsa", keyBits: 1024, namedCurve: undefined })] })), "tls.certificate.key")).toEqual([
      "fail",
    ]);
    expect(statusOf(facts(service({ certificates: [leaf({ keyAlgorithm: "dsa", keyBits: 2048 })] })), "tls.certificate.key")).toEqual(["fail"]);
    expect(statusOf(facts(service({ certificates: [leaf({ keyAlgorithm: "gost2012", keyBits: 256 })] })), "tls.certificate.key")).toEqual(["undetermined"]);
    expect(
      statusOf(
        facts(service({ certificates: [leaf({ signatureHash: "sha1", signatureOid: "1.2.840.113549.1.1.5", signatureAlgorithm: "sha1WithRSAEncryption" })] })),
        "tls.certificate.signature",
      ),
    ).toEqual(["fail"]);
    expect(
      statusOf(
        facts(service({ certificates: [leaf({ signatureHash: undefined, signatureOid: "1.2.643.7.1.1.3.2", signatureAlgorithm: "1.2.643.7.1.1.3.2" })] })),
        "tls.certificate.signature",
      ),
    ).toEqual(["undetermined"]);
    expect(
      statusOf(facts(service({ certificates: [leaf(), { ...CA, signatureHash: "sha1", signatureOid: "1.2.840.10045.4.1" }] })), "tls.certificate.signature"),
    ).toEqual(["pass"]);
  });

  it("self-signed leaf fails; the name check passes on an IP SAN, is undetermined for an IP target with DNS names only, fails on a mismatch", () => {
    expect(statusOf(facts(service({ certificates: [{ ...leaf(), issuer: "CN=plc.example", selfSigned: true }] })), "tls.certificate.self-signed")).toEqual([
      "fail",
    ]);
    expect(statusOf(facts(service({ certificates: [leaf({ sanIp: [] })] })), "tls.certificate.name-mismatch")).toEqual(["undetermined"]);
    expect(statusOf(facts(service({ certificates: [leaf({ sanIp: ["10.0.0.9"], sanDns: [] })] })), "tls.certificate.name-mismatch")).toEqual(["fail"]);
    expect(
      statusOf(
        facts(service({ serverName: "hmi.plant.example", serverNameKind: "dns", certificates: [leaf({ sanDns: ["*.plant.example"] })] })),
        "tls.certificate.name-mismatch",
      ),
    ).toEqual(["pass"]);
    expect(
      statusOf(
        facts(service({ serverName: "a.hmi.plant.example", serverNameKind: "dns", certificates: [leaf({ sanDns: ["*.plant.example"] })] })),
        "tls.certificate.name-mismatch",
      ),
    ).toEqual(["fail"]);
    const cnOnly = judge(facts(service({ serverName: "plc.example", serverNameKind: "dns", certificates: [leaf({ sanDns: [], sanIp: [] })] })))[
      "tls.certificate.name-mismatch"
    ]![0]!;
    expect([cnOnly.status, cnOnly.severity]).toEqual(["fail", "low"]);
  });

  it("no certificate, or one that does not parse: every certificate rule is undetermined", () => {
    for (const s of [
      service({ certificates: [], chain: undefined }),
      service({ certificates: [], certificateErrors: [{ index: 0, message: "certificate does not parse" }] }),
    ]) {
      const all = judge(facts(s));
      for (const id of [
        "tls.certificate.validity",
        "tls.certificate.key",
        "tls.certificate.signature",
        "tls.certificate.self-signed",
        "tls.certificate.name-mismatch",
      ])
        expect(
          all[id]!.map((f) => f.status),
          id,
        ).toEqual(["undetermined"]);
    }
  });

  it("a service that never proved TLS: error when its probe failed, not applicable otherwise, never pass", () => {
    const failed = service({ tlsOffered: false, error: { code: "timeout", message: "no answer" } });
    const none = service({ tlsOffered: false, service: { proof: "none", detail: "every version refused" } });
    for (const fs of Object.values(judge(facts(failed)))) expect(fs.map((f) => f.status)).toEqual(["error"]);
    for (const fs of Object.values(judge(facts(none)))) expect(fs.map((f) => f.status)).toEqual(["not_applicable"]);
  });
});
