// Transport kit, TLS part: what one completed TLS handshake shows (negotiated version and suite,
// the server certificate with its key type and size, whether the chain verified), as zod-typed
// facts any plugin with a TLS variant records (MQTT on 8883, FTPS after AUTH TLS). Observation
// only: deep grading (every version and suite offered, chain building, name match) belongs to a
// TLS plugin; `judgeSession` gives the two verdicts one handshake can prove (a negotiated version
// below TLS 1.2, a weak certificate key per src/knowledge/key-strength.ts). Light module (zod only):
// plugin index modules import it; the handshake reading (@peculiar/x509) is in tls-observe.ts.
import { z } from "zod";
import { judgeKey, type KeyStrength } from "../knowledge/key-strength.js";
import type { RuleOutcome } from "../plugin.js";
import { fail, isoTime, pass, undetermined } from "../rule-kit.js";

export const MAX_NAMES = 32;
export const MAX_TEXT = 512;

export const TlsCertificateFacts = z.object({
  subject: z.string(),
  issuer: z.string(),
  serialNumber: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  selfSigned: z.boolean(),
  /** Node's asymmetricKeyType: rsa, rsa-pss, ec, ed25519, dsa, ... */
  keyType: z.string(),
  keyBits: z.number().int().positive().optional(),
  curve: z.string().optional(),
  signatureAlgorithm: z.string(),
  /** SHA-256 of the DER certificate, lower-case hex */
  sha256: z.string(),
  subjectAltNames: z.array(z.string()).max(MAX_NAMES),
});
export type TlsCertificateFacts = z.infer<typeof TlsCertificateFacts>;

export const TlsSessionFacts = z.object({
  /** as Node reports it: TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 */
  protocol: z.string(),
  /** IANA (RFC) name of the negotiated suite, e.g. TLS_AES_256_GCM_SHA384 */
  cipher: z.string(),
  /** ephemeral key exchange (ECDH x25519, DH 2048), when Node shows it */
  ephemeralKey: z.string().optional(),
  certificate: TlsCertificateFacts.optional(),
  /** certificates the server sent (leaf first), capped */
  chainLength: z.number().int().nonnegative(),
  /** the chain verified against the system trust store (the probe never rejects on it) */
  verified: z.boolean(),
  /** OpenSSL's reason when it did not, e.g. DEPTH_ZERO_SELF_SIGNED_CERT */
  verifyError: z.string().optional(),
});
export type TlsSessionFacts = z.infer<typeof TlsSessionFacts>;

/** Connect options for observing a server: any certificate accepted (we record, we do not trust). */
export function observingTlsOptions(host: string): { rejectUnauthorized: false; servername?: string; minVersion: "TLSv1"; ciphers: string } {
  const o: { rejectUnauthorized: false; servername?: string; minVersion: "TLSv1"; ciphers: string } = {
    rejectUnauthorized: false,
    minVersion: "TLSv1",
    ciphers: "DEFAULT:@SECLEVEL=0",
  };
  if (!/^[\d.]+$/.test(host) && !host.includes(":")) o.servername = host; // SNI only for names (RFC 6066 §3)
  return o;
}

/** The verdicts one handshake can prove. Anything else (suites offered, chain) is the TLS plugin's. */
export interface TlsSessionJudgement {
  /** the server negotiated below TLS 1.2 although we offered up to TLS 1.3; "unknown" for a version name we do not know */
  legacyVersion: boolean | "unknown";
  key: KeyStrength;
  /** "unknown" when no certificate was recorded or its notAfter is not an ISO timestamp */
  expired: boolean | "unknown";
}

const KNOWN_VERSION = /^(TLSv1(\.[0-3])?|SSLv[23])$/;

export function judgeSession(s: TlsSessionFacts, now = new Date()): TlsSessionJudgement {
  const c = s.certificate;
  const notAfter = c ? isoTime(c.notAfter) : Number.NaN;
  return {
    legacyVersion: KNOWN_VERSION.test(s.protocol) ? s.protocol === "TLSv1" || s.protocol === "TLSv1.1" || s.protocol.startsWith("SSL") : "unknown",
    key: c ? judgeKey(c.keyType, c.keyBits, c.curve) : { status: "unknown", detail: "no certificate recorded" },
    expired: Number.isNaN(notAfter) ? "unknown" : notAfter < now.getTime(),
  };
}

/**
 * The one outcome of "current TLS version and a strong certificate key" for a plugin's own TLS
 * session (ftp.tls, mqtt.tls): any proven weakness fails; a version name, key or expiry date that
 * cannot be judged is undetermined; a pass only when all three were judged good.
 */
export function tlsSessionOutcome(t: TlsSessionFacts, now = new Date()): RuleOutcome {
  const j = judgeSession(t, now);
  const evidence = {
    protocol: t.protocol,
    cipher: t.cipher,
    key: j.key.detail,
    certificate: t.certificate?.subject,
    notAfter: t.certificate?.notAfter,
    sha256: t.certificate?.sha256,
  };
  const problems = [
    ...(j.legacyVersion === true ? [`negotiated ${t.protocol} although TLS 1.3 was offered`] : []),
    ...(j.key.status === "weak" ? [`weak certificate key: ${j.key.detail}`] : []),
    ...(j.expired === true ? [`certificate expired on ${t.certificate!.notAfter}`] : []),
  ];
  if (problems.length) return fail(problems.join("; "), evidence);
  if (j.legacyVersion === "unknown")
    return undetermined("unknown-value", `negotiated protocol version ${JSON.stringify(t.protocol)} is not one otaudit knows`, evidence);
  if (j.key.status === "unknown") return undetermined("unknown-value", `certificate key cannot be judged: ${j.key.detail}`, evidence);
  if (j.expired === "unknown")
    return undetermined("unknown-value", `certificate expiry cannot be judged (notAfter ${JSON.stringify(t.certificate?.notAfter ?? null)})`, evidence);
  return pass(`${t.protocol} negotiated; certificate key ${j.key.detail}`, evidence);
}
