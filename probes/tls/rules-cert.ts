// tls rules, certificate side: the chain as the server sent it (leaf first), judged at the time of
// the probe (the envelope's startedAt, so a replay gives the same verdict). Key type and size per
// key type (src/knowledge/key-strength.ts), signature hash (probes/tls/data/tls.yaml), validity
// (RFC 5280 §4.1.2.5, near expiry lower severity), self-signed leaf, and the name clients reach the
// service by (RFC 6125 via names.ts). No certificate seen, or one that does not parse: undetermined.
import { defineRule, type Rule, type RuleContext, type RuleOutcome } from "../../src/plugin.js";
import { fail, judgeItems, pass, undetermined, type JudgedItem } from "../../src/rule-kit.js";
import type { CertificateFacts, TlsFacts, TlsService } from "./facts.js";
import { judgeCertificateKey, judgeSignatureOid, judgeValidity } from "./judge.js";
import { judgeName } from "./names.js";
import { perService } from "./rules-common.js";

const RFC5280 = "https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5";

/** The chain, or why there is none to judge. */
function chain(s: TlsService): CertificateFacts[] | RuleOutcome {
  if (s.certificates.length) return s.certificates;
  if (s.certificateErrors.length)
    return undetermined("unparsed", `${s.url}: the server's certificate does not parse (${s.certificateErrors[0]!.message})`, {
      endpoint: s.url,
      certificateErrors: s.certificateErrors,
    });
  const why =
    s.handshake?.result === "failed"
      ? `the handshake to read it failed: ${s.handshake.detail}`
      : (s.cut?.map((c) => c.detail).join("; ") ?? "no certificate was seen");
  return undetermined("no-answer", `${s.url}: no certificate to judge (${why})`, { endpoint: s.url });
}

const label = (c: CertificateFacts, i: number) => `${i === 0 ? "leaf" : `chain[${i}]`} ${c.subject.split("\n").pop() ?? c.subject}`;

function probeTime(ctx: RuleContext<TlsFacts>): Date {
  const t = Date.parse(ctx.envelope.startedAt);
  return Number.isFinite(t) ? new Date(t) : new Date();
}

export const certificateValidity = defineRule<TlsFacts>({
  meta: {
    id: "tls.certificate.validity",
    title: "Certificate expired, not yet valid or about to expire",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "high",
    safety: "passive",
    remediation: "Re-issue the certificate (from the plant's CA where there is one) before it expires, and track expiry dates of device certificates.",
    docs: RFC5280,
  },
  check: (ctx) =>
    perService(ctx.facts, (s) => {
      const certs = chain(s);
      if (!Array.isArray(certs)) return certs;
      const at = probeTime(ctx);
      const judged = certs.map((c, i) => ({ c, i, v: judgeValidity(c.notBefore, c.notAfter, at) }));
      const evidence = {
        endpoint: s.url,
        at: at.toISOString(),
        certificates: judged.map(({ c, i, v }) => ({ certificate: label(c, i), notBefore: c.notBefore, notAfter: c.notAfter, status: v.status })),
      };
      const bad = judged.filter(({ v }) => v.status === "expired" || v.status === "not-yet-valid" || v.status === "never-valid");
      const why = (c: CertificateFacts, v: (typeof judged)[number]["v"]) =>
        v.status === "expired"
          ? `expired ${v.daysAgo} days ago (${c.notAfter})`
          : v.status === "never-valid"
            ? `is valid at no time (notBefore ${c.notBefore} is after notAfter ${c.notAfter})`
            : `is not valid before ${c.notBefore}`;
      if (bad.length) return fail(`${s.url}: ${bad.map(({ c, i, v }) => `${label(c, i)} ${why(c, v)}`).join("; ")}`, evidence);
      const unknown = judged.filter(({ v }) => v.status === "unknown");
      if (unknown.length)
        return undetermined(
          "unparsed",
          `${s.url}: ${unknown.map(({ c, i, v }) => `${label(c, i)}: ${v.status === "unknown" ? v.detail : ""}`).join("; ")}`,
          evidence,
        );
      const soon = judged.filter(({ v }) => v.status === "expiring");
      if (soon.length)
        return fail(
          `${s.url}: ${soon.map(({ c, i, v }) => `${label(c, i)} expires in ${v.status === "expiring" ? v.daysLeft : "?"} days (${c.notAfter})`).join("; ")}`,
          evidence,
          { severity: "low" },
        );
      return pass(`${s.url}: every certificate of the chain is valid at the time of the probe (leaf until ${certs[0]!.notAfter})`, evidence);
    }),
});

export const certificateKey = defineRule<TlsFacts>({
  meta: {
    id: "tls.certificate.key",
    title: "Weak certificate key (type or size)",
    elements: [7, 9],
    iec62443: ["CR 1.9", "CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation:
      "Re-issue the certificate with an RSA key of at least 2048 bits, an EC key on P-256 or larger, or Ed25519; DSA is no longer approved for signatures.",
    docs: "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const certs = chain(s);
      if (!Array.isArray(certs)) return certs;
      const items: JudgedItem[] = certs.map((c, i) => {
        const j = judgeCertificateKey(c);
        return { ...j, name: `${label(c, i)}: ${j.name}` };
      });
      return judgeItems(items, "certificate key", { evidence: { endpoint: s.url } });
    }),
});

