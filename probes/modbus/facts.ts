// Facts the Modbus/TCP probe records (zod): plain Modbus/TCP endpoints (units that answer, device
// identification, Report Server ID, exceptions), Modbus/TCP Security endpoints (TLS versions, suites,
// groups, certificates, what proved the service and the client-certificate requirement) and the
// intrusive write-back test. Facts, never verdicts. Device strings keep their exact bytes (latin1).
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

/** One request and what came back: evidence names unit ids and function codes. */
export const Exchange = z.object({
  unitId: z.number().int().min(0).max(255),
  functionCode: z.number().int().min(0).max(255),
  /** for FC 43: MEI type / read device id code / object id */
  detail: z.string().optional(),
  outcome: z.enum(["response", "exception", "timeout", "protocol_error", "closed", "error"]),
  exceptionCode: z.number().int().optional(),
  exceptionName: z.string().optional(),
  message: z.string().optional(),
});
export type Exchange = z.infer<typeof Exchange>;

export const DeviceIdentity = z.object({
  vendorName: z.string().optional(),
  productCode: z.string().optional(),
  revision: z.string().optional(),
  vendorUrl: z.string().optional(),
  productName: z.string().optional(),
  modelName: z.string().optional(),
  userApplicationName: z.string().optional(),
});
export type DeviceIdentity = z.infer<typeof DeviceIdentity>;

/** One Read Device Identification access (§6.21): stream 1 basic, 2 regular, 3 extended, 4 one object. */
export const DeviceIdStream = z.object({
  readCode: z.number().int().min(1).max(4),
  status: z.enum(["ok", "exception", "error"]),
  requests: z.number().int(),
  exception: z.object({ code: z.number().int(), name: z.string() }).optional(),
  /** why "more follows" was not followed further (a loop, the request cap), if it was cut short */
  stopped: z.string().optional(),
});

export type DeviceIdStream = z.infer<typeof DeviceIdStream>;

export const UnitFacts = z.object({
  unitId: z.number().int().min(0).max(255),
  /** the unit gave a Modbus reply of its own (a normal response, or an exception other than the gateway ones 0x0A/0x0B) */
  answered: z.boolean(),
  deviceId: z
    .object({
      status: z.enum(["ok", "exception", "error", "not_tried"]),
      conformityLevel: z.number().int().optional(),
      identity: DeviceIdentity,
      /** every object as received (exact bytes as latin1), including extended ones (0x80-0xFF) */
      objects: z.array(z.object({ id: z.number().int(), value: z.string() })),
      requests: z.number().int(),
      streams: z.array(DeviceIdStream).optional(),
      exception: z.object({ code: z.number().int(), name: z.string() }).optional(),
      error: ErrorFact.optional(),
      /** oddities in the answers: repeated object ids, objects outside the stream asked for, a bad "more follows" byte (bounded) */
      anomalies: z.array(z.string()).optional(),
    })
    .optional(),
  serverId: z
    .object({
      status: z.enum(["ok", "exception", "error", "not_tried"]),
      hex: z.string().optional(),
      /** printable characters of the server id data */
      text: z.string().optional(),
      /**
       * Run Indicator Status (§6.17: 0x00 OFF, 0xFF ON) where the layout shows it: the byte after a
       * one-byte server id (the common layout), else the last byte. The spec leaves the server id
       * length device-specific, so `basis` says which reading was used.
       */
      runIndicator: z.object({ status: z.enum(["on", "off"]), offset: z.number().int(), basis: z.enum(["after-1-byte-server-id", "last-byte"]) }).optional(),
      exception: z.object({ code: z.number().int(), name: z.string() }).optional(),
      error: ErrorFact.optional(),
    })
    .optional(),
});
export type UnitFacts = z.infer<typeof UnitFacts>;

export const PlainEndpointFacts = z.object({
  port: z.number().int(),
  url: z.string(),
  /** named by the operator (or a default port of a host target) vs. a companion port we looked at */
  role: z.enum(["target", "companion"]),
  /** open = TCP accepted; closed = refused; error = could not tell (timeout, unreachable) */
  reachability: z.enum(["open", "closed", "error"]),
  /** some unit gave a Modbus reply without any authentication */
  answersUnauthenticated: z.boolean(),
  unitsTried: z.array(z.number().int()),
  fullSweep: z.boolean(),
  units: z.array(UnitFacts),
  exchanges: z.array(Exchange),
  /** function codes sent to this endpoint, in order (all read-only outside the write-back test) */
  functionCodesSent: z.array(z.number().int()),
  /** exchanges beyond the kept maximum (a full unit sweep) */
  exchangesDropped: z.number().int().optional(),
  /** why unit 0 was or was not tried (Modbus over Serial Line §2.2: 0 is the broadcast address) */
  unitZero: z.enum(["not-tried", "tried-on-request"]).optional(),
  error: ErrorFact.optional(),
});
export type PlainEndpointFacts = z.infer<typeof PlainEndpointFacts>;

