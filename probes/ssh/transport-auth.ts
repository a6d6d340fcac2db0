// Phase 4 on a connection we already have (read): complete the key exchange that just read a host
// key, then send one `none` USERAUTH_REQUEST as 'otaudit' (RFC 4252 §5.2) over our own encrypted
// transport (transport.ts), instead of a separate ssh2 connection: the device sees one connection
// fewer and ssh2 is not loaded. Steps: K and the exchange hash H (kex-exchange.ts), the server's
// signature over H verified with its host key (host-key-verify.ts; RFC 4253 §8), NEWKEYS (§7.3),
// keys (§7.2), SERVICE_REQUEST "ssh-userauth" (§10), the `none` request, USERAUTH_FAILURE (the
// methods) or USERAUTH_SUCCESS, USERAUTH_BANNERs skipped (bounded), then an encrypted DISCONNECT
// (§11.1) and a FIN. A protocol violation (signature, MAC, padding, lengths) is an error fact and
// nothing more is sent; a failure before an answer for any other reason (closed, reset, timeout,
// DISCONNECT) asks for the ssh2 path once (probe.ts). No password is ever sent here.
import type { Deadline } from "../../src/net/index.js";
import type { SshAuthMethods } from "./facts.js";
import { CHECKS, PROBE_USERNAME } from "./checks.js";
import { exchangeHash } from "./kex-exchange.js";
import { verifyExchangeSignature } from "./host-key-verify.js";
import { CLIENT_IDENT, disconnectPayload, type RawSession, readPacket, sendPlain, stepError } from "./raw-session.js";
import { deriveKey, directionKeys, PacketOpener, PacketSealer, type TransportChoice } from "./transport.js";
import { describeDisconnect } from "./kexinit.js";
import { encodeString, MSG, PayloadReader, SshWireError } from "./wire.js";
import type { PhaseEnv } from "./phase.js";

/** USERAUTH_BANNERs skipped before the answer (RFC 4252 §5.4 allows banners; a flood is not an answer). */
export const MAX_BANNERS = 16;
/** IGNORE / DEBUG / EXT_INFO packets skipped in all after NEWKEYS. */
export const MAX_SKIPPED = 32;
/** method names kept as ssh2 gave them before: 64 characters each, 32 distinct names */
export const MAX_METHOD_NAME = 64;
export const MAX_METHODS = 32;

/** The answer (or an error fact that stands), or why the ssh2 path should try once instead. */
export type AuthOutcome = { answer: SshAuthMethods } | { fallback: string };

/** The safety check and log line of the `none` request (same on both transports). */
export function announceAuthMethods(env: PhaseEnv): void {
  env.ctx.assertAllowed(CHECKS.authMethods);
  env.ctx.log.info(
    { action: CHECKS.authMethods.id, safety: CHECKS.authMethods.safety, endpoint: env.ep.url, username: PROBE_USERNAME },
    "ssh 'none' request to list auth methods",
  );
}

/** Methods from an SSH_MSG_USERAUTH_FAILURE name-list, deduplicated before the caps. */
export function methodList(list: string[]): string[] {
  return [...new Set(list.map((m) => String(m).slice(0, MAX_METHOD_NAME)))].slice(0, MAX_METHODS);
}

/** RFC 4252 §5.1: name-list authentications that can continue, boolean partial success. */
function parseFailure(p: Buffer): string[] {
  const r = new PayloadReader(p, 1);
  const list = r.string("USERAUTH_FAILURE methods").toString("utf8");
  r.byte("USERAUTH_FAILURE partial success");
  return list ? list.split(",") : [];
}

