// Phase 1, hello (passive): the identification string and the server's KEXINIT over one TCP
// connection (RFC 4253 §4.2, §7.1), read by an absolute deadline however the bytes drip in. The
// connection stays open for the host-key phase, which runs its first key exchange on it.
import type { SshAlgorithms, SshBanner } from "./facts.js";
import { identifyProduct, STRICT_KEX_SERVER, type ServerHello } from "./kexinit.js";
import { CHECKS, WINDOWS } from "./checks.js";
import { openRawSession, SshStepError, type RawSession } from "./raw-session.js";
import { phaseWindow, type PhaseEnv } from "./phase.js";

export function bannerFacts(hello: ServerHello): SshBanner {
  const id = hello.identification;
  const b: SshBanner = { raw: id.raw, protocolVersion: id.protocolVersion, software: id.software, preBannerLines: id.preBannerLines };
  if (id.comments) b.comments = id.comments;
  if (id.violations.length) b.violations = id.violations;
  const prod = identifyProduct(id.software);
  if (prod.product) b.product = prod.product;
  if (prod.productVersion) b.productVersion = prod.productVersion;
  return b;
}

export function algorithmFacts(hello: ServerHello): SshAlgorithms | undefined {
  const k = hello.kexInit;
  if (!k) return undefined;
  const a: SshAlgorithms = {
    kex: k.kexAlgorithms,
    hostKey: k.serverHostKeyAlgorithms,
    cipherClientToServer: k.encryptionClientToServer,
    cipherServerToClient: k.encryptionServerToClient,
    macClientToServer: k.macClientToServer,
    macServerToClient: k.macServerToClient,
    compressionClientToServer: k.compressionClientToServer,
    compressionServerToClient: k.compressionServerToClient,
    strictKex: k.kexAlgorithms.includes(STRICT_KEX_SERVER),
  };
  if (k.irregularities.length) a.irregularities = k.irregularities;
  return a;
}

/** Read banner and KEXINIT; throws SshStepError (the service could not be audited at all). */
export async function runHello(env: PhaseEnv): Promise<{ session: RawSession; banner: SshBanner; algorithms?: SshAlgorithms }> {
  const { ctx, ep } = env;
  ctx.assertAllowed(CHECKS.serverHello);
  ctx.log.info({ action: CHECKS.serverHello.id, safety: CHECKS.serverHello.safety, endpoint: ep.url }, "ssh banner and KEXINIT");
  if (env.budget.expired) throw new SshStepError(ctx.signal.aborted ? "aborted" : "timeout", "the probe's time budget was spent before this service");
  const window = phaseWindow(env, WINDOWS.hello);
  const session = await openRawSession(ep.host, ep.port, ctx.timeoutMs, window);
  const algorithms = algorithmFacts(session.hello);
  return algorithms ? { session, banner: bannerFacts(session.hello), algorithms } : { session, banner: bannerFacts(session.hello) };
}
