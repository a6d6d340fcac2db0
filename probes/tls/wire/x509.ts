// Certificate description from DER for TLS scanners (RFC 5280 §4.1): subject, issuer, validity,
// public key type and size (every key type Node knows: rsa, rsa-pss, dsa, ec, ed25519, ed448, ...),
// and the signature algorithm read from the certificate's own AlgorithmIdentifier OID (RFC 5280
// §4.1.1.2; RSASSA-PSS hash from its parameters, RFC 4055 §3.1). An OID not listed here is reported
// as such: judging it is the caller's job, and an unknown one must never pass.
import { X509Certificate, createHash } from "node:crypto";
import { TlsWireError } from "./errors.js";

/** Signature algorithm OIDs (RFC 3279, RFC 4055, RFC 5758, RFC 8410) -> name and hash. */
export const SIGNATURE_OIDS: Record<string, { name: string; hash: string }> = {
  "1.2.840.113549.1.1.2": { name: "md2WithRSAEncryption", hash: "md2" },
  "1.2.840.113549.1.1.4": { name: "md5WithRSAEncryption", hash: "md5" },
  "1.2.840.113549.1.1.5": { name: "sha1WithRSAEncryption", hash: "sha1" },
  "1.2.840.113549.1.1.14": { name: "sha224WithRSAEncryption", hash: "sha224" },
  "1.2.840.113549.1.1.11": { name: "sha256WithRSAEncryption", hash: "sha256" },
  "1.2.840.113549.1.1.12": { name: "sha384WithRSAEncryption", hash: "sha384" },
  "1.2.840.113549.1.1.13": { name: "sha512WithRSAEncryption", hash: "sha512" },
  "1.2.840.113549.1.1.10": { name: "RSASSA-PSS", hash: "sha1" }, // default hash; parameters override
  "1.2.840.10040.4.3": { name: "dsa-with-sha1", hash: "sha1" },
  "2.16.840.1.101.3.4.3.1": { name: "dsa-with-sha224", hash: "sha224" },
  "2.16.840.1.101.3.4.3.2": { name: "dsa-with-sha256", hash: "sha256" },
  "1.2.840.10045.4.1": { name: "ecdsa-with-SHA1", hash: "sha1" },
  "1.2.840.10045.4.3.1": { name: "ecdsa-with-SHA224", hash: "sha224" },
  "1.2.840.10045.4.3.2": { name: "ecdsa-with-SHA256", hash: "sha256" },
  "1.2.840.10045.4.3.3": { name: "ecdsa-with-SHA384", hash: "sha384" },
  "1.2.840.10045.4.3.4": { name: "ecdsa-with-SHA512", hash: "sha512" },
  "1.3.101.112": { name: "Ed25519", hash: "intrinsic" },
  "1.3.101.113": { name: "Ed448", hash: "intrinsic" },
};

const HASH_OIDS: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER TLV at `at` within `end` (definite lengths only, at most 4 length bytes). */
function tlv(b: Buffer, at: number, end: number): Tlv {
  if (at + 2 > end) throw new TlsWireError("truncated", "DER element truncated");
  const tag = b[at]!;
  let len = b[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 4 || start + n > end) throw new TlsWireError("invalid", "DER length form not supported");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i]!;
    start += n;
  }
  if (start + len > end) throw new TlsWireError("truncated", "DER element runs past its parent");
  return { tag, start, end: start + len };
}

