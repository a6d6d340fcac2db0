// Transport kit, TLS part (heavy, loaded by probes only): read the facts of a completed handshake
// from Node's TLSSocket and parse the server certificate with @peculiar/x509 (signature algorithm,
// self-signed) and node:crypto (key type, size, curve, SHA-256). Schemas: tls-session.ts.
import { X509Certificate as NodeX509 } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { MAX_NAMES, MAX_TEXT, type TlsCertificateFacts, type TlsSessionFacts } from "./tls-session.js";
import { peculiarX509 } from "./x509-lib.js";

const cut = (s: string) => (s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) : s);

/** Certificate facts from DER bytes. Throws on bytes that are not a certificate. */
export async function certificateFacts(der: Buffer): Promise<TlsCertificateFacts> {
  const node = new NodeX509(der);
  const cert = new (peculiarX509().X509Certificate)(der);
  const details = node.publicKey.asymmetricKeyDetails ?? {};
  const sig = cert.signatureAlgorithm as { name: string; hash?: { name: string } };
  const sans = (node.subjectAltName ?? "").split(/,\s*/).filter(Boolean).slice(0, MAX_NAMES).map(cut);
  const facts: TlsCertificateFacts = {
    subject: cut(cert.subject),
    issuer: cut(cert.issuer),
    serialNumber: cut(node.serialNumber),
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    selfSigned: await cert.isSelfSigned().catch(() => false),
    keyType: node.publicKey.asymmetricKeyType ?? "unknown",
    signatureAlgorithm: sig.hash ? `${sig.name} with ${sig.hash.name}` : sig.name,
    sha256: node.fingerprint256.replace(/:/g, "").toLowerCase(),
    subjectAltNames: sans,
  };
  if (details.modulusLength) facts.keyBits = details.modulusLength;
  if (details.namedCurve) facts.curve = details.namedCurve;
  return facts;
}

/** Facts of a completed handshake (the socket stays open; the caller closes it). */
export async function tlsSessionFacts(socket: TLSSocket): Promise<TlsSessionFacts> {
  const cipher = socket.getCipher();
  const facts: TlsSessionFacts = {
    protocol: socket.getProtocol() ?? "unknown",
    cipher: cipher?.standardName ?? cipher?.name ?? "unknown",
    chainLength: 0,
    verified: socket.authorized,
  };
  const eph = socket.getEphemeralKeyInfo();
  if (eph && "type" in eph && eph.type) facts.ephemeralKey = `${eph.type}${eph.name ? ` ${eph.name}` : ""}${eph.size ? ` ${eph.size}` : ""}`;
  if (!socket.authorized && socket.authorizationError) facts.verifyError = cut(String(socket.authorizationError));
  // the chain as sent: walk issuerCertificate links, bounded (a self-signed leaf points at itself)
  let peer = socket.getPeerCertificate(true) as { raw?: Buffer; issuerCertificate?: unknown; fingerprint256?: string } | undefined;
  const seen = new Set<string>();
  while (peer?.raw && seen.size < 10 && !seen.has(peer.fingerprint256 ?? "")) {
    seen.add(peer.fingerprint256 ?? String(seen.size));
    peer = peer.issuerCertificate as typeof peer;
  }
  facts.chainLength = seen.size;
  const leaf = socket.getPeerCertificate(false) as { raw?: Buffer } | undefined;
  if (leaf?.raw) facts.certificate = await certificateFacts(leaf.raw).catch(() => undefined);
  if (!facts.certificate) delete facts.certificate;
  return facts;
}
