// Facts the IEC 60870-5-104 probe records (zod): on the plain port, the answer to one TESTFR act and
// everything else the station sent; on the TLS port (IEC 62351-3), the handshake as observed (version,
// suite, certificate, client-certificate request, alerts) and the TESTFR exchange inside TLS. The
// station's identity is not observable without STARTDT and a general interrogation (never sent), so
// there is none. Facts, never verdicts.
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const ReceivedFact = z.object({
  /** U frames by function name, e.g. { "TESTFR con": 1 } */
  u: z.record(z.string(), z.number().int()),
  /** S frames */
  s: z.number().int(),
  /** I frames, and their type identifications (bounded list) */
  i: z.number().int(),
  typeIds: z.array(z.number().int()),
});

export const PlainFacts = z.object({
  url: z.string(),
  port: z.number().int(),
  role: z.enum(["target", "companion"]),
  reachability: z.enum(["open", "closed", "error"]),
  /** testfr-con: the station confirmed our TESTFR act; closed: it hung up; silent: nothing came back */
  testfr: z.enum(["testfr-con", "other", "closed", "silent", "not-sent", "error"]),
  received: ReceivedFact,
  /** APDUs sent, by name, in order */
  sent: z.array(z.string()),
  anomalies: z.array(z.string()),
  error: ErrorFact.optional(),
});
export type PlainFacts = z.infer<typeof PlainFacts>;

export const CertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  selfSigned: z.boolean(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyAlgorithm: z.string(),
  keyBits: z.number().int().optional(),
  namedCurve: z.string().optional(),
  signatureAlgorithm: z.string(),
  signatureHash: z.string().optional(),
  sha256: z.string(),
});

export const TlsFacts = z.object({
  url: z.string(),
  port: z.number().int(),
  role: z.enum(["target", "companion"]),
  reachability: z.enum(["open", "closed", "error"]),
  /**
   * handshake-completed / client-certificate-alert (the server asked for a certificate and refused us
   * with an alert): a TLS service is proven; none: no TLS (or nothing) answered
   */
  proof: z.enum(["handshake-completed", "client-certificate-alert", "none"]),
  /** negotiated protocol and suite (completed handshake), or the ServerHello's choice */
  protocol: z.string().optional(),
  cipher: z.string().optional(),
  group: z.string().optional(),
  /** the server sent a CertificateRequest (IEC 62351-3 requires mutual authentication) */
  certificateRequested: z.boolean(),
  alert: z.object({ code: z.number().int(), name: z.string() }).optional(),
  certificate: CertificateFacts.optional(),
  /** TESTFR act inside the completed TLS session: was it confirmed? */
  testfr: z.enum(["testfr-con", "other", "closed", "silent", "not-sent", "error"]),
  detail: z.string(),
  error: ErrorFact.optional(),
});
export type TlsFacts = z.infer<typeof TlsFacts>;

export const Iec104Facts = z.object({
  plain: z.array(PlainFacts),
  tls: z.array(TlsFacts),
});
export type Iec104Facts = z.infer<typeof Iec104Facts>;
