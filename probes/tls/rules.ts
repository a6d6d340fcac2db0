// tls rules, protocol side: pure functions over TlsFacts (no I/O), judged with THE TLS knowledge
// (probes/tls/judge.ts, probes/tls/data/tls.yaml). A pass needs positive evidence: versions refused
// one by one, a complete suite enumeration, a group the server chose, a ServerHello that answered
// the feature probe. Unknown suites, groups or versions are `undetermined` (unknown-value); a cut
// or broken enumeration is `undetermined` (incomplete); a service that never proved TLS is not judged.
import { defineRule, type Rule } from "../../src/plugin.js";
import { fail, judgeItems, notApplicable, pass, undetermined, type JudgedItem } from "../../src/rule-kit.js";
import type { TlsFacts, TlsService, VersionEntry } from "./facts.js";
import { judgeDhBits, judgeGroup, judgeSuite, judgeVersionCode } from "./judge.js";
import { tlsKnowledge } from "./knowledge.js";
import { CERT_RULES } from "./rules-cert.js";
import { perService } from "./rules-common.js";
import { GROUPS, versionCode } from "./wire/constants.js";
import { suiteByCode } from "./wire/suites.js";

const RFC9325 = "https://www.rfc-editor.org/rfc/rfc9325";
const LEGACY = ["SSLv3", "TLSv1", "TLSv1.1"] as const;
const chose = (v: VersionEntry) => v.result === "accepted" || v.result === "incomplete";

export const legacyVersions = defineRule<TlsFacts>({
  meta: {
    id: "tls.protocol.legacy",
    title: "SSLv3, TLS 1.0 or TLS 1.1 accepted",
    elements: [5, 7],
    iec62443: ["CR 4.3", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation: "Allow TLS 1.2 and TLS 1.3 only (RFC 8996 deprecates TLS 1.0 and 1.1, RFC 7568 prohibits SSLv3); update the device firmware if it cannot.",
    docs: "https://www.rfc-editor.org/rfc/rfc8996",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const legacy = s.versions.filter((v) => (LEGACY as readonly string[]).includes(v.version));
      const taken = legacy.filter(chose);
      const evidence = { endpoint: s.url, versions: s.versions.map((v) => ({ version: v.version, result: v.result })) };
      if (taken.length) {
        const items = taken.map((v) => ({ version: v.version, ...judgeVersionCode(versionCode(v.version)) }));
        return fail(
          `${s.url} accepts ${taken.map((v) => v.version).join(", ")}: ${items.map((i) => `${i.version} (${i.reasons?.join("; ") ?? "weak"})`).join("; ")}`,
          { ...evidence, accepted: taken.map((v) => v.version) },
          { severity: taken.some((v) => v.version === "SSLv3") ? "high" : "medium" },
        );
      }
      const refused = legacy.filter((v) => v.result === "refused");
      const untested = LEGACY.filter((name) => !refused.some((v) => v.version === name));
      if (untested.length)
        return undetermined(
          "incomplete",
          `${s.url}: ${untested.join(", ")} could not be tested (${
            legacy
              .filter((v) => untested.includes(v.version as never))
              .map((v) => `${v.version}: ${v.result}${v.detail ? ` ${v.detail}` : ""}`)
              .join("; ") || "no answer recorded"
          })`,
          evidence,
        );
      return pass(`${s.url} refused SSLv3, TLS 1.0 and TLS 1.1 (one raw ClientHello each)`, { ...evidence, refused: refused.map((v) => v.version) });
    }),
});