function oid(b: Buffer, t: Tlv): string {
  if (t.tag !== 0x06 || t.end === t.start) throw new TlsWireError("invalid", "expected an OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let v = 0;
  for (let i = t.start; i < t.end; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new TlsWireError("invalid", "OID arc too large");
    if ((b[i]! & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  return arcs.join(".");
}

/**
 * The extnValue (the OCTET STRING's contents) of the extension `wanted` (dotted OID), or undefined
 * when the certificate has none (RFC 5280 §4.1: tbsCertificate's [3] EXPLICIT Extensions, each
 * SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }). Linear in the DER: every
 * element is visited once, within its parent's bounds.
 */
export function extensionValue(der: Buffer, wanted: string): Buffer | undefined {
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== 0x30) throw new TlsWireError("invalid", "certificate is not a SEQUENCE");
  const tbs = tlv(der, cert.start, cert.end);
  if (tbs.tag !== 0x30) throw new TlsWireError("invalid", "tbsCertificate is not a SEQUENCE");
  for (let at = tbs.start; at < tbs.end; ) {
    const field = tlv(der, at, tbs.end);
    at = field.end;
    if (field.tag !== 0xa3) continue;
    const list = tlv(der, field.start, field.end);
    for (let e = list.start; e < list.end; ) {
      const ext = tlv(der, e, list.end);
      e = ext.end;
      const id = tlv(der, ext.start, ext.end);
      if (oid(der, id) !== wanted) continue;
      let value = tlv(der, id.end, ext.end);
      if (value.tag === 0x01) value = tlv(der, value.end, ext.end); // critical BOOLEAN
      if (value.tag !== 0x04) throw new TlsWireError("invalid", "extnValue is not an OCTET STRING");
      return der.subarray(value.start, value.end);
    }
  }
  return undefined;
}

/** The certificate's signatureAlgorithm (outer AlgorithmIdentifier) OID and, for RSASSA-PSS, its hash. */
export function signatureAlgorithmOf(der: Buffer): { oid: string; name: string; hash?: string } {
  const cert = tlv(der, 0, der.length);
  if (cert.tag !== 0x30) throw new TlsWireError("invalid", "certificate is not a SEQUENCE");
  const tbs = tlv(der, cert.start, cert.end);
  const alg = tlv(der, tbs.end, cert.end);
  if (alg.tag !== 0x30) throw new TlsWireError("invalid", "signatureAlgorithm is not a SEQUENCE");
  const id = oid(der, tlv(der, alg.start, alg.end));
  const known = SIGNATURE_OIDS[id];
  if (!known) return { oid: id, name: id };
  let hash = known.hash;
  if (id === "1.2.840.113549.1.1.10") {
    // RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, ... } (RFC 4055 §3.1)
    const first = tlv(der, alg.start, alg.end);
    if (first.end < alg.end) {
      const params = tlv(der, first.end, alg.end);
      if (params.tag === 0x30 && params.end > params.start) {
        const h0 = tlv(der, params.start, params.end);
        if (h0.tag === 0xa0) hash = HASH_OIDS[oid(der, tlv(der, tlv(der, h0.start, h0.end).start, h0.end))] ?? "unknown";
      }
    }
  }
  return { oid: id, name: id === "1.2.840.113549.1.1.10" ? `RSASSA-PSS with ${hash}` : known.name, hash };
}

export interface CertificateDescription {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  selfSigned: boolean;
  /** Node's asymmetricKeyType: rsa, rsa-pss, dsa, ec, ed25519, ed448, x25519, x448, dh, or "unknown" */
  keyType: string;
  /** modulus size (RSA, DSA, DH) or curve order size from the curve name (EC) */
  keyBits?: number;
  namedCurve?: string;
  signatureOid: string;
  signatureAlgorithm: string;
  signatureHash?: string;
  sha256: string;
}

/** Describe one DER certificate; throws TlsWireError (or Node's parse error wrapped) when it cannot be read. */
export function describeCertificate(der: Buffer): CertificateDescription {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch (e) {
    throw new TlsWireError("invalid", `certificate does not parse: ${(e as Error).message.split("\n")[0]}`);
  }
  const sig = signatureAlgorithmOf(der);
  let key: X509Certificate["publicKey"];
  let details: { modulusLength?: number; namedCurve?: string };
  let subject: string;
  let issuer: string;
  let notBefore: string;
  let notAfter: string;
  try {
    // Node parses lazily: a malformed key or name only throws here (found by scripts/fuzz/tls.ts)
    key = cert.publicKey;
    details = (key.asymmetricKeyDetails ?? {}) as { modulusLength?: number; namedCurve?: string };
    subject = cert.subject;
    issuer = cert.issuer;
    notBefore = new Date(cert.validFrom).toISOString();
    notAfter = new Date(cert.validTo).toISOString();
  } catch (e) {
    throw new TlsWireError("invalid", `certificate field does not parse: ${(e as Error).message.split("\n")[0]}`);
  }
  const out: CertificateDescription = {
    subject,
    issuer,
    notBefore,
    notAfter,
    selfSigned: subject === issuer && safeVerify(cert),
    keyType: key.asymmetricKeyType ?? "unknown",
    signatureOid: sig.oid,
    signatureAlgorithm: sig.name,
    ...(sig.hash ? { signatureHash: sig.hash } : {}),
    sha256: createHash("sha256").update(der).digest("hex"),
  };
  if (details.modulusLength) out.keyBits = details.modulusLength;
  if (details.namedCurve) out.namedCurve = details.namedCurve;
  return out;
}

function safeVerify(cert: X509Certificate): boolean {
  try {
    return cert.verify(cert.publicKey);
  } catch {
    return false;
  }
}
