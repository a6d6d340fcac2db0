// OPC UA rules on the server certificates (OpalOPC 10014 invalid certificate, 10015 details as
// evidence): validity period, key strength per key type (src/knowledge/key-strength.ts: DSA never,
// RSA/RSA-PSS 2048, EC 224-bit order, unknown types undetermined), signature hash, host names and
// the ApplicationUri in the subjectAltName, and the chain as sent. A field that could not be read
// is undetermined, never a pass.
import { isIP } from "node:net";
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { fail, isoTime, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import { judgeKey } from "../../src/knowledge/key-strength.js";
import type { CertificateFacts, OpcuaFacts } from "./facts.js";

const NEAR_EXPIRY_DAYS = 30;
const CERT_DOCS = "https://reference.opcfoundation.org/Core/Part4/v105/docs/6.1.3";

/** The certificate's details, in every certificate finding (OpalOPC 10015). */
export function certEvidence(c: CertificateFacts, endpoints: string[]) {
  return {
    subject: c.subject,
    issuer: c.issuer,
    sha256: c.sha256,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    keyAlgorithm: c.keyAlgorithm,
    keySize: c.keySize,
    signatureAlgorithm: c.signatureAlgorithm,
    sanUris: c.sanUris,
    endpoints,
  };
}

function forEachCertificate(facts: OpcuaFacts, fn: (c: CertificateFacts, endpoints: string[]) => RuleOutcome): RuleOutcome[] | RuleOutcome {
  const unparsed = facts.certificateErrors.map((e) =>
    undetermined("unparsed", `server certificate could not be parsed: ${e.error}`, { sha256: e.sha256, error: e.error }),
  );
  if (facts.certificates.length === 0) {
    if (unparsed.length) return unparsed;
    return notApplicable("no endpoint carries a server certificate", { endpoints: facts.endpoints.length });
  }
  return [
    ...facts.certificates.map((c) => fn(c, [...new Set(facts.endpoints.filter((e) => e.certificateSha256 === c.sha256).map((e) => e.endpointUrl))])),
    ...unparsed,
  ];
}

const certValidity = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.validity",
    title: "OPC UA server certificate expired, not yet valid or near expiry",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "high",
    safety: "passive",
    remediation: "Renew the application instance certificate before it expires and automate renewal (GDS push or vendor tooling).",
    docs: CERT_DOCS,
  },
  check({ facts, envelope }) {
    const now = Date.parse(envelope.startedAt) || Date.now();
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = certEvidence(c, endpoints);
      const notAfter = isoTime(c.notAfter);
      const notBefore = isoTime(c.notBefore);
      if (Number.isNaN(notAfter) || Number.isNaN(notBefore)) return undetermined("unparsed", "the certificate's validity period could not be read", ev);
      const days = Math.floor((notAfter - now) / 86_400_000);
      if (notAfter < now) return fail(`server certificate expired on ${c.notAfter}`, ev);
      if (notBefore > now) return fail(`server certificate is not valid before ${c.notBefore}`, ev);
      if (days < NEAR_EXPIRY_DAYS) return fail(`server certificate expires in ${days} day(s) (${c.notAfter})`, { ...ev, daysLeft: days }, { severity: "low" });
      return pass(`valid until ${c.notAfter} (${days} days)`, ev);
    });
  },
});

const certKeySize = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.key-size",
    title: "OPC UA server certificate key too weak for its type",
    elements: [7],
    iec62443: ["CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation: "Issue the server a certificate with an RSA key of at least 2048 bits (or a NIST P-256+ EC key for ECC policies); never DSA.",
    docs: "https://reference.opcfoundation.org/Core/Part7/",
  },
  check({ facts }) {
    return forEachCertificate(facts, (c, endpoints) => {
      const k = judgeKey(c.keyAlgorithm === "unknown" ? undefined : c.keyAlgorithm, c.keySize ?? undefined, c.curve ?? undefined);
      const ev = { ...certEvidence(c, endpoints), curve: c.curve, judgement: k.detail };
      if (k.status === "weak") return fail(`server certificate key: ${k.detail}`, { ...ev, ...(k.minimumBits ? { minimumBits: k.minimumBits } : {}) });
      if (k.status === "unknown") return undetermined("unknown-value", `server certificate key cannot be judged: ${k.detail}`, ev);
      return pass(`server certificate key: ${k.detail}`, ev);
    });
  },
});

const GOOD_HASHES = new Set(["SHA-256", "SHA-384", "SHA-512"]);
const WEAK_HASHES = new Set(["SHA-1", "MD5", "MD2"]);
const FIXED_HASH_SIGNATURES = new Set(["Ed25519", "Ed448"]);

