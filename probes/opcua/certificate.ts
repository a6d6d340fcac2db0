// Server certificate facts from the DER bytes GetEndpoints returns: subject, issuer, validity, key
// type, size and curve, signature algorithm, SAN URIs / DNS names / IP addresses, self-signed, and
// the chain as sent. Uses @peculiar/x509 for the signature algorithm and SAN, node:crypto for the key
// and signature checks. Parsed per field: a field that cannot be read is left unknown (never assumed
// strong) and the rest is kept; only DER that is not a certificate at all is an error.
// OPC 10000-6 §6.2.2 (application instance certificate), §6.2.6 (certificate chains are DER
// certificates concatenated: the first is the server's own).
import { X509Certificate as NodeX509, createHash } from "node:crypto";
import { curveBits } from "../../src/knowledge/key-strength.js";
import type { CertificateFacts } from "./facts.js";
import { peculiarX509 } from "../../src/net/x509-lib.js";

/** Largest certificate chain parsed (bytes) and most certificates walked in it. */
export const CERT_LIMITS = { maxBytes: 64 * 1024, maxChain: 8 } as const;

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

/** The DER certificates of a concatenated chain, at most CERT_LIMITS.maxChain (own certificate first). */
export function splitChain(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let rest = bytes;
  while (rest.length > 0 && out.length < CERT_LIMITS.maxChain) {
    const n = firstDerLength(rest);
    out.push(rest.subarray(0, n));
    rest = rest.subarray(n);
  }
  return out;
}

export function sha256Hex(der: Buffer): string {
  return createHash("sha256").update(der).digest("hex");
}

async function loadX509() {
  return peculiarX509();
}

function attempt<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

/** Does `cert` carry a valid signature by `issuer`'s key, naming it as issuer? */
function signedBy(cert: NodeX509, issuer: NodeX509): boolean {
  return attempt(() => cert.checkIssued(issuer) && cert.verify(issuer.publicKey), false);
}

function chainFacts(certs: NodeX509[]): NonNullable<CertificateFacts["chain"]> {
  const leaf = certs[0]!;
  if (certs.length === 1 && leaf.issuer === leaf.subject) {
    return signedBy(leaf, leaf)
      ? { status: "self-signed", length: 1, detail: "self-signed; its signature verifies with its own key" }
      : { status: "broken", length: 1, detail: "names itself as issuer but its signature does not verify with its own key" };
  }
  for (let i = 0; i + 1 < certs.length; i++) {
    if (!signedBy(certs[i]!, certs[i + 1]!))
      return { status: "broken", length: certs.length, detail: `certificate ${i + 1} of the chain is not signed by certificate ${i + 2}` };
  }
  const last = certs[certs.length - 1]!;
  if (last.issuer === last.subject && signedBy(last, last))
    return { status: "verified", length: certs.length, detail: `${certs.length} certificate(s), each signed by the next, ending in a self-signed root` };
  return { status: "incomplete", length: certs.length, detail: `the issuer of ${JSON.stringify(last.issuer)} was not sent: the chain cannot be verified here` };
}

/** Parse the server certificate (first of a chain). Throws only when the bytes are not a certificate. */
export async function parseCertificate(bytes: Buffer): Promise<CertificateFacts> {
  if (bytes.length > CERT_LIMITS.maxBytes) throw new Error(`certificate chain of ${bytes.length} bytes exceeds the ${CERT_LIMITS.maxBytes}-byte cap`);
  const ders = splitChain(bytes);
  const der = ders[0]!;
  const nodeCert = new NodeX509(der);
  const chainCerts = [nodeCert, ...ders.slice(1).flatMap((d) => attempt(() => [new NodeX509(d)], [] as NodeX509[]))];
  const { X509Certificate, SubjectAlternativeNameExtension } = await loadX509();
  const cert = attempt(() => new X509Certificate(der), undefined);
  const key = attempt(() => nodeCert.publicKey, undefined);
  const details = attempt(() => key?.asymmetricKeyDetails, undefined);
  const curve = details?.namedCurve ?? null;
  const keySize = details?.modulusLength ?? curveBits(curve ?? undefined) ?? null;
  let signatureAlgorithm = "unknown";
  let signatureHash: string | null = null;
  try {
    const alg = cert!.signatureAlgorithm as { name: string; hash?: { name: string } };
    signatureAlgorithm = alg.hash ? `${alg.name} with ${alg.hash.name}` : alg.name;
    signatureHash = alg.hash?.name ?? null;
  } catch {
    // an algorithm @peculiar/x509 does not know: left as "unknown" (never assumed strong)
  }
  const sanUris: string[] = [];
  const sanDns: string[] = [];
  const sanIps: string[] = [];
  const san = attempt(() => cert?.getExtension(SubjectAlternativeNameExtension), undefined);
  for (const name of attempt(() => san?.names.items ?? [], [])) {
    if (name.type === "url") sanUris.push(name.value);
    else if (name.type === "dns") sanDns.push(name.value);
    else if (name.type === "ip") sanIps.push(name.value);
  }
  const chain = chainFacts(chainCerts);
  return {
    sha256: sha256Hex(der),
    subject: attempt(() => cert?.subject ?? nodeCert.subject, ""),
    issuer: attempt(() => cert?.issuer ?? nodeCert.issuer, ""),
    notBefore: attempt(() => (cert ? cert.notBefore : new Date(nodeCert.validFrom)).toISOString(), ""),
    notAfter: attempt(() => (cert ? cert.notAfter : new Date(nodeCert.validTo)).toISOString(), ""),
    keyAlgorithm: key?.asymmetricKeyType ?? "unknown",
    keySize,
    curve,
    signatureAlgorithm,
    signatureHash,
    sanUris: sanUris.slice(0, 32),
    sanDns: sanDns.slice(0, 32),
    sanIps: sanIps.slice(0, 32),
    selfSigned: chain.status === "self-signed",
    chain,
  };
}
