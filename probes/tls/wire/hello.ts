// ClientHello builder and parser for any version SSLv3..TLS 1.3 (RFC 6101 §5.6.1.2, RFC 5246
// §7.4.1.2, RFC 8446 §4.1.2): chosen suites, groups, signature algorithms, key shares, SNI (RFC 6066
// §3), supported_versions (RFC 8446 §4.2.1) and any extra extension. The builder is what a scanner
// sends to see which parameters a server picks; the parser exists for tests and scripted peers.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { ContentType, ExtensionType, HandshakeType } from "./constants.js";
import { Reader, TlsWireError } from "./errors.js";
import { encodeHandshake, encodeRecords } from "./record.js";

export interface Extension {
  type: number;
  data: Buffer;
}

export interface ClientHelloOptions {
  /** legacy_version (ClientHello.client_version): 0x0300 SSLv3 .. 0x0303; TLS 1.3 uses 0x0303 + supportedVersions */
  version: number;
  cipherSuites: readonly number[];
  /** supported_versions extension (TLS 1.3 negotiation); omitted when absent */
  supportedVersions?: readonly number[];
  /** host name for SNI; IP literals are never sent (RFC 6066 §3) */
  serverName?: string;
  /** supported_groups (RFC 8422 §5.1.1 / RFC 8446 §4.2.7) */
  groups?: readonly number[];
  /** signature_algorithms (RFC 5246 §7.4.1.4.1 / RFC 8446 §4.2.3); only sent for TLS 1.2+ */
  signatureAlgorithms?: readonly number[];
  /** key_share entries (RFC 8446 §4.2.8) */
  keyShares?: readonly { group: number; key: Buffer }[];
  /** compression methods offered (RFC 5246 §7.4.1.2; default [0] null only; 1 = DEFLATE, RFC 3749) */
  compressionMethods?: readonly number[];
  /** send no extensions at all (SSLv3-era servers may reject them) */
  noExtensions?: boolean;
  extraExtensions?: readonly Extension[];
  random?: Buffer;
  sessionId?: Buffer;
  /** record-layer version of the hello record (default 0x0301, or 0x0300 for an SSLv3 hello: RFC 8446 §5.1) */
  recordVersion?: number;
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

function vec(lengthBytes: 1 | 2, body: Buffer): Buffer {
  if (body.length >= 1 << (8 * lengthBytes)) throw new TlsWireError("too-large", `vector of ${body.length} bytes`);
  return Buffer.concat([lengthBytes === 1 ? Buffer.from([body.length]) : u16(body.length), body]);
}

function list16(codes: readonly number[]): Buffer {
  return Buffer.concat(codes.map(u16));
}

/** The handshake message body of a ClientHello (no record header). */
export function clientHelloBody(o: ClientHelloOptions): Buffer {
  const random = o.random ?? randomBytes(32);
  if (random.length !== 32) throw new TlsWireError("invalid", "random must be 32 bytes");
  const sessionId = o.sessionId ?? Buffer.alloc(0);
  if (sessionId.length > 32) throw new TlsWireError("invalid", "session id over 32 bytes");
  if (o.cipherSuites.length === 0) throw new TlsWireError("invalid", "no cipher suite offered");
  const exts: Extension[] = [];
  if (!o.noExtensions) {
    if (o.serverName && isIP(o.serverName) === 0) {
      const name = Buffer.from(o.serverName, "ascii");
      exts.push({ type: ExtensionType.serverName, data: vec(2, Buffer.concat([Buffer.from([0]), vec(2, name)])) });
    }
    if (o.groups?.length) {
      exts.push({ type: ExtensionType.supportedGroups, data: vec(2, list16(o.groups)) });
      exts.push({ type: ExtensionType.ecPointFormats, data: vec(1, Buffer.from([0])) }); // uncompressed (RFC 8422 §5.1.2)
    }
    if (o.signatureAlgorithms?.length && o.version >= 0x0303)
      exts.push({ type: ExtensionType.signatureAlgorithms, data: vec(2, list16(o.signatureAlgorithms)) });
    if (o.supportedVersions?.length) exts.push({ type: ExtensionType.supportedVersions, data: vec(1, list16(o.supportedVersions)) });
    if (o.keyShares?.length)
      exts.push({ type: ExtensionType.keyShare, data: vec(2, Buffer.concat(o.keyShares.map((k) => Buffer.concat([u16(k.group), vec(2, k.key)])))) });
    if (o.supportedVersions?.includes(0x0304)) exts.push({ type: ExtensionType.pskKeyExchangeModes, data: vec(1, Buffer.from([1])) }); // psk_dhe_ke
    exts.push({ type: ExtensionType.renegotiationInfo, data: Buffer.from([0]) }); // RFC 5746 §3.4: empty renegotiated_connection
    for (const e of o.extraExtensions ?? []) exts.push(e);
  }
  const compression = o.compressionMethods?.length ? Buffer.from(o.compressionMethods) : Buffer.from([0]);
  const parts = [u16(o.version), random, vec(1, sessionId), vec(2, list16(o.cipherSuites)), vec(1, compression)];
  if (exts.length) parts.push(vec(2, Buffer.concat(exts.map((e) => Buffer.concat([u16(e.type), vec(2, e.data)])))));
  return Buffer.concat(parts);
}

/** A ClientHello ready for the wire: handshake message in record(s). */
export function buildClientHello(o: ClientHelloOptions): Buffer {
  const recordVersion = o.recordVersion ?? (o.version === 0x0300 ? 0x0300 : 0x0301);
  return encodeRecords(ContentType.handshake, recordVersion, encodeHandshake(HandshakeType.clientHello, clientHelloBody(o)));
}

export interface ParsedClientHello {
  version: number;
  random: Buffer;
  sessionId: Buffer;
  cipherSuites: number[];
  compressionMethods: number[];
  extensions: Extension[];
  serverName?: string;
  supportedVersions?: number[];
  groups?: number[];
  keyShareGroups?: number[];
}

/** Parse a ClientHello body (bounded: at most `maxExtensions` extensions). */
export function parseClientHello(body: Buffer, maxExtensions = 64): ParsedClientHello {
  const r = new Reader(body, "ClientHello");
  const version = r.u16("client_version");
  const random = r.bytes(32, "random");
  const sessionId = r.vector(1, "session_id");
  if (sessionId.length > 32) throw new TlsWireError("invalid", "ClientHello: session id over 32 bytes");
  const suites = r.vector(2, "cipher_suites");
  if (suites.length % 2) throw new TlsWireError("invalid", "ClientHello: odd cipher_suites length");
  const cipherSuites: number[] = [];
  for (let i = 0; i < suites.length; i += 2) cipherSuites.push(suites.readUInt16BE(i));
  const compressionMethods = [...r.vector(1, "compression_methods")];
  const out: ParsedClientHello = { version, random, sessionId, cipherSuites, compressionMethods, extensions: [] };
  if (r.left === 0) return out;
  const er = new Reader(r.vector(2, "extensions"), "ClientHello extensions");
  while (er.left > 0) {
    if (out.extensions.length >= maxExtensions) throw new TlsWireError("too-large", `ClientHello: more than ${maxExtensions} extensions`);
    const type = er.u16("extension type");
    const data = er.vector(2, "extension data");
    out.extensions.push({ type, data });
    const x = new Reader(data, `extension ${type}`);
    if (type === ExtensionType.serverName) {
      const list = new Reader(x.vector(2, "server_name_list"), "server_name_list");
      if (list.u8("name_type") === 0) out.serverName = list.vector(2, "host_name").toString("latin1");
    } else if (type === ExtensionType.supportedVersions) out.supportedVersions = codes16(x.vector(1, "versions"));
    else if (type === ExtensionType.supportedGroups) out.groups = codes16(x.vector(2, "named_group_list"));
    else if (type === ExtensionType.keyShare) {
      const ks = new Reader(x.vector(2, "client_shares"), "client_shares");
      out.keyShareGroups = [];
      while (ks.left > 0 && out.keyShareGroups.length < 64) {
        out.keyShareGroups.push(ks.u16("group"));
        ks.vector(2, "key_exchange");
      }
    }
  }
  return out;
}

function codes16(b: Buffer): number[] {
  if (b.length % 2) throw new TlsWireError("invalid", "odd length of a 16-bit code list");
  const out: number[] = [];
  for (let i = 0; i < b.length && out.length < 512; i += 2) out.push(b.readUInt16BE(i));
  return out;
}

/**
 * A fresh public key for a key_share entry (RFC 8446 §4.2.8.2): x25519 / x448 raw, secp256r1 /
 * secp384r1 / secp521r1 as an uncompressed point. A scanner never completes the exchange, but the
 * key must be valid so the server answers instead of rejecting the share. Undefined for others.
 */
export function keyShareFor(group: number): Buffer | undefined {
  const spki = (type: "x25519" | "x448" | "ec", curve?: string): Buffer => {
    const { publicKey } =
      type === "ec" ? generateKeyPairSync("ec", { namedCurve: curve! }) : type === "x25519" ? generateKeyPairSync("x25519") : generateKeyPairSync("x448");
    const jwk = publicKey.export({ format: "jwk" });
    if (type !== "ec") return Buffer.from(jwk.x!, "base64url");
    return Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, "base64url"), Buffer.from(jwk.y!, "base64url")]);
  };
  switch (group) {
    case 29:
      return spki("x25519");
    case 30:
      return spki("x448");
    case 23:
      return spki("ec", "prime256v1");
    case 24:
      return spki("ec", "secp384r1");
    case 25:
      return spki("ec", "secp521r1");
    default:
      return undefined;
  }
}
