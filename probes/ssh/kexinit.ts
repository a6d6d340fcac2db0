// Raw SSH transport parsing for the passive grab: the server's identification string and its
// KEXINIT packet, read incrementally from a socket with every length bounded. Pure code (no I/O),
// so hostile inputs are covered by property tests. ssh2 only exposes the *negotiated* algorithms;
// this parser gives every algorithm the server *offers*.
//
// References: RFC 4253 §4.2 (protocol version exchange), §6 (binary packet protocol),
// §7.1 (SSH_MSG_KEXINIT), RFC 4251 §5 (data types: uint32, string, name-list),
// RFC 4251 §6 (algorithm naming), OpenSSH PROTOCOL "strict key exchange" (kex-strict-s-v00).

/** RFC 4253 §4.2: the identification string is at most 255 characters including CR LF. */
export const MAX_IDENT_LINE = 255;
/** RFC 4253 §4.2 allows other lines before the version string; we bound them (count and size). */
export const MAX_PRE_BANNER_LINES = 50;
export const MAX_PRE_BANNER_LINE = 1024;
/** RFC 4253 §6.1: implementations must handle packets of 35000 bytes; we accept up to 256 KiB. */
export const MAX_PACKET_LENGTH = 256 * 1024;
/** Packets skipped before KEXINIT (SSH_MSG_IGNORE / SSH_MSG_DEBUG) before we give up. */
export const MAX_PACKETS_BEFORE_KEXINIT = 10;

/** RFC 4253 §12 message numbers used here. */
export const MSG = { DISCONNECT: 1, IGNORE: 2, UNIMPLEMENTED: 3, DEBUG: 4, KEXINIT: 20 } as const;

export const STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com";
export const STRICT_KEX_CLIENT = "kex-strict-c-v00@openssh.com";

/** A protocol violation by the peer (the probe turns it into an `error` fact, code "protocol"). */
export class SshWireError extends Error {
  override name = "SshWireError";
}

export interface Identification {
  /** the version line as sent, without CR LF */
  raw: string;
  /** "2.0", "1.99" (SSH-1 and SSH-2) or "1.5" (SSH-1 only) */
  protocolVersion: string;
  /** softwareversion field, e.g. "OpenSSH_9.2p1" */
  software: string;
  /** comments after the first space, e.g. "Debian-2+deb12u3" */
  comments?: string;
  /** lines the server sent before the version line (RFC 4253 §4.2) */
  preBannerLines: string[];
}

/** Parse the version line "SSH-protoversion-softwareversion SP comments" (RFC 4253 §4.2). */
export function parseIdentificationLine(line: string, preBannerLines: string[] = []): Identification {
  const m = /^SSH-([!-,.-~]+)-([!-~]+)(?: (.*))?$/.exec(line);
  if (!m) throw new SshWireError(`malformed identification string: ${JSON.stringify(line.slice(0, 80))}`);
  // printable US-ASCII only, no minus in protoversion (RFC 4253 §4.2)
  if (/[^\x20-\x7e]/.test(line)) throw new SshWireError("identification string contains non-printable characters");
  const id: Identification = { raw: line, protocolVersion: m[1]!, software: m[2]!, preBannerLines };
  if (m[3] !== undefined && m[3] !== "") id.comments = m[3];
  return id;
}

/** Is this protocol version SSH-2 capable? "2.0" and "1.99" (RFC 4253 §5.1) are. */
export function speaksSsh2(protocolVersion: string): boolean {
  return protocolVersion === "2.0" || protocolVersion === "1.99";
}

export interface KexInit {
  cookie: string; // 16 random bytes, hex
  kexAlgorithms: string[];
  serverHostKeyAlgorithms: string[];
  encryptionClientToServer: string[];
  encryptionServerToClient: string[];
  macClientToServer: string[];
  macServerToClient: string[];
  compressionClientToServer: string[];
  compressionServerToClient: string[];
  languagesClientToServer: string[];
  languagesServerToClient: string[];
  firstKexPacketFollows: boolean;
}

