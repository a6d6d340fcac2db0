// Our own unauthenticated SSH client, up to the server's key exchange reply: connect (src/net
// Connection: bounded buffer, absolute deadlines, FIN close), exchange identification strings,
// read the server's KEXINIT, then optionally run one key exchange far enough to read the host key
// blob (ECDH RFC 5656 §4 / RFC 8731, DH RFC 4253 §8, group exchange RFC 4419) or the group a DH
// group-exchange request gets (RFC 4419 §3). The exchange's secret and our KEXINIT stay on the
// session (`exchange`), so that transport-auth.ts can complete one exchange and send the `none`
// request; otherwise no NEWKEYS: the session ends with SSH_MSG_DISCONNECT (RFC 4253 §11.1) and a
// FIN. Packets are counted both ways (sequence numbers, §6.4). ssh2 cannot do this for
// certificate, security-key or unknown host-key types, and does not expose the moduli.
import { randomBytes } from "node:crypto";
import { Connection, type Deadline, NetError } from "../../src/net/index.js";
import { TOOL_VERSION } from "../../src/version.js";
import { describeDisconnect, encodeKexInitPayload, HelloParser, MAX_PACKETS_BEFORE_KEXINIT, type KexInit, type ServerHello } from "./kexinit.js";
import { encodeBinaryPacket, encodeString, encodeUint32, MAX_PACKET_LENGTH, MSG, PayloadReader, SshWireError } from "./wire.js";
import type { ProbeFailureCode } from "../../src/errors.js";
import { type Ephemeral, KEX_IMPLEMENTED, kexKind, startGex, startKex } from "./kex-exchange.js";

export const CLIENT_IDENT = `otaudit_${TOOL_VERSION}`;

/** A failure of one SSH step, in the codes facts and ProbeFailure use. */
export class SshStepError extends Error {
  constructor(
    readonly code: ProbeFailureCode | "refused",
    message: string,
  ) {
    super(message);
  }
}

/** Map transport and wire errors to step errors, naming what we were waiting for. */
export function stepError(e: unknown, waitingFor: string): SshStepError {
  if (e instanceof SshStepError) return e;
  if (e instanceof SshWireError) return new SshStepError("protocol", e.message);
  if (e instanceof NetError) {
    switch (e.code) {
      case "refused":
        return new SshStepError("absent", `TCP connect failed: ECONNREFUSED`);
      case "unreachable":
        return new SshStepError("unreachable", e.message);
      case "timeout":
        return new SshStepError("timeout", `no ${waitingFor} within the deadline`);
      case "aborted":
        return new SshStepError("aborted", "aborted");
      case "reset":
        return new SshStepError("protocol", `connection reset by the server during ${waitingFor}`);
      case "closed":
        return new SshStepError("protocol", `server closed the connection before ${waitingFor} was complete`);
      default:
        return new SshStepError("protocol", `${e.message} (during ${waitingFor})`);
    }
  }
  return new SshStepError("internal", (e as Error).message);
}

/** One key exchange as far as the server's reply: what completing it needs (transport-auth.ts). */
export interface KexRecord {
  kex: string;
  hostKeyAlg: string;
  hash: string;
  /** our KEXINIT payload (I_C) */
  iC: Buffer;
  eph: Ephemeral;
  /** the reply payload (KEXDH_REPLY / KEX_ECDH_REPLY / KEX_DH_GEX_REPLY) */
  reply: Buffer;
  gex?: { min: number; n: number; max: number; p: Buffer; g: Buffer };
}

export interface RawSession {
  conn: Connection;
  parser: HelloParser;
  hello: ServerHello;
  /** packets we sent: our sequence number of the next one (RFC 4253 §6.4) */
  sent: number;
  /** the last key exchange run on this session, up to the reply */
  exchange?: KexRecord;
  /** how the session ends: "disconnect" (plain DISCONNECT, FIN), or "fin" (nothing more, just FIN) */
  ending?: "fin";
}

/** Send unencrypted packets (RFC 4253 §6), counting them for the sequence number. */
export function sendPlain(s: RawSession, ...payloads: Buffer[]): void {
  s.sent += payloads.length;
  s.conn.write(Buffer.concat(payloads.map((p) => encodeBinaryPacket(p))));
}

/** Bytes a session buffers: one maximal packet plus a margin; a flood beyond is `too-large`. */
const MAX_BUFFERED = MAX_PACKET_LENGTH + 64 * 1024;

async function pump(s: { conn: Connection; parser: HelloParser }, deadline: Deadline, what: string): Promise<void> {
  // take whatever is buffered (at least one byte): each byte is copied once, so a peer that
  // drips one byte at a time costs linear work, and the deadline is absolute
  const chunk = await s.conn.read((b) => (b.length > 0 ? b.length : undefined), deadline, what);
  s.parser.stream.push(chunk);
}

