// SSH rules on the offered algorithms (pure): protocol version, key exchange, host-key algorithms,
// ciphers, MACs, compression, Terrapin (recognised by name and by data flags) and the DH
// group-exchange moduli. Verdicts come from probes/ssh/data/algorithms.yaml; unknown names and
// name-lists the parser had to cut are undetermined, never a pass.
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { SshFacts } from "./facts.js";
import { classify } from "./knowledge.js";
import { STRICT_KEX_SERVER } from "./kexinit.js";
import { GEX_ALGORITHMS } from "./gex.js";
import { ALGORITHM_LISTS, algorithmOutcome, cutLists, noAlgorithms, perService } from "./rules-common.js";

const REF_RFC9142 = "https://www.rfc-editor.org/rfc/rfc9142";
/** NIST SP 800-131A Rev. 2 / RFC 8270 §4: DH moduli below 2048 bits are disallowed. */
export const MIN_GEX_BITS = 2048;

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
    perService(facts, "ssh.protocol.ssh1", (s): RuleOutcome => {
      if (!s.banner) return { status: "error", message: `${s.url}: no identification string recorded`, evidence: {} };
      const v = s.banner.protocolVersion;
      const evidence = { banner: s.banner.raw, protocolVersion: v };
      if (v === "2.0") return pass(`SSH-2 only (protocol version ${v})`, evidence);
      if (v === "1.99") return fail(`protocol version 1.99: the server also accepts SSH-1 clients`, evidence);
      return fail(`protocol version ${v}: SSH-1 only`, evidence);
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
    remediation:
      "Offer only curve25519-sha256, sntrup761x25519-sha512 / mlkem768x25519-sha256, ecdh-sha2-nistp* or diffie-hellman-group14/16/18 with SHA-2 (OpenSSH: KexAlgorithms).",
    docs: REF_RFC9142,
  },
  check: ({ facts }) => perService(facts, "ssh.kex.weak", (s) => algorithmOutcome("kex", s)),
});

export const cipherRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.cipher.weak",
    title: "No weak SSH ciphers",
    elements: [7, 5],
    iec62443: ["CR 4.1", "CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation:
      "Offer only AES-GCM, chacha20-poly1305@openssh.com (with strict kex) or AES-CTR (OpenSSH: Ciphers); remove CBC modes, 3DES, Blowfish, CAST and arcfour.",
    docs: "https://www.rfc-editor.org/rfc/rfc4344",
  },
  check: ({ facts }) => perService(facts, "ssh.cipher.weak", (s) => algorithmOutcome("cipher", s)),
});

export const macRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.mac.weak",
    title: "No weak SSH message authentication codes",
    elements: [7, 5],
    iec62443: ["CR 3.1", "CR 4.3"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Offer only hmac-sha2-256-etm@openssh.com, hmac-sha2-512-etm@openssh.com or umac-128-etm@openssh.com (OpenSSH: MACs); drop MD5, SHA-1 and truncated MACs.",
    docs: "https://www.rfc-editor.org/rfc/rfc6668",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.mac.weak", (s) => {
      // Encrypt-and-MAC matters where CBC ciphers are offered too (RFC 4253 §6.4 + CBC_MODE): the
      // ciphers are read only when an encrypt-and-MAC MAC is offered
      const eam = <T extends { status: string; flags: string[] }>(offered: T[]) =>
        offered.filter((v) => v.status === "ok" && v.flags.includes("ENCRYPT_AND_MAC"));
      const o = algorithmOutcome("mac", s, (offered) => {
        const cbc = s.algorithms && eam(offered).length ? ALGORITHM_LISTS.cipher(s.algorithms).some(isCbc) : false;
        if (!cbc) return [];
        return eam(offered).map((v) => ({ ...v, status: "weak" as const, severity: "low" as const, reasons: ["ENCRYPT_AND_MAC", "CBC_MODE"] }));
      });
      if (o.status !== "pass" || !s.algorithms) return o;
      const encryptAndMac = eam(ALGORITHM_LISTS.mac(s.algorithms).map((m) => classify("mac", m))).map((v) => v.name);
      const unknownCiphers = encryptAndMac.length ? ALGORITHM_LISTS.cipher(s.algorithms).filter((c) => classify("cipher", c).status === "unknown") : [];
      if (unknownCiphers.length)
        return undetermined(
          "unknown-value",
          `encrypt-and-MAC MACs (${encryptAndMac.join(", ")}) are weak beside CBC ciphers, and ciphers otaudit does not know are offered (${unknownCiphers.join(", ")}): they could be CBC`,
          { ...o.evidence, encryptAndMac, unknownCiphers },
        );
      return o;
    }),
});

