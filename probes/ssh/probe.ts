// SSH probe: network I/O only, returns SshFacts (never verdicts). Per service, one connection at a
// time, each closed cleanly, in phases, each with its own time window inside the probe's overall
// budget, and a checkpoint after each (so a crash or the engine's cap keeps what was learned):
//   1. hello (hello.ts): identification string and KEXINIT (RFC 4253 §4.2, §7.1);
//   2. host keys (host-keys.ts): our own key exchange up to the server's reply, per key type; the
//      first one that can carries the `none` request as 'otaudit' (RFC 4252 §5.2) over our own
//      transport (transport-auth.ts), so no connection of its own;
//   3. DH group exchange (gex.ts): the moduli offered for a small and a large request (the small one
//      answered by the host-key exchange on the hello connection when the server offers GEX);
//   4. auth methods (auth-methods.ts): the `none` request over ssh2, only when our transport could
//      not be used (nothing in common, predicted from the KEXINIT) or failed before an answer;
//   5. with bench credentials (credentialed.ts): log in, observe partial success (MFA);
//   6. --intrusive only (default-credentials.ts): paced default-credential attempts.
// No password is ever sent in default mode.
import type { ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { ProbeFailure, type ProbeFailureCode } from "../../src/errors.js";
import { Deadline } from "../../src/net/index.js";
import type { SshFacts, SshService } from "./facts.js";
import { WINDOWS } from "./checks.js";
import { runHello } from "./hello.js";
import { type AuthOnTheWay, authCanRide, runHostKeys } from "./host-keys.js";
import { type GexRequestFact, offeredGex, runGroupExchange } from "./gex.js";
import { runAuthMethods } from "./auth-methods.js";
import { preloadSsh2 } from "./ssh2-client.js";
import { benchCredential, runCredentialed } from "./credentialed.js";
import { runDefaultCredentials } from "./default-credentials.js";
import { type SshStepError, stepError } from "./raw-session.js";
import { noteCut, type PhaseEnv } from "./phase.js";

async function probeService(env: PhaseEnv, done: SshService[]): Promise<SshService> {
  const { ctx, ep } = env;
  const { session, banner, algorithms } = await runHello(env);
  const service: SshService = { port: ep.port, url: ep.url, banner, hostKeys: [] };
  // the `none` answer that rode on a host-key exchange is checkpointed at once, stored in order later
  let answered: SshService["auth"];
  const checkpoint = () => ctx.checkpoint({ services: [...done, answered && !service.auth ? { ...service, auth: answered } : service] } satisfies SshFacts);
  if (!algorithms) {
    await session.conn.close(500); // SSH-1 only: nothing SSH-2 to negotiate
    return service;
  }
  service.algorithms = algorithms;
  checkpoint();
  const entry = ctx.credentials.find((c) => c.protocol === "ssh") as Record<string, unknown> | undefined;
  const cred = entry ? benchCredential(entry) : undefined;
  // the `none` request rides on a host-key exchange when our own transport can carry it; ssh2 is
  // loaded (while the host-key exchanges wait on the server) only when it will be needed
  const auth: AuthOnTheWay | undefined = authCanRide(session.hello.kexInit!) ? {} : undefined;
  if (cred || ctx.intrusive || !auth) preloadSsh2();

  // the group exchange's small request rides on the first host-key exchange (one connection less)
  const gexAnswers: GexRequestFact[] = [];
  const gexAlgorithm = offeredGex(algorithms.kex);
  const keys = await runHostKeys(
    env,
    session,
    algorithms.hostKey,
    algorithms.kex,
    gexAlgorithm ? { algorithm: gexAlgorithm, answer: (f) => gexAnswers.push(f) } : undefined,
    auth,
  );
  const ridden = auth?.outcome && "answer" in auth.outcome ? auth.outcome.answer : undefined;
  answered = ridden;
  service.hostKeys = keys.hostKeys;
  if (keys.overflow) service.hostKeyOverflow = { groups: keys.hostKeys.length + keys.overflow, stored: keys.hostKeys.length };
  if (keys.cut) noteCut(service, "host-keys", keys.cut);
  checkpoint();

  if (!env.budget.expired) {
    const gex = await runGroupExchange(env, algorithms.kex, algorithms.hostKey[0] ?? "ssh-ed25519", gexAnswers);
    if (gex) service.groupExchange = gex;
    checkpoint();
  } else noteCut(service, "group-exchange", "not run: the probe's time budget was spent");

  if (ridden) service.auth = ridden;
  else {
    if (auth?.outcome && "fallback" in auth.outcome)
      ctx.log.info({ endpoint: ep.url, reason: auth.outcome.fallback }, "ssh 'none' request: otaudit's transport failed before an answer, trying ssh2");
    service.auth = await runAuthMethods(env, algorithms.hostKey);
  }
  checkpoint();
  if (cred) {
    service.credentialed = await runCredentialed(env, cred, algorithms.hostKey);
    checkpoint();
  }
  if (ctx.intrusive) {
    if (env.budget.expired) noteCut(service, "default-credentials", "not run: the probe's time budget was spent");
    else service.defaultCredentials = await runDefaultCredentials(env, algorithms.hostKey);
  }
  return service;
}

export async function probeSsh(ctx: ProbeContext): Promise<SshFacts> {
  const budget = new Deadline(ctx.timeoutMs * WINDOWS.overall, ctx.signal);
  const services: SshService[] = [];
  const failures: { ep: ServiceEndpoint; err: SshStepError }[] = [];
  for (const ep of ctx.endpoints) {
    if (ctx.signal.aborted) break;
    try {
      services.push(await probeService({ ctx, ep, budget }, services));
    } catch (e) {
      const err = stepError(e, "the server hello");
      if (err.code === "internal") throw e; // a bug: the engine keeps the last checkpoint
      ctx.log.info({ endpoint: ep.url, code: err.code }, err.message);
      failures.push({ ep, err });
      // a default port with nothing listening is not a service; anything else is an error fact
      if (err.code === "absent" && !ep.explicit) continue;
      const code = err.code === "absent" ? "unreachable" : err.code;
      services.push({ port: ep.port, url: ep.url, hostKeys: [], error: { code, message: err.message } });
    }
  }
  if (services.length === 0 || services.every((s) => s.error)) {
    const f = failures[0];
    if (!f) throw new ProbeFailure("aborted", "aborted before any SSH service was probed");
    const c = f.err.code;
    const code: ProbeFailureCode = c === "absent" ? (f.ep.explicit ? "unreachable" : "absent") : c === "refused" ? "protocol" : c;
    throw new ProbeFailure(code, `${f.ep.url}: ${f.err.message}`);
  }
  return { services };
}
