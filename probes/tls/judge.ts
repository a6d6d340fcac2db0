// Pure judgements of what a TLS server chose, against THE TLS knowledge (probes/tls/data/tls.yaml)
// and src/knowledge/key-strength.ts: a version, a cipher suite (by its parts), a key-exchange group,
// a DHE prime, a certificate key and signature, a certificate's validity window. Each returns a
// JudgedItem: ok, weak (with reasons) or unknown - and an unknown item can never make a rule pass
// (src/rule-kit.ts judgeItems). Shared by the tls plugin and Modbus/TCP Security.
import { isoTime } from "../../src/rule-kit.js";
import type { Severity } from "../../src/model/common.js";
import type { JudgedItem } from "../../src/rule-kit.js";
import { curveBits, judgeKey } from "../../src/knowledge/key-strength.js";
import { GROUPS, versionName } from "./wire/constants.js";
import { SIGNATURE_OIDS } from "./wire/x509.js";
import { suiteByCode, suiteByName, suiteLabel, type SuiteInfo } from "./wire/suites.js";
import { tlsKnowledge } from "./knowledge.js";

/** What the judgements read of a certificate (the tls plugin's and Modbus's certificate facts both fit). */
export interface JudgedCertificate {
  keyAlgorithm: string;
  keyBits?: number | undefined;
  namedCurve?: string | undefined;
  signatureAlgorithm: string;
  signatureHash?: string | undefined;
}

const RANK: Severity[] = ["critical", "high", "medium", "low", "info"];
const worst = (xs: Severity[]): Severity | undefined => [...xs].sort((a, b) => RANK.indexOf(a) - RANK.indexOf(b))[0];

export function judgeVersionCode(code: number): JudgedItem {
  const name = versionName(code);
  const k = tlsKnowledge().versions.find((v) => v.version === name);
  if (!name || !k) return { name: `unknown version 0x${code.toString(16).padStart(4, "0")}`, status: "unknown" };
  return k.weak ? { name, status: "weak", reasons: [k.reason], severity: "high" } : { name, status: "ok" };
}

function judgeParts(s: SuiteInfo): JudgedItem {
  const k = tlsKnowledge().suiteParts;
  const reasons: string[] = [];
  const sev: Severity[] = [];
  let unknown = false;
  if (s.kind === "signalling") return { name: s.name, status: "unknown" }; // a server must never choose one
  if (s.export) {
    reasons.push("export-grade");
    sev.push("high");
  }
  const kx = k.keyExchange.weak.find((w) => w.name === s.keyExchange);
  if (kx) {
    reasons.push(kx.reason);
    sev.push(kx.severity);
  } else if (!k.keyExchange.acceptable.includes(s.keyExchange)) unknown = true;
  const c = k.cipher.weak.find((w) => s.cipher.startsWith(w.name));
  if (c) {
    reasons.push(c.reason);
    sev.push(c.severity);
  } else if (!k.cipher.acceptable.some((p) => s.cipher.startsWith(p))) unknown = true;
  const mac = k.mac.weak.find((w) => w.name === s.mac);
  if (mac) {
    reasons.push(mac.reason);
    sev.push(mac.severity);
  }
  if (reasons.length) return { name: s.name, status: "weak", reasons, severity: worst(sev) ?? "medium" };
  return { name: s.name, status: unknown ? "unknown" : "ok" };
}

/** A suite by wire code (ServerHello) or IANA name (Node's standardName). */
export function judgeSuite(codeOrName: number | string): JudgedItem {
  const s = typeof codeOrName === "number" ? suiteByCode(codeOrName) : suiteByName(codeOrName);
  if (!s) return { name: typeof codeOrName === "number" ? suiteLabel(codeOrName) : `unknown suite ${codeOrName}`, status: "unknown" };
  return judgeParts(s);
}

export function judgeGroup(code: number): JudgedItem {
  const g = GROUPS[code];
  if (!g) return { name: `unknown group 0x${code.toString(16).padStart(4, "0")}`, status: "unknown" };
  if (g.kind === "hybrid") return { name: g.name, status: "ok" }; // ML-KEM hybrids with X25519 / P-256 / P-384 (draft-ietf-tls-ecdhe-mlkem)
  const j = judgeKey(g.kind === "ec" ? "ec" : "dh", g.bits);
  return j.status === "weak" ? { name: g.name, status: "weak", reasons: [j.detail], severity: "high" } : { name: g.name, status: j.status };
}

/** Node's ephemeral key name ("X25519", "prime256v1", "ffdhe2048", "DH"): known curve -> judged, else unknown. */
export function judgeGroupName(name: string): JudgedItem {
  const byName = Object.entries(GROUPS).find(([, g]) => g.name.toLowerCase() === name.toLowerCase());
  if (byName) return judgeGroup(Number(byName[0]));
  const bits = curveBits(name);
  if (bits) {
    const j = judgeKey("ec", bits, name);
    return j.status === "weak" ? { name, status: "weak", reasons: [j.detail], severity: "high" } : { name, status: j.status };
  }
  return { name, status: "unknown" };
}

export function judgeDhBits(bits: number): JudgedItem {
  const j = judgeKey("dh", bits);
  const name = `DHE ${bits}-bit prime`;
  return j.status === "weak" ? { name, status: "weak", reasons: [j.detail], severity: "high" } : { name, status: j.status };
}

