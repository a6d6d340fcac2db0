// Phase 4, auth methods (read), the ssh2 path: one ssh2 connection that sends a single `none`
// request as user 'otaudit' (RFC 4252 §5.2) and records the methods the server lists, or that it
// let us in with no authentication at all. Used only when our own transport could not carry the
// request on a key-exchange connection (transport-auth.ts): no cipher, MAC, key exchange or
// verifiable host key in common, or a failure before an answer. No password is ever sent here.
import type { SshAuthMethods } from "./facts.js";
import { CHECKS, PROBE_USERNAME, WINDOWS } from "./checks.js";
import { clientAlgorithms, errorFact, runClient } from "./ssh2-client.js";
import { announceAuthMethods, methodList } from "./transport-auth.js";
import { phaseWindow, type PhaseEnv } from "./phase.js";

export async function runAuthMethods(env: PhaseEnv, offeredHostKeys: readonly string[]): Promise<SshAuthMethods> {
  const { ctx, ep } = env;
  const window = phaseWindow(env, WINDOWS.authMethods);
  if (window.expired) {
    ctx.assertAllowed(CHECKS.authMethods);
    return { username: PROBE_USERNAME, error: { code: ctx.signal.aborted ? "aborted" : "timeout", message: "not run: the probe's time budget was spent" } };
  }
  announceAuthMethods(env);
  let methods: string[] | undefined;
  const run = await runClient(
    {
      host: ep.host,
      port: ep.port,
      username: PROBE_USERNAME,
      algorithms: clientAlgorithms(offeredHostKeys),
      hostVerifier: (() => true) as never, // keys were read and recorded by the host-key phase
      authHandler: ((methodsLeft: string[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
        if (methodsLeft === null) return next({ type: "none", username: PROBE_USERNAME });
        // deduplicate before the cut: 32 repeats of `publickey` must not push `password` out of the list
        methods = methodList(methodsLeft);
        return next(false); // nothing more: no password is ever sent here
      }) as never,
    },
    window.remaining(),
    ctx.signal,
  );
  if (run.ready) return { username: PROBE_USERNAME, methods: [], noneAccepted: true, transport: "ssh2" };
  if (methods) return { username: PROBE_USERNAME, methods, noneAccepted: false, transport: "ssh2" };
  return { username: PROBE_USERNAME, error: errorFact(run.error, "no answer to the none request"), transport: "ssh2" };
}