const certSha1 = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.sha1",
    title: "OPC UA server certificate signed with SHA-1 (or weaker)",
    elements: [7],
    iec62443: ["CR 1.9"],
    severity: "medium",
    safety: "passive",
    remediation: "Re-issue the certificate with a SHA-256 (or stronger) signature.",
    docs: "https://reference.opcfoundation.org/Core/Part7/",
  },
  check({ facts }) {
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = certEvidence(c, endpoints);
      const hash = (c.signatureHash ?? "").toUpperCase();
      if (WEAK_HASHES.has(hash)) return fail(`certificate signed with ${c.signatureAlgorithm}`, ev);
      if (GOOD_HASHES.has(hash) || FIXED_HASH_SIGNATURES.has(c.signatureAlgorithm)) return pass(`certificate signed with ${c.signatureAlgorithm}`, ev);
      return undetermined("unknown-value", `signature algorithm not recognised (${c.signatureAlgorithm})`, ev);
    });
  },
});

/** Canonical text of an IP address (IPv6 compressed, lower case) so "::1" equals "0:0:0:0:0:0:0:1". */
function canonicalIp(ip: string): string {
  const bare = ip.replace(/^\[|\]$/g, "");
  return isIP(bare) === 6 ? new URL(`http://[${bare}]/`).hostname.toLowerCase() : bare;
}

function sanMatches(c: CertificateFacts, host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (isIP(h)) return c.sanIps.some((ip) => isIP(ip.replace(/^\[|\]$/g, "")) > 0 && canonicalIp(ip) === canonicalIp(h));
  return c.sanDns.some((d) => {
    const name = d.toLowerCase();
    if (name.startsWith("*.")) return h.endsWith(name.slice(1)) && h.split(".").length === name.split(".").length;
    return name === h;
  });
}

const certHostMismatch = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.host-mismatch",
    title: "OPC UA server certificate does not name the host it is reached at",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "medium",
    safety: "passive",
    remediation: "Issue the certificate with the device's DNS names and IP addresses in the subjectAltName, as OPC 10000-6 §6.2.2 requires.",
    docs: CERT_DOCS,
  },
  check({ facts, envelope, host }) {
    const hosts = [...new Set([host, ...envelope.endpoints.map((e) => e.host)])];
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = { ...certEvidence(c, endpoints), hosts, sanDns: c.sanDns, sanIps: c.sanIps };
      if (hosts.some((h) => sanMatches(c, h))) return pass(`certificate names ${hosts.filter((h) => sanMatches(c, h)).join(", ")}`, ev);
      return fail(`certificate subjectAltName (DNS ${c.sanDns.join(", ") || "-"}; IP ${c.sanIps.join(", ") || "-"}) does not name ${hosts.join(" or ")}`, ev);
    });
  },
});

const certApplicationUri = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.application-uri",
    title: "OPC UA server certificate does not carry the server's ApplicationUri",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Issue the application instance certificate with the server's ApplicationUri as a URI in the subjectAltName (OPC 10000-6 §6.2.2); clients that validate it refuse the server otherwise.",
    docs: CERT_DOCS,
  },
  check({ facts }) {
    return forEachCertificate(facts, (c, endpoints) => {
      const uris = [...new Set(facts.endpoints.filter((e) => e.certificateSha256 === c.sha256).map((e) => e.applicationUri))];
      const ev = { ...certEvidence(c, endpoints), applicationUris: uris };
      if (uris.length === 0)
        return undetermined("no-evidence", "no listed endpoint carries this certificate: there is no ApplicationUri to compare it with", ev);
      const missing = uris.filter((u) => !c.sanUris.includes(u));
      if (missing.length)
        return fail(
          `ApplicationUri ${missing.map((u) => JSON.stringify(u)).join(", ")} not in the certificate's subjectAltName URIs (${c.sanUris.join(", ") || "none"})`,
          ev,
        );
      return pass(`certificate names the ApplicationUri ${uris.join(", ")}`, ev);
    });
  },
});

const certChain = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.chain",
    title: "OPC UA server certificate chain does not verify",
    elements: [7],
    iec62443: ["CR 1.8", "CR 1.9"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Send the complete chain (own certificate, then its issuers, OPC 10000-6 §6.2.6) with valid signatures; re-issue a certificate whose signature does not verify.",
    docs: CERT_DOCS,
  },
  check({ facts }) {
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = { ...certEvidence(c, endpoints), chain: c.chain };
      if (!c.chain) return undetermined("unobservable", "the facts do not record the certificate chain (recorded by an older probe): rescan", ev);
      switch (c.chain.status) {
        case "broken":
          return fail(`certificate chain broken: ${c.chain.detail}`, ev);
        case "incomplete":
          return undetermined("incomplete", `certificate chain incomplete: ${c.chain.detail}`, ev);
        case "self-signed":
          return pass("self-signed certificate, its signature verifies (trust in it is set up per client, out of band)", ev);
        default:
          return pass(`certificate chain verifies: ${c.chain.detail}`, ev);
      }
    });
  },
});

export const CERT_RULES = [certValidity, certKeySize, certSha1, certHostMismatch, certApplicationUri, certChain];
