// Public host key blobs (K_S of the key exchange reply), parsed field by field and never throwing:
// a malformed blob keeps its type and fingerprint and says which field failed. Plain keys
// (RFC 4253 §6.6 ssh-rsa / ssh-dss, RFC 5656 §3.1 ecdsa-sha2-*, RFC 8709 §4 ssh-ed25519 /
// ssh-ed448), security-key types (OpenSSH PROTOCOL.u2f: sk-ssh-ed25519@openssh.com,
// sk-ecdsa-sha2-nistp256@openssh.com) and OpenSSH certificates (PROTOCOL.certkeys:
// *-cert-v01@openssh.com, whose signature key is the CA's public key). Pure; fuzzed.
import { createHash } from "node:crypto";
import { magnitudeBits, PayloadReader, SshWireError } from "./wire.js";

/** Bounds on what a certificate may make us store. */
export const MAX_CERT_LIST_ITEMS = 32;
export const MAX_CERT_TEXT = 256;

/** Curve sizes of the ecdsa-sha2-* identifiers (RFC 5656 §10.1). */
const ECDSA_CURVE_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

export interface PublicKeyInfo {
  /** key type named inside the blob, e.g. ssh-rsa, ecdsa-sha2-nistp256, sk-ssh-ed25519@openssh.com */
  keyType: string;
  /** modulus size (RSA, DSA), curve size (ECDSA) or fixed size (Ed25519 256, Ed448 448) */
  bits?: number;
  /** ECDSA curve identifier (nistp256, ...) */
  curve?: string;
  /** FIDO application string of a security-key type (e.g. "ssh:") */
  application?: string;
  /** the type is not one we can parse (its size is unknown) */
  unknownType?: boolean;
  /** the first field that could not be parsed */
  parseError?: string;
}

export interface CertificateInfo {
  /** 1 = user, 2 = host (PROTOCOL.certkeys); other numbers are kept as they were */
  certType?: number;
  serial?: string;
  keyId?: string;
  principals?: string[];
  principalsTotal?: number;
  /** seconds since the epoch; validBefore null = "forever" (0xffffffffffffffff) */
  validAfter?: number;
  validBefore?: number | null;
  criticalOptions?: string[];
  extensions?: string[];
  /** the CA key that signed the certificate */
  ca?: PublicKeyInfo & { fingerprintSha256: string };
  /** signature algorithm the CA used, e.g. ssh-ed25519, rsa-sha2-512, ssh-rsa (SHA-1) */
  signatureAlgorithm?: string;
  parseError?: string;
}

export interface HostKeyBlobInfo extends PublicKeyInfo {
  /** OpenSSH-style "SHA256:<base64>" of the whole blob (computed whatever its content) */
  fingerprintSha256: string;
  certificate?: CertificateInfo;
}

export function fingerprintOf(blob: Buffer): string {
  return "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
}

const text = (b: Buffer) => (b.length > MAX_CERT_TEXT ? `${b.subarray(0, MAX_CERT_TEXT).toString("latin1")}…(${b.length} bytes)` : b.toString("latin1"));

export function isCertificateType(t: string): boolean {
  return t.endsWith("-cert-v01@openssh.com");
}

/** The plain key type a certificate type certifies (ssh-ed25519-cert-v01@openssh.com -> ssh-ed25519). */
export function certifiedKeyType(certType: string): string {
  const base = certType.slice(0, -"-cert-v01@openssh.com".length);
  return base.startsWith("sk-") ? `${base}@openssh.com` : base;
}

