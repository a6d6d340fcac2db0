// OPC UA rules: pure functions over the probe's facts (no I/O). Policy knowledge comes from
// data/security-policies.yaml; evidence names the endpoint URL, policy, certificate or NodeId.
import { isIP } from "node:net";
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import type { CertificateFacts, EndpointFacts, OpcuaFacts } from "./facts.js";
import { policyInfo } from "./knowledge.js";

const DOCS = "https://reference.opcfoundation.org/Core/Part2/v105/docs/";
const NEAR_EXPIRY_DAYS = 30;

function epLabel(e: EndpointFacts) {
  return { endpointUrl: e.endpointUrl, securityPolicy: policyInfo(e.securityPolicyUri).name, securityMode: e.securityMode };
}

/** The policy that protects a user token: its own, or the endpoint's when empty (Part 4 §7.41). */
export function effectiveTokenPolicy(e: EndpointFacts, tokenPolicyUri: string | null): string {
  return tokenPolicyUri && tokenPolicyUri.length > 0 ? tokenPolicyUri : e.securityPolicyUri;
}

const securityPolicyNone = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-policy.none",
    title: "OPC UA endpoint offers SecurityPolicy None",
    elements: [7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation: "Disable endpoints with SecurityPolicy None (keep discovery only); offer Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss with SignAndEncrypt.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const none = facts.endpoints.filter((e) => policyInfo(e.securityPolicyUri).status === "none");
    if (none.length === 0) return { status: "pass", message: "no endpoint offers SecurityPolicy None", evidence: { endpoints: facts.endpoints.map(epLabel) } };
    return {
      status: "fail",
      message: `SecurityPolicy None offered on ${none.map((e) => e.endpointUrl).join(", ")}: messages are neither signed nor encrypted`,
      evidence: { securityPolicy: "None", securityPolicyUri: none[0]!.securityPolicyUri, endpoints: none.map(epLabel), why: policyInfo(none[0]!.securityPolicyUri).reasons },
    };
  },
});

const deprecatedPolicies = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-policy.deprecated",
    title: "OPC UA endpoint offers a deprecated security policy (Basic128Rsa15, Basic256)",
    elements: [7],
    iec62443: ["CR 4.3", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation: "Disable Basic128Rsa15 and Basic256; use Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss.",
    docs: "https://reference.opcfoundation.org/Core/Part7/",
  },
  check({ facts }) {
    const byPolicy = new Map<string, EndpointFacts[]>();
    for (const e of facts.endpoints) {
      if (policyInfo(e.securityPolicyUri).status !== "deprecated") continue;
      byPolicy.set(e.securityPolicyUri, [...(byPolicy.get(e.securityPolicyUri) ?? []), e]);
    }
    if (byPolicy.size === 0) return { status: "pass", message: "no deprecated security policy offered", evidence: { policies: [...new Set(facts.endpoints.map((e) => policyInfo(e.securityPolicyUri).name))] } };
    return [...byPolicy.entries()].map(([uri, eps]): RuleOutcome => {
      const info = policyInfo(uri);
      return {
        status: "fail",
        // Basic128Rsa15 adds PKCS#1 v1.5 encryption and short keys to SHA-1: worse than Basic256
        severity: info.reasons.length > 1 ? "high" : "medium",
        message: `deprecated security policy ${info.name} offered on ${[...new Set(eps.map((e) => e.endpointUrl))].join(", ")}`,
        evidence: { securityPolicy: info.name, securityPolicyUri: uri, modes: eps.map((e) => e.securityMode), endpoints: eps.map(epLabel), why: info.reasons, spec: info.spec },
      };
    });
  },
});

const noEncryption = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-mode.no-encryption",
    title: "OPC UA server offers only Sign or None message security modes",
    elements: [5, 7],
    iec62443: ["CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation: "Offer at least one SignAndEncrypt endpoint with a current policy and make clients use it.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const encrypted = facts.endpoints.filter((e) => e.securityMode === "SignAndEncrypt" && policyInfo(e.securityPolicyUri).status !== "none");
    const modes = [...new Set(facts.endpoints.map((e) => e.securityMode))];
    if (encrypted.length > 0) return { status: "pass", message: `SignAndEncrypt offered (${encrypted.map((e) => policyInfo(e.securityPolicyUri).name).join(", ")})`, evidence: { modes } };
    return { status: "fail", message: `no endpoint encrypts traffic: modes offered are ${modes.join(", ") || "none"}`, evidence: { modes, endpoints: facts.endpoints.map(epLabel) } };
  },
});

