// TLS wire constants (protocol-agnostic; shared by every plugin that speaks TLS): record content
// types (RFC 5246 §6.2.1, RFC 8446 §5.1), handshake types (RFC 5246 §7.4, RFC 8446 §4), protocol
// versions, extension types, alert descriptions (RFC 5246 §7.2, RFC 8446 §6), named groups (RFC 8422
// §5.1.1, RFC 7919, RFC 8446 §4.2.7) and signature schemes (RFC 8446 §4.2.3, RFC 5246 §7.4.1.4.1).
// Names are the IANA TLS registry's; a code missing here is *unknown*, never assumed good.

export const ContentType = { changeCipherSpec: 20, alert: 21, handshake: 22, applicationData: 23, heartbeat: 24 } as const;

export const HandshakeType = {
  helloRequest: 0,
  clientHello: 1,
  serverHello: 2,
  newSessionTicket: 4,
  endOfEarlyData: 5,
  encryptedExtensions: 8,
  certificate: 11,
  serverKeyExchange: 12,
  certificateRequest: 13,
  serverHelloDone: 14,
  certificateVerify: 15,
  clientKeyExchange: 16,
  finished: 20,
  certificateStatus: 22,
  keyUpdate: 24,
  messageHash: 254,
} as const;

/** Protocol versions by wire code (SSL 3.0 RFC 6101, TLS 1.0 RFC 2246, 1.1 RFC 4346, 1.2 RFC 5246, 1.3 RFC 8446). */
export const VERSIONS = [
  { code: 0x0300, name: "SSLv3" },
  { code: 0x0301, name: "TLSv1" },
  { code: 0x0302, name: "TLSv1.1" },
  { code: 0x0303, name: "TLSv1.2" },
  { code: 0x0304, name: "TLSv1.3" },
] as const;
export type VersionName = (typeof VERSIONS)[number]["name"];

export function versionName(code: number): VersionName | undefined {
  return VERSIONS.find((v) => v.code === code)?.name;
}
export function versionCode(name: VersionName): number {
  return VERSIONS.find((v) => v.name === name)!.code;
}

export const ExtensionType = {
  serverName: 0,
  statusRequest: 5,
  supportedGroups: 10,
  ecPointFormats: 11,
  signatureAlgorithms: 13,
  alpn: 16,
  padding: 21,
  encryptThenMac: 22,
  extendedMasterSecret: 23,
  sessionTicket: 35,
  supportedVersions: 43,
  cookie: 44,
  pskKeyExchangeModes: 45,
  certificateAuthorities: 47,
  signatureAlgorithmsCert: 50,
  keyShare: 51,
  renegotiationInfo: 0xff01,
} as const;

/** Alert descriptions (RFC 8446 §6, RFC 5246 §7.2, RFC 6101 §5.4.2 for SSLv3 no_certificate). */
export const ALERTS: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  21: "decryption_failed",
  22: "record_overflow",
  30: "decompression_failure",
  40: "handshake_failure",
  41: "no_certificate",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  60: "export_restriction",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  111: "certificate_unobtainable",
  112: "unrecognized_name",
  113: "bad_certificate_status_response",
  114: "bad_certificate_hash_value",
  115: "unknown_psk_identity",
  116: "certificate_required",
  120: "no_application_protocol",
};

export function alertName(code: number): string {
  return ALERTS[code] ?? `unknown_alert_${code}`;
}

/**
 * Alerts that name a missing or unacceptable client certificate: certificate_required (RFC 8446
 * §4.4.2.4), no_certificate (SSLv3), bad_certificate, and handshake_failure — the latter only counts
 * when the caller knows a certificate had been requested (RFC 5246 §7.4.6: "If the client does not
 * send any certificates, the server MAY ... respond with a fatal handshake_failure alert").
 */
export const CLIENT_CERTIFICATE_ALERTS = new Set([116, 41, 42]);

