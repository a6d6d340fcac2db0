// The server's identification string and KEXINIT, parsed from raw bytes. Pure code (no I/O), so
// hostile inputs are covered by property tests (test/ssh/kexinit.test.ts, scripts/fuzz/ssh.ts).
// ssh2 only exposes the *negotiated* algorithms; this parser gives every algorithm the server
// *offers*. Structure violations (lengths that lie, truncation) are SshWireError; irregular names
// (control characters, empty or overlong names, duplicates, floods) are kept bounded and counted,
// so one odd name never loses the rest of what the server offered.
//
// References: RFC 4253 §4.2 (protocol version exchange), §6 (binary packet protocol),
// §7.1 (SSH_MSG_KEXINIT), RFC 4251 §5 (name-list), §6 (algorithm naming: printable US-ASCII,
// no comma, at most 64 characters), OpenSSH PROTOCOL "strict key exchange" (kex-strict-s-v00).
import { MAX_IDENT_LINE, MSG, PayloadReader, SshStreamReader, SshWireError, encodeString } from "./wire.js";

export { encodeBinaryPacket, encodeString, MAX_IDENT_LINE, MSG, PayloadReader, readBinaryPacket, SshWireError } from "./wire.js";

/** Packets skipped before KEXINIT (SSH_MSG_IGNORE / SSH_MSG_DEBUG) before we give up. */
export const MAX_PACKETS_BEFORE_KEXINIT = 10;
/** Distinct names kept per name-list; the rest are counted, not stored (bounded facts). */
export const MAX_NAMES_PER_LIST = 128;
/** RFC 4251 §6: algorithm names are at most 64 characters; longer ones are kept cut, and counted. */
export const MAX_NAME_LENGTH = 64;

export const STRICT_KEX_SERVER = "kex-strict-s-v00@openssh.com";
export const STRICT_KEX_CLIENT = "kex-strict-c-v00@openssh.com";

export interface Identification {
  /** the version line as sent, without CR LF (exact bytes, latin1) */
  raw: string;
  /** "2.0", "1.99" (SSH-1 and SSH-2) or "1.5" (SSH-1 only) */
  protocolVersion: string;
  /** softwareversion field, e.g. "OpenSSH_9.2p1" */
  software: string;
  /** comments after the first space, e.g. "Debian-2+deb12u3" */
  comments?: string;
  /** lines the server sent before the version line (RFC 4253 §4.2), exact bytes */
  preBannerLines: string[];
  /** departures from RFC 4253 §4.2 seen in the line (e.g. non-printable characters) */
  violations: string[];
}

/** Parse the version line "SSH-protoversion-softwareversion SP comments" (RFC 4253 §4.2). */
export function parseIdentificationLine(line: string, preBannerLines: string[] = []): Identification {
  if (line.length > MAX_IDENT_LINE) throw new SshWireError(`identification line exceeds ${MAX_IDENT_LINE} bytes`);
  const m = /^SSH-([^-\x20]+)-([^\x20]+)(?:\x20([\s\S]*))?$/.exec(line);
  if (!m) throw new SshWireError(`malformed identification string: ${JSON.stringify(line.slice(0, 80))}`);
  const violations: string[] = [];
  // printable US-ASCII only (RFC 4253 §4.2); kept as sent, the output layer escapes
  if (/[^\x20-\x7e]/.test(line)) violations.push("non-printable characters");
  const id: Identification = { raw: line, protocolVersion: m[1]!, software: m[2]!, preBannerLines, violations };
  if (m[3] !== undefined && m[3] !== "") id.comments = m[3];
  return id;
}

/** Is this protocol version SSH-2 capable? "2.0" and "1.99" (RFC 4253 §5.1) are. */
export function speaksSsh2(protocolVersion: string): boolean {
  return protocolVersion === "2.0" || protocolVersion === "1.99";
}

/** What was irregular in one name-list (only lists with something irregular are reported). */
export interface NameListIrregularity {
  list: string;
  /** names in the list as sent (empty names excluded) */
  total: number;
  /** distinct names kept */
  kept: number;
  /** more distinct names than MAX_NAMES_PER_LIST, or names not examined after the cap */
  truncated: boolean;
  duplicates: number;
  empty: number;
  overlong: number;
  nonPrintable: number;
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
  irregularities: NameListIrregularity[];
}

/**
 * RFC 4251 §5 name-list, linear in its length: names kept as sent (latin1), deduplicated with a
 * Set, at most MAX_NAMES_PER_LIST distinct names stored; the rest only counted.
 */
export function parseNameList(raw: Buffer, list: string, irregular: NameListIrregularity[]): string[] {
  const seen = new Set<string>();
  const st = { total: 0, duplicates: 0, empty: 0, overlong: 0, nonPrintable: 0, truncated: false };
  let start = 0;
  while (start <= raw.length && raw.length > 0) {
    let end = raw.indexOf(0x2c, start);
    if (end === -1) end = raw.length;
    const len = end - start;
    if (len === 0) st.empty++;
    else {
      st.total++;
      if (seen.size >= MAX_NAMES_PER_LIST) st.truncated = true;
      else {
        const slice = raw.subarray(start, start + Math.min(len, MAX_NAME_LENGTH));
        for (const b of slice) {
          if (b < 0x21 || b > 0x7e) {
            st.nonPrintable++;
            break;
          }
        }
        let name = slice.toString("latin1");
        if (len > MAX_NAME_LENGTH) {
          st.overlong++;
          name += `…(${len} bytes)`;
        }
        if (seen.has(name)) st.duplicates++;
        else seen.add(name);
      }
    }
    start = end + 1;
  }
  const names = [...seen];
  if (st.truncated || st.duplicates || st.empty || st.overlong || st.nonPrintable) irregular.push({ list, ...st, kept: names.length });
  return names;
}

