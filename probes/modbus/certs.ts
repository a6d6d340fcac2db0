// X.509 helpers for Modbus/TCP Security (Modbus/TCP Security Protocol Specification, 2018): peer
// certificate -> facts (probes/tls/wire/x509.ts for key and signature, plus the role extension),
// and certificates for the simulator (CA, server, client certificates with or without a role).
import { webcrypto } from "node:crypto";
import { curveBits } from "../../src/knowledge/key-strength.js";
import { describeCertificate, extensionValue } from "../tls/wire/x509.js";

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
type Algorithm = webcrypto.Algorithm;
type EcdsaParams = webcrypto.EcdsaParams;
type RsaHashedKeyGenParams = webcrypto.RsaHashedKeyGenParams;
type EcKeyGenParams = webcrypto.EcKeyGenParams;
import type * as X509 from "@peculiar/x509";
import { peculiarX509 } from "../../src/net/x509-lib.js";
import type { CertificateFacts } from "./facts.js";

/**
 * @peculiar/x509 (src/net/x509-lib.ts) and its CommonJS tree load only when a simulator issues a
 * certificate: reading one (roleOf, certificateFacts) uses probes/tls/wire.
 */
const x509 = peculiarX509;

/** Role extension: "RoleOID" 1.3.6.1.4.1.50316.802.1, value an ASN.1 UTF8String (Modbus/TCP Security §"Role"). */
export const MODBUS_ROLE_OID = "1.3.6.1.4.1.50316.802.1";

export type KeyType = "ec-p256" | "ec-p384" | "rsa-2048" | "rsa-1024";

/** DER UTF8String (tag 0x0C) of a role name. */
export function encodeRole(role: string): Uint8Array {
  const body = Buffer.from(role, "utf8");
  if (body.length > 0xffff) throw new RangeError("role too long");
  const len = body.length < 0x80 ? [body.length] : body.length < 0x100 ? [0x81, body.length] : [0x82, body.length >> 8, body.length & 0xff];
  return Uint8Array.from([0x0c, ...len, ...body]);
}

/** Decode the role extension value (a DER string type); undefined when it is not one. */
export function decodeRole(der: Uint8Array): string | undefined {
  const b = Buffer.from(der);
  if (b.length < 2 || ![0x0c, 0x13, 0x16].includes(b[0]!)) return undefined; // UTF8String, PrintableString, IA5String
  let len = b[1]!;
  let at = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 2 || b.length < 2 + n) return undefined;
    len = n === 1 ? b[2]! : b.readUInt16BE(2);
    at = 2 + n;
  }
  if (at + len > b.length) return undefined;
  return b.subarray(at, at + len).toString("utf8");
}