export const hostKeyAlgorithmRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.hostkey.algorithm",
    title: "No weak SSH host key algorithms",
    elements: [7],
    iec62443: ["CR 1.9", "CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Remove DSA host keys and the SHA-1 ssh-rsa signature scheme; offer ssh-ed25519, ecdsa-sha2-nistp256 or rsa-sha2-256/512 (OpenSSH: HostKey, HostKeyAlgorithms).",
    docs: "https://www.rfc-editor.org/rfc/rfc8332",
  },
  check: ({ facts }) => perService(facts, "ssh.hostkey.algorithm", (s) => algorithmOutcome("hostKey", s)),
});

// Terrapin (CVE-2023-48795, Bäumer, Brinkmann & Schwenk 2023): prefix truncation works against
// ChaCha20-Poly1305 and against CBC ciphers with encrypt-then-MAC; EtM with CTR is affected in
// theory only. Strict key exchange (kex-strict-s-v00@openssh.com) is the countermeasure.
const isChacha = (c: string) => /^chacha20-poly1305/i.test(c) || classify("cipher", c).flags.includes("CHACHA20_POLY1305");
const isCbc = (c: string) => /-cbc(@|$)/i.test(c) || classify("cipher", c).flags.includes("CBC");
const isEtm = (m: string) => /-etm@openssh\.com$/i.test(m) || classify("mac", m).flags.includes("ETM");

export const terrapinRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.terrapin",
    title: "Not exposed to the Terrapin attack (CVE-2023-48795)",
    elements: [7],
    iec62443: ["CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Update the SSH server to a version with strict key exchange (kex-strict-s-v00@openssh.com, OpenSSH 9.6+ or vendor backport), or stop offering chacha20-poly1305@openssh.com and *-etm@openssh.com MACs.",
    docs: "https://terrapin-attack.com/",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.terrapin", (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      const a = s.algorithms;
      const ciphers = ALGORITHM_LISTS.cipher(a);
      const macs = ALGORITHM_LISTS.mac(a);
      const strictKex = a.strictKex || a.kex.includes(STRICT_KEX_SERVER);
      const chacha = ciphers.filter(isChacha);
      const cbc = ciphers.filter(isCbc);
      const etm = macs.filter(isEtm);
      const evidence = { strictKex, chacha20Poly1305: chacha, etmMacs: etm, cbcCiphers: cbc };
      if (strictKex) return pass("strict key exchange (kex-strict-s-v00@openssh.com) offered", evidence);
      if (chacha.length || (etm.length && cbc.length)) {
        const what = [...chacha, ...(cbc.length ? etm.map((m) => `${m} with ${cbc.join("/")}`) : [])];
        return fail(`exposed to Terrapin: ${what.join(", ")} offered without strict key exchange`, evidence);
      }
      if (etm.length)
        return fail(
          `encrypt-then-MAC (${etm.join(", ")}) without strict key exchange: affected in theory (sequence numbers can be shifted), not practically exploitable with the ciphers offered`,
          evidence,
          { severity: "low" },
        );
      const unknown = [...ciphers.filter((c) => classify("cipher", c).status === "unknown"), ...macs.filter((m) => classify("mac", m).status === "unknown")];
      if (unknown.length)
        return undetermined("unknown-value", `cipher or MAC names not in the knowledge base, Terrapin exposure cannot be judged: ${unknown.join(", ")}`, {
          ...evidence,
          unknown,
        });
      if (cutLists("cipher", a).length || cutLists("mac", a).length)
        return undetermined("incomplete", "the cipher or MAC lists were longer than otaudit keeps; names left out were not judged", evidence);
      if (ciphers.length === 0 || macs.length === 0)
        return undetermined("no-answer", "no cipher or no MAC was offered; Terrapin exposure cannot be judged", evidence);
      return pass("neither chacha20-poly1305 nor an encrypt-then-MAC mode offered", { ...evidence, ciphers, macs });
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
    perService(facts, "ssh.compression.preauth", (s) => {
      const o = algorithmOutcome("compression", s);
      return o.status === "fail" ? { ...o, evidence: { ...o.evidence, preauth: o.evidence?.weak } } : o;
    }),
});