export const weakSuites = defineRule<TlsFacts>({
  meta: {
    id: "tls.cipher.weak",
    title: "Weak cipher suites accepted",
    elements: [5, 7],
    iec62443: ["CR 4.3", "CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Accept only ECDHE (or DHE >= 2048 bits) key exchange with AEAD ciphers (AES-GCM, ChaCha20-Poly1305) and TLS 1.3 suites; remove NULL, anonymous, export, RC4, DES, 3DES and static-RSA suites (RFC 9325 §4.1).",
    docs: RFC9325,
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const codes = new Set<number>();
      for (const scan of s.suites) for (const a of scan.accepted) codes.add(a.code);
      for (const v of s.versions) if (chose(v) && v.cipherCode !== undefined) codes.add(v.cipherCode);
      const items: JudgedItem[] = [...codes].map((c) => judgeSuite(c));
      const scanned = s.versions.filter((v) => v.result === "accepted").map((v) => v.version);
      // an accepted version needs a finished enumeration that found its suites (a ServerHello chose one)
      const open = scanned.filter((v) => {
        const scan = s.suites.find((x) => x.version === v);
        return scan?.result !== "complete" || scan.accepted.length === 0;
      });
      const evidence = { endpoint: s.url, suites: s.suites.map((x) => ({ version: x.version, result: x.result, accepted: x.accepted.map((a) => a.name) })) };
      const out = judgeItems(items, "cipher suite", { evidence });
      if (out.status === "pass" && open.length) {
        return undetermined(
          "incomplete",
          `${s.url}: no weak suite among those seen, but the enumeration of ${open.join(", ")} did not finish (${
            s.suites
              .filter((x) => open.includes(x.version))
              .map((x) => x.detail ?? x.result)
              .join("; ") || "not run"
          })`,
          evidence,
        );
      }
      return out;
    }),
});

/** Groups and DH sizes the server chose, judged; plus the weak-curve probe's answer. */
function keyExchangeItems(s: TlsService): { items: JudgedItem[]; ephemeral: boolean; ecdheLegacy: boolean } {
  const items = new Map<string, JudgedItem>();
  let ephemeral = false;
  let ecdheLegacy = false;
  const seen = (code: number | undefined, group?: number, dhBits?: number, version?: string) => {
    const kx = code !== undefined ? suiteByCode(code)?.keyExchange : undefined;
    if (kx && ["ECDHE", "DHE", "TLS13", "ECDH_anon", "DH_anon"].includes(kx)) ephemeral = true;
    if (kx === "ECDHE" && version !== "TLSv1.3") ecdheLegacy = true;
    if (group !== undefined) {
      const j = judgeGroup(group);
      items.set(j.name, j);
    }
    if (dhBits !== undefined) {
      const j = judgeDhBits(dhBits);
      items.set(j.name, j);
    }
  };
  for (const v of s.versions) if (chose(v)) seen(v.cipherCode, v.group, v.dhBits, v.version);
  for (const scan of s.suites) for (const a of scan.accepted) seen(a.code, a.group, a.dhBits, scan.version);
  return { items: [...items.values()], ephemeral, ecdheLegacy };
}

export const weakKeyExchange = defineRule<TlsFacts>({
  meta: {
    id: "tls.key-exchange.weak",
    title: "Weak key-exchange group or DH prime",
    elements: [7],
    iec62443: ["CR 4.3"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Use X25519, P-256 or larger curves, or FFDHE groups of at least 2048 bits (RFC 7919); disable curves below 224 bits and DH primes below 2048 bits (Logjam).",
    docs: "https://www.rfc-editor.org/rfc/rfc7919",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const { items, ephemeral, ecdheLegacy } = keyExchangeItems(s);
      const weakProbe = s.weakGroups;
      if (weakProbe?.result === "accepted" && weakProbe.group !== undefined) {
        const g = GROUPS[weakProbe.group];
        items.push({
          name: `${g?.name ?? `group ${weakProbe.group}`} (chosen when only weak curves were offered)`,
          status: g ? "weak" : "unknown",
          reasons: [`${g?.bits ?? "?"}-bit curve`],
          severity: "high",
        });
      }
      const evidence = {
        endpoint: s.url,
        weakCurveProbe: weakProbe ? { result: weakProbe.result, ...(weakProbe.group !== undefined ? { group: weakProbe.group } : {}) } : "not run",
      };
      if (items.length === 0) {
        if (!ephemeral) return notApplicable(`${s.url}: no ephemeral key exchange was chosen (static key exchange is judged by tls.cipher.weak)`, evidence);
        return undetermined("no-answer", `${s.url}: ephemeral key exchange chosen, but no group or DH size could be read`, evidence);
      }
      const out = judgeItems(items, "key-exchange group", { evidence });
      if (out.status === "pass" && ecdheLegacy && weakProbe?.result !== "refused") {
        return undetermined(
          "incomplete",
          `${s.url}: the groups seen are acceptable, but whether the server also accepts a weak curve is unknown (${weakProbe ? `${weakProbe.result}: ${weakProbe.detail ?? ""}` : "the weak-curve probe did not run"})`,
          evidence,
        );
      }
      return out;
    }),
});