/** Certificate key (every key type, per-type minimum) and signature hash; validity is judged by the rule. */
export function judgeCertificate(c: JudgedCertificate): { key: JudgedItem; signature: JudgedItem } {
  const keyJ = judgeKey(c.keyAlgorithm, c.keyAlgorithm === "ec" ? (c.keyBits ?? curveBits(c.namedCurve)) : c.keyBits, c.namedCurve);
  const label = `key ${c.keyAlgorithm}${c.namedCurve ? ` ${c.namedCurve}` : ""}${c.keyBits ? ` ${c.keyBits} bits` : ""}`;
  const key: JudgedItem = { name: label, status: keyJ.status, ...(keyJ.status === "weak" ? { reasons: [keyJ.detail], severity: "medium" as const } : {}) };
  const k = tlsKnowledge().certificate;
  const hash = c.signatureHash ?? legacyHash(c.signatureAlgorithm);
  const weak = hash ? k.weakSignatureHashes.find((h) => h.hash === hash) : undefined;
  const signature: JudgedItem = weak
    ? { name: `signature ${c.signatureAlgorithm}`, status: "weak", reasons: [weak.reason], severity: "medium" }
    : { name: `signature ${c.signatureAlgorithm}`, status: hash && k.acceptableSignatureHashes.includes(hash) ? "ok" : "unknown" };
  return { key, signature };
}

/** Facts recorded before signatureHash existed name the algorithm as "<name> with SHA-256". */
function legacyHash(alg: string): string | undefined {
  const m = /with (SHA-1|SHA-224|SHA-256|SHA-384|SHA-512|MD5)$/i.exec(alg);
  return m ? m[1]!.toLowerCase().replace("-", "") : undefined;
}

export type Validity =
  | { status: "valid"; daysLeft: number }
  | { status: "expiring"; daysLeft: number; warningDays: number }
  | { status: "expired"; daysAgo: number }
  | { status: "not-yet-valid"; daysUntil: number }
  /** notBefore after notAfter: an empty window, valid at no time */
  | { status: "never-valid" }
  | { status: "unknown"; detail: string };

const DAY = 86_400_000;

/**
 * A certificate's validity window at `at` (RFC 5280 §4.1.2.5): dates that do not parse (rule-kit
 * isoTime: ISO timestamps only, Date.parse is lenient) are `unknown`, never valid; expiring within
 * the knowledge file's warning days is `expiring`.
 */
export function judgeValidity(notBefore: string, notAfter: string, at: Date): Validity {
  const from = isoTime(notBefore);
  const to = isoTime(notAfter);
  const now = at.getTime();
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(now))
    return { status: "unknown", detail: `validity dates that do not parse: notBefore ${JSON.stringify(notBefore)}, notAfter ${JSON.stringify(notAfter)}` };
  if (from > to) return { status: "never-valid" };
  if (now < from) return { status: "not-yet-valid", daysUntil: Math.ceil((from - now) / DAY) };
  if (now > to) return { status: "expired", daysAgo: Math.floor((now - to) / DAY) };
  const daysLeft = Math.floor((to - now) / DAY);
  const warningDays = tlsKnowledge().expiry.warningDays;
  return daysLeft < warningDays ? { status: "expiring", daysLeft, warningDays } : { status: "valid", daysLeft };
}

/** A certificate key alone (type and size per type, src/knowledge/key-strength.ts). */
export function judgeCertificateKey(c: Pick<JudgedCertificate, "keyAlgorithm" | "keyBits" | "namedCurve">): JudgedItem {
  const keyJ = judgeKey(c.keyAlgorithm, c.keyAlgorithm === "ec" ? (c.keyBits ?? curveBits(c.namedCurve)) : c.keyBits, c.namedCurve);
  const label = `key ${c.keyAlgorithm}${c.namedCurve ? ` ${c.namedCurve}` : ""}${c.keyBits ? ` ${c.keyBits} bits` : ""}`;
  return { name: label, status: keyJ.status, ...(keyJ.status === "weak" ? { reasons: [keyJ.detail], severity: "medium" as const } : {}) };
}

/**
 * A certificate signature by its AlgorithmIdentifier OID (RFC 5280 §4.1.1.2): the hash comes from
 * the OID table (probes/tls/wire/x509.ts); only RSASSA-PSS takes it from its parameters (recorded as
 * signatureHash). An OID the table does not know is unknown, never acceptable.
 */
export function judgeSignatureOid(c: { signatureOid?: string | undefined; signatureHash?: string | undefined }): JudgedItem {
  const known = c.signatureOid !== undefined ? SIGNATURE_OIDS[c.signatureOid] : undefined;
  if (!known) return { name: `signature OID ${c.signatureOid ?? "not recorded"}`, status: "unknown" };
  const pss = c.signatureOid === "1.2.840.113549.1.1.10";
  const hash = pss ? c.signatureHash : known.hash;
  const name = pss ? `signature RSASSA-PSS with ${hash ?? "an unknown hash"}` : `signature ${known.name}`;
  const k = tlsKnowledge().certificate;
  const weak = hash ? k.weakSignatureHashes.find((h) => h.hash === hash) : undefined;
  if (weak) return { name, status: "weak", reasons: [weak.reason], severity: "medium" };
  return { name, status: hash && k.acceptableSignatureHashes.includes(hash) ? "ok" : "unknown" };
}
