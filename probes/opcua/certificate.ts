// Server certificate facts from the DER bytes GetEndpoints returns: subject, issuer, validity, key
// size, signature algorithm, SAN URIs / DNS names / IP addresses, self-signed. Uses @peculiar/x509
// for the signature algorithm and SAN, node:crypto for key size and the self-signature check.
// OPC 10000-6 §6.2.2 (application instance certificate), §6.2.6 (certificate chains are DER
// certificates concatenated: the first is the server's own).
import { X509Certificate as NodeX509, createHash } from "node:crypto";
import type { CertificateFacts } from "./facts.js";

/** Length of the first DER element (SEQUENCE) in `der`, for splitting a concatenated chain. */
export function firstDerLength(der: Buffer): number {
  if (der.length < 2 || der[0] !== 0x30) throw new Error("not a DER SEQUENCE");
  const first = der[1]!;
  if (first < 0x80) return 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 4 || der.length < 2 + n) throw new Error("bad DER length");
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  const total = 2 + n + len;
  if (total > der.length) throw new Error("truncated DER certificate");
  return total;
}

export function sha256Hex(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}

let x509Module: Promise<typeof import("@peculiar/x509")> | undefined;
async function loadX509() {
  // @peculiar/x509 2.x resolves its services through tsyringe, which needs a Reflect polyfill
  x509Module ??= import("reflect-metadata").then(() => import("@peculiar/x509"));
  return x509Module;
}

/** Parse the server certificate (first of a chain). Throws on malformed input. */
export async function parseCertificate(bytes: Buffer): Promise<CertificateFacts> {
  const der = bytes.subarray(0, firstDerLength(bytes));
  const { X509Certificate, SubjectAlternativeNameExtension } = await loadX509();
  const cert = new X509Certificate(der);
  const nodeCert = new NodeX509(der);
  const details = nodeCert.publicKey.asymmetricKeyDetails;
  const keySize = details?.modulusLength ?? (details?.namedCurve ? curveBits(details.namedCurve) : null);
  let signatureAlgorithm = "unknown";
  let signatureHash: string | null = null;
  try {
    const alg = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
    signatureAlgorithm = alg.hash ? `${alg.name} with ${alg.hash.name}` : alg.name;
    signatureHash = alg.hash?.name ?? null;
  } catch {
    // an algorithm @peculiar/x509 does not know: left as "unknown" (never assumed strong)
  }
  const sanUris: string[] = [];
  const sanDns: string[] = [];
  const sanIps: string[] = [];
  const san = cert.getExtension(SubjectAlternativeNameExtension);
  for (const name of san?.names.items ?? []) {
    if (name.type === "url") sanUris.push(name.value);
    else if (name.type === "dns") sanDns.push(name.value);
    else if (name.type === "ip") sanIps.push(name.value);
  }
  let selfSigned = false;
  try {
    selfSigned = nodeCert.checkIssued(nodeCert) && nodeCert.verify(nodeCert.publicKey);
  } catch {
    selfSigned = false;
  }
  return {
    sha256: sha256Hex(der),
    subject: cert.subject,
    issuer: cert.issuer,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    keyAlgorithm: nodeCert.publicKey.asymmetricKeyType ?? "unknown",
    keySize,
    signatureAlgorithm,
    signatureHash,
    sanUris,
    sanDns,
    sanIps,
    selfSigned,
  };
}

function curveBits(curve: string): number | null {
  const m = /(\d{3})/.exec(curve);
  return m ? Number(m[1]) : null;
}
