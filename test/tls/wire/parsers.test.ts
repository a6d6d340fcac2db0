// Message parsers (probes/tls/wire/server.ts, hello.ts, flight.ts, x509.ts) against messages built
// byte by byte from the RFC layouts (server-messages.ts) and certificates made by the openssl CLI;
// property tests: round trips, and arbitrary bytes throwing only TlsWireError.
import { describe, expect, test } from "vitest";
import { describeWithDaemon } from "../../helpers/daemons.js";
import fc from "fast-check";
import { TlsWireError } from "../../../probes/tls/wire/errors.js";
import { buildClientHello, clientHelloBody, keyShareFor, parseClientHello } from "../../../probes/tls/wire/hello.js";
import { parseCertificate, parseCertificateRequest, parseServerHello, parseServerKeyExchange, bitLength } from "../../../probes/tls/wire/server.js";
import { FlightParser } from "../../../probes/tls/wire/flight.js";
import { parseRecord } from "../../../probes/tls/wire/record.js";
import { describeCertificate, signatureAlgorithmOf } from "../../../probes/tls/wire/x509.js";
import { parseSuiteName, suiteByCode, suiteByName } from "../../../probes/tls/wire/suites.js";
import {
  alertRecord,
  certificate,
  certificateRequest,
  hsRecord,
  serverHello,
  serverHelloDone,
  skeDhe,
  skeEcdhe,
  tls12Flight,
  record,
} from "./server-messages.js";
import { makeCert, opensslAvailable } from "./openssl-certs.js";

const body = (msg: Buffer) => msg.subarray(4);

describe("ClientHello (RFC 5246 §7.4.1.2, RFC 8446 §4.1.2)", () => {
  test("build then parse gives back suites, versions, groups, key shares and SNI", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 80 }),
        fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303),
        fc.boolean(),
        fc.uniqueArray(fc.integer({ min: 1, max: 0x2000 }), { maxLength: 12 }),
        (suites, version, tls13, groups) => {
          const hello = buildClientHello({
            version,
            cipherSuites: suites,
            serverName: "plc.example",
            groups,
            ...(tls13 ? { supportedVersions: [0x0304, 0x0303] } : {}),
          });
          const rec = parseRecord(hello);
          expect(rec.type).toBe(22);
          const p = parseClientHello(rec.payload.subarray(4));
          expect(p.version).toBe(version);
          expect(p.cipherSuites).toEqual(suites);
          expect(p.serverName).toBe("plc.example");
          if (groups.length) expect(p.groups).toEqual(groups);
          expect(p.supportedVersions).toEqual(tls13 ? [0x0304, 0x0303] : undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("no SNI for an IP literal (RFC 6066 §3); no extensions for an SSLv3 hello; real key shares", () => {
    expect(parseClientHello(clientHelloBody({ version: 0x0303, cipherSuites: [0x1301], serverName: "10.0.0.5" })).serverName).toBeUndefined();
    expect(parseClientHello(clientHelloBody({ version: 0x0300, cipherSuites: [0x000a], noExtensions: true })).extensions).toEqual([]);
    expect(keyShareFor(29)!.length).toBe(32);
    expect(keyShareFor(23)!.length).toBe(65);
    expect(keyShareFor(24)!.length).toBe(97);
    expect(keyShareFor(256)).toBeUndefined();
    const p = parseClientHello(
      clientHelloBody({ version: 0x0303, supportedVersions: [0x0304], cipherSuites: [0x1301], keyShares: [{ group: 29, key: keyShareFor(29)! }] }),
    );
    expect(p.keyShareGroups).toEqual([29]);
  });
});

