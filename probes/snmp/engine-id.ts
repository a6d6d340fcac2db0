// SnmpEngineID decoding (RFC 3411 §5, SnmpEngineID TEXTUAL-CONVENTION): the first four octets
// carry the enterprise's IANA Private Enterprise Number; when the top bit is set (RFC 3411
// format) the fifth octet says how the rest is formatted, otherwise (RFC 1910 format, 12 octets)
// the rest is enterprise-specific.
export interface DecodedEngineId {
  hex: string;
  enterprise?: number;
  /** "rfc3411" (top bit set) or "rfc1910" */
  scheme: "rfc3411" | "rfc1910" | "invalid";
  format?: "ipv4" | "ipv6" | "mac" | "text" | "octets" | "reserved" | "enterprise-specific";
  formatCode?: number;
  /** the remaining octets rendered per the format (address, MAC, text) or as hex */
  data?: string;
}

const FORMAT_NAMES: Record<number, DecodedEngineId["format"]> = { 1: "ipv4", 2: "ipv6", 3: "mac", 4: "text", 5: "octets" };

export function decodeEngineId(id: Uint8Array): DecodedEngineId {
  const buf = Buffer.from(id);
  const hex = buf.toString("hex");
  // RFC 3411 §5: "The SnmpEngineID ... SIZE(5..32)"
  if (buf.length < 5 || buf.length > 32) return { hex, scheme: "invalid" };
  const enterprise = buf.readUInt32BE(0) & 0x7fffffff;
  if ((buf[0]! & 0x80) === 0) return { hex, scheme: "rfc1910", enterprise, data: buf.subarray(4).toString("hex") };
  const formatCode = buf[4]!;
  const rest = buf.subarray(5);
  const format = FORMAT_NAMES[formatCode] ?? (formatCode >= 128 ? "enterprise-specific" : "reserved");
  let data = rest.toString("hex");
  if (format === "ipv4" && rest.length === 4) data = [...rest].join(".");
  else if (format === "ipv6" && rest.length === 16) data = rest.toString("hex").replace(/(.{4})(?!$)/g, "$1:");
  else if (format === "mac" && rest.length === 6) data = rest.toString("hex").replace(/(..)(?!$)/g, "$1:");
  else if (format === "text" && /^[\x20-\x7e]*$/.test(rest.toString("latin1"))) data = rest.toString("latin1");
  return { hex, scheme: "rfc3411", enterprise, format, formatCode, data };
}