const bestPre13 = (s: TlsService) => s.versions.filter((v) => chose(v) && v.version !== "TLSv1.3");

export const compression = defineRule<TlsFacts>({
  meta: {
    id: "tls.compression.enabled",
    title: "TLS compression accepted (CRIME)",
    elements: [5, 7],
    iec62443: ["CR 4.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Disable TLS-level compression (RFC 7457 §2.6, RFC 9325 §3.3); TLS 1.3 has none.",
    docs: "https://www.rfc-editor.org/rfc/rfc7457#section-2.6",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const c = s.compression;
      const k = tlsKnowledge().features.compression;
      if (bestPre13(s).length === 0) return notApplicable(`${s.url}: only TLS 1.3 accepted, which has no compression (RFC 8446 §4.1.2)`, { endpoint: s.url });
      if (!c) return undetermined("not-attempted", `${s.url}: the compression probe did not run`, { endpoint: s.url, cut: s.cut ?? [] });
      const evidence = { endpoint: s.url, version: c.version, offered: c.offered, ...(c.method !== undefined ? { chosen: c.method } : {}) };
      if (c.result === "accepted" && c.method === 1) return fail(`${s.url} chose DEFLATE compression when offered (${k.reason})`, evidence);
      // "no compression" is an answer only when DEFLATE was among the methods offered (RFC 5246 §7.4.1.2)
      if (c.result === "accepted" && c.method === 0 && !c.offered.includes(1))
        return undetermined("no-evidence", `${s.url}: the server chose no compression, but DEFLATE is not recorded among the methods offered`, evidence);
      if (c.result === "accepted" && c.method === 0) return pass(`${s.url} chose no compression with DEFLATE offered first (${c.version})`, evidence);
      return undetermined(
        c.result === "refused" ? "no-answer" : "unparsed",
        `${s.url}: the compression probe got no usable ServerHello (${c.result}${c.detail ? `: ${c.detail}` : ""})`,
        evidence,
      );
    }),
});

export const renegotiation = defineRule<TlsFacts>({
  meta: {
    id: "tls.renegotiation.insecure",
    title: "No secure renegotiation (RFC 5746)",
    elements: [7],
    iec62443: ["CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Update the TLS stack to one that implements RFC 5746 secure renegotiation (any TLS library from after 2010), or disable renegotiation.",
    docs: "https://www.rfc-editor.org/rfc/rfc5746",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const k = tlsKnowledge().features.insecureRenegotiation;
      const pre13 = bestPre13(s);
      if (pre13.length === 0) return notApplicable(`${s.url}: only TLS 1.3 accepted, which has no renegotiation (RFC 8446 §4.1.2)`, { endpoint: s.url });
      const observable = pre13.filter((v) => v.version !== "SSLv3");
      const evidence = { endpoint: s.url, versions: observable.map((v) => ({ version: v.version, renegotiationInfo: v.renegotiationInfo ?? "not recorded" })) };
      const without = observable.filter((v) => v.renegotiationInfo === false);
      if (without.length)
        return fail(`${s.url}: no renegotiation_info in the ServerHello for ${without.map((v) => v.version).join(", ")} (${k.reason})`, evidence);
      if (observable.length === 0)
        return undetermined(
          "unobservable",
          `${s.url}: only SSLv3 accepted; an SSLv3 hello carries no extensions, so RFC 5746 support is not observable`,
          evidence,
        );
      if (observable.some((v) => v.renegotiationInfo !== true))
        return undetermined("incomplete", `${s.url}: the renegotiation_info answer was not recorded for every version`, evidence);
      return pass(`${s.url} answers with renegotiation_info (RFC 5746) for ${observable.map((v) => v.version).join(", ")}`, evidence);
    }),
});

export const TLS_RULES: Rule<TlsFacts>[] = [legacyVersions, weakSuites, weakKeyExchange, compression, renegotiation, ...CERT_RULES];
