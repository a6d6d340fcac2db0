// Certificate chain -> facts (RFC 5280 §4.1): each certificate as sent, leaf first, described by
// probes/tls/wire/x509.ts (key type and size for every key type, signature algorithm from its OID,
// validity, self-signed), plus the leaf's subjectAltName DNS names and IP addresses (RFC 5280
// §4.2.1.6) and subject CN, bounded. A certificate that does not parse is recorded as an error by
// its index, never skipped silently.
import { X509Certificate } from "node:crypto";
import { curveBits } from "../../src/knowledge/key-strength.js";
import { MAX_CHAIN, MAX_SAN } from "./checks.js";
import type { CertificateFacts, TlsService } from "./facts.js";
import { TlsWireError } from "./wire/errors.js";
import { describeCertificate } from "./wire/x509.js";

/**
 * Split Node's subjectAltName text ("DNS:a, IP Address:1.2.3.4", values with special characters
 * JSON-quoted) into entries; bounded by MAX_SAN per kind.
 */
export function parseSubjectAltName(text: string | undefined): { dns: string[]; ip: string[] } {
  const out = { dns: [] as string[], ip: [] as string[] };
  if (!text) return out;
  let i = 0;
  const n = Math.min(text.length, 64 * 1024);
  while (i < n && (out.dns.length < MAX_SAN || out.ip.length < MAX_SAN)) {
    const colon = text.indexOf(":", i);
    if (colon < 0) break;
    const kind = text.slice(i, colon).trim();
    let value: string;
    let next: number;
    if (text[colon + 1] === '"') {
      // a JSON string literal: find its closing quote (escapes skipped)
      let j = colon + 2;
      while (j < n && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      try {
        value = JSON.parse(text.slice(colon + 1, j + 1)) as string;
      } catch {
        value = text.slice(colon + 2, j);
      }
      next = text.indexOf(",", j + 1);
    } else {
      next = text.indexOf(",", colon + 1);
      value = text.slice(colon + 1, next < 0 ? n : next);
    }
    if (kind === "DNS" && out.dns.length < MAX_SAN) out.dns.push(value);
    else if (kind === "IP Address" && out.ip.length < MAX_SAN) out.ip.push(value);
    if (next < 0) break;
    i = next + 1;
  }
  return out;
}

/** The last CN of a subject as Node prints it ("C=DE\nO=x\nCN=plc"). */
export function commonNameOf(subject: string): string | undefined {
  const cns = subject.split("\n").filter((l) => l.startsWith("CN="));
  return cns.length ? cns[cns.length - 1]!.slice(3) : undefined;
}

export function certificateFacts(der: Buffer, leaf: boolean): CertificateFacts {
  const d = describeCertificate(der);
  const facts: CertificateFacts = {
    subject: d.subject,
    issuer: d.issuer,
    selfSigned: d.selfSigned,
    notBefore: d.notBefore,
    notAfter: d.notAfter,
    keyAlgorithm: d.keyType,
    signatureAlgorithm: d.signatureAlgorithm,
    signatureOid: d.signatureOid,
    sha256: d.sha256,
    ...(d.signatureHash ? { signatureHash: d.signatureHash } : {}),
  };
  if (d.keyBits) facts.keyBits = d.keyBits;
  if (d.namedCurve) {
    facts.namedCurve = d.namedCurve;
    const bits = curveBits(d.namedCurve);
    if (bits) facts.keyBits = bits;
  }
  if (leaf) {
    let san: string | undefined;
    try {
      san = new X509Certificate(der).subjectAltName;
    } catch {
      san = undefined; // describeCertificate parsed it; a SAN Node cannot print is left out (no name can match then)
    }
    const names = parseSubjectAltName(san);
    facts.sanDns = names.dns;
    facts.sanIp = names.ip;
    const cn = commonNameOf(d.subject);
    if (cn !== undefined) facts.commonName = cn;
  }
  return facts;
}

/** Record a chain as sent (leaf first): described certificates, errors by index, counts. */
export function recordChain(svc: TlsService, ders: Buffer[], source: "server-flight" | "handshake", truncated: boolean, sent = ders.length): void {
  svc.certificates = [];
  svc.certificateErrors = [];
  for (const [index, der] of ders.slice(0, MAX_CHAIN).entries()) {
    try {
      svc.certificates.push(certificateFacts(der, index === 0));
    } catch (e) {
      svc.certificateErrors.push({
        index,
        message: e instanceof TlsWireError ? e.message : `certificate does not parse: ${(e as Error).message.split("\n")[0]}`,
      });
      if (index === 0) break; // without the leaf, the rest cannot be placed
    }
  }
  svc.chain = { source, sent: Math.max(sent, ders.length), truncated: truncated || ders.length > MAX_CHAIN };
}
