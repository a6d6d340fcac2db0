// Cipher suites by code point, with their parts parsed from the IANA name (key exchange,
// authentication, bulk cipher, MAC/PRF hash, export grade, TLS 1.3 or legacy). Facts about names
// only: judging a suite (weak, acceptable) is the caller's knowledge base. RFC 5246 Appendix A.5,
// RFC 8446 §B.4, RFC 8422 §6, RFC 4279 (PSK), RFC 5054 (SRP), RFC 2712 (KRB5).
import { SUITE_TABLE } from "./suites-data.js";

export interface SuiteInfo {
  code: number;
  name: string;
  /** tls13: only in TLS 1.3; legacy: SSLv3..TLS 1.2; signalling: an SCSV, never chosen by a server */
  kind: "tls13" | "legacy" | "signalling";
  /** key exchange: RSA, DH (static), DHE, ECDH (static), ECDHE, DH_anon, ECDH_anon, PSK, DHE_PSK, RSA_PSK, ECDHE_PSK, KRB5, SRP, NULL, TLS13, ... */
  keyExchange: string;
  /** server authentication: RSA, DSS, ECDSA, anon, PSK, NULL, TLS13 (by certificate), ... */
  authentication: string;
  /** bulk cipher as named: AES_128_GCM, 3DES_EDE_CBC, RC4_128, NULL, DES40_CBC, CHACHA20_POLY1305, ... */
  cipher: string;
  /** MAC (or PRF hash for AEAD suites): MD5, SHA, SHA256, SHA384, SM3, or "" when the name has none */
  mac: string;
  aead: boolean;
  export: boolean;
}

const KX: Record<string, [string, string]> = {
  NULL: ["NULL", "NULL"],
  RSA: ["RSA", "RSA"],
  RSA_FIPS: ["RSA", "RSA"],
  DH_DSS: ["DH", "DSS"],
  DH_RSA: ["DH", "RSA"],
  DHE_DSS: ["DHE", "DSS"],
  DHE_RSA: ["DHE", "RSA"],
  DH_anon: ["DH_anon", "anon"],
  ECDH_ECDSA: ["ECDH", "ECDSA"],
  ECDH_RSA: ["ECDH", "RSA"],
  ECDHE_ECDSA: ["ECDHE", "ECDSA"],
  ECDHE_RSA: ["ECDHE", "RSA"],
  ECDH_anon: ["ECDH_anon", "anon"],
  PSK: ["PSK", "PSK"],
  DHE_PSK: ["DHE_PSK", "PSK"],
  PSK_DHE: ["DHE_PSK", "PSK"],
  RSA_PSK: ["RSA_PSK", "RSA"],
  ECDHE_PSK: ["ECDHE_PSK", "PSK"],
  KRB5: ["KRB5", "KRB5"],
  SRP_SHA: ["SRP", "SRP"],
  SRP_SHA_RSA: ["SRP", "RSA"],
  SRP_SHA_DSS: ["SRP", "DSS"],
  FORTEZZA_KEA: ["FORTEZZA_KEA", "FORTEZZA"],
  ECCPWD: ["ECCPWD", "password"],
  GOSTR341112_256: ["GOSTR341112_256", "GOST"],
};

const AEAD = /GCM|CCM|POLY1305|MGM/;

/** Parse one IANA suite name into its parts (unknown key-exchange spellings keep the raw part). */
export function parseSuiteName(code: number, name: string): SuiteInfo {
  if (code === 0x00ff || code === 0x5600)
    return { code, name, kind: "signalling", keyExchange: "NONE", authentication: "NONE", cipher: "NONE", mac: "", aead: false, export: false };
  const tls13 = /^TLS_((?:AES|CHACHA20|SM4)_[A-Z0-9_]+?)_(SHA256|SHA384|SM3)$/.exec(name);
  if (code >> 8 === 0x13 && tls13)
    return { code, name, kind: "tls13", keyExchange: "TLS13", authentication: "TLS13", cipher: tls13[1]!, mac: tls13[2]!, aead: true, export: false };
  const integrityOnly = /^TLS_(SHA256|SHA384)_\1$/.exec(name); // RFC 9150 integrity-only suites (TLS 1.3)
  if (integrityOnly)
    return { code, name, kind: "tls13", keyExchange: "TLS13", authentication: "TLS13", cipher: "NULL", mac: integrityOnly[1]!, aead: false, export: false };
  const m = /^(?:TLS|SSL)_(.+?)_WITH_(.+)$/.exec(name);
  if (!m) {
    // TLS_SM4_GCM_SM3 / TLS_SM4_CCM_SM3 (RFC 8998) are TLS 1.3 suites outside 0x13xx
    const sm = /^TLS_(SM4_(?:GCM|CCM))_(SM3)$/.exec(name);
    if (sm) return { code, name, kind: "tls13", keyExchange: "TLS13", authentication: "TLS13", cipher: sm[1]!, mac: sm[2]!, aead: true, export: false };
    return { code, name, kind: "legacy", keyExchange: "UNKNOWN", authentication: "UNKNOWN", cipher: "UNKNOWN", mac: "", aead: false, export: false };
  }
  const isExport = /EXPORT/.test(m[1]!) || /_40_|_40$|DES40/.test(m[2]!);
  const kxRaw = m[1]!.replace(/_EXPORT1024|_EXPORT/, "");
  const [keyExchange, authentication] = KX[kxRaw] ?? [kxRaw, kxRaw];
  const mm = /^(.+?)_(MD5|SHA|SHA256|SHA384|SM3)$/.exec(m[2]!);
  const cipher = mm ? mm[1]! : m[2]!;
  const mac = mm ? mm[2]! : "";
  return { code, name, kind: "legacy", keyExchange, authentication, cipher, mac, aead: AEAD.test(cipher), export: isExport };
}

const BY_CODE = new Map<number, SuiteInfo>();
const BY_NAME = new Map<string, SuiteInfo>();
for (const line of SUITE_TABLE.split("\n")) {
  const m = /^0x([0-9a-f]{4}) ([A-Za-z0-9_]+)$/.exec(line.trim());
  if (!m) continue;
  const info = parseSuiteName(parseInt(m[1]!, 16), m[2]!);
  BY_CODE.set(info.code, info);
  BY_NAME.set(info.name, info);
}

export function suiteByCode(code: number): SuiteInfo | undefined {
  return BY_CODE.get(code);
}

/** By IANA name (Node's `getCipher().standardName` uses these names). */
export function suiteByName(name: string): SuiteInfo | undefined {
  return BY_NAME.get(name);
}

/** `0x1301 TLS_AES_128_GCM_SHA256`-style label for evidence; unknown codes show only the code. */
export function suiteLabel(code: number): string {
  const hex = `0x${code.toString(16).padStart(4, "0")}`;
  const s = BY_CODE.get(code);
  return s ? s.name : `unknown suite ${hex}`;
}

export function allSuites(): SuiteInfo[] {
  return [...BY_CODE.values()];
}

/** Codes of every known suite matching `pred` (signalling values never included). */
export function suiteCodes(pred: (s: SuiteInfo) => boolean): number[] {
  return allSuites()
    .filter((s) => s.kind !== "signalling" && pred(s))
    .map((s) => s.code);
}

/** Every suite a server may choose for SSLv3..TLS 1.2 (legacy) or TLS 1.3. */
export function suitesForVersion(versionCode: number): number[] {
  return suiteCodes((s) => (versionCode >= 0x0304 ? s.kind === "tls13" : s.kind === "legacy"));
}