/** Parse an SSH_MSG_KEXINIT payload (RFC 4253 §7.1), starting at the message-number byte. */
export function parseKexInitPayload(payload: Buffer): KexInit {
  const r = new PayloadReader(payload);
  const msg = r.byte("message number");
  if (msg !== MSG.KEXINIT) throw new SshWireError(`expected SSH_MSG_KEXINIT (20), got message ${msg}`);
  const cookie = r.bytes(16, "cookie").toString("hex");
  const irregularities: NameListIrregularity[] = [];
  const nl = (what: string) => parseNameList(r.string(what), what, irregularities);
  const k: KexInit = {
    cookie,
    kexAlgorithms: nl("kex_algorithms"),
    serverHostKeyAlgorithms: nl("server_host_key_algorithms"),
    encryptionClientToServer: nl("encryption_algorithms_client_to_server"),
    encryptionServerToClient: nl("encryption_algorithms_server_to_client"),
    macClientToServer: nl("mac_algorithms_client_to_server"),
    macServerToClient: nl("mac_algorithms_server_to_client"),
    compressionClientToServer: nl("compression_algorithms_client_to_server"),
    compressionServerToClient: nl("compression_algorithms_server_to_client"),
    languagesClientToServer: nl("languages_client_to_server"),
    languagesServerToClient: nl("languages_server_to_client"),
    firstKexPacketFollows: r.byte("first_kex_packet_follows") !== 0,
    irregularities,
  };
  r.uint32("reserved");
  return k;
}

/** Serialise a KEXINIT payload (our own KEXINIT, tests and scripted servers). */
export function encodeKexInitPayload(k: Omit<KexInit, "cookie" | "irregularities"> & { cookie?: string }): Buffer {
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
  for (const l of lists) parts.push(encodeString(Buffer.from(l.join(","), "latin1")));
  parts.push(Buffer.from([k.firstKexPacketFollows ? 1 : 0]), Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** Text of an SSH_MSG_DISCONNECT (RFC 4253 §11.1), for error messages: reason code and description. */
export function describeDisconnect(payload: Buffer): string {
  const r = new PayloadReader(payload, 1);
  let reason: number | string = "?";
  let description = "";
  try {
    reason = r.uint32("disconnect reason");
    description = r.string("description").subarray(0, 200).toString("latin1");
  } catch {
    /* reason and description are optional for our purposes */
  }
  return `reason ${reason}${description ? `: ${description}` : ""}`;
}

export interface ServerHello {
  identification: Identification;
  /** absent when the server speaks SSH-1 only (no SSH-2 KEXINIT follows) */
  kexInit?: KexInit;
  /** the KEXINIT payload exactly as sent (I_S of the exchange hash, RFC 4253 §8) */
  kexInitPayload?: Buffer;
}

/**
 * Identification line and first KEXINIT from an SshStreamReader: returns the next step's result or
 * null when more bytes are needed. Pre-banner lines are collected; SSH_MSG_IGNORE / DEBUG before
 * KEXINIT are skipped (at most MAX_PACKETS_BEFORE_KEXINIT); DISCONNECT or anything else is an error.
 */
export class HelloParser {
  readonly preBanner: string[] = [];
  identification: Identification | undefined;
  private packetsSeen = 0;
  constructor(readonly stream: SshStreamReader = new SshStreamReader()) {}

  /** Advance; returns the hello once complete. */
  step(): ServerHello | null {
    while (!this.identification) {
      const l = this.stream.nextLine();
      if (!l) return null;
      if (l.kind === "ident") this.identification = parseIdentificationLine(l.line, this.preBanner);
      else this.preBanner.push(l.line);
    }
    if (!speaksSsh2(this.identification.protocolVersion)) return { identification: this.identification };
    for (;;) {
      const p = this.stream.nextPacket();
      if (!p) return null;
      const type = p[0]!;
      if (type === MSG.KEXINIT) return { identification: this.identification, kexInit: parseKexInitPayload(p), kexInitPayload: p };
      if (type === MSG.DISCONNECT) throw new SshWireError(`server sent SSH_MSG_DISCONNECT (${describeDisconnect(p)}) before KEXINIT`);
      if (type !== MSG.IGNORE && type !== MSG.DEBUG) throw new SshWireError(`unexpected message ${type} before KEXINIT`);
      if (++this.packetsSeen > MAX_PACKETS_BEFORE_KEXINIT) throw new SshWireError(`more than ${MAX_PACKETS_BEFORE_KEXINIT} packets before KEXINIT`);
    }
  }
}

/** Push-style convenience for tests and fuzzing: feed chunks, get the hello once complete. */
export class ServerHelloReader {
  private readonly parser = new HelloParser();
  get ident(): Identification | undefined {
    return this.parser.identification;
  }
  push(chunk: Buffer): ServerHello | null {
    this.parser.stream.push(chunk);
    return this.parser.step();
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