async function exchange(s: RawSession, choice: TransportChoice, deadline: Deadline): Promise<SshAuthMethods> {
  const x = s.exchange!;
  // RFC 4253 §8 / RFC 5656 §4: string K_S, f (mpint) or Q_S (string), string signature of H
  const reply = new PayloadReader(x.reply, 1);
  const kS = reply.string("host key (K_S)");
  const theirs = reply.string(x.eph.mpints ? "f" : "Q_S");
  const signature = reply.string("signature of H");
  const k = x.eph.secret(theirs);
  const iS = s.hello.kexInitPayload;
  if (!iS) throw new SshWireError("the server's KEXINIT was not kept");
  const h = exchangeHash(
    { hash: x.hash, vC: `SSH-2.0-${CLIENT_IDENT}`, vS: s.hello.identification.raw, iC: x.iC, iS, kS, ...(x.gex ? { gex: x.gex } : {}) },
    x.eph,
    theirs,
    k,
  );
  try {
    verifyExchangeSignature(x.hostKeyAlg, kS, h, signature);
  } catch (e) {
    throw e instanceof SshWireError ? e : new SshWireError(`the host key signature cannot be checked: ${(e as Error).message}`);
  }

  // §7.3: NEWKEYS each way; every later packet uses the new keys
  sendPlain(s, Buffer.from([MSG.NEWKEYS]));
  s.ending = "fin"; // nothing unencrypted after NEWKEYS
  const nk = await readPacket(s, deadline, "SSH_MSG_NEWKEYS");
  if (nk[0] !== MSG.NEWKEYS) throw new SshWireError(`expected SSH_MSG_NEWKEYS (21), got message ${nk[0]}`);
  const derive = (letter: string, len: number) => deriveKey(x.hash, k, h, letter, h, len); // first exchange: session_id = H
  const sealer = new PacketSealer(choice.cs, directionKeys(choice.cs, true, derive), s.sent);
  const opener = new PacketOpener(choice.sc, directionKeys(choice.sc, false, derive), s.parser.stream.packets);
  opener.push(s.parser.stream.takeRest());
  const send = (payload: Buffer) => {
    s.sent++;
    s.conn.write(sealer.seal(payload));
  };
  let skipped = 0;
  let banners = 0;
  const next = async (what: string): Promise<Buffer> => {
    for (;;) {
      const p = opener.next();
      if (!p) {
        opener.push(await s.conn.read((b) => (b.length > 0 ? b.length : undefined), deadline, what));
        continue;
      }
      const type = p[0]!;
      if (type === MSG.DISCONNECT) throw new DisconnectError(`server sent SSH_MSG_DISCONNECT (${describeDisconnect(p)}) instead of ${what}`);
      if (type === MSG.USERAUTH_BANNER) {
        if (++banners > MAX_BANNERS) throw new SshWireError(`more than ${MAX_BANNERS} USERAUTH_BANNER packets while waiting for ${what}`);
        continue;
      }
      if (type === MSG.IGNORE || type === MSG.DEBUG || type === MSG.EXT_INFO) {
        if (++skipped > MAX_SKIPPED) throw new SshWireError(`more than ${MAX_SKIPPED} IGNORE/DEBUG packets while waiting for ${what}`);
        continue;
      }
      return p;
    }
  };

  send(Buffer.concat([Buffer.from([MSG.SERVICE_REQUEST]), encodeString("ssh-userauth")])); // §10
  const accept = await next("SSH_MSG_SERVICE_ACCEPT");
  if (accept[0] !== MSG.SERVICE_ACCEPT) throw new SshWireError(`expected SSH_MSG_SERVICE_ACCEPT (6), got message ${accept[0]}`);
  // RFC 4252 §5.2: the `none` method, to learn the methods that can continue
  send(Buffer.concat([Buffer.from([MSG.USERAUTH_REQUEST]), encodeString(PROBE_USERNAME), encodeString("ssh-connection"), encodeString("none")]));
  const answer = await next("the answer to the none request");
  let result: SshAuthMethods;
  if (answer[0] === MSG.USERAUTH_SUCCESS) result = { username: PROBE_USERNAME, methods: [], noneAccepted: true };
  else if (answer[0] === MSG.USERAUTH_FAILURE) result = { username: PROBE_USERNAME, methods: methodList(parseFailure(answer)), noneAccepted: false };
  else throw new SshWireError(`expected SSH_MSG_USERAUTH_FAILURE or SUCCESS, got message ${answer[0]}`);
  send(disconnectPayload()); // §11.1, encrypted; the caller sends the FIN
  return result;
}

/** A server's DISCONNECT after NEWKEYS: a refusal, not a violation (the ssh2 path tries once). */
class DisconnectError extends Error {}

/**
 * Run the `none` request on `s`, whose key exchange (`s.exchange`) just returned the host key and
 * whose KEXINIT offered `choice`. Never throws (but for the safety check); `s.ending` says whether
 * the caller may still send a plain DISCONNECT.
 */
export async function authOnSession(env: PhaseEnv, s: RawSession, choice: TransportChoice, deadline: Deadline): Promise<AuthOutcome> {
  announceAuthMethods(env);
  try {
    return { answer: { ...(await exchange(s, choice, deadline)), transport: "otaudit" } };
  } catch (e) {
    if (e instanceof SshWireError) {
      s.ending = "fin"; // a violation: send nothing more
      return { answer: { username: PROBE_USERNAME, error: { code: "protocol", message: e.message }, transport: "otaudit" } };
    }
    if (e instanceof DisconnectError) return { fallback: e.message };
    const err = stepError(e, "the answer to the none request");
    return { fallback: `${err.code}: ${err.message}` };
  }
}