/**
 * Connect, send our identification string (RFC 4253 §4.2: both sides send theirs), read the
 * server's identification string and KEXINIT. Connect within `stepMs`, then the whole hello within
 * `stepMs` of the connect (one absolute deadline, however the bytes drip), never past `deadline`.
 */
export async function openRawSession(host: string, port: number, stepMs: number, deadline: Deadline): Promise<RawSession> {
  const connectMs = stepMs;
  let conn: Connection;
  try {
    conn = await Connection.open({
      host,
      port,
      timeoutMs: Math.max(1, Math.min(connectMs, deadline.remaining())),
      signal: deadline.signal,
      maxBuffered: MAX_BUFFERED,
    });
  } catch (e) {
    if (e instanceof NetError && e.code === "timeout") throw new SshStepError("unreachable", `no TCP connect within ${connectMs} ms`);
    throw stepError(e, "TCP connect");
  }
  const parser = new HelloParser();
  const helloBy = deadline.within(stepMs);
  try {
    conn.write(`SSH-2.0-${CLIENT_IDENT}\r\n`);
    for (;;) {
      const hello = parser.step();
      if (hello) return { conn, parser, hello, sent: 0 };
      await pump({ conn, parser }, helloBy, parser.identification ? "KEXINIT" : "identification string");
    }
  } catch (e) {
    await conn.close(500);
    const what = parser.identification ? "KEXINIT" : "identification string";
    const err = stepError(e, what);
    if (err.code === "protocol" && /closed the connection/.test(err.message) && !parser.identification)
      throw new SshStepError("protocol", "server closed the connection before sending an identification string");
    if (err.code === "protocol" && /reset/.test(err.message))
      throw new SshStepError("protocol", `connection reset by the server ${parser.identification ? "during KEXINIT" : "before the identification string"}`);
    throw err;
  }
}

/** The next packet that is not IGNORE / DEBUG (at most a few skipped); DISCONNECT is an error. */
export async function readPacket(s: RawSession, deadline: Deadline, what: string): Promise<Buffer> {
  let skipped = 0;
  for (;;) {
    const p = s.parser.stream.nextPacket();
    if (!p) {
      await pump(s, deadline, what);
      continue;
    }
    const type = p[0]!;
    if (type === MSG.DISCONNECT) throw new SshStepError("refused", `server sent SSH_MSG_DISCONNECT (${describeDisconnect(p)}) instead of ${what}`);
    if (type === MSG.IGNORE || type === MSG.DEBUG) {
      if (++skipped > MAX_PACKETS_BEFORE_KEXINIT)
        throw new SshWireError(`more than ${MAX_PACKETS_BEFORE_KEXINIT} IGNORE/DEBUG packets while waiting for ${what}`);
      continue;
    }
    return p;
  }
}

/** SSH_MSG_DISCONNECT "by application" (RFC 4253 §11.1): reason 11, description, language tag. */
export function disconnectPayload(): Buffer {
  return Buffer.concat([Buffer.from([MSG.DISCONNECT]), encodeUint32(11), encodeString("otaudit: done"), encodeString("")]);
}

/** End a session politely: SSH_MSG_DISCONNECT in clear, then FIN. */
export async function closeRawSession(s: RawSession, graceMs = 500): Promise<void> {
  if (s.ending !== "fin") sendPlain(s, disconnectPayload());
  await s.conn.close(graceMs);
}

// --- key exchanges we can start (as far as the reply; kex-exchange.ts keeps what completes one) ----

export function chooseKex(serverKex: readonly string[], opts: { exceptGex?: boolean } = {}): string | undefined {
  const offered = new Set(serverKex);
  return KEX_IMPLEMENTED.find(([name, kind]) => offered.has(name) && !(opts.exceptGex && kind.kind === "gex"))?.[0];
}

/** Cipher, MAC and compression lists of our KEXINIT (transport.ts chooses them for the connection that authenticates). */
export type ClientLists = Pick<
  KexInit,
  | "encryptionClientToServer"
  | "encryptionServerToClient"
  | "macClientToServer"
  | "macServerToClient"
  | "compressionClientToServer"
  | "compressionServerToClient"
>;

/**
 * Our KEXINIT: one kex, one host-key algorithm, and for the rest either the server's own lists (they
 * match: negotiation cannot fail before the key is read) or `lists`.
 */