const anonymousToken = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.user-token.anonymous",
    title: "OPC UA server offers the Anonymous user identity token",
    elements: [6, 9],
    iec62443: ["CR 1.1", "CR 2.1"],
    severity: "high",
    safety: "passive",
    remediation: "Remove the Anonymous user token policy; require user names with passwords or user certificates per person.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const anon = facts.endpoints.filter((e) => e.userTokens.some((t) => t.tokenType === "Anonymous"));
    if (anon.length === 0) return { status: "pass", message: "no endpoint offers anonymous access", evidence: { tokenTypes: [...new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)))] } };
    return {
      status: "fail",
      message: `anonymous user token offered on ${anon.length} endpoint(s); anonymous session ${facts.anonymousSession.status}`,
      evidence: { tokenType: "Anonymous", endpoints: anon.map(epLabel), anonymousSession: facts.anonymousSession.status },
    };
  },
});

const cleartextPassword = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.user-token.cleartext-password",
    title: "OPC UA UserName token whose password would travel unencrypted",
    elements: [5, 7, 9],
    iec62443: ["CR 1.5", "CR 4.1"],
    severity: "critical",
    safety: "passive",
    remediation: "Give UserName token policies a security policy (e.g. Basic256Sha256) so passwords are encrypted, or offer them only on SignAndEncrypt endpoints.",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/7.41",
  },
  check({ facts }) {
    const exposed: Record<string, unknown>[] = [];
    let userTokens = 0;
    for (const e of facts.endpoints) {
      for (const t of e.userTokens) {
        if (t.tokenType !== "UserName") continue;
        userTokens++;
        const policy = effectiveTokenPolicy(e, t.securityPolicyUri);
        // the password is encrypted with the token policy; with None it is only as safe as the channel
        if (policyInfo(policy).status === "none" && e.securityMode !== "SignAndEncrypt") {
          exposed.push({ ...epLabel(e), policyId: t.policyId, tokenSecurityPolicy: policyInfo(policy).name });
        }
      }
    }
    if (userTokens === 0) return { status: "not_applicable", message: "no UserName token offered", evidence: {} };
    if (exposed.length === 0) return { status: "pass", message: "every UserName token policy encrypts the password", evidence: { userNameTokens: userTokens } };
    return { status: "fail", message: `passwords would cross the network in clear text on ${exposed.map((x) => x.endpointUrl).join(", ")}`, evidence: { tokens: exposed } };
  },
});

function forEachCertificate(facts: OpcuaFacts, fn: (c: CertificateFacts, endpoints: string[]) => RuleOutcome): RuleOutcome[] | RuleOutcome {
  if (facts.certificates.length === 0) {
    if (facts.certificateErrors.length > 0) return { status: "error", message: `server certificate could not be parsed: ${facts.certificateErrors[0]!.error}`, evidence: { certificateErrors: facts.certificateErrors } };
    return { status: "not_applicable", message: "no endpoint carries a server certificate", evidence: {} };
  }
  return facts.certificates.map((c) => fn(c, [...new Set(facts.endpoints.filter((e) => e.certificateSha256 === c.sha256).map((e) => e.endpointUrl))]));
}

function certEvidence(c: CertificateFacts, endpoints: string[]) {
  return { subject: c.subject, issuer: c.issuer, sha256: c.sha256, endpoints };
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
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/6.1.3",
  },
  check({ facts, envelope }) {
    const now = Date.parse(envelope.startedAt) || Date.now();
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = { ...certEvidence(c, endpoints), notBefore: c.notBefore, notAfter: c.notAfter };
      const notAfter = Date.parse(c.notAfter);
      const days = Math.floor((notAfter - now) / 86_400_000);
      if (notAfter < now) return { status: "fail", message: `server certificate expired on ${c.notAfter}`, evidence: ev };
      if (Date.parse(c.notBefore) > now) return { status: "fail", message: `server certificate is not valid before ${c.notBefore}`, evidence: ev };
      if (days < NEAR_EXPIRY_DAYS) return { status: "fail", severity: "low", message: `server certificate expires in ${days} day(s) (${c.notAfter})`, evidence: { ...ev, daysLeft: days } };
      return { status: "pass", message: `valid until ${c.notAfter} (${days} days)`, evidence: ev };
    });
  },
});

