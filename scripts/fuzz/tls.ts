// Fuzz the TLS wire parsers (probes/tls/wire): record framing, handshake reassembly, ServerHello,
// Certificate (TLS 1.2 and 1.3 layouts), CertificateRequest (1.0/1.2/1.3), ServerKeyExchange for
// each key-exchange layout, alerts, ClientHello, the first-flight state machine over record
// sequences, and X.509 signature-algorithm reading; on arbitrary bytes and mutated valid messages.
// Only TlsWireError may come out. The tls plugin's own parsers too: certificate facts from mutated
// DER, subjectAltName text, name matching (never throw), and the simulator's decision on mutated
// ClientHellos. `npm run fuzz -- tls [--runs N]`.
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { TlsWireError } from "../../probes/tls/wire/errors.js";
import { FlightParser } from "../../probes/tls/wire/flight.js";
import { clientHelloBody, parseClientHello } from "../../probes/tls/wire/hello.js";
import { HandshakeAssembler, parseAlerts, parseRecord, recordLength } from "../../probes/tls/wire/record.js";
import { parseCertificate, parseCertificateRequest, parseServerHello, parseServerKeyExchange } from "../../probes/tls/wire/server.js";
import { describeCertificate, signatureAlgorithmOf } from "../../probes/tls/wire/x509.js";
import { certificate, certificateRequest, serverHello, skeDhe, skeEcdhe, tls12Flight, alertRecord, hsRecord } from "../../test/tls/wire/server-messages.js";
import { fuzzMain, mutated, type FuzzTarget } from "./lib.js";
import { certificateFacts, parseSubjectAltName } from "../../probes/tls/certs.js";
import { ipBytes, judgeName, matchDnsName } from "../../probes/tls/names.js";
import { TlsSimProfile } from "../../probes/tls/profile.js";
import { decide } from "../../probes/tls/sim-flight.js";

const typed = (e: unknown) => e instanceof TlsWireError;
const body = (m: Buffer) => m.subarray(4);
const SH = [
  serverHello({ suite: 0xc02f }),
  serverHello({ suite: 0x1301, supportedVersion: 0x0304, keyShareGroup: 29 }),
  serverHello({ suite: 0x1301, hrrGroup: 24 }),
].map(body);
const CERT = [certificate([Buffer.from("3003020101", "hex"), Buffer.alloc(40, 1)]), certificate([Buffer.alloc(10, 2)], true)].map(body);
const CR = [certificateRequest({}), certificateRequest({ version: 0x0301 }), certificateRequest({ version: 0x0304 })].map(body);
const SKE = [skeEcdhe(23), skeDhe(256), skeEcdhe(29, 0x0403, Buffer.alloc(3))].map(body);
const FLIGHTS = [
  tls12Flight({ certificateRequest: true }),
  Buffer.concat([hsRecord(serverHello({ suite: 0x1301, supportedVersion: 0x0304 })), Buffer.from([20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 4, 1, 2, 3, 4])]),
  alertRecord(40),
];
// a real certificate (DER, EC P-256, made with the openssl CLI), so mutations exercise the X.509 walker deeply
const CERT_DER = Buffer.from(
  "3082017330820119a003020102021435a1eacd50fd9fb635ccf7ced69fb7fcdf53c47e300a06082a8648ce3d040302300f310d300b06035504030c04" +
    "66757a7a301e170d3236313230313030333532315a170d3336313132383030333532315a300f310d300b06035504030c0466757a7a3059301306072a" +
    "8648ce3d020106082a8648ce3d03010703420004c823dcf87f7686e622292fb8e704b5721b9f1e68007993846abbe8317a733ddab6eeb1cd7cddff82" +
    "a4a3f06443b925c6e08e8636913ca5b412dcd79252be774ca3533051301d0603551d0e04160414160dcfd6257f134f288dcc5fe958e156d337638030" +
    "1f0603551d23041830168014160dcfd6257f134f288dcc5fe958e156d3376380300f0603551d130101ff040530030101ff300a06082a8648ce3d0403" +
    "020348003045022100e96f6075be3107458899c0cc9ccb3bda835c94879a898f02f7ba5440e4ed478202205279b39264b1da5b8e0f3b8004e7c27826" +
    "5d02589120232ef369653caf9a43b2",
  "hex",
);

const SIM_PROFILE = TlsSimProfile.parse({
  versions: ["SSLv3", "TLSv1", "TLSv1.2", "TLSv1.3"],
  suites: {
    SSLv3: ["TLS_RSA_WITH_RC4_128_SHA"],
    TLSv1: ["TLS_RSA_WITH_3DES_EDE_CBC_SHA"],
    "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
    "TLSv1.3": ["TLS_AES_128_GCM_SHA256"],
  },
  acceptsWeakCurves: true,
});