export const certificateSignature = defineRule<TlsFacts>({
  meta: {
    id: "tls.certificate.signature",
    title: "Certificate signed with a weak hash (MD5, SHA-1)",
    elements: [7, 9],
    iec62443: ["CR 1.9"],
    severity: "medium",
    safety: "passive",
    remediation: "Re-issue the certificate signed with SHA-256 or stronger (RFC 9155 deprecates SHA-1 signatures in TLS).",
    docs: "https://www.rfc-editor.org/rfc/rfc9155",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const certs = chain(s);
      if (!Array.isArray(certs)) return certs;
      // a trust anchor's self-signature is not what clients rely on; a self-signed leaf's is all there is
      const judged = certs.map((c, i) => ({ c, i })).filter(({ c, i }) => i === 0 || !c.selfSigned);
      const items: JudgedItem[] = judged.map(({ c, i }) => {
        const j = judgeSignatureOid(c);
        return { ...j, name: `${label(c, i)}: ${j.name}` };
      });
      return judgeItems(items, "certificate signature", { evidence: { endpoint: s.url } });
    }),
});

export const selfSigned = defineRule<TlsFacts>({
  meta: {
    id: "tls.certificate.self-signed",
    title: "Self-signed server certificate",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Issue the device certificate from the plant's CA (or a device CA whose root operators trust) instead of a self-signed one, so clients can validate it instead of accepting it blindly.",
    docs: "https://www.rfc-editor.org/rfc/rfc5280#section-6",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const certs = chain(s);
      if (!Array.isArray(certs)) return certs;
      const leaf = certs[0]!;
      const evidence = { endpoint: s.url, subject: leaf.subject, issuer: leaf.issuer, chainSent: s.chain?.sent ?? certs.length };
      if (leaf.selfSigned)
        return fail(
          `${s.url}: the server certificate is self-signed (${leaf.subject.split("\n").pop()}); clients can only accept it blindly or pin it`,
          evidence,
        );
      if (leaf.subject === leaf.issuer)
        return undetermined("unobservable", `${s.url}: the leaf names itself as issuer but does not verify with its own key`, evidence);
      return pass(`${s.url}: the server certificate is issued by ${leaf.issuer.split("\n").pop()} (not self-signed)`, evidence);
    }),
});

export const nameMismatch = defineRule<TlsFacts>({
  meta: {
    id: "tls.certificate.name-mismatch",
    title: "Certificate does not name the host",
    elements: [7],
    iec62443: ["CR 1.8"],
    severity: "medium",
    safety: "passive",
    remediation: "Re-issue the certificate with subjectAltName entries for every name and address clients use to reach the device (RFC 6125).",
    docs: "https://www.rfc-editor.org/rfc/rfc6125#section-6.4",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const certs = chain(s);
      if (!Array.isArray(certs)) return certs;
      const leaf = certs[0]!;
      if (leaf.sanDns === undefined && leaf.sanIp === undefined)
        return undetermined("unparsed", `${s.url}: the certificate's names were not recorded`, { endpoint: s.url });
      let j = judgeName(s.serverName, { dns: leaf.sanDns ?? [], ip: leaf.sanIp ?? [] });
      // the subject CN only counts when there is no DNS SAN at all (RFC 6125 §6.4.4)
      if (j.result !== "match" && (leaf.sanDns ?? []).length === 0 && leaf.commonName !== undefined)
        j = judgeName(s.serverName, { dns: [], ip: leaf.sanIp ?? [], cn: leaf.commonName });
      if (j.result === "match")
        return pass(`${s.url}: the certificate names ${s.serverName} (${j.by})`, { endpoint: s.url, name: s.serverName, matchedBy: j.by });
      const evidence = { endpoint: s.url, name: s.serverName, sanDns: leaf.sanDns ?? [], sanIp: leaf.sanIp ?? [] };
      switch (j.result) {
        case "cn-only":
          return fail(
            `${s.url}: only the subject ${j.by} names ${s.serverName}; there is no subjectAltName, which current clients require (RFC 6125 §6.4.4)`,
            evidence,
            { severity: "low" },
          );
        case "unobservable":
          return undetermined(
            "unobservable",
            `${s.url}: reached by the address ${s.serverName}; the certificate names ${j.names.join(", ")}, and whether clients use one of those names is not observable from here`,
            evidence,
          );
        case "mismatch":
          return fail(`${s.url}: the certificate names ${j.names.join(", ")}, not ${s.serverName}`, evidence);
        default:
          return fail(
            `${s.url}: the certificate names no host or address at all (no subjectAltName${leaf.commonName !== undefined ? `; CN ${leaf.commonName} does not match` : ""})`,
            evidence,
          );
      }
    }),
});

export const CERT_RULES: Rule<TlsFacts>[] = [certificateValidity, certificateKey, certificateSignature, selfSigned, nameMismatch];