const certKeySize = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.certificate.key-size",
    title: "OPC UA server certificate key shorter than 2048 bits",
    elements: [7],
    iec62443: ["CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation: "Issue the server a certificate with an RSA key of at least 2048 bits (or a NIST P-256+ EC key for ECC policies).",
    docs: "https://reference.opcfoundation.org/Core/Part7/",
  },
  check({ facts }) {
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = { ...certEvidence(c, endpoints), keyAlgorithm: c.keyAlgorithm, keySize: c.keySize };
      if (c.keySize === null) return { status: "error", message: `key size of ${c.keyAlgorithm} key unknown`, evidence: ev };
      const minimum = c.keyAlgorithm === "rsa" || c.keyAlgorithm === "rsa-pss" ? 2048 : 256;
      if (c.keySize < minimum) return { status: "fail", message: `${c.keyAlgorithm} key of ${c.keySize} bits (< ${minimum})`, evidence: ev };
      return { status: "pass", message: `${c.keyAlgorithm} key of ${c.keySize} bits`, evidence: ev };
    });
  },
});

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
      const ev = { ...certEvidence(c, endpoints), signatureAlgorithm: c.signatureAlgorithm };
      if (c.signatureHash === null) return { status: "error", message: `signature algorithm not recognised (${c.signatureAlgorithm})`, evidence: ev };
      if (/^(SHA-1|MD5|MD2)$/i.test(c.signatureHash)) return { status: "fail", message: `certificate signed with ${c.signatureAlgorithm}`, evidence: ev };
      return { status: "pass", message: `certificate signed with ${c.signatureAlgorithm}`, evidence: ev };
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
  if (isIP(h)) return c.sanIps.some((ip) => canonicalIp(ip) === canonicalIp(h));
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
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/6.1.3",
  },
  check({ facts, envelope, host }) {
    const hosts = [...new Set([host, ...envelope.endpoints.map((e) => e.host)])];
    return forEachCertificate(facts, (c, endpoints) => {
      const ev = { ...certEvidence(c, endpoints), hosts, sanDns: c.sanDns, sanIps: c.sanIps };
      if (hosts.some((h) => sanMatches(c, h))) return { status: "pass", message: `certificate names ${hosts.filter((h) => sanMatches(c, h)).join(", ")}`, evidence: ev };
      return { status: "fail", message: `certificate subjectAltName (DNS ${c.sanDns.join(", ") || "-"}; IP ${c.sanIps.join(", ") || "-"}) does not name ${hosts.join(" or ")}`, evidence: ev };
    });
  },
});

const unknownCertAccepted = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.trust.unknown-client-certificate",
    title: "OPC UA server accepts a client certificate it has never seen",
    elements: [7],
    iec62443: ["CR 1.8", "CR 1.9"],
    severity: "high",
    safety: "read",
    remediation: "Turn off automatic acceptance of unknown certificates; trust client applications explicitly (trust list or GDS).",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/6.1.3",
  },
  check({ facts }) {
    const t = facts.trustTest;
    const ev = { endpointUrl: t.endpointUrl, securityPolicy: t.securityPolicyUri ? policyInfo(t.securityPolicyUri).name : undefined, securityMode: t.securityMode, detail: t.message };
    switch (t.status) {
      case "accepted": return { status: "fail", message: `secure channel opened on ${t.endpointUrl} with a fresh self-signed client certificate: the server trusts anyone`, evidence: ev };
      case "rejected": return { status: "pass", message: `unknown client certificate refused on ${t.endpointUrl}`, evidence: ev };
      case "not_applicable": return { status: "not_applicable", message: t.message, evidence: ev };
      case "skipped": return { status: "skipped", message: t.message, evidence: ev };
      default: return { status: "error", message: `trust test could not run: ${t.message}`, evidence: ev };
    }
  },
});

