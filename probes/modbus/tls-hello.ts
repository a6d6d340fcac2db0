// Pure parser for the first TLS record a server sends: a ServerHello (which version and suite it
// chose) or an alert. Seeing the ServerHello on the wire tells "version accepted" apart from
// "refused" even when the handshake later fails at the client-certificate stage (RFC 8446 §4.1.3,
// §4.2.1 supported_versions; RFC 5246 §7.4.1.3, §7.2 alerts).

export type FirstRecord =
  | { kind: "need-more" }
  | { kind: "server-hello"; version: number; cipherSuite: number }
  | { kind: "alert"; level: number; description: number }
  | { kind: "other"; detail: string };

export const TLS_VERSION_CODES: Record<string, number> = { TLSv1: 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303, "TLSv1.3": 0x0304 };

/** Alert descriptions (RFC 8446 §6) for evidence. */
export const ALERT_NAMES: Record<number, string> = {
  0: "close_notify",
  10: "unexpected_message",
  40: "handshake_failure",
  42: "bad_certificate",
  43: "unsupported_certificate",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  109: "missing_extension",
  112: "unrecognized_name",
  116: "certificate_required",
};

export function parseFirstRecord(buf: Buffer): FirstRecord {
  if (buf.length < 5) return { kind: "need-more" };
  const type = buf[0]!;
  const length = buf.readUInt16BE(3);
  if (type === 0x15) {
    if (buf.length < 7) return { kind: "need-more" };
    return { kind: "alert", level: buf[5]!, description: buf[6]! };
  }
  if (type !== 0x16) return { kind: "other", detail: `record type ${type} (not TLS, or not a handshake)` };
  if (length > 16384 + 2048) return { kind: "other", detail: `record length ${length} out of range` };
  if (buf.length < 5 + 4) return { kind: "need-more" };
  if (buf[5] !== 0x02) return { kind: "other", detail: `handshake type ${buf[5]} (expected ServerHello)` };
  const hsLen = (buf[6]! << 16) | (buf[7]! << 8) | buf[8]!;
  const end = 9 + hsLen;
  if (hsLen > length - 4) return { kind: "other", detail: "ServerHello spans records" };
  if (buf.length < end) return { kind: "need-more" };
  let at = 9;
  const need = (n: number) => at + n <= end;
  if (!need(2 + 32 + 1)) return { kind: "other", detail: "ServerHello truncated" };
  let version = buf.readUInt16BE(at);
  at += 2 + 32;
  const sidLen = buf[at]!;
  at += 1 + sidLen;
  if (!need(3)) return { kind: "other", detail: "ServerHello truncated" };
  const cipherSuite = buf.readUInt16BE(at);
  at += 3; // suite + compression method
  if (need(2)) {
    const extEnd = Math.min(end, at + 2 + buf.readUInt16BE(at));
    at += 2;
    while (at + 4 <= extEnd) {
      const extType = buf.readUInt16BE(at);
      const extLen = buf.readUInt16BE(at + 2);
      if (extType === 0x002b && extLen === 2 && at + 6 <= extEnd) version = buf.readUInt16BE(at + 4); // supported_versions
      at += 4 + extLen;
    }
  }
  return { kind: "server-hello", version, cipherSuite };
}
