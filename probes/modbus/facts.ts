// Facts the Modbus/TCP probe records (zod): plain Modbus/TCP endpoints (units that answer, device
// identification, Report Server ID, exceptions), Modbus/TCP Security endpoints (TLS versions, suites,
// certificates, client authentication) and the intrusive write-back test. Facts, never verdicts.
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

export const UnitFacts = z.object({
  unitId: z.number().int().min(0).max(255),
  /** the unit gave a Modbus reply of its own (a normal response, or an exception other than the gateway ones 0x0A/0x0B) */
  answered: z.boolean(),
  deviceId: z
    .object({
      status: z.enum(["ok", "exception", "error", "not_tried"]),
      conformityLevel: z.number().int().optional(),
      identity: DeviceIdentity,
      /** every object as received, including private ones (0x80-0xFF) */
      objects: z.array(z.object({ id: z.number().int(), value: z.string() })),
      requests: z.number().int(),
      exception: z.object({ code: z.number().int(), name: z.string() }).optional(),
      error: ErrorFact.optional(),
    })
    .optional(),
  serverId: z
    .object({
      status: z.enum(["ok", "exception", "error", "not_tried"]),
      hex: z.string().optional(),
      /** printable characters of the server id data */
      text: z.string().optional(),
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
  error: ErrorFact.optional(),
});
export type PlainEndpointFacts = z.infer<typeof PlainEndpointFacts>;

export const TlsVersionName = z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
export type TlsVersionName = z.infer<typeof TlsVersionName>;

export const CertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  selfSigned: z.boolean(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** at the time of the probe */
  validNow: z.boolean(),
  keyAlgorithm: z.string(),
  keyBits: z.number().int().optional(),
  namedCurve: z.string().optional(),
  signatureAlgorithm: z.string(),
  sha256: z.string(),
  /** Modbus/TCP Security role extension (OID 1.3.6.1.4.1.50316.802.1), when present */
  role: z.string().optional(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const TlsEndpointFacts = z.object({
  port: z.number().int(),
  url: z.string(),
  role: z.enum(["target", "companion"]),
  reachability: z.enum(["open", "closed", "error"]),
  /** some TLS version completed a handshake or reached the certificate stage */
  tlsOffered: z.boolean(),
  versions: z.array(
    z.object({
      version: TlsVersionName,
      /** accepted: the server chose this version (handshake done or failed only at the certificate stage) */
      result: z.enum(["accepted", "refused", "untestable", "error"]),
      cipher: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
  /** weak cipher-suite families offered one at a time with TLS 1.2 */
  weakSuites: z.array(
    z.object({
      id: z.string(),
      result: z.enum(["accepted", "refused", "untestable", "error"]),
      cipher: z.string().optional(),
      detail: z.string().optional(),
    }),
  ),
  negotiated: z.object({ protocol: z.string(), cipher: z.string() }).optional(),
  certificate: CertificateFacts.optional(),
  clientCertificate: z.object({
    /** required: a handshake without a certificate was refused or closed before any Modbus reply */
    required: z.enum(["required", "not_required", "unknown"]),
    detail: z.string(),
  }),
  /** with the operator's client certificate (credentials entry protocol modbus-tls) */
  withClientCertificate: z
    .object({
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
