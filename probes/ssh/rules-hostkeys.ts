// SSH rules on the host keys read from the server (pure): the strength of each key (shared
// key-strength knowledge) and the host certificates (OpenSSH PROTOCOL.certkeys): certificate type,
// CA key strength, CA signature algorithm, validity at probe time. A key or certificate that could
// not be read or parsed is undetermined with the reason, never a pass.
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, pass, undetermined } from "../../src/rule-kit.js";
import type { SshFacts, SshHostKey } from "./facts.js";
import { certifiedKeyType, isCertificateType } from "./host-key-blob.js";
import { classify } from "./knowledge.js";
import { noAlgorithms, perService, sshKeyStrength } from "./rules-common.js";

/** Outcome for a key that was not read and parsed; undefined when it was. */
function notRead(k: SshHostKey, evidence: Record<string, unknown>): RuleOutcome | undefined {
  switch (k.status) {
    case "collected":
      return undefined;
    case "unsupported":
      return undetermined("not-attempted", `${k.keyType} offered; not read: ${k.error?.message ?? "no key exchange otaudit implements"}`, evidence);
    case "not_collected":
      return undetermined("incomplete", `${k.keyType} offered; not read: ${k.error?.message ?? "fetch cap or time window reached"}`, evidence);
    case "unparsed":
      return undetermined("unparsed", `${k.keyType} key received but not parsed: ${k.parseError ?? "malformed"}`, { ...evidence, parseError: k.parseError });
    case "error":
      return error(`${k.keyType} key could not be read${k.error ? `: ${k.error.message}` : ""}`, { ...evidence, error: k.error });
  }
}

function keyEvidence(k: SshHostKey): Record<string, unknown> {
  const e: Record<string, unknown> = { keyType: k.keyType, algorithms: k.algorithms };
  if (k.bits !== undefined) e.bits = k.bits;
  if (k.curve) e.curve = k.curve;
  if (k.application) e.application = k.application;
  if (k.fingerprintSha256) e.fingerprint = k.fingerprintSha256;
  return e;
}

export const hostKeySizeRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.hostkey.size",
    title: "SSH host keys of sufficient strength",
    elements: [7],
    iec62443: ["CR 1.9", "CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: "Replace DSA keys and RSA keys below 2048 bits with Ed25519, ECDSA P-256 or RSA of 3072 bits or more.",
    docs: "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.hostkey.size", (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      if (s.hostKeys.length === 0) {
        if (s.algorithms.hostKey.length === 0) return undetermined("no-answer", `${s.url}: no host key algorithm offered`, { offered: [] });
        return error(`${s.url}: no host key was recorded`, { offered: s.algorithms.hostKey });
      }
      return s.hostKeys.map((k): RuleOutcome => {
        const evidence = keyEvidence(k);
        const missing = notRead(k, evidence);
        if (missing) return missing;
        const type = isCertificateType(k.keyType) ? certifiedKeyType(k.keyType) : k.keyType;
        const strength = sshKeyStrength({ keyType: type, bits: k.bits, curve: k.curve, unknownType: k.unknownType });
        if (strength.status === "weak") return fail(`${k.keyType} host key: ${strength.detail}`, { ...evidence, weak: [k.keyType] });
        if (strength.status === "unknown") return undetermined("unknown-value", `${k.keyType} host key: ${strength.detail}`, evidence);
        return pass(`${k.keyType} host key${k.bits ? ` of ${k.bits} bits` : ""} (${strength.detail}: acceptable)`, evidence);
      });
    }),
});

function validity(sec: number | null | undefined): string {
  if (sec === null) return "forever";
  if (sec === undefined) return "unknown";
  const ms = sec * 1000;
  return Number.isFinite(ms) && ms < 8.64e15 ? new Date(ms).toISOString() : "beyond the year 275760";
}

export const hostCertificateRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.hostkey.certificate",
    title: "SSH host certificates are host certificates from a strong CA",
    elements: [7],
    iec62443: ["CR 1.9", "CR 1.8"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Issue host certificates (type host) from a CA with an Ed25519 or RSA >= 3072-bit key, signed with rsa-sha2-512 or Ed25519, with a bounded validity, and renew them before they expire.",
    docs: "https://cvsweb.openbsd.org/src/usr.bin/ssh/PROTOCOL.certkeys?annotate=HEAD",
  },
  check: ({ facts, envelope }) =>
    perService(facts, "ssh.hostkey.certificate", (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      const certs = s.hostKeys.filter((k) => isCertificateType(k.keyType));
      if (certs.length === 0) return null; // no host certificate offered: the rule does not apply
      const now = envelope?.startedAt ? Date.parse(envelope.startedAt) / 1000 : undefined;
      return certs.map((k): RuleOutcome => {
        const evidence = keyEvidence(k);
        const missing = notRead(k, evidence);
        if (missing) return missing;
        const c = k.certificate;
        if (!c || c.parseError) return undetermined("unparsed", `${k.keyType}: certificate fields not parsed: ${c?.parseError ?? "missing"}`, evidence);
        const ca = c.ca;
        const ev = {
          ...evidence,
          certType: c.certType,
          keyId: c.keyId,
          principals: c.principals,
          validAfter: validity(c.validAfter),
          validBefore: validity(c.validBefore),
          ca: ca && { keyType: ca.keyType, bits: ca.bits, fingerprint: ca.fingerprintSha256 },
          signatureAlgorithm: c.signatureAlgorithm,
        };
        if (c.certType !== 2)
          return fail(`${k.keyType}: a ${c.certType === 1 ? "user" : `type ${c.certType}`} certificate is served as the host certificate`, ev);
        if (!ca || ca.parseError) return undetermined("unparsed", `${k.keyType}: the CA key could not be parsed: ${ca?.parseError ?? "missing"}`, ev);
        const caStrength = sshKeyStrength(ca);
        if (caStrength.status === "weak") return fail(`${k.keyType}: signed by a weak CA key (${caStrength.detail})`, { ...ev, weak: [ca.keyType] });
        const sig = c.signatureAlgorithm ? classify("hostKey", c.signatureAlgorithm) : undefined;
        if (sig?.status === "weak")
          return fail(`${k.keyType}: the CA signed with ${c.signatureAlgorithm} (${sig.reasons.join(", ")})`, { ...ev, weak: [c.signatureAlgorithm!] });
        if (now !== undefined && c.validBefore !== null && c.validBefore !== undefined && c.validBefore < now)
          return fail(`${k.keyType}: expired on ${validity(c.validBefore)}`, ev);
        if (now !== undefined && c.validAfter !== undefined && c.validAfter > now) return fail(`${k.keyType}: not valid before ${validity(c.validAfter)}`, ev);
        if (caStrength.status === "unknown") return undetermined("unknown-value", `${k.keyType}: CA key ${caStrength.detail}`, ev);
        if (!sig || sig.status === "unknown")
          return undetermined("unknown-value", `${k.keyType}: CA signature algorithm ${c.signatureAlgorithm ?? "missing"} is not in the knowledge base`, ev);
        if (now === undefined) return undetermined("unobservable", `${k.keyType}: no probe time recorded, validity cannot be judged`, ev);
        return pass(
          `${k.keyType}: host certificate from a ${caStrength.detail} CA, ${c.signatureAlgorithm} signature, valid until ${validity(c.validBefore)}`,
          ev,
        );
      });
    }),
});
