// Phase 2, host keys (passive): group the offered host-key algorithms by the key they use (linear,
// a Map; at most MAX_HOST_KEY_GROUPS stored, the rest counted), then read each key with our own
// unauthenticated key exchange, stopped at the server's reply (raw-session.ts): plain keys,
// certificates and security-key types alike. The first exchange reuses the hello connection and,
// when the server offers DH group exchange, is the group exchange's `small` request (gex.ts): one
// connection answers both; a key that exchange cannot read is tried once more with our usual key
// exchange. At most MAX_HOST_KEY_FETCHES exchanges, each by its own deadline inside the phase
// window. A blob that does not parse keeps its fingerprint and the failing field (never a crash).
// The first exchange that can carry it (a verifiable host-key algorithm, a cipher and MAC we
// implement) also carries the `none` request (transport-auth.ts) before its connection is closed.
import type { CheckError, SshHostKey } from "./facts.js";
import { CHECKS, GEX_REQUESTS, MAX_HOST_KEY_FETCHES, MAX_HOST_KEY_GROUPS, WINDOWS } from "./checks.js";
import { announceGexRequest, gexGroupFact, gexRequestFact, type GexOnTheWay } from "./gex.js";
import { describeHostKeyBlob } from "./host-key-blob.js";
import { chooseKex, closeRawSession, fetchHostKeyBlob, openRawSession, stepError, type RawSession } from "./raw-session.js";
import { phaseWindow, stepDeadline, type PhaseEnv } from "./phase.js";
import { algorithmDatabase } from "./knowledge.js";
import type { KexInit } from "./kexinit.js";
import { kexKind } from "./kex-exchange.js";
import { VERIFIABLE_HOST_KEYS } from "./host-key-verify.js";
import { chooseTransport, type TransportChoice } from "./transport.js";
import { authOnSession, type AuthOutcome } from "./transport-auth.js";

/** The key a host-key algorithm signs with (RFC 8332: rsa-sha2-* use ssh-rsa keys; certificates alike). */
export function keyTypeOfAlgorithm(alg: string): string {
  switch (alg) {
    case "rsa-sha2-256":
    case "rsa-sha2-512":
      return "ssh-rsa";
    case "rsa-sha2-256-cert-v01@openssh.com":
    case "rsa-sha2-512-cert-v01@openssh.com":
      return "ssh-rsa-cert-v01@openssh.com";
    case "webauthn-sk-ecdsa-sha2-nistp256@openssh.com":
      return "sk-ecdsa-sha2-nistp256@openssh.com";
    default:
      return alg;
  }
}

/** Preferred algorithm to fetch a key with (any offered one reads the same key). */
const FETCH_PREFERENCE = [
  "rsa-sha2-512",
  "rsa-sha2-256",
  "rsa-sha2-512-cert-v01@openssh.com",
  "rsa-sha2-256-cert-v01@openssh.com",
  "sk-ecdsa-sha2-nistp256@openssh.com",
];

export interface HostKeyPlan {
  keyType: string;
  algorithms: string[];
  fetchWith: string;
  known: boolean;
}

/** Group offered algorithms by key, linear in the list; known types first, then server order. */
export function planHostKeys(offered: readonly string[]): { plan: HostKeyPlan[]; overflow: number } {
  const groups = new Map<string, string[]>();
  let overflow = 0;
  for (const alg of offered) {
    const t = keyTypeOfAlgorithm(alg);
    const g = groups.get(t);
    if (g) g.push(alg);
    else if (groups.size < MAX_HOST_KEY_GROUPS) groups.set(t, [alg]);
    else overflow++;
  }
  const db = algorithmDatabase();
  const plan = [...groups].map(([keyType, algorithms]): HostKeyPlan => {
    const fetchWith = FETCH_PREFERENCE.find((a) => algorithms.includes(a)) ?? algorithms[0]!;
    return { keyType, algorithms, fetchWith, known: Object.hasOwn(db.hostKey, fetchWith) };
  });
  // stable: known types first (they are worth the capped fetches), each part in server order
  return { plan: [...plan.filter((p) => p.known), ...plan.filter((p) => !p.known)], overflow };
}

