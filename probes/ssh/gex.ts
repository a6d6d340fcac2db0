// Phase 3, DH group exchange (passive, like ssh-audit -g): when the server offers
// diffie-hellman-group-exchange-*, ask for a small and a large group (RFC 4419 §3
// SSH_MSG_KEX_DH_GEX_REQUEST min || n || max; checks.ts GEX_REQUESTS says why no default request),
// one unauthenticated key exchange per request, one connection at a time, and record the size of
// the modulus p each SSH_MSG_KEX_DH_GEX_GROUP carries. The small request is usually answered
// already, by the key exchange that read the first host key on the hello connection (host-keys.ts).
// This phase computes nothing with a group (the host-key exchange that asks `small` computes its e);
// each session ends with DISCONNECT and a FIN.
import type { SshGroupExchange } from "./facts.js";
import { CHECKS, GEX_REQUESTS, WINDOWS } from "./checks.js";
import { closeRawSession, openRawSession, requestGexGroup, stepError, type RawSession } from "./raw-session.js";
import { magnitudeBits } from "./wire.js";
import { phaseWindow, stepDeadline, type PhaseEnv } from "./phase.js";

export const GEX_ALGORITHMS = ["diffie-hellman-group-exchange-sha256", "diffie-hellman-group-exchange-sha1"];

/** The generator as a short decimal (g is 2 or 5 in practice; a long one is reported by size). */
function generatorText(g: Buffer): string {
  const bits = magnitudeBits(g);
  return bits <= 48 ? BigInt("0x" + (g.toString("hex") || "0")).toString() : `${bits}-bit value`;
}

/** A group-exchange request answered on the way: the first host-key exchange asks `small` (host-keys.ts). */
export interface GexOnTheWay {
  algorithm: string;
  answer(fact: GexRequestFact): void;
}

export type GexRequestFact = SshGroupExchange["requests"][number];
type GexRequest = (typeof GEX_REQUESTS)[number];

/** The group-exchange algorithm otaudit asks with, when the server offers one. */
export function offeredGex(serverKex: readonly string[]): string | undefined {
  return GEX_ALGORITHMS.find((a) => serverKex.includes(a));
}

export function gexRequestFact(req: GexRequest): GexRequestFact {
  return { label: req.label, min: req.min, n: req.n, max: req.max };
}

/** The server's group as a fact: the size of p and a short generator. */
export function gexGroupFact(req: GexRequest, group: { p: Buffer; g: Buffer }): GexRequestFact {
  return { ...gexRequestFact(req), bits: magnitudeBits(group.p), generator: generatorText(group.g) };
}

/** The safety check and the log line of one group request (wherever it is asked). */
export function announceGexRequest(env: PhaseEnv, algorithm: string, request: GexRequest): void {
  env.ctx.assertAllowed(CHECKS.groupExchange);
  env.ctx.log.info(
    { action: CHECKS.groupExchange.id, safety: CHECKS.groupExchange.safety, endpoint: env.ep.url, kex: algorithm, request },
    "ssh DH group-exchange request",
  );
}

/** Ask each request of GEX_REQUESTS not answered yet (`answered`, by label), one connection each. */
export async function runGroupExchange(
  env: PhaseEnv,
  serverKex: readonly string[],
  hostKeyAlg: string,
  answered: readonly GexRequestFact[] = [],
): Promise<SshGroupExchange | undefined> {
  const { ctx, ep } = env;
  const algorithm = offeredGex(serverKex);
  if (!algorithm) return undefined;
  ctx.assertAllowed(CHECKS.groupExchange);
  const facts: SshGroupExchange = { algorithm, requests: [] };
  const window = phaseWindow(env, WINDOWS.groupExchange);
  for (const req of GEX_REQUESTS) {
    const known = answered.find((a) => a.label === req.label);
    if (known) {
      facts.requests.push(known);
      continue;
    }
    const r = gexRequestFact(req);
    facts.requests.push(r);
    if (window.expired) {
      r.error = { code: ctx.signal.aborted ? "aborted" : "timeout", message: "not run: the group-exchange phase's time window ran out" };
      continue;
    }
    announceGexRequest(env, algorithm, req);
    const deadline = stepDeadline(env, window);
    let session: RawSession | undefined;
    try {
      session = await openRawSession(ep.host, ep.port, ctx.timeoutMs, deadline);
      const group = await requestGexGroup(session, algorithm, hostKeyAlg, req, deadline);
      Object.assign(r, gexGroupFact(req, group));
    } catch (e) {
      const err = stepError(e, "SSH_MSG_KEX_DH_GEX_GROUP");
      if (err.code === "refused") r.refused = err.message;
      else r.error = { code: err.code, message: err.message };
    } finally {
      if (session) await closeRawSession(session, Math.min(500, ctx.timeoutMs));
    }
  }
  return facts;
}
