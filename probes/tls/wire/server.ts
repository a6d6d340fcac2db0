// Parsers for what a TLS server sends in the clear: ServerHello (RFC 5246 §7.4.1.3, RFC 8446
// §4.1.3, HelloRetryRequest §4.1.4), Certificate (RFC 5246 §7.4.2, RFC 8446 §4.4.2),
// CertificateRequest (RFC 5246 §7.4.4, RFC 4346 §7.4.4, RFC 8446 §4.3.2) and ServerKeyExchange
// (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279 §3). Each takes one handshake message body, reads it
// with bounds checks, keeps list lengths bounded and throws only TlsWireError.
import { createHash } from "node:crypto";
import { ExtensionType } from "./constants.js";
import { Reader, TlsWireError } from "./errors.js";
import { suiteByCode } from "./suites.js";

/** SHA-256("HelloRetryRequest"): the ServerHello.random of a HelloRetryRequest (RFC 8446 §4.1.3). */
export const HRR_RANDOM = createHash("sha256").update("HelloRetryRequest").digest();
const DOWNGRADE_TLS12 = Buffer.from("444f574e47524401", "hex");
const DOWNGRADE_TLS11 = Buffer.from("444f574e47524400", "hex");

export interface ServerHello {
  legacyVersion: number;
  /** the negotiated version: supported_versions when present (TLS 1.3), else legacyVersion */
  version: number;
  random: Buffer;
  sessionIdLength: number;
  cipherSuite: number;
  compressionMethod: number;
  /** extension types in order, with their data length (bounded list) */
  extensions: { type: number; length: number }[];
  helloRetryRequest: boolean;
  /** key_share group in a ServerHello (TLS 1.3) */
  keyShareGroup?: number;
  /** selected_group of a HelloRetryRequest */
  selectedGroup?: number;
  renegotiationInfo: boolean;
  extendedMasterSecret: boolean;
  encryptThenMac: boolean;
  alpn?: string;
  /** RFC 8446 §4.1.3 downgrade sentinel in the random, if present */
  downgradeSentinel?: "tls12" | "tls11";
}

export function parseServerHello(body: Buffer, maxExtensions = 32): ServerHello {
  const r = new Reader(body, "ServerHello");
  const legacyVersion = r.u16("server_version");
  const random = Buffer.from(r.bytes(32, "random"));
  const sessionIdLength = r.vector(1, "session_id").length;
  if (sessionIdLength > 32) throw new TlsWireError("invalid", `ServerHello: session id of ${sessionIdLength} bytes`);
  const cipherSuite = r.u16("cipher_suite");
  const compressionMethod = r.u8("compression_method");
  const sh: ServerHello = {
    legacyVersion,
    version: legacyVersion,
    random,
    sessionIdLength,
    cipherSuite,
    compressionMethod,
    extensions: [],
    helloRetryRequest: random.equals(HRR_RANDOM),
    renegotiationInfo: false,
    extendedMasterSecret: false,
    encryptThenMac: false,
  };
  const tail = random.subarray(24);
  if (tail.equals(DOWNGRADE_TLS12)) sh.downgradeSentinel = "tls12";
  else if (tail.equals(DOWNGRADE_TLS11)) sh.downgradeSentinel = "tls11";
  if (r.left === 0) return sh; // extensions are optional before TLS 1.3 (RFC 5246 §7.4.1.3)
  const er = new Reader(r.vector(2, "extensions"), "ServerHello extensions");
  if (r.left !== 0) throw new TlsWireError("invalid", `ServerHello: ${r.left} bytes after the extensions`);
  while (er.left > 0) {
    if (sh.extensions.length >= maxExtensions) throw new TlsWireError("too-large", `ServerHello: more than ${maxExtensions} extensions`);
    const type = er.u16("extension type");
    const data = er.vector(2, "extension data");
    sh.extensions.push({ type, length: data.length });
    const x = new Reader(data, `ServerHello extension ${type}`);
    switch (type) {
      case ExtensionType.supportedVersions:
        sh.version = x.u16("selected_version");
        break;
      case ExtensionType.keyShare:
        if (sh.helloRetryRequest) sh.selectedGroup = x.u16("selected_group");
        else {
          sh.keyShareGroup = x.u16("group");
          x.vector(2, "key_exchange");
        }
        break;
      case ExtensionType.renegotiationInfo:
        sh.renegotiationInfo = true;
        break;
      case ExtensionType.extendedMasterSecret:
        sh.extendedMasterSecret = true;
        break;
      case ExtensionType.encryptThenMac:
        sh.encryptThenMac = true;
        break;
      case ExtensionType.alpn: {
        const list = new Reader(x.vector(2, "protocol_name_list"), "alpn");
        sh.alpn = list.vector(1, "protocol_name").toString("latin1");
        break;
      }
      default:
    }
  }
  return sh;
}

export interface CertificateMessage {
  /** DER certificates, leaf first, at most `maxCertificates` */
  certificates: Buffer[];
  /** more certificates were sent than kept */
  truncated: boolean;
  /** certificates in the message (kept or not) */
  count: number;
}