function keyFact(p: HostKeyPlan, kex: string, blob: Buffer): SshHostKey {
  const d = describeHostKeyBlob(blob, p.keyType);
  const k: SshHostKey = {
    keyType: p.keyType,
    algorithms: p.algorithms,
    status: "collected",
    fingerprintSha256: d.fingerprintSha256,
    fetchedWith: p.fetchWith,
    kex,
  };
  if (d.keyType !== p.keyType) {
    k.blobKeyType = d.keyType;
    k.parseError = `server sent a ${d.keyType || "(unnamed)"} key when asked for ${p.keyType}`;
  }
  if (d.bits !== undefined) k.bits = d.bits;
  if (d.curve !== undefined) k.curve = d.curve;
  if (d.application !== undefined) k.application = d.application;
  if (d.unknownType) k.unknownType = true;
  if (d.certificate) k.certificate = d.certificate;
  if (d.parseError) k.parseError ??= d.parseError;
  if (k.parseError) k.status = "unparsed";
  return k;
}

/** The `none` request riding on the first host-key exchange that can carry it (transport-auth.ts). */
export interface AuthOnTheWay {
  /** set once our transport was tried: an answer (or an error that stands), or a fallback to ssh2 */
  outcome?: AuthOutcome;
}

/** Our transport's offer when this exchange is to carry the `none` request, else undefined. */
function carrier(auth: AuthOnTheWay | undefined, server: KexInit, kex: string, hostKeyAlg: string): TransportChoice | undefined {
  if (!auth || auth.outcome || !VERIFIABLE_HOST_KEYS.has(hostKeyAlg) || !kexKind(kex)) return undefined;
  const c = chooseTransport(server);
  return typeof c === "string" ? undefined : c;
}

/**
 * Will one of the host-key exchanges carry the `none` request? From the hello's KEXINIT: a cipher,
 * MAC and compression we implement, a key exchange we run, and a verifiable host key among the
 * keys we will fetch. When not, ssh2 is needed (and preloaded) for the auth phase.
 */
export function authCanRide(server: KexInit): boolean {
  if (typeof chooseTransport(server) === "string" || !chooseKex(server.kexAlgorithms)) return false;
  return planHostKeys(server.serverHostKeyAlgorithms)
    .plan.slice(0, MAX_HOST_KEY_FETCHES)
    .some((p) => VERIFIABLE_HOST_KEYS.has(p.fetchWith));
}