describe("ServerHello, Certificate, CertificateRequest, ServerKeyExchange", () => {
  test("TLS 1.2 and TLS 1.3 ServerHello (supported_versions, key_share), HelloRetryRequest, downgrade sentinel", () => {
    expect(parseServerHello(body(serverHello({ suite: 0xc02b })))).toMatchObject({ version: 0x0303, cipherSuite: 0xc02b, helloRetryRequest: false });
    expect(parseServerHello(body(serverHello({ suite: 0x1302, supportedVersion: 0x0304, keyShareGroup: 29 })))).toMatchObject({
      legacyVersion: 0x0303,
      version: 0x0304,
      keyShareGroup: 29,
    });
    expect(parseServerHello(body(serverHello({ suite: 0x1301, supportedVersion: 0x0304, hrrGroup: 24 })))).toMatchObject({
      helloRetryRequest: true,
      selectedGroup: 24,
    });
    expect(parseServerHello(body(serverHello({ suite: 0x002f, noExtensions: true, version: 0x0301 })))).toMatchObject({ version: 0x0301, extensions: [] });
    const sentinel = Buffer.concat([Buffer.alloc(24, 1), Buffer.from("444f574e47524401", "hex")]);
    expect(parseServerHello(body(serverHello({ suite: 0xc02f, random: sentinel }))).downgradeSentinel).toBe("tls12");
  });

  test("Certificate lists (TLS 1.2 and 1.3 layouts), bounded", () => {
    const ders = [Buffer.from([1, 2, 3]), Buffer.from([4, 5])];
    expect(parseCertificate(body(certificate(ders)), false).certificates).toEqual(ders);
    expect(parseCertificate(body(certificate(ders, true)), true).certificates).toEqual(ders);
    const many = Array.from({ length: 20 }, (_, i) => Buffer.from([i + 1]));
    expect(parseCertificate(body(certificate(many)), false, 16)).toMatchObject({ truncated: true });
    expect(() => parseCertificate(body(certificate(ders)).subarray(0, 5), false)).toThrow(TlsWireError);
  });

  test("CertificateRequest for TLS 1.0/1.1, 1.2 and 1.3", () => {
    expect(parseCertificateRequest(body(certificateRequest({ version: 0x0301, types: [1, 2] })), 0x0301)).toMatchObject({
      certificateTypes: [1, 2],
      signatureAlgorithms: [],
      authorities: 0,
    });
    expect(
      parseCertificateRequest(
        body(certificateRequest({ sigAlgs: [0x0403, 0x0804], authorities: [Buffer.from("3000", "hex"), Buffer.from("3000", "hex")] })),
        0x0303,
      ),
    ).toMatchObject({ certificateTypes: [1, 64], signatureAlgorithms: [0x0403, 0x0804], authorities: 2 });
    expect(parseCertificateRequest(body(certificateRequest({ version: 0x0304, sigAlgs: [0x0807] })), 0x0304)).toMatchObject({
      signatureAlgorithms: [0x0807],
      extensionTypes: [13],
    });
  });

  test("ServerKeyExchange: ECDHE named curve, DHE prime size, by the chosen suite's key exchange", () => {
    expect(parseServerKeyExchange(body(skeEcdhe(24, 0x0503)), 0xc02f, 0x0303)).toEqual({ kind: "ecdhe", curveType: 3, group: 24, signatureScheme: 0x0503 });
    expect(parseServerKeyExchange(body(skeDhe(128)), 0x009e, 0x0303)).toMatchObject({ kind: "dhe", primeBits: 1024 });
    expect(parseServerKeyExchange(body(skeDhe(256)), 0x0033, 0x0301)).toMatchObject({ kind: "dhe", primeBits: 2048 });
    expect(parseServerKeyExchange(Buffer.alloc(4), 0x002f, 0x0303)).toEqual({ kind: "unknown", keyExchange: "RSA" });
    expect(bitLength(Buffer.from([0, 0, 1]))).toBe(1);
  });

  test("arbitrary bytes: every message parser throws only TlsWireError", () => {
    const parsers = [
      (b: Buffer) => parseServerHello(b),
      (b: Buffer) => parseCertificate(b, false),
      (b: Buffer) => parseCertificate(b, true),
      (b: Buffer) => parseCertificateRequest(b, 0x0301),
      (b: Buffer) => parseCertificateRequest(b, 0x0303),
      (b: Buffer) => parseCertificateRequest(b, 0x0304),
      (b: Buffer) => parseServerKeyExchange(b, 0xc02f, 0x0303),
      (b: Buffer) => parseServerKeyExchange(b, 0x009e, 0x0303),
      (b: Buffer) => parseServerKeyExchange(b, 0xc0a6, 0x0303),
      (b: Buffer) => parseClientHello(b),
      (b: Buffer) => signatureAlgorithmOf(b),
    ];
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 0, max: parsers.length - 1 }), (bytes, i) => {
        try {
          parsers[i]!(Buffer.from(bytes));
        } catch (e) {
          expect(e).toBeInstanceOf(TlsWireError);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("the server's first flight", () => {
  const feed = (wire: Buffer) => {
    const p = new FlightParser();
    let at = 0;
    while (at < wire.length && !p.done) {
      const n = 5 + wire.readUInt16BE(at + 3);
      p.push(parseRecord(wire.subarray(at, at + n)));
      at += n;
    }
    return p.flight;
  };

  test("TLS 1.2: ServerHello .. ServerHelloDone with a CertificateRequest", () => {
    const f = feed(tls12Flight({ certificateRequest: true, group: 29 }));
    expect(f.end).toBe("server-hello-done");
    expect(f.messages).toEqual([2, 11, 12, 13, 14]);
    expect(f.certificateRequest).toBeDefined();
    expect(f.serverKeyExchange).toMatchObject({ group: 29 });
  });

  test("TLS 1.3: ServerHello, ChangeCipherSpec, then the first encrypted record ends the visible flight", () => {
    const wire = Buffer.concat([
      hsRecord(serverHello({ suite: 0x1301, supportedVersion: 0x0304, keyShareGroup: 29 })),
      record(20, Buffer.from([1])),
      record(23, Buffer.alloc(40, 9)),
    ]);
    expect(feed(wire)).toMatchObject({ end: "encrypted", changeCipherSpec: true, encryptedRecords: 1 });
  });

  test("alerts and out-of-order messages end the flight", () => {
    expect(feed(alertRecord(70)).end).toBe("alert");
    expect(feed(hsRecord(serverHelloDone())).end).toBe("unexpected");
    expect(feed(record(23, Buffer.alloc(3))).end).toBe("unexpected");
  });
});

describe("cipher-suite registry", () => {
  test("names parse into their parts", () => {
    expect(suiteByCode(0xc02b)).toMatchObject({
      keyExchange: "ECDHE",
      authentication: "ECDSA",
      cipher: "AES_128_GCM",
      mac: "SHA256",
      aead: true,
      kind: "legacy",
    });
    expect(suiteByCode(0x0003)).toMatchObject({ keyExchange: "RSA", export: true, cipher: "RC4_40" });
    expect(suiteByCode(0x0018)).toMatchObject({ keyExchange: "DH_anon", authentication: "anon" });
    expect(suiteByCode(0x1303)).toMatchObject({ kind: "tls13", cipher: "CHACHA20_POLY1305" });
    expect(suiteByCode(0x00ff)!.kind).toBe("signalling");
    expect(suiteByName("TLS_AES_256_GCM_SHA384")!.code).toBe(0x1302);
    expect(parseSuiteName(1, "NOT_A_SUITE").keyExchange).toBe("UNKNOWN");
  });
});

describeWithDaemon("certificates of every key type (openssl CLI)", opensslAvailable(), "needs the openssl CLI (.ci/run installs it)", () => {
  test.each([
    ["rsa:2048", "sha1", "rsa", 2048, "sha1WithRSAEncryption", "sha1"],
    ["rsa-pss:2048", undefined, "rsa-pss", 2048, "RSASSA-PSS with sha256", "sha256"],
    ["dsa:2048", undefined, "dsa", 2048, "dsa-with-sha256", "sha256"],
    ["ec:secp384r1", "sha384", "ec", undefined, "ecdsa-with-SHA384", "sha384"],
    ["ed25519", undefined, "ed25519", undefined, "Ed25519", "intrinsic"],
    ["ed448", undefined, "ed448", undefined, "Ed448", "intrinsic"],
  ] as const)("%s", (spec, digest, keyType, bits, sig, hash) => {
    const d = describeCertificate(makeCert(spec, digest).der);
    expect(d).toMatchObject({ keyType, signatureAlgorithm: sig, signatureHash: hash, selfSigned: true });
    if (bits) expect(d.keyBits).toBe(bits);
  });

  test("a DER that is not a certificate is a TlsWireError", () => {
    expect(() => describeCertificate(Buffer.from("3003020101", "hex"))).toThrow(TlsWireError);
  });
});