/** Certificate message; `tls13` selects the RFC 8446 §4.4.2 layout (context + entries with extensions). */
export function parseCertificate(body: Buffer, tls13: boolean, maxCertificates = 16): CertificateMessage {
  const r = new Reader(body, "Certificate");
  if (tls13) r.vector(1, "certificate_request_context");
  const list = new Reader(r.vector(3, "certificate_list"), "certificate_list");
  if (r.left !== 0) throw new TlsWireError("invalid", `Certificate: ${r.left} bytes after the list`);
  const out: CertificateMessage = { certificates: [], truncated: false, count: 0 };
  while (list.left > 0) {
    const der = list.vector(3, "cert_data");
    if (der.length === 0) throw new TlsWireError("invalid", "Certificate: empty certificate entry");
    if (tls13) list.vector(2, "CertificateEntry extensions");
    out.count++;
    if (out.certificates.length < maxCertificates) out.certificates.push(Buffer.from(der));
    else out.truncated = true;
  }
  return out;
}

export interface CertificateRequest {
  /** ClientCertificateType values (TLS <= 1.2) */
  certificateTypes: number[];
  /** SignatureAndHashAlgorithm / SignatureScheme codes (TLS 1.2 field, TLS 1.3 extension) */
  signatureAlgorithms: number[];
  /** number of distinguished names in certificate_authorities */
  authorities: number;
  /** TLS 1.3: extension types present */
  extensionTypes: number[];
}

/** CertificateRequest: TLS 1.0/1.1 (`version` < 0x0303), TLS 1.2, TLS 1.3 (`version` 0x0304). */
export function parseCertificateRequest(body: Buffer, version: number, maxList = 64): CertificateRequest {
  const r = new Reader(body, "CertificateRequest");
  const out: CertificateRequest = { certificateTypes: [], signatureAlgorithms: [], authorities: 0, extensionTypes: [] };
  if (version >= 0x0304) {
    r.vector(1, "certificate_request_context");
    const er = new Reader(r.vector(2, "extensions"), "CertificateRequest extensions");
    while (er.left > 0 && out.extensionTypes.length < maxList) {
      const type = er.u16("extension type");
      const data = er.vector(2, "extension data");
      out.extensionTypes.push(type);
      if (type === ExtensionType.signatureAlgorithms)
        out.signatureAlgorithms = codes16(new Reader(data, "signature_algorithms").vector(2, "supported_signature_algorithms"), maxList);
      if (type === ExtensionType.certificateAuthorities) out.authorities = countNames(new Reader(data, "certificate_authorities").vector(2, "authorities"));
    }
    return out;
  }
  out.certificateTypes = [...r.vector(1, "certificate_types")].slice(0, maxList);
  if (version >= 0x0303) out.signatureAlgorithms = codes16(r.vector(2, "supported_signature_algorithms"), maxList);
  out.authorities = countNames(r.vector(2, "certificate_authorities"));
  return out;
}

function countNames(b: Buffer): number {
  const r = new Reader(b, "DistinguishedName list");
  let n = 0;
  while (r.left > 0) {
    r.vector(2, "DistinguishedName");
    n++;
  }
  return n;
}

function codes16(b: Buffer, max: number): number[] {
  if (b.length % 2) throw new TlsWireError("invalid", "odd length of a 16-bit code list");
  const out: number[] = [];
  for (let i = 0; i < b.length && out.length < max; i += 2) out.push(b.readUInt16BE(i));
  return out;
}

export type ServerKeyExchange =
  | { kind: "ecdhe"; curveType: number; group?: number; signatureScheme?: number }
  | { kind: "dhe"; primeBits: number; generatorBits: number; signatureScheme?: number }
  | { kind: "rsa-export"; modulusBits: number; signatureScheme?: number }
  | { kind: "unknown"; keyExchange: string };

/** Bit length of an unsigned big-endian integer. */
export function bitLength(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** ServerKeyExchange for the suite the server chose (its key exchange decides the layout). */
export function parseServerKeyExchange(body: Buffer, cipherSuite: number, version: number): ServerKeyExchange {
  const suite = suiteByCode(cipherSuite);
  const kx = suite?.keyExchange ?? "UNKNOWN";
  const r = new Reader(body, "ServerKeyExchange");
  if (kx.endsWith("PSK")) r.vector(2, "psk_identity_hint"); // RFC 4279 §3, RFC 5489 §2
  const signed = !(suite?.authentication === "anon" || suite?.authentication === "PSK");
  const sigScheme = (): number | undefined => (signed && version >= 0x0303 && r.left >= 2 ? r.u16("signature algorithm") : undefined);
  if (kx === "ECDHE" || kx === "ECDH_anon" || kx === "ECDHE_PSK") {
    const curveType = r.u8("curve_type");
    if (curveType !== 3) return { kind: "ecdhe", curveType }; // explicit curves (1, 2): deprecated, RFC 8422 §5.4
    const group = r.u16("namedcurve");
    r.vector(1, "public");
    const s = sigScheme();
    return { kind: "ecdhe", curveType, group, ...(s !== undefined ? { signatureScheme: s } : {}) };
  }
  if (kx === "DHE" || kx === "DH_anon" || kx === "DHE_PSK") {
    const p = r.vector(2, "dh_p");
    const g = r.vector(2, "dh_g");
    r.vector(2, "dh_Ys");
    const s = sigScheme();
    return { kind: "dhe", primeBits: bitLength(p), generatorBits: bitLength(g), ...(s !== undefined ? { signatureScheme: s } : {}) };
  }
  if (kx === "RSA" && suite?.export) {
    const modulus = r.vector(2, "rsa_modulus");
    r.vector(2, "rsa_exponent");
    const s = sigScheme();
    return { kind: "rsa-export", modulusBits: bitLength(modulus), ...(s !== undefined ? { signatureScheme: s } : {}) };
  }
  return { kind: "unknown", keyExchange: kx };
}
