// Certificates for the tls simulator (and the http simulator's HTTPS side): a server certificate of
// the profile's key type and size, signature hash, validity, subject CN and subjectAltName entries,
// self-signed or issued by a generated CA (a chain of two). Loaded lazily by the simulators only
// (@peculiar/x509 needs reflect-metadata and costs start-up time).
import { webcrypto } from "node:crypto";
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import type { z } from "zod";
import type { SimCertificate } from "./profile.js";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CertSpec = z.infer<typeof SimCertificate>;
type KeyPair = webcrypto.CryptoKeyPair;
const DAY = 86_400_000;

function algorithms(spec: Pick<CertSpec, "keyType" | "rsaBits" | "curve" | "signHash">): {
  gen: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
  sign: webcrypto.Algorithm;
} {
  if (spec.keyType === "ec") return { gen: { name: "ECDSA", namedCurve: spec.curve }, sign: { name: "ECDSA", hash: spec.signHash } as webcrypto.Algorithm };
  return {
    gen: { name: "RSASSA-PKCS1-v1_5", hash: spec.signHash, modulusLength: spec.rsaBits, publicExponent: new Uint8Array([1, 0, 1]) },
    sign: { name: "RSASSA-PKCS1-v1_5", hash: spec.signHash } as webcrypto.Algorithm,
  };
}

async function pkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

const serial = () =>
  Buffer.from(webcrypto.getRandomValues(new Uint8Array(8)))
    .toString("hex")
    .replace(/^[89a-f]/, "1");
/** RFC 4514 escaping for a CN value (the profile's text may hold commas, plus signs, ...). */
const cn = (s: string) => `CN=${s.replace(/([,+"\\<>;=#])/g, "\\$1")}`;

export interface SimChain {
  /** DER certificates, leaf first */
  ders: Buffer[];
  /** PEM chain (leaf first) and key, for Node's TLS */
  certPem: string;
  keyPem: string;
}

export async function makeChain(spec: CertSpec, now = Date.now()): Promise<SimChain> {
  const leafAlg = algorithms(spec);
  const keys = (await webcrypto.subtle.generateKey(leafAlg.gen, true, ["sign", "verify"])) as unknown as KeyPair;
  // an expired profile (notAfterDays < 0) keeps a sane window: notBefore a month before notAfter
  const notBefore = new Date(now + Math.min(spec.notBeforeDays, spec.notAfterDays - 30) * DAY);
  const notAfter = new Date(now + spec.notAfterDays * DAY);
  const names = [...spec.sanDns.map((value) => ({ type: "dns" as const, value })), ...spec.sanIp.map((value) => ({ type: "ip" as const, value }))];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
  ];
  if (names.length) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  if (!spec.caIssued) {
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: cn(spec.commonName),
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: leafAlg.sign,
      extensions,
    });
    return { ders: [Buffer.from(cert.rawData)], certPem: cert.toString("pem"), keyPem: await pkcs8Pem(keys.privateKey) };
  }
  // a CA of the same key type; the leaf is signed with the profile's hash
  const caKeys = (await webcrypto.subtle.generateKey(leafAlg.gen, true, ["sign", "verify"])) as unknown as KeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: "CN=otaudit simulator CA",
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 3650 * DAY),
    keys: caKeys,
    signingAlgorithm: algorithms({ ...spec, signHash: "SHA-256" }).sign,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: cn(spec.commonName),
    issuer: ca.subject,
    notBefore,
    notAfter,
    publicKey: keys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: leafAlg.sign,
    extensions,
  });
  return {
    ders: [Buffer.from(leaf.rawData), Buffer.from(ca.rawData)],
    certPem: leaf.toString("pem") + "\n" + ca.toString("pem"),
    keyPem: await pkcs8Pem(keys.privateKey),
  };
}