/** Versions offered one at a time (raw ClientHellos, so SSLv3 too). */
export const TlsVersionName = z.enum(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
export type TlsVersionName = z.infer<typeof TlsVersionName>;

/**
 * accepted: the server chose it and its first flight went on normally (ServerHelloDone, or
 * encrypted TLS 1.3 records); incomplete: it chose it, then broke off (reset, close, timeout,
 * garbage) - the step is in `detail`; refused: an alert, a ServerHello choosing something else, or
 * a close before any ServerHello; untestable: could not be offered; error: timeout or protocol
 * violation (e.g. a version or suite we did not offer).
 */
export const HelloResultName = z.enum(["accepted", "refused", "incomplete", "untestable", "error"]);

/** What the server chose in one ServerHello (codes as on the wire; names only when known). */
const Chosen = {
  /** negotiated version code from the ServerHello (supported_versions for TLS 1.3) */
  serverVersion: z.number().int().optional(),
  /** chosen suite: IANA name, or "unknown suite 0x...." */
  cipher: z.string().optional(),
  cipherCode: z.number().int().optional(),
  /** key exchange group (TLS 1.3 key_share, TLS 1.2 ECDHE ServerKeyExchange) */
  group: z.number().int().optional(),
  /** DHE prime size from the ServerKeyExchange */
  dhBits: z.number().int().optional(),
  detail: z.string().optional(),
};

export const CertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  selfSigned: z.boolean(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** at the time of the probe */
  validNow: z.boolean(),
  /** key type as Node names it: rsa, rsa-pss, dsa, ec, ed25519, ed448, ... ("unknown" otherwise) */
  keyAlgorithm: z.string(),
  keyBits: z.number().int().optional(),
  namedCurve: z.string().optional(),
  signatureAlgorithm: z.string(),
  /** the signature AlgorithmIdentifier OID as in the certificate */
  signatureOid: z.string().optional(),
  /** hash of the signature algorithm (md5, sha1, sha256, ..., intrinsic for EdDSA, unknown) */
  signatureHash: z.string().optional(),
  sha256: z.string(),
  /** Modbus/TCP Security role extension (OID 1.3.6.1.4.1.50316.802.1), when present */
  role: z.string().optional(),
  /** where the certificate was read: the cleartext TLS <= 1.2 flight or a completed handshake */
  source: z.enum(["server-flight", "handshake"]).optional(),
  /** certificates in the server's chain (leaf included), when seen in the clear */
  chainLength: z.number().int().optional(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const TlsEndpointFacts = z.object({
  port: z.number().int(),
  url: z.string(),
  role: z.enum(["target", "companion"]),
  reachability: z.enum(["open", "closed", "error"]),
  /**
   * a TLS service is proven: a handshake completed, a whole TLS <= 1.2 server flight arrived
   * (ServerHello .. ServerHelloDone), or the server rejected our handshake with an alert naming the
   * missing client certificate. A ServerHello followed by a reset proves nothing.
   */
  tlsOffered: z.boolean(),
  /** what proved the service (tlsOffered), or the step where the handshakes broke off */
  service: z.object({ proof: z.enum(["handshake-completed", "server-flight", "client-certificate-alert", "none"]), detail: z.string() }).optional(),
  versions: z.array(z.object({ version: TlsVersionName, result: HelloResultName, ...Chosen })),
  /** weak cipher-suite families offered one at a time (raw ClientHellos, highest version <= TLS 1.2 accepted) */
  weakSuites: z.array(z.object({ id: z.string(), result: HelloResultName, ...Chosen })),
  /** a completed handshake (Node's TLS): protocol, IANA suite name, key exchange group */
  negotiated: z.object({ protocol: z.string(), cipher: z.string(), group: z.string().optional() }).optional(),
  /** the cleartext first flight of the highest TLS <= 1.2 version accepted */
  serverFlight: z
    .object({
      version: z.number().int(),
      cipherCode: z.number().int(),
      certificates: z.number().int(),
      certificateRequest: z
        .object({ certificateTypes: z.array(z.number().int()), signatureAlgorithms: z.array(z.number().int()), authorities: z.number().int() })
        .optional(),
      anomalies: z.array(z.string()),
    })
    .optional(),
  certificate: CertificateFacts.optional(),
  /** the server sent a certificate that could not be parsed */
  certificateError: ErrorFact.optional(),
  clientCertificate: z.object({
    /**
     * required: shown by a CertificateRequest (RFC 8446 §4.3.2 / RFC 5246 §7.4.4) with no Modbus
     * answer without a certificate, or by an alert naming the missing certificate; never by a
     * hang-up alone. not_required: a Modbus reply came back without a certificate.
     */
    required: z.enum(["required", "not_required", "unknown"]),
    evidence: z.enum(["certificate-request", "alert", "modbus-answered", "none"]).optional(),
    alert: z.object({ code: z.number().int(), name: z.string() }).optional(),
    detail: z.string(),
  }),
  /** with the operator's client certificate (credentials entry protocol modbus-tls) */
  withClientCertificate: z.object({
    status: z.enum(["not_supplied", "accepted", "refused", "error"]),
    role: z.string().optional(),
    readAnswered: z.boolean().optional(),
    exception: z.object({ code: z.number().int(), name: z.string() }).optional(),
    detail: z.string().optional(),
  }),
  error: ErrorFact.optional(),
});
export type TlsEndpointFacts = z.infer<typeof TlsEndpointFacts>;

export const WriteTestFacts = z.object({
  status: z.enum(["not_requested", "accepted", "refused", "error"]),
  /** the operator's address, unit:type:address */
  target: z.string().optional(),
  functionCodes: z.array(z.number().int()),
  valueRead: z.number().int().optional(),
  valueAfter: z.number().int().optional(),
  exception: z.object({ code: z.number().int(), name: z.string(), functionCode: z.number().int() }).optional(),
  detail: z.string().optional(),
});
export type WriteTestFacts = z.infer<typeof WriteTestFacts>;

export const ModbusFacts = z.object({
  plain: z.array(PlainEndpointFacts),
  secure: z.array(TlsEndpointFacts),
  writeTest: WriteTestFacts,
});
export type ModbusFacts = z.infer<typeof ModbusFacts>;
