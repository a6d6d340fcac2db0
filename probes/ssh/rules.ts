// SSH rules: pure functions over SshFacts -> outcomes (no I/O). Algorithm verdicts come from the
// data file (probes/ssh/data/algorithms.yaml); each failing outcome names the offending algorithm,
// key size or auth method in its evidence. One outcome per SSH service (port) of the device.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import type { Severity } from "../../src/model/common.js";
import { severityRank } from "../../src/model/common.js";
import type { SshAlgorithms, SshFacts, SshService } from "./facts.js";
import { algorithmDatabase, classify, reasonText, type AlgorithmCategory, type AlgorithmVerdict } from "./knowledge.js";

/** NIST SP 800-131A Rev. 2 / SP 800-57 Part 1: RSA keys below 2048 bits are disallowed. */
export const MIN_RSA_BITS = 2048;

const PASSWORD_LIKE = ["password", "keyboard-interactive"];

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}

function worst(severities: Severity[]): Severity | undefined {
  return severities.sort((a, b) => severityRank(b) - severityRank(a))[0];
}

/**
 * Run `fn` for each audited service; a service the probe could not audit yields an `error`
 * outcome for its port (never a pass).
 */
function perService(facts: SshFacts, fn: (s: SshService) => RuleOutcome | RuleOutcome[] | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (s.error) {
      out.push({ status: "error", port: s.port, message: `could not audit ${s.url}: ${s.error.code}: ${s.error.message}`, evidence: { url: s.url, error: s.error } });
      continue;
    }
    const r = fn(s);
    if (r === null) continue;
    for (const o of Array.isArray(r) ? r : [r]) out.push({ ...o, port: o.port ?? s.port });
  }
  return out;
}

function isSsh1Only(s: SshService): boolean {
  return s.banner !== undefined && s.banner.protocolVersion !== "2.0" && s.banner.protocolVersion !== "1.99";
}

/** Outcome when a rule needs the KEXINIT algorithms and they are not there. */
function noAlgorithms(s: SshService): RuleOutcome {
  if (isSsh1Only(s)) return { status: "not_applicable", message: `${s.url} speaks SSH-1 only (${s.banner!.raw}); no SSH-2 algorithms to check`, evidence: { banner: s.banner!.raw } };
  return { status: "error", message: `${s.url}: the server's KEXINIT was not read`, evidence: {} };
}

const ALGORITHM_LISTS: Record<AlgorithmCategory, (a: SshAlgorithms) => string[]> = {
  kex: (a) => a.kex,
  hostKey: (a) => a.hostKey,
  cipher: (a) => unique([...a.cipherClientToServer, ...a.cipherServerToClient]),
  mac: (a) => unique([...a.macClientToServer, ...a.macServerToClient]),
  compression: (a) => unique([...a.compressionClientToServer, ...a.compressionServerToClient]),
};

const CATEGORY_LABEL: Record<AlgorithmCategory, string> = {
  kex: "key exchange",
  hostKey: "host key",
  cipher: "cipher",
  mac: "MAC",
  compression: "compression",
};

function describeWeak(v: AlgorithmVerdict[]): string {
  return v.map((w) => `${w.name} (${w.reasons.join(", ")})`).join("; ");
}

/** A weak-algorithm outcome for one category; `extraWeak` adds context-dependent weaknesses. */
function algorithmOutcome(category: AlgorithmCategory, s: SshService, extraWeak: (offered: AlgorithmVerdict[]) => AlgorithmVerdict[] = () => []): RuleOutcome {
  if (!s.algorithms) return noAlgorithms(s);
  const db = algorithmDatabase();
  const offered = ALGORITHM_LISTS[category](s.algorithms).map((n) => classify(category, n, db));
  const weak = [...offered.filter((v) => v.status === "weak"), ...extraWeak(offered)];
  const unknown = offered.filter((v) => v.status === "unknown").map((v) => v.name);
  const label = CATEGORY_LABEL[category];
  const evidence: Record<string, unknown> = { offered: offered.filter((v) => v.status !== "marker").map((v) => v.name) };
  if (unknown.length) evidence.unknown = unknown;
  if (weak.length === 0) {
    return { status: "pass", message: `no weak ${label} algorithm offered${unknown.length ? ` (not in the database, not judged: ${unknown.join(", ")})` : ""}`, evidence };
  }
  evidence.weak = weak.map((w) => w.name);
  evidence.reasons = Object.fromEntries(weak.map((w) => [w.name, w.reasons.map((r) => `${r}: ${reasonText(r, db)}`)]));
  const o: RuleOutcome = { status: "fail", message: `weak ${label} algorithm${weak.length > 1 ? "s" : ""} offered: ${describeWeak(weak)}`, evidence };
  const sev = worst(weak.map((w) => w.severity ?? "low"));
  if (sev) o.severity = sev;
  return o;
}

