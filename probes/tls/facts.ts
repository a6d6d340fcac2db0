// Facts the tls probe records (zod), per TLS service: what each protocol version's raw ClientHello
// got back, the cipher suites the server accepted per version (enumerated one ServerHello at a
// time), the key-exchange groups and DH sizes it chose, the compression and secure-renegotiation
// answers, the certificate chain as sent (leaf first), the name the service was reached by, and
// (when the certificate was not in the clear) one Node TLS handshake. Facts, never verdicts.
// Device strings (subjects, SAN entries) keep their exact content.
import { z } from "zod";
import { TlsVersionName } from "./knowledge.js";

export { TlsVersionName };

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

/**
 * accepted: the server chose it and its first flight went on normally (ServerHelloDone, or
 * encrypted TLS 1.3 records); incomplete: it chose it, then broke off (the step is in `detail`);
 * refused: an alert, a ServerHello choosing something else, or a close before any ServerHello;
 * untestable: could not be offered; error: timeout or protocol violation (e.g. a suite not offered).
 */
export const HelloResultName = z.enum(["accepted", "refused", "incomplete", "untestable", "error"]);
export type HelloResultName = z.infer<typeof HelloResultName>;

/** What the server chose in one ServerHello (codes as on the wire; names only as labels). */
export const Chosen = {
  /** negotiated version code from the ServerHello (supported_versions for TLS 1.3) */
  serverVersion: z.number().int().optional(),
  /** chosen suite: IANA name, or "unknown suite 0x...." (a label: verdicts read cipherCode) */
  cipher: z.string().optional(),
  cipherCode: z.number().int().optional(),
  /** key exchange group (TLS 1.3 key_share, TLS 1.2 ECDHE ServerKeyExchange) */
  group: z.number().int().optional(),
  /** DHE prime size from the ServerKeyExchange */
  dhBits: z.number().int().optional(),
  detail: z.string().optional(),
};

export const VersionEntry = z.object({
  version: TlsVersionName,
  result: HelloResultName,
  ...Chosen,
  /** RFC 5746 renegotiation_info in the ServerHello (TLS 1.0..1.2 hellos carry it, SSLv3 hellos carry no extensions) */
  renegotiationInfo: z.boolean().optional(),
});
export type VersionEntry = z.infer<typeof VersionEntry>;

/** One suite the server chose during enumeration, with the parameters it chose with it. */
export const AcceptedSuite = z.object({
  code: z.number().int(),
  /** IANA name or "unknown suite 0x...." (label) */
  name: z.string(),
  group: z.number().int().optional(),
  dhBits: z.number().int().optional(),
});
export type AcceptedSuite = z.infer<typeof AcceptedSuite>;

/**
 * Suites of one version: offer every known suite, record the one chosen, take it out, repeat until
 * the server refuses (`complete`). `truncated`: the per-service hello cap or the time budget ended
 * it first; `error`: an answer that was neither a choice nor a refusal.
 */
export const SuiteScan = z.object({
  version: TlsVersionName,
  result: z.enum(["complete", "truncated", "error"]),
  accepted: z.array(AcceptedSuite),
  hellos: z.number().int(),
  detail: z.string().optional(),
});
export type SuiteScan = z.infer<typeof SuiteScan>;

/** A probe with one raw hello (compression, weak groups): what came back. */
export const FeatureProbe = z.object({
  result: HelloResultName,
  version: TlsVersionName.optional(),
  /** compression: the method the ServerHello chose (0 null, 1 DEFLATE) */
  method: z.number().int().optional(),
  /** weak groups: the group the server chose among the weak ones offered */
  group: z.number().int().optional(),
  /** the groups or methods offered */
  offered: z.array(z.number().int()),
  detail: z.string().optional(),
});
export type FeatureProbe = z.infer<typeof FeatureProbe>;

export const CertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  /** subject equals issuer and the certificate verifies with its own key */
  selfSigned: z.boolean(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** key type as Node names it: rsa, rsa-pss, dsa, ec, ed25519, ed448, ... ("unknown" otherwise) */
  keyAlgorithm: z.string(),
  keyBits: z.number().int().optional(),
  namedCurve: z.string().optional(),
  signatureAlgorithm: z.string(),
  /** the signature AlgorithmIdentifier OID as in the certificate */
  signatureOid: z.string().optional(),
  /** hash of the signature algorithm (md5, sha1, sha256, ..., intrinsic for EdDSA) */
  signatureHash: z.string().optional(),
  sha256: z.string(),
  /** subjectAltName entries (leaf; bounded) */
  sanDns: z.array(z.string()).optional(),
  sanIp: z.array(z.string()).optional(),
  /** subject CN (leaf) */
  commonName: z.string().optional(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const TlsService = z.object({
  port: z.number().int(),
  url: z.string(),
  /** the name the operator reached the service by (SNI when a DNS name; IP literals get no SNI) */
  serverName: z.string(),
  serverNameKind: z.enum(["dns", "ip"]),
  /** a TLS service is proven: a whole server flight (ServerHello .. ServerHelloDone / encrypted) or a completed handshake */
  tlsOffered: z.boolean(),
  service: z.object({ proof: z.enum(["server-flight", "handshake-completed", "none"]), detail: z.string() }),
  versions: z.array(VersionEntry),
  suites: z.array(SuiteScan),
  compression: FeatureProbe.optional(),
  weakGroups: FeatureProbe.optional(),
  /** the chain as the server sent it, leaf first (at most 8 described) */
  certificates: z.array(CertificateFacts),
  /** where the chain was read, how many certificates were sent */
  chain: z.object({ source: z.enum(["server-flight", "handshake"]), sent: z.number().int(), truncated: z.boolean() }).optional(),
  /** certificates that did not parse (index in the chain as sent) */
  certificateErrors: z.array(z.object({ index: z.number().int(), message: z.string() })),
  /** one Node TLS handshake, when the certificate was not in the clear (TLS 1.3 only servers) */
  handshake: z
    .object({
      result: z.enum(["completed", "failed"]),
      protocol: z.string().optional(),
      cipher: z.string().optional(),
      group: z.string().optional(),
      detail: z.string(),
    })
    .optional(),
  /** phases cut short by the time budget or an abort */
  cut: z.array(z.object({ phase: z.string(), detail: z.string() })).optional(),
  error: ErrorFact.optional(),
});
export type TlsService = z.infer<typeof TlsService>;

export const TlsFacts = z.object({ services: z.array(TlsService) });
export type TlsFacts = z.infer<typeof TlsFacts>;