function clientKexInit(server: KexInit, kex: string, hostKey: string, lists?: ClientLists): Buffer {
  return encodeKexInitPayload({
    kexAlgorithms: [kex],
    serverHostKeyAlgorithms: [hostKey],
    encryptionClientToServer: lists?.encryptionClientToServer ?? server.encryptionClientToServer,
    encryptionServerToClient: lists?.encryptionServerToClient ?? server.encryptionServerToClient,
    macClientToServer: lists?.macClientToServer ?? server.macClientToServer,
    macServerToClient: lists?.macServerToClient ?? server.macServerToClient,
    compressionClientToServer: lists?.compressionClientToServer ?? server.compressionClientToServer,
    compressionServerToClient: lists?.compressionServerToClient ?? server.compressionServerToClient,
    languagesClientToServer: [],
    languagesServerToClient: [],
    firstKexPacketFollows: false,
    cookie: randomBytes(16).toString("hex"),
  });
}

/** Gex public value e for a group (RFC 4419 §3); the private exponent is thrown away. */
export function gexPublicValue(p: Buffer, g: Buffer): Buffer {
  return startGex(p, g).ours;
}

/** RFC 4419 §3: SSH_MSG_KEX_DH_GEX_REQUEST min || n || max. */
function gexRequest(min: number, n: number, max: number): Buffer {
  return Buffer.concat([Buffer.from([MSG.KEX_DH_GEX_REQUEST]), encodeUint32(min), encodeUint32(n), encodeUint32(max)]);
}

function expectMessage(p: Buffer, type: number, what: string): PayloadReader {
  if (p[0] !== type) throw new SshWireError(`expected ${what} (message ${type}), got message ${p[0]}`);
  return new PayloadReader(p, 1);
}

/** RFC 4419 §3 SSH_MSG_KEX_DH_GEX_GROUP: mpint p, mpint g. */
export function parseGexGroup(p: Buffer): { p: Buffer; g: Buffer } {
  const r = expectMessage(p, MSG.KEXDH_REPLY, "SSH_MSG_KEX_DH_GEX_GROUP");
  return { p: Buffer.from(r.string("gex p")), g: Buffer.from(r.string("gex g")) };
}

/** Ask for a DH group on a fresh session (RFC 4419 §3); the server's group as sent. */
export async function requestGexGroup(
  s: RawSession,
  gexAlg: string,
  hostKeyAlg: string,
  req: { min: number; n: number; max: number },
  deadline: Deadline,
): Promise<{ p: Buffer; g: Buffer }> {
  sendPlain(s, clientKexInit(s.hello.kexInit!, gexAlg, hostKeyAlg), gexRequest(req.min, req.n, req.max));
  return parseGexGroup(await readPacket(s, deadline, "SSH_MSG_KEX_DH_GEX_GROUP"));
}

/**
 * Run `kex` with `hostKeyAlg` on an open session until the server's reply, and return K_S, the
 * host key blob (first field of SSH_MSG_KEX_ECDH_REPLY / KEXDH_REPLY / KEX_DH_GEX_REPLY). What
 * completing the exchange needs stays in `s.exchange`; `lists` are our KEXINIT's cipher, MAC and
 * compression lists when this connection is to carry our own transport.
 */
export async function fetchHostKeyBlob(
  s: RawSession,
  kex: string,
  hostKeyAlg: string,
  deadline: Deadline,
  gex?: { request: { min: number; n: number; max: number }; onGroup(group: { p: Buffer; g: Buffer }): void },
  lists?: ClientLists,
): Promise<Buffer> {
  const k = kexKind(kex);
  if (!k) throw new Error(`key exchange ${kex} is not implemented`);
  const init = clientKexInit(s.hello.kexInit!, kex, hostKeyAlg, lists);
  let replyType: number = MSG.KEXDH_REPLY;
  let eph: Ephemeral;
  let gexParams: KexRecord["gex"];
  if (k.kind.kind === "gex") {
    // the caller's request (a group-exchange question answered on the way), else the usual
    // 2048..8192 range: any group the server sends will do for reading its key
    const r = gex?.request ?? { min: 2048, n: 3072, max: 8192 };
    sendPlain(s, init, gexRequest(r.min, r.n, r.max));
    const group = parseGexGroup(await readPacket(s, deadline, "SSH_MSG_KEX_DH_GEX_GROUP"));
    gex?.onGroup(group);
    if (group.p.length > 1025 || group.p.length < 2) throw new SshWireError(`group-exchange modulus of ${group.p.length} bytes cannot be used`);
    eph = startGex(group.p, group.g);
    gexParams = { ...r, ...group };
    sendPlain(s, eph.message);
    replyType = MSG.KEX_DH_GEX_REPLY;
  } else {
    eph = startKex(k.kind);
    sendPlain(s, init, eph.message);
  }
  const reply = await readPacket(s, deadline, "the key exchange reply");
  const blob = Buffer.from(expectMessage(reply, replyType, "the key exchange reply").string("host key (K_S)"));
  s.exchange = { kex, hostKeyAlg, hash: k.hash, iC: init, eph, reply, ...(gexParams ? { gex: gexParams } : {}) };
  return blob;
}