const REF_RFC9142 = "https://www.rfc-editor.org/rfc/rfc9142";

export const protocolVersionRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.protocol.ssh1",
    title: "SSH protocol version 1 disabled",
    elements: [7],
    iec62443: ["CR 4.3", "CR 3.1"],
    severity: "critical",
    safety: "passive",
    remediation: "Disable SSH protocol 1 (OpenSSH removed it in 7.6); upgrade firmware that still offers it.",
    docs: "https://www.rfc-editor.org/rfc/rfc4253#section-5.1",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (!s.banner) return { status: "error", message: `${s.url}: no identification string recorded`, evidence: {} };
      const v = s.banner.protocolVersion;
      const evidence = { banner: s.banner.raw, protocolVersion: v };
      if (v === "2.0") return { status: "pass", message: `SSH-2 only (protocol version ${v})`, evidence };
      if (v === "1.99") return { status: "fail", message: `protocol version 1.99: the server also accepts SSH-1 clients`, evidence };
      return { status: "fail", message: `protocol version ${v}: SSH-1 only`, evidence };
    }),
});

export const kexRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.kex.weak",
    title: "No weak SSH key exchange algorithms",
    elements: [7],
    iec62443: ["CR 4.3", "CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation: "Offer only curve25519-sha256, sntrup761x25519-sha512 / mlkem768x25519-sha256, ecdh-sha2-nistp* or diffie-hellman-group14/16/18 with SHA-2 (OpenSSH: KexAlgorithms).",
    docs: REF_RFC9142,
  },
  check: ({ facts }) => perService(facts, (s) => algorithmOutcome("kex", s)),
});

export const cipherRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.cipher.weak",
    title: "No weak SSH ciphers",
    elements: [7, 5],
    iec62443: ["CR 4.1", "CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: "Offer only AES-GCM, chacha20-poly1305@openssh.com (with strict kex) or AES-CTR (OpenSSH: Ciphers); remove CBC modes, 3DES, Blowfish, CAST and arcfour.",
    docs: "https://www.rfc-editor.org/rfc/rfc4344",
  },
  check: ({ facts }) => perService(facts, (s) => algorithmOutcome("cipher", s)),
});

export const macRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.mac.weak",
    title: "No weak SSH message authentication codes",
    elements: [7, 5],
    iec62443: ["CR 3.1", "CR 4.3"],
    severity: "medium",
    safety: "passive",
    remediation: "Offer only hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com or umac-128-etm@openssh.com (OpenSSH: MACs); drop MD5, SHA-1 and truncated MACs.",
    docs: "https://www.rfc-editor.org/rfc/rfc6668",
  },
  check: ({ facts }) =>
    perService(facts, (s) =>
      algorithmOutcome("mac", s, (offered) => {
        // Encrypt-and-MAC matters where CBC ciphers are offered too (RFC 4253 §6.4 + CBC_MODE).
        const cbc = s.algorithms ? ALGORITHM_LISTS.cipher(s.algorithms).some((c) => classify("cipher", c).flags.includes("CBC")) : false;
        if (!cbc) return [];
        return offered
          .filter((v) => v.status === "ok" && v.flags.includes("ENCRYPT_AND_MAC"))
          .map((v) => ({ ...v, status: "weak" as const, severity: "low" as const, reasons: ["ENCRYPT_AND_MAC", "CBC_MODE"] }));
      }),
    ),
});

export const hostKeyAlgorithmRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.hostkey.algorithm",
    title: "No weak SSH host key algorithms",
    elements: [7],
    iec62443: ["CR 1.9", "CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Remove DSA host keys and the SHA-1 ssh-rsa signature scheme; offer ssh-ed25519, ecdsa-sha2-nistp256 or rsa-sha2-256/512 (OpenSSH: HostKey, HostKeyAlgorithms).",
    docs: "https://www.rfc-editor.org/rfc/rfc8332",
  },
  check: ({ facts }) => perService(facts, (s) => algorithmOutcome("hostKey", s)),
});