/** Named groups (IANA "TLS Supported Groups"); `bits` is the EC order size or the FFDHE modulus. */
export const GROUPS: Record<number, { name: string; kind: "ec" | "ffdhe" | "hybrid"; bits?: number }> = {
  1: { name: "sect163k1", kind: "ec", bits: 163 },
  2: { name: "sect163r1", kind: "ec", bits: 163 },
  3: { name: "sect163r2", kind: "ec", bits: 163 },
  4: { name: "sect193r1", kind: "ec", bits: 193 },
  5: { name: "sect193r2", kind: "ec", bits: 193 },
  6: { name: "sect233k1", kind: "ec", bits: 232 },
  7: { name: "sect233r1", kind: "ec", bits: 233 },
  8: { name: "sect239k1", kind: "ec", bits: 238 },
  9: { name: "sect283k1", kind: "ec", bits: 281 },
  10: { name: "sect283r1", kind: "ec", bits: 282 },
  11: { name: "sect409k1", kind: "ec", bits: 407 },
  12: { name: "sect409r1", kind: "ec", bits: 409 },
  13: { name: "sect571k1", kind: "ec", bits: 570 },
  14: { name: "sect571r1", kind: "ec", bits: 570 },
  15: { name: "secp160k1", kind: "ec", bits: 161 },
  16: { name: "secp160r1", kind: "ec", bits: 161 },
  17: { name: "secp160r2", kind: "ec", bits: 161 },
  18: { name: "secp192k1", kind: "ec", bits: 192 },
  19: { name: "secp192r1", kind: "ec", bits: 192 },
  20: { name: "secp224k1", kind: "ec", bits: 225 },
  21: { name: "secp224r1", kind: "ec", bits: 224 },
  22: { name: "secp256k1", kind: "ec", bits: 256 },
  23: { name: "secp256r1", kind: "ec", bits: 256 },
  24: { name: "secp384r1", kind: "ec", bits: 384 },
  25: { name: "secp521r1", kind: "ec", bits: 521 },
  26: { name: "brainpoolP256r1", kind: "ec", bits: 256 },
  27: { name: "brainpoolP384r1", kind: "ec", bits: 384 },
  28: { name: "brainpoolP512r1", kind: "ec", bits: 512 },
  29: { name: "x25519", kind: "ec", bits: 253 },
  30: { name: "x448", kind: "ec", bits: 446 },
  31: { name: "brainpoolP256r1tls13", kind: "ec", bits: 256 },
  32: { name: "brainpoolP384r1tls13", kind: "ec", bits: 384 },
  33: { name: "brainpoolP512r1tls13", kind: "ec", bits: 512 },
  256: { name: "ffdhe2048", kind: "ffdhe", bits: 2048 },
  257: { name: "ffdhe3072", kind: "ffdhe", bits: 3072 },
  258: { name: "ffdhe4096", kind: "ffdhe", bits: 4096 },
  259: { name: "ffdhe6144", kind: "ffdhe", bits: 6144 },
  260: { name: "ffdhe8192", kind: "ffdhe", bits: 8192 },
  0x11eb: { name: "SecP256r1MLKEM768", kind: "hybrid" },
  0x11ec: { name: "X25519MLKEM768", kind: "hybrid" },
  0x11ed: { name: "SecP384r1MLKEM1024", kind: "hybrid" },
};

export function groupName(code: number): string | undefined {
  return GROUPS[code]?.name;
}

/** Signature schemes (RFC 8446 §4.2.3; TLS 1.2 hash/signature pairs share the code space, RFC 5246 §7.4.1.4.1). */
export const SIGNATURE_SCHEMES: Record<number, string> = {
  0x0201: "rsa_pkcs1_sha1",
  0x0202: "dsa_sha1",
  0x0203: "ecdsa_sha1",
  0x0101: "rsa_pkcs1_md5",
  0x0301: "rsa_pkcs1_sha224",
  0x0302: "dsa_sha224",
  0x0303: "ecdsa_sha224",
  0x0401: "rsa_pkcs1_sha256",
  0x0402: "dsa_sha256",
  0x0403: "ecdsa_secp256r1_sha256",
  0x0501: "rsa_pkcs1_sha384",
  0x0502: "dsa_sha384",
  0x0503: "ecdsa_secp384r1_sha384",
  0x0601: "rsa_pkcs1_sha512",
  0x0602: "dsa_sha512",
  0x0603: "ecdsa_secp521r1_sha512",
  0x0804: "rsa_pss_rsae_sha256",
  0x0805: "rsa_pss_rsae_sha384",
  0x0806: "rsa_pss_rsae_sha512",
  0x0807: "ed25519",
  0x0808: "ed448",
  0x0809: "rsa_pss_pss_sha256",
  0x080a: "rsa_pss_pss_sha384",
  0x080b: "rsa_pss_pss_sha512",
  0x081a: "ecdsa_brainpoolP256r1tls13_sha256",
  0x081b: "ecdsa_brainpoolP384r1tls13_sha384",
  0x081c: "ecdsa_brainpoolP512r1tls13_sha512",
};

export function signatureSchemeName(code: number): string | undefined {
  return SIGNATURE_SCHEMES[code];
}

/** ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5). */
export const CLIENT_CERTIFICATE_TYPES: Record<number, string> = {
  1: "rsa_sign",
  2: "dss_sign",
  3: "rsa_fixed_dh",
  4: "dss_fixed_dh",
  64: "ecdsa_sign",
  65: "rsa_fixed_ecdh",
  66: "ecdsa_fixed_ecdh",
};

/** Record payload limits: TLSPlaintext 2^14 (RFC 8446 §5.1), TLSCiphertext 2^14 + 2048 (RFC 5246 §6.2.3). */
export const MAX_PLAINTEXT = 1 << 14;
export const MAX_RECORD_PAYLOAD = (1 << 14) + 2048;