/** Read every offered host key (bounded). Takes over the hello session and always closes it. */
export async function runHostKeys(
  env: PhaseEnv,
  hello: RawSession,
  offered: readonly string[],
  serverKex: readonly string[],
  gexSmall?: GexOnTheWay,
  auth?: AuthOnTheWay,
): Promise<{ hostKeys: SshHostKey[]; overflow: number; cut?: string }> {
  const { ctx, ep } = env;
  const { plan, overflow } = planHostKeys(offered);
  // the first key is read with the group exchange's small request when the server offers one (the
  // question and the key in one connection); any other key, or a retry, with our usual choice
  const kex = chooseKex(serverKex, { exceptGex: gexSmall !== undefined }) ?? chooseKex(serverKex);
  const hostKeys: SshHostKey[] = [];
  let session: RawSession | undefined = hello;
  let cut: string | undefined;
  try {
    if (!kex) {
      const error: CheckError = {
        code: "unsupported",
        message: `no key exchange otaudit implements was offered (${serverKex.slice(0, 8).join(", ") || "none"})`,
      };
      for (const p of plan) hostKeys.push({ keyType: p.keyType, algorithms: p.algorithms, status: "unsupported", error });
      return { hostKeys, overflow };
    }
    const window = phaseWindow(env, WINDOWS.hostKeys);
    let fetches = 0;
    for (const p of plan) {
      const base = { keyType: p.keyType, algorithms: p.algorithms };
      if (fetches >= MAX_HOST_KEY_FETCHES) {
        hostKeys.push({ ...base, status: "not_collected", error: { code: "budget", message: `host-key fetch cap of ${MAX_HOST_KEY_FETCHES} reached` } });
        continue;
      }
      if (window.expired) {
        cut ??= ctx.signal.aborted ? "aborted" : "the host-key phase's time window ran out";
        hostKeys.push({ ...base, status: "not_collected", error: { code: ctx.signal.aborted ? "aborted" : "timeout", message: cut } });
        continue;
      }
      fetches++;
      ctx.assertAllowed(CHECKS.hostKeys);
      ctx.log.info(
        { action: CHECKS.hostKeys.id, safety: CHECKS.hostKeys.safety, endpoint: ep.url, hostKeyAlgorithm: p.fetchWith, kex },
        "ssh key exchange to read a host key",
      );
      const deadline = stepDeadline(env, window);
      const onTheWay = session === hello ? gexSmall : undefined;
      const used = onTheWay ? onTheWay.algorithm : kex;
      let groupSeen = false;
      try {
        session ??= await openRawSession(ep.host, ep.port, ctx.timeoutMs, deadline);
        if (onTheWay) announceGexRequest(env, onTheWay.algorithm, GEX_REQUESTS[0]);
        const carry = carrier(auth, session.hello.kexInit!, used, p.fetchWith);
        const blob = await fetchHostKeyBlob(
          session,
          used,
          p.fetchWith,
          deadline,
          onTheWay && {
            request: GEX_REQUESTS[0],
            onGroup: (g) => {
              groupSeen = true;
              onTheWay.answer(gexGroupFact(GEX_REQUESTS[0], g));
            },
          },
          carry?.lists,
        );
        hostKeys.push(keyFact(p, used, blob));
        if (carry) auth!.outcome = await authOnSession(env, session, carry, phaseWindow(env, WINDOWS.authMethods));
        continue;
      } catch (e) {
        const err = stepError(e, "the key exchange reply");
        if (!onTheWay || kex === onTheWay.algorithm || window.expired || fetches >= MAX_HOST_KEY_FETCHES) {
          hostKeys.push({ ...base, status: "error", fetchedWith: p.fetchWith, kex: used, error: { code: err.code, message: err.message } });
          continue;
        }
        // refused before any group: that is the server's answer to the small request (after the
        // group, the group is the answer and the refusal was of our key exchange)
        if (err.code === "refused" && !groupSeen) onTheWay.answer({ ...gexRequestFact(GEX_REQUESTS[0]), refused: err.message });
      } finally {
        if (session) await closeRawSession(session, Math.min(500, ctx.timeoutMs));
        session = undefined;
      }
      // the group exchange could not read this key: once more with the usual key exchange
      fetches++;
      const retry = stepDeadline(env, window);
      try {
        session = await openRawSession(ep.host, ep.port, ctx.timeoutMs, retry);
        const carry = carrier(auth, session.hello.kexInit!, kex, p.fetchWith);
        hostKeys.push(keyFact(p, kex, await fetchHostKeyBlob(session, kex, p.fetchWith, retry, undefined, carry?.lists)));
        if (carry) auth!.outcome = await authOnSession(env, session, carry, phaseWindow(env, WINDOWS.authMethods));
      } catch (e) {
        const err = stepError(e, "the key exchange reply");
        hostKeys.push({ ...base, status: "error", fetchedWith: p.fetchWith, kex, error: { code: err.code, message: err.message } });
      } finally {
        if (session) await closeRawSession(session, Math.min(500, ctx.timeoutMs));
        session = undefined;
      }
    }
    return cut ? { hostKeys, overflow, cut } : { hostKeys, overflow };
  } finally {
    if (session) await closeRawSession(session, Math.min(500, ctx.timeoutMs));
  }
}