export const gexModulusRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.kex.gex-modulus",
    title: `DH group-exchange moduli of at least ${MIN_GEX_BITS} bits`,
    elements: [7],
    iec62443: ["CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: `Serve only DH group-exchange moduli of ${MIN_GEX_BITS} bits or more (OpenSSH: prune /etc/ssh/moduli), or stop offering diffie-hellman-group-exchange-*.`,
    docs: "https://www.rfc-editor.org/rfc/rfc8270",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.kex.gex-modulus", (s) => {
      if (!s.algorithms) return noAlgorithms(s);
      const offered = s.algorithms.kex.filter((k) => GEX_ALGORITHMS.includes(k));
      if (offered.length === 0) return notApplicable("no DH group exchange offered", { kex: s.algorithms.kex });
      const g = s.groupExchange;
      if (!g) {
        const cut = s.phasesCut?.find((c) => c.phase === "group-exchange");
        return cut
          ? undetermined("incomplete", `group exchange offered but not tested: ${cut.message}`, { offered })
          : undetermined("not-attempted", "group exchange offered but no group was requested", { offered });
      }
      const sizes = Object.fromEntries(g.requests.map((r) => [r.label, r.bits ?? (r.refused ? "refused" : `error: ${r.error?.message ?? "no answer"}`)]));
      const evidence = { algorithm: g.algorithm, requested: g.requests.map((r) => `${r.label} ${r.min}/${r.n}/${r.max}`), sizes };
      const small = g.requests.filter((r) => r.bits !== undefined && r.bits < MIN_GEX_BITS);
      if (small.length) {
        const worst = Math.min(...small.map((r) => r.bits!));
        return fail(
          `group exchange hands out a ${worst}-bit modulus (below ${MIN_GEX_BITS}) for the ${small.map((r) => r.label).join(" and ")} request${small.length > 1 ? "s" : ""}`,
          { ...evidence, weak: small.map((r) => `${r.bits} bits`) },
          { severity: worst < 1024 ? "critical" : "high" },
        );
      }
      const unanswered = g.requests.filter((r) => r.bits === undefined && !r.refused);
      if (unanswered.length)
        return undetermined(
          "no-answer",
          `no group for the ${unanswered.map((r) => r.label).join(", ")} request: ${unanswered[0]!.error?.message ?? "no answer"}`,
          evidence,
        );
      const served = g.requests.filter((r) => r.bits !== undefined);
      if (served.length === 0) return undetermined("no-answer", "the server refused every group request; no modulus to judge", evidence);
      const largest = Math.max(...served.map((r) => r.bits!));
      const note =
        g.requests.find((r) => r.label === "large")?.bits !== undefined && largest < 3072
          ? ` (the largest served is ${largest} bits, even when 8192 is asked for)`
          : "";
      return pass(`every modulus served is at least ${MIN_GEX_BITS} bits: ${served.map((r) => `${r.label} ${r.bits}`).join(", ")}${note}`, evidence);
    }),
});