/** Read the key fields of `keyType` (after the type string, and after the nonce for certificates). */
function readKeyFields(r: PayloadReader, keyType: string, out: PublicKeyInfo): void {
  if (keyType === "ssh-rsa") {
    r.string("rsa e");
    out.bits = magnitudeBits(r.string("rsa n"));
  } else if (keyType === "ssh-dss") {
    out.bits = magnitudeBits(r.string("dsa p"));
    r.string("dsa q");
    r.string("dsa g");
    r.string("dsa y");
  } else if (keyType.startsWith("ecdsa-sha2-") || keyType === "sk-ecdsa-sha2-nistp256@openssh.com") {
    const curve = r.string("ecdsa curve").toString("latin1");
    out.curve = curve;
    const expected = keyType.startsWith("sk-") ? "nistp256" : keyType.slice("ecdsa-sha2-".length);
    if (curve !== expected) throw new SshWireError(`ecdsa curve ${JSON.stringify(curve.slice(0, 40))} does not match the key type`);
    const q = r.string("ecdsa Q");
    const bits = ECDSA_CURVE_BITS[curve];
    if (bits === undefined) out.unknownType = true;
    else {
      // RFC 5656 §3.1: an uncompressed point, 1 + 2 * ceil(bits / 8) bytes
      if (q.length !== 1 + 2 * Math.ceil(bits / 8) || q[0] !== 4) throw new SshWireError(`ecdsa Q of ${q.length} bytes is not an uncompressed ${curve} point`);
      out.bits = bits;
    }
    if (keyType.startsWith("sk-")) out.application = text(r.string("sk application"));
  } else if (keyType === "ssh-ed25519" || keyType === "sk-ssh-ed25519@openssh.com") {
    const pk = r.string("ed25519 key");
    if (pk.length !== 32) throw new SshWireError(`ed25519 key of ${pk.length} bytes (32 expected)`);
    out.bits = 256;
    if (keyType.startsWith("sk-")) out.application = text(r.string("sk application"));
  } else if (keyType === "ssh-ed448") {
    const pk = r.string("ed448 key");
    if (pk.length !== 57) throw new SshWireError(`ed448 key of ${pk.length} bytes (57 expected)`);
    out.bits = 448;
  } else {
    out.unknownType = true;
  }
}

function nameList(b: Buffer, what: string, withData: boolean): { names: string[]; total: number } {
  const r = new PayloadReader(b);
  const names: string[] = [];
  let total = 0;
  while (r.remaining > 0) {
    const n = r.string(what);
    if (withData) r.string(`${what} data`);
    total++;
    if (names.length < MAX_CERT_LIST_ITEMS) names.push(text(n));
  }
  return { names, total };
}

function seconds(v: bigint): number | null {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

/** Parse a public key blob that must not be a certificate (a CA key). */
function describePlainKey(blob: Buffer): PublicKeyInfo & { fingerprintSha256: string } {
  const out: PublicKeyInfo & { fingerprintSha256: string } = { keyType: "", fingerprintSha256: fingerprintOf(blob) };
  try {
    const r = new PayloadReader(blob);
    out.keyType = text(r.string("key type"));
    if (isCertificateType(out.keyType)) throw new SshWireError("a certificate where a CA key was expected (nested certificate)");
    readKeyFields(r, out.keyType, out);
  } catch (e) {
    out.parseError = (e as Error).message;
  }
  return out;
}

function readCertificate(r: PayloadReader, cert: CertificateInfo): void {
  cert.serial = r.uint64("serial").toString();
  cert.certType = r.uint32("certificate type");
  cert.keyId = text(r.string("key id"));
  const principals = nameList(r.string("valid principals"), "principal", false);
  cert.principals = principals.names;
  cert.principalsTotal = principals.total;
  cert.validAfter = seconds(r.uint64("valid after")) ?? Number.MAX_SAFE_INTEGER;
  cert.validBefore = seconds(r.uint64("valid before"));
  cert.criticalOptions = nameList(r.string("critical options"), "critical option", true).names;
  cert.extensions = nameList(r.string("extensions"), "extension", true).names;
  r.string("reserved");
  cert.ca = describePlainKey(Buffer.from(r.string("signature key")));
  const sig = new PayloadReader(r.string("signature"));
  cert.signatureAlgorithm = text(sig.string("signature format"));
}

/** Describe a host key blob; never throws. `expectedType` is the algorithm the key was fetched with. */
export function describeHostKeyBlob(blob: Buffer, expectedType?: string): HostKeyBlobInfo {
  const out: HostKeyBlobInfo = { keyType: expectedType ?? "", fingerprintSha256: fingerprintOf(blob) };
  const r = new PayloadReader(blob);
  try {
    out.keyType = text(r.string("key type"));
  } catch (e) {
    out.parseError = (e as Error).message;
    return out;
  }
  if (!isCertificateType(out.keyType)) {
    try {
      readKeyFields(r, out.keyType, out);
    } catch (e) {
      out.parseError = (e as Error).message;
    }
    return out;
  }
  // certificate: nonce, the certified key's fields, then the certificate fields (PROTOCOL.certkeys)
  const cert: CertificateInfo = {};
  out.certificate = cert;
  try {
    r.string("nonce");
    readKeyFields(r, certifiedKeyType(out.keyType), out);
  } catch (e) {
    out.parseError = (e as Error).message;
    return out;
  }
  if (out.unknownType) {
    cert.parseError = `certified key type ${certifiedKeyType(out.keyType)} is unknown: the certificate fields cannot be located`;
    return out;
  }
  try {
    readCertificate(r, cert);
  } catch (e) {
    cert.parseError = (e as Error).message;
  }
  return out;
}