/** Bounds-checked reader over an SSH payload (RFC 4251 §5 data types). */
export class PayloadReader {
  private pos: number;
  constructor(private readonly buf: Buffer, start = 0) {
    this.pos = start;
  }
  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.buf.length - this.pos;
  }
  byte(what: string): number {
    if (this.remaining < 1) throw new SshWireError(`truncated: ${what}`);
    return this.buf[this.pos++]!;
  }
  bytes(n: number, what: string): Buffer {
    if (n < 0 || this.remaining < n) throw new SshWireError(`truncated: ${what} needs ${n} bytes, ${this.remaining} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  uint32(what: string): number {
    if (this.remaining < 4) throw new SshWireError(`truncated: ${what}`);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  /** RFC 4251 §5 string: uint32 length + bytes; the length is checked against what is left. */
  string(what: string): Buffer {
    const len = this.uint32(`${what} length`);
    if (len > this.remaining) throw new SshWireError(`${what}: length field ${len} exceeds the ${this.remaining} bytes left`);
    return this.bytes(len, what);
  }
  /** RFC 4251 §5 name-list: comma-separated US-ASCII names, none empty, no commas inside names. */
  nameList(what: string): string[] {
    const raw = this.string(what);
    if (raw.length === 0) return [];
    for (const b of raw) if (b < 0x21 || b > 0x7e) throw new SshWireError(`${what}: name-list has a non-printable byte 0x${b.toString(16)}`);
    const names = raw.toString("ascii").split(",");
    if (names.some((n) => n.length === 0)) throw new SshWireError(`${what}: name-list has an empty name`);
    return names;
  }
}

/** Parse an SSH_MSG_KEXINIT payload (RFC 4253 §7.1), starting at the message-number byte. */
export function parseKexInitPayload(payload: Buffer): KexInit {
  const r = new PayloadReader(payload);
  const msg = r.byte("message number");
  if (msg !== MSG.KEXINIT) throw new SshWireError(`expected SSH_MSG_KEXINIT (20), got message ${msg}`);
  const cookie = r.bytes(16, "cookie").toString("hex");
  const k: KexInit = {
    cookie,
    kexAlgorithms: r.nameList("kex_algorithms"),
    serverHostKeyAlgorithms: r.nameList("server_host_key_algorithms"),
    encryptionClientToServer: r.nameList("encryption_algorithms_client_to_server"),
    encryptionServerToClient: r.nameList("encryption_algorithms_server_to_client"),
    macClientToServer: r.nameList("mac_algorithms_client_to_server"),
    macServerToClient: r.nameList("mac_algorithms_server_to_client"),
    compressionClientToServer: r.nameList("compression_algorithms_client_to_server"),
    compressionServerToClient: r.nameList("compression_algorithms_server_to_client"),
    languagesClientToServer: r.nameList("languages_client_to_server"),
    languagesServerToClient: r.nameList("languages_server_to_client"),
    firstKexPacketFollows: r.byte("first_kex_packet_follows") !== 0,
  };
  r.uint32("reserved");
  return k;
}

/** Serialise a KEXINIT payload (for tests and scripted servers). */
export function encodeKexInitPayload(k: Omit<KexInit, "cookie"> & { cookie?: string }): Buffer {
  const lists = [
    k.kexAlgorithms,
    k.serverHostKeyAlgorithms,
    k.encryptionClientToServer,
    k.encryptionServerToClient,
    k.macClientToServer,
    k.macServerToClient,
    k.compressionClientToServer,
    k.compressionServerToClient,
    k.languagesClientToServer,
    k.languagesServerToClient,
  ];
  const parts: Buffer[] = [Buffer.from([MSG.KEXINIT]), k.cookie ? Buffer.from(k.cookie, "hex") : Buffer.alloc(16, 0xab)];
  for (const l of lists) parts.push(encodeString(Buffer.from(l.join(","), "ascii")));
  parts.push(Buffer.from([k.firstKexPacketFollows ? 1 : 0]), Buffer.alloc(4));
  return Buffer.concat(parts);
}

export function encodeString(b: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

/** Wrap a payload in an unencrypted binary packet (RFC 4253 §6): length, padding length, padding. */
export function encodeBinaryPacket(payload: Buffer): Buffer {
  let padding = 8 - ((5 + payload.length) % 8);
  if (padding < 4) padding += 8;
  const head = Buffer.alloc(5);
  head.writeUInt32BE(1 + payload.length + padding);
  head[4] = padding;
  return Buffer.concat([head, payload, Buffer.alloc(padding)]);
}

export type PacketRead = { payload: Buffer; consumed: number } | null;

/**
 * Read one unencrypted binary packet (RFC 4253 §6) from the start of `buf`; null when more bytes are
 * needed. Length fields are checked before anything is allocated or trusted.
 */
export function readBinaryPacket(buf: Buffer): PacketRead {
  if (buf.length < 5) return null;
  const packetLength = buf.readUInt32BE(0);
  const paddingLength = buf[4]!;
  if (packetLength > MAX_PACKET_LENGTH) throw new SshWireError(`packet_length ${packetLength} exceeds the ${MAX_PACKET_LENGTH}-byte limit`);
  // RFC 4253 §6: at least 4 bytes of padding, and a payload of at least one byte (message number)
  if (paddingLength < 4) throw new SshWireError(`padding_length ${paddingLength} is below the minimum of 4`);
  if (paddingLength + 1 >= packetLength) throw new SshWireError(`padding_length ${paddingLength} leaves no payload in a packet of length ${packetLength}`);
  if (buf.length < 4 + packetLength) return null;
  const payload = buf.subarray(5, 4 + packetLength - paddingLength);
  return { payload, consumed: 4 + packetLength };
}

export interface ServerHello {
  identification: Identification;
  /** absent when the server speaks SSH-1 only (no SSH-2 KEXINIT follows) */
  kexInit?: KexInit;
}

/**
 * Incremental reader of what an SSH server sends first: optional pre-banner lines, the
 * identification line, then binary packets until SSH_MSG_KEXINIT. Feed it chunks; it returns the
 * result when complete, null when it needs more, and throws SshWireError on a violation.
 */
export class ServerHelloReader {
  private buf: Buffer = Buffer.alloc(0);
  private identification: Identification | undefined;
  private readonly preBanner: string[] = [];
  private packetsSeen = 0;

  /** The identification line, once read (useful for errors after the banner). */
  get ident(): Identification | undefined {
    return this.identification;
  }

  push(chunk: Buffer): ServerHello | null {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    if (!this.identification) {
      const done = this.readLines();
      if (!done) return null;
      if (!speaksSsh2(this.identification!.protocolVersion)) return { identification: this.identification! };
    }
    for (;;) {
      const pkt = readBinaryPacket(this.buf);
      if (!pkt) return null;
      this.buf = this.buf.subarray(pkt.consumed);
      const type = pkt.payload[0]!;
      if (type === MSG.KEXINIT) return { identification: this.identification!, kexInit: parseKexInitPayload(pkt.payload) };
      if (type === MSG.DISCONNECT) {
        const r = new PayloadReader(pkt.payload, 1);
        const reason = r.uint32("disconnect reason");
        let description = "";
        try {
          description = r.string("description").toString("utf8").replace(/[^\x20-\x7e]/g, "?").slice(0, 200);
        } catch {
          /* description is optional for our purposes */
        }
        throw new SshWireError(`server sent SSH_MSG_DISCONNECT (reason ${reason}) before KEXINIT${description ? `: ${description}` : ""}`);
      }
      if (type !== MSG.IGNORE && type !== MSG.DEBUG) throw new SshWireError(`unexpected message ${type} before KEXINIT`);
      if (++this.packetsSeen > MAX_PACKETS_BEFORE_KEXINIT) throw new SshWireError(`more than ${MAX_PACKETS_BEFORE_KEXINIT} packets before KEXINIT`);
    }
  }

  /** RFC 4253 §4.2 lines; returns true once the identification line is read. */
  private readLines(): boolean {
    for (;;) {
      const nl = this.buf.indexOf(0x0a);
      const isIdent = this.buf.subarray(0, 4).toString("latin1") === "SSH-";
      const limit = isIdent ? MAX_IDENT_LINE : MAX_PRE_BANNER_LINE;
      if (nl === -1) {
        if (this.buf.length >= limit) throw new SshWireError(`${isIdent ? "identification" : "pre-banner"} line exceeds ${limit} bytes without a line end`);
        // an incomplete "SSH-" prefix still counts as a candidate ident line
        return false;
      }
      if (nl + 1 > limit) throw new SshWireError(`${isIdent ? "identification" : "pre-banner"} line exceeds ${limit} bytes`);
      let line = this.buf.subarray(0, nl).toString("latin1");
      if (line.endsWith("\r")) line = line.slice(0, -1); // CR LF; a bare LF is tolerated as OpenSSH does
      this.buf = this.buf.subarray(nl + 1);
      if (line.startsWith("SSH-")) {
        this.identification = parseIdentificationLine(line, this.preBanner);
        return true;
      }
      if (this.preBanner.length >= MAX_PRE_BANNER_LINES) throw new SshWireError(`more than ${MAX_PRE_BANNER_LINES} lines before the identification string`);
      // a binary or NUL-laden "line" is not a text banner: refuse early rather than keep reading
      if (/[\x00-\x08\x0e-\x1f\x7f]/.test(line)) throw new SshWireError("received binary data where the SSH identification string was expected");
      this.preBanner.push(line.replace(/[^\x20-\x7e]/g, "?"));
    }
  }
}

/** Known software families parsed from softwareversion (RFC 4253 §4.2 leaves its format free). */
const PRODUCTS: { re: RegExp; product: string }[] = [
  { re: /^OpenSSH_([0-9][\w.]*)/i, product: "OpenSSH" },
  { re: /^dropbear_?([0-9][\w.]*)?/i, product: "Dropbear" },
  { re: /^libssh[-_]([0-9][\w.]*)/i, product: "libssh" },
  { re: /^libssh2_([0-9][\w.]*)/i, product: "libssh2" },
  { re: /^Cisco-([0-9][\w.]*)/i, product: "Cisco" },
  { re: /^ROSSSH/i, product: "MikroTik RouterOS" },
  { re: /^RomSShell_([0-9][\w.]*)/i, product: "Allegro RomSShell" },
  { re: /^WeOnlyDo(?:-wodFTPD)?[ _]?([0-9][\w.]*)?/i, product: "WeOnlyDo" },
  { re: /^mpSSH_([0-9][\w.]*)/i, product: "HP iLO mpSSH" },
  { re: /^Go$/i, product: "Go x/crypto/ssh" },
  { re: /^paramiko_([0-9][\w.]*)/i, product: "Paramiko" },
  { re: /^AsyncSSH_([0-9][\w.]*)/i, product: "AsyncSSH" },
  { re: /^Erlang\/([0-9][\w.]*)/i, product: "Erlang/OTP SSH" },
  { re: /^ssh2js([0-9][\w.]*)?/i, product: "ssh2 (Node.js)" },
];

export function identifyProduct(software: string): { product?: string; productVersion?: string } {
  for (const p of PRODUCTS) {
    const m = p.re.exec(software);
    if (m) return m[1] ? { product: p.product, productVersion: m[1] } : { product: p.product };
  }
  return {};
}