export const hostKeySizeRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.hostkey.size",
    title: "SSH host keys of sufficient strength",
    elements: [7],
    iec62443: ["CR 1.9", "CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: `Replace DSA keys and RSA keys below ${MIN_RSA_BITS} bits with Ed25519, ECDSA P-256 or RSA of 3072 bits or more.`,
    docs: "https://csrc.nist.gov/pubs/sp/800/131/a/r2/final",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      if (s.hostKeys.length === 0) return { status: "error", message: `${s.url}: no host key was recorded`, evidence: { offered: s.algorithms.hostKey } };
      return s.hostKeys.map((k): RuleOutcome => {
        const evidence: Record<string, unknown> = { keyType: k.keyType, algorithms: k.algorithms };
        if (k.bits !== undefined) evidence.bits = k.bits;
        if (k.fingerprintSha256) evidence.fingerprint = k.fingerprintSha256;
        if (k.status === "unsupported") return { status: "skipped", message: `${k.keyType} key offered; its size could not be read (type not negotiable by otaudit's SSH library)`, evidence };
        if (k.status !== "collected" || k.bits === undefined) {
          return { status: "error", message: `${k.keyType} key could not be read${k.error ? `: ${k.error.message}` : ""}`, evidence: { ...evidence, error: k.error } };
        }
        if (k.keyType === "ssh-dss") return { status: "fail", message: `DSA host key (${k.bits} bits, SHA-1 signatures)`, evidence };
        if (k.keyType === "ssh-rsa" && k.bits < MIN_RSA_BITS) return { status: "fail", message: `RSA host key of ${k.bits} bits (below ${MIN_RSA_BITS})`, evidence };
        return { status: "pass", message: `${k.keyType} host key of ${k.bits} bits`, evidence };
      });
    }),
});

export const terrapinRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.terrapin",
    title: "Not exposed to the Terrapin attack (CVE-2023-48795)",
    elements: [7],
    iec62443: ["CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Update the SSH server to a version with strict key exchange (kex-strict-s-v00@openssh.com, OpenSSH 9.6+ or vendor backport), or stop offering chacha20-poly1305@openssh.com and *-etm@openssh.com MACs.",
    docs: "https://terrapin-attack.com/",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      const a = s.algorithms;
      const chacha = ALGORITHM_LISTS.cipher(a).filter((c) => classify("cipher", c).flags.includes("CHACHA20_POLY1305"));
      const etm = ALGORITHM_LISTS.mac(a).filter((m) => classify("mac", m).flags.includes("ETM"));
      const evidence = { strictKex: a.strictKex, chacha20Poly1305: chacha, etmMacs: etm };
      if (chacha.length === 0 && etm.length === 0) return { status: "pass", message: "no chacha20-poly1305 or encrypt-then-MAC mode offered", evidence };
      if (a.strictKex) return { status: "pass", message: "strict key exchange (kex-strict-s-v00@openssh.com) offered", evidence };
      return { status: "fail", message: `exposed to Terrapin: ${[...chacha, ...etm].join(", ")} offered without strict key exchange`, evidence };
    }),
});

export const compressionRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.compression.preauth",
    title: "No compression before authentication",
    elements: [6, 7],
    iec62443: ["CR 7.7"],
    severity: "low",
    safety: "passive",
    remediation: "Offer only `none` or the delayed zlib@openssh.com (OpenSSH: Compression delayed or no).",
    docs: "https://www.openssh.com/txt/release-7.4",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      const offered = ALGORITHM_LISTS.compression(s.algorithms);
      const pre = offered.filter((c) => classify("compression", c).flags.includes("PREAUTH_COMPRESSION"));
      if (pre.length === 0) return { status: "pass", message: "no pre-authentication compression offered", evidence: { offered } };
      return { status: "fail", message: `compression before authentication offered: ${pre.join(", ")}`, evidence: { offered, preauth: pre } };
    }),
});

export const singleFactorRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.password-single-factor",
    title: "No password-only login on remote access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2", "CR 1.7"],
    severity: "high",
    safety: "passive",
    remediation: "Require public-key authentication, or a second factor after the password (OpenSSH: AuthenticationMethods publickey,password or publickey,keyboard-interactive).",
    docs: "https://man.openbsd.org/sshd_config#AuthenticationMethods",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const auth = s.auth;
      if (!auth) return { status: "error", message: `${s.url}: authentication methods were not read`, evidence: {} };
      if (auth.noneAccepted) return { status: "fail", severity: "critical", message: `the server logged in user '${auth.username}' with the 'none' method: no authentication at all`, evidence: { method: "none", username: auth.username } };
      const c = s.credentialed;
      if (c && !c.error) {
        const evidence = { username: c.username, steps: c.steps };
        if (c.passwordAloneAccepted) return { status: "fail", message: `a password alone logged in as '${c.username}' (no second factor demanded)`, evidence: { ...evidence, method: "password" } };
        const first = c.steps.find((st) => st.result !== "failure");
        if (first && first.result === "success" && first.method === "keyboard-interactive") {
          return { status: "fail", message: `keyboard-interactive alone logged in as '${c.username}'`, evidence: { ...evidence, method: first.method } };
        }
        if (first && first.result === "partial" && PASSWORD_LIKE.includes(first.method)) {
          return { status: "pass", message: `after ${first.method} the server demanded another factor (${(first.next ?? []).join(", ")})`, evidence };
        }
      }
      if (auth.error || !auth.methods) return { status: "error", message: `${s.url}: authentication methods could not be read${auth.error ? `: ${auth.error.message}` : ""}`, evidence: { error: auth.error } };
      const offered = auth.methods.filter((m) => PASSWORD_LIKE.includes(m));
      if (offered.length === 0) return { status: "pass", message: `only ${auth.methods.join(", ") || "no method"} offered as a first factor`, evidence: { methods: auth.methods } };
      return {
        status: "fail",
        severity: "medium",
        message: `${offered.join(" and ")} offered as a first factor to unauthenticated clients${c ? "" : "; no bench credentials to show that a second factor follows"}`,
        evidence: { methods: auth.methods, passwordLike: offered },
      };
    }),
});

