// Phase 6, DH group exchange (passive, like ssh-audit -g): when the server offers
// diffie-hellman-group-exchange-*, ask for a small, a default and a large group (RFC 4419 §3
// SSH_MSG_KEX_DH_GEX_REQUEST min || n || max), one unauthenticated key exchange per request, one
// connection at a time, and record the size of the modulus p each SSH_MSG_KEX_DH_GEX_GROUP carries.
// Nothing is computed with the group; each session ends with DISCONNECT and a FIN.
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

export async function runGroupExchange(env: PhaseEnv, serverKex: readonly string[], hostKeyAlg: string): Promise<SshGroupExchange | undefined> {
  const { ctx, ep } = env;
  const algorithm = GEX_ALGORITHMS.find((a) => serverKex.includes(a));
  if (!algorithm) return undefined;
  ctx.assertAllowed(CHECKS.groupExchange);
  const facts: SshGroupExchange = { algorithm, requests: [] };
  const window = phaseWindow(env, WINDOWS.groupExchange);
  for (const req of GEX_REQUESTS) {
    const r: SshGroupExchange["requests"][number] = { label: req.label, min: req.min, n: req.n, max: req.max };
    facts.requests.push(r);
    if (window.expired) {
      r.error = { code: ctx.signal.aborted ? "aborted" : "timeout", message: "not run: the group-exchange phase's time window ran out" };
      continue;
    }
    ctx.log.info(
      { action: CHECKS.groupExchange.id, safety: CHECKS.groupExchange.safety, endpoint: ep.url, kex: algorithm, request: req },
      "ssh DH group-exchange request",
    );
    const deadline = stepDeadline(env, window);
    let session: RawSession | undefined;
    try {
      session = await openRawSession(ep.host, ep.port, ctx.timeoutMs, deadline);
      const group = await requestGexGroup(session, algorithm, hostKeyAlg, req, deadline);
      r.bits = magnitudeBits(group.p);
      r.generator = generatorText(group.g);
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