const parse = <T>(name: string, samples: Buffer[], fn: (b: Buffer) => T): FuzzTarget<Buffer> => ({
  name,
  input: mutated(samples, 1024),
  typed,
  run: (b) => void fn(b),
});

export const TLS_TARGETS: FuzzTarget<any>[] = [
  parse("record header and record", FLIGHTS, (b) => {
    const n = recordLength(b);
    if (n !== undefined && b.length >= n) parseRecord(b.subarray(0, n));
  }),
  {
    name: "handshake reassembly (arbitrary record payloads)",
    input: fc.array(
      mutated(
        FLIGHTS.map((f) => f.subarray(5)),
        300,
      ),
      { maxLength: 12 },
    ),
    typed,
    run(parts: Buffer[]) {
      const a = new HandshakeAssembler(1 << 16, 32);
      for (const p of parts) for (const m of a.push(p)) if (m.body.length > 1 << 16) throw new Error("message over the limit");
    },
  },
  parse("ServerHello", SH, (b) => parseServerHello(b)),
  parse("Certificate (TLS 1.2)", CERT, (b) => parseCertificate(b, false)),
  parse("Certificate (TLS 1.3)", CERT, (b) => parseCertificate(b, true)),
  parse("CertificateRequest (TLS 1.0)", CR, (b) => parseCertificateRequest(b, 0x0301)),
  parse("CertificateRequest (TLS 1.2)", CR, (b) => parseCertificateRequest(b, 0x0303)),
  parse("CertificateRequest (TLS 1.3)", CR, (b) => parseCertificateRequest(b, 0x0304)),
  parse("ServerKeyExchange (ECDHE)", SKE, (b) => parseServerKeyExchange(b, 0xc02f, 0x0303)),
  parse("ServerKeyExchange (DHE)", SKE, (b) => parseServerKeyExchange(b, 0x009e, 0x0303)),
  parse("ServerKeyExchange (ECDHE_PSK)", SKE, (b) => parseServerKeyExchange(b, 0xd001, 0x0303)),
  parse("ServerKeyExchange (RSA export)", SKE, (b) => parseServerKeyExchange(b, 0x0003, 0x0300)),
  parse("alerts", [Buffer.from([2, 40]), Buffer.from([1, 0, 2, 116])], (b) => parseAlerts(b)),
  parse(
    "ClientHello",
    [clientHelloBody({ version: 0x0303, cipherSuites: [0x1301, 0xc02f], serverName: "plc", groups: [29], supportedVersions: [0x0304] })],
    (b) => parseClientHello(b),
  ),
  {
    name: "first flight (record sequences)",
    input: mutated(FLIGHTS, 1500),
    typed,
    run(b: Buffer) {
      const p = new FlightParser(64);
      let at = 0;
      while (at < b.length && !p.done) {
        const n = recordLength(b.subarray(at));
        if (n === undefined || at + n > b.length) return;
        p.push(parseRecord(b.subarray(at, at + n)));
        at += n;
      }
    },
  },
  parse("X.509 signature algorithm", [CERT_DER], (b) => signatureAlgorithmOf(b)),
  parse("X.509 description", [CERT_DER], (b) => describeCertificate(b)),
  parse("certificate facts (leaf, SAN, CN)", [CERT_DER], (b) => certificateFacts(b, true)),
  {
    name: "simulator decision on mutated ClientHellos",
    input: mutated(
      [clientHelloBody({ version: 0x0303, cipherSuites: [0x1301, 0xc02f, 0x000a], serverName: "plc", groups: [29, 23], supportedVersions: [0x0304, 0x0303] })],
      600,
    ),
    typed,
    run(b: Buffer) {
      decide(SIM_PROFILE, parseClientHello(b));
    },
  },
  {
    name: "subjectAltName text and name matching (never throw)",
    input: fc.tuple(
      fc.string({ maxLength: 300, unit: fc.constantFrom("DNS:", "IP Address:", '"', "\\", ",", " ", "a", "*.", ".", ":", "1", "f") }),
      fc.string({ maxLength: 60 }),
    ),
    typed: () => false,
    run([san, host]: [string, string]) {
      const names = parseSubjectAltName(san);
      if (names.dns.length > 32 || names.ip.length > 32) throw new Error("SAN list over its cap");
      judgeName(host, names);
      for (const d of names.dns) matchDnsName(d, host);
      for (const ip of names.ip) ipBytes(ip);
    },
  },
];

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) fuzzMain("tls", TLS_TARGETS);