const auditingDisabled = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.auditing.disabled",
    title: "OPC UA server auditing (Server.Auditing) disabled",
    elements: [2],
    iec62443: ["CR 2.8"],
    severity: "medium",
    safety: "read",
    remediation: "Enable auditing so the server raises audit events for sessions, writes and method calls, and collect them.",
    docs: "https://reference.opcfoundation.org/Core/Part5/v105/docs/6.3.1",
  },
  check({ facts }) {
    const info = facts.serverInfo;
    if (!info) return { status: "skipped", message: `Server.Auditing not read: no session (anonymous ${facts.anonymousSession.status}; supply credentials to read it)`, evidence: { anonymousSession: facts.anonymousSession.status } };
    if (info.auditingStatus !== "ok" || info.auditing === undefined) return { status: "error", message: `Server.Auditing could not be read${info.error ? `: ${info.error}` : ""}`, evidence: {} };
    if (info.auditing) return { status: "pass", message: "Server.Auditing is true", evidence: { nodeId: "i=2994", value: true } };
    return { status: "fail", message: "Server.Auditing is false: the server raises no audit events", evidence: { nodeId: "i=2994", value: false } };
  },
});

const anonymousWritable = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.anonymous.writable-variables",
    title: "OPC UA variables writable by anonymous users",
    elements: [8],
    iec62443: ["CR 2.1", "CR 3.5"],
    severity: "high",
    safety: "read",
    remediation: "Remove write access for anonymous users (role permissions / user access level); require authenticated, authorised users for writes.",
    docs: "https://reference.opcfoundation.org/Core/Part3/v105/docs/8.57",
  },
  check({ facts }) {
    const s = facts.anonymousSession;
    if (s.status === "rejected" || (s.status === "skipped" && !facts.endpoints.some((e) => e.userTokens.some((t) => t.tokenType === "Anonymous")))) {
      return { status: "pass", message: "no anonymous session possible: anonymous users can write nothing", evidence: { anonymousSession: s.status } };
    }
    if (s.status !== "activated") return { status: s.status === "skipped" ? "skipped" : "error", message: `anonymous access rights not checked: ${s.message}`, evidence: { anonymousSession: s.status } };
    const b = facts.anonymousBrowse;
    if (!b || b.status !== "ok") return { status: "error", message: `address space not browsed${b?.error ? `: ${b.error}` : ""}`, evidence: {} };
    const limits = { maxDepth: b.maxDepth, maxNodes: b.maxNodes, nodesVisited: b.nodesVisited, variablesChecked: b.variablesChecked, truncated: b.truncated };
    if (b.writable.length > 0) {
      return {
        status: "fail",
        message: `${b.writable.length} variable(s) writable by anonymous users: ${b.writable.slice(0, 5).map((v) => `${v.nodeId} (${v.browseName})`).join(", ")}${b.writable.length > 5 ? ", ..." : ""}`,
        evidence: { endpointUrl: s.endpointUrl, variables: b.writable.slice(0, 50), ...limits },
      };
    }
    if (b.truncated) return { status: "skipped", message: `no anonymously writable variable among ${b.variablesChecked} checked, but the browse limit (${b.maxNodes} nodes) stopped the walk early`, evidence: limits };
    return { status: "pass", message: `none of ${b.variablesChecked} variables is writable anonymously`, evidence: limits };
  },
});

const defaultCredentialsAccepted = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.credentials.default",
    title: "OPC UA server accepts default credentials",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change every default password before commissioning; require unique per-user credentials.",
    docs: "https://reference.opcfoundation.org/Core/Part2/v105/docs/4.4",
  },
  check({ facts }) {
    const d = facts.defaultCredentials;
    if (!d) return { status: "skipped", message: "default credentials not tried", evidence: {} };
    if (d.status === "skipped") return { status: d.message.startsWith("no UserName token") ? "not_applicable" : "skipped", message: d.message, evidence: {} };
    if (d.accepted.length > 0) return { status: "fail", message: `default credentials accepted for ${d.accepted.map((a) => a.username).join(", ")}`, evidence: { endpointUrl: d.endpointUrl, accepted: d.accepted, tried: d.tried } };
    if (d.status === "error") return { status: "error", message: d.message, evidence: { tried: d.tried } };
    return { status: "pass", message: `none of ${d.tried} default credential(s) accepted`, evidence: { endpointUrl: d.endpointUrl, tried: d.tried } };
  },
});

export const OPCUA_RULES: Rule<OpcuaFacts>[] = [
  securityPolicyNone,
  deprecatedPolicies,
  noEncryption,
  anonymousToken,
  cleartextPassword,
  certValidity,
  certKeySize,
  certSha1,
  certHostMismatch,
  unknownCertAccepted,
  auditingDisabled,
  anonymousWritable,
  defaultCredentialsAccepted,
];