export const mfaRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.mfa",
    title: "Multi-factor authentication on SSH remote access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2"],
    severity: "high",
    safety: "read",
    remediation: "Require two factors for SSH (OpenSSH: AuthenticationMethods publickey,password or publickey,keyboard-interactive with an OTP module), and give otaudit bench credentials to verify it.",
    docs: "https://man.openbsd.org/sshd_config#AuthenticationMethods",
  },
  check: ({ facts, credentialed }) =>
    perService(facts, (s) => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const c = s.credentialed;
      if (!credentialed && !c) return { status: "skipped", message: "unverified: no bench credentials", evidence: {} };
      if (!c) return { status: "error", message: `${s.url}: bench credentials were given but not tried`, evidence: {} };
      const evidence = { username: c.username, steps: c.steps, factorsGiven: c.factorsGiven };
      if (c.error && c.steps.length === 0) return { status: "error", message: `could not verify: ${c.error.message}`, evidence: { ...evidence, error: c.error } };
      if (c.mfaObserved) {
        const chain = c.steps.filter((st) => st.result !== "failure").map((st) => st.method);
        return { status: "pass", message: c.authenticated ? `MFA verified: login as '${c.username}' needed ${chain.join(" then ")}` : `MFA observed: after ${chain[0]} the server demanded another factor (${(c.steps.at(-1)?.next ?? []).join(", ")})`, evidence };
      }
      if (c.authenticated) {
        const method = c.steps.find((st) => st.result === "success")?.method ?? "?";
        return { status: "fail", message: `single factor: '${c.username}' logged in with ${method} alone`, evidence: { ...evidence, method } };
      }
      return { status: "error", message: `could not verify: the bench credentials for '${c.username}' were rejected`, evidence };
    }),
});

export const defaultCredentialsRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.default-credentials",
    title: "No factory-default SSH credentials accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change the factory-default password of this account (or disable the account) and require unique credentials per device.",
    docs: "https://github.com/danielmiessler/SecLists/tree/master/Passwords/Default-Credentials",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const d = s.defaultCredentials;
      if (!d) return { status: "error", message: `${s.url}: default-credential check did not run`, evidence: {} };
      const evidence: Record<string, unknown> = { tried: d.attempts.map((a) => `${a.id} (${a.username}): ${a.result}`), budget: d.budget, knownEntries: d.knownEntries };
      if (d.accepted) return { status: "fail", message: `factory-default credentials accepted for account '${d.accepted.username}' (${d.accepted.vendor}, entry ${d.accepted.id})`, evidence: { ...evidence, account: d.accepted.username, entry: d.accepted.id, source: d.accepted.source } };
      if (d.notTried) {
        const methods = s.auth?.methods;
        if (methods) return { status: "pass", message: `no password-based method offered (${methods.join(", ") || "none"}): default passwords cannot log in`, evidence: { ...evidence, methods } };
        return { status: "error", message: `default-credential check did not run: ${d.notTried}`, evidence };
      }
      if (d.error && d.attempts.every((a) => a.result !== "rejected")) return { status: "error", message: `default-credential check failed: ${d.error.message}`, evidence };
      const rejected = d.attempts.filter((a) => a.result === "rejected").length;
      if (rejected === 0) return { status: "error", message: "no default-credential attempt completed", evidence };
      // a budget cut short (device misbehaved, run aborted) is not "all rejected"
      if (rejected < d.planned.length) return { status: "error", message: `default-credential check incomplete: ${rejected} of ${d.planned.length} planned attempts completed${d.error ? ` (${d.error.message})` : ""}`, evidence };
      return { status: "pass", message: `${rejected} known default credential${rejected > 1 ? "s" : ""} rejected (budget ${d.budget} of ${d.knownEntries} known)`, evidence };
    }),
});

export const SSH_RULES: Rule<SshFacts>[] = [
  protocolVersionRule,
  kexRule,
  hostKeyAlgorithmRule,
  hostKeySizeRule,
  cipherRule,
  macRule,
  terrapinRule,
  compressionRule,
  singleFactorRule,
  mfaRule,
  defaultCredentialsRule,
];