/** The Modbus role carried by a DER certificate, if any (undefined when absent or unreadable). */
export function roleOf(der: Buffer): string | undefined {
  try {
    const value = extensionValue(der, MODBUS_ROLE_OID);
    return value ? decodeRole(new Uint8Array(value)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Certificate facts from DER bytes (validity at `now`, key type and size for every key type,
 * signature algorithm from its OID, role). Throws TlsWireError when the DER does not parse.
 */
export function certificateFacts(der: Buffer, now = new Date(), source?: "server-flight" | "handshake"): CertificateFacts {
  const d = describeCertificate(der);
  const facts: CertificateFacts = {
    subject: d.subject,
    issuer: d.issuer,
    selfSigned: d.selfSigned,
    notBefore: d.notBefore,
    notAfter: d.notAfter,
    validNow: Date.parse(d.notBefore) <= now.getTime() && now.getTime() <= Date.parse(d.notAfter),
    keyAlgorithm: d.keyType,
    signatureAlgorithm: d.signatureAlgorithm,
    signatureOid: d.signatureOid,
    sha256: d.sha256,
    ...(d.signatureHash ? { signatureHash: d.signatureHash } : {}),
    ...(source ? { source } : {}),
  };
  if (d.keyBits) facts.keyBits = d.keyBits;
  if (d.namedCurve) {
    facts.namedCurve = d.namedCurve;
    const bits = curveBits(d.namedCurve);
    if (bits) facts.keyBits = bits;
  }
  const role = roleOf(der);
  if (role !== undefined) facts.role = role;
  return facts;
}

function keyAlgorithm(type: KeyType, signHash: "SHA-256" | "SHA-1"): { gen: RsaHashedKeyGenParams | EcKeyGenParams; sign: Algorithm | EcdsaParams } {
  if (type.startsWith("ec")) {
    const namedCurve = type === "ec-p384" ? "P-384" : "P-256";
    return { gen: { name: "ECDSA", namedCurve }, sign: { name: "ECDSA", hash: signHash } as EcdsaParams };
  }
  const modulusLength = type === "rsa-1024" ? 1024 : 2048;
  return {
    gen: { name: "RSASSA-PKCS1-v1_5", hash: signHash, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
    sign: { name: "RSASSA-PKCS1-v1_5", hash: signHash } as Algorithm,
  };
}

async function pkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

export interface IssuedCert {
  certPem: string;
  keyPem: string;
  cert: X509.X509Certificate;
  keys: CryptoKeyPair;
}

export interface IssueOptions {
  subject: string;
  keyType?: KeyType;
  signHash?: "SHA-256" | "SHA-1";
  role?: string;
  notBefore?: Date;
  notAfter?: Date;
  /** issuer; self-signed when absent */
  ca?: IssuedCert;
  isCa?: boolean;
  /** subjectAltName IP addresses (server certificates) */
  ips?: string[];
}

/** Issue a certificate (self-signed or signed by `ca`), optionally with the Modbus role extension. */
export async function issueCertificate(o: IssueOptions): Promise<IssuedCert> {
  const signHash = o.signHash ?? "SHA-256";
  const alg = keyAlgorithm(o.keyType ?? "ec-p256", signHash);
  const keys = (await webcrypto.subtle.generateKey(alg.gen, true, ["sign", "verify"])) as unknown as CryptoKeyPair;
  const extensions: X509.Extension[] = [new (x509().BasicConstraintsExtension)(o.isCa ?? false, undefined, true)];
  extensions.push(
    new (x509().KeyUsagesExtension)(
      o.isCa ? x509().KeyUsageFlags.keyCertSign | x509().KeyUsageFlags.cRLSign : x509().KeyUsageFlags.digitalSignature | x509().KeyUsageFlags.keyEncipherment,
      true,
    ),
  );
  if (o.ips?.length) extensions.push(new (x509().SubjectAlternativeNameExtension)(o.ips.map((ip) => ({ type: "ip" as const, value: ip }))));
  if (o.role !== undefined) extensions.push(new (x509().Extension)(MODBUS_ROLE_OID, false, encodeRole(o.role)));
  const notBefore = o.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = o.notAfter ?? new Date(Date.now() + 365 * 24 * 3600_000);
  const serialNumber = Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString("hex")
    .replace(/^[89a-f]/, "1");
  const cert = o.ca
    ? await x509().X509CertificateGenerator.create({
        serialNumber,
        subject: o.subject,
        issuer: o.ca.cert.subject,
        notBefore,
        notAfter,
        publicKey: keys.publicKey,
        signingKey: o.ca.keys.privateKey,
        signingAlgorithm: keyAlgorithm((o.ca.cert.publicKey.algorithm.name === "ECDSA" ? "ec-p256" : "rsa-2048") as KeyType, signHash).sign,
        extensions,
      })
    : await x509().X509CertificateGenerator.createSelfSigned({
        serialNumber,
        name: o.subject,
        notBefore,
        notAfter,
        keys,
        signingAlgorithm: alg.sign,
        extensions,
      });
  return { certPem: cert.toString("pem"), keyPem: await pkcs8Pem(keys.privateKey), cert, keys };
}
