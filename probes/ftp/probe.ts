// FTP probe: network I/O only, returns FtpFacts. Per FTP service, one connection at a time, each
// ending with QUIT and FIN, every reply read against an absolute deadline:
//   1. greeting, FEAT (RFC 2389), USER <probe name> before any AUTH TLS (331 = the server would take
//      a password in clear; no PASS follows, ever);
//   2. AUTH TLS (RFC 4217 §4) and one TLS handshake on 234;
//   3. anonymous login (RFC 1635; class `read`, see checks.ts), QUIT right after; refused in clear on
//      a server that completed AUTH TLS, once more inside TLS;
//   4. --intrusive only: default accounts, after AUTH TLS when the server offers it.
import type { ProbeContext } from "../../src/plugin.js";
import { loginPacing } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { attemptLogins, NetError, type LoginResult } from "../../src/net/index.js";
import { failureOf, probeServices, ServiceFailure } from "../../src/net/services.js";
import { loginRunFacts, notTriedFacts } from "../../src/knowledge/login-run.js";
import { ANONYMOUS_PASSWORD, CHECKS, DEFAULT_CREDENTIAL_DELAY_MS, PROBE_USERNAME } from "./checks.js";
import type { AnonymousLogin, CheckError, FtpFacts, FtpService } from "./facts.js";
import { defaultCredentials } from "./knowledge.js";
import { featureList, FtpWireError, printable, replyText } from "./reply.js";
import { FtpSession } from "./session.js";

function errorFact(e: unknown, ep: ServiceEndpoint): CheckError {
  const f = e instanceof FtpWireError ? new ServiceFailure("protocol", e.message) : failureOf(e, "exchange", ep.explicit);
  return { code: f.code, message: f.message };
}

/** Open a session; a greeting other than 220 ends it (QUIT) and is returned as the only fact. */
async function openSession(ep: ServiceEndpoint, ctx: ProbeContext) {
  try {
    return await FtpSession.open(ep, ctx.timeoutMs, ctx.signal);
  } catch (e) {
    throw e instanceof FtpWireError ? new ServiceFailure("protocol", e.message) : failureOf(e, "exchange", ep.explicit);
  }
}

async function greetingFeaturesUser(ep: ServiceEndpoint, ctx: ProbeContext, s: FtpService): Promise<void> {
  ctx.assertAllowed(CHECKS.greeting);
  ctx.log.info({ action: CHECKS.greeting.id, safety: CHECKS.greeting.safety, endpoint: ep.url }, "ftp greeting and FEAT");
  const { session, greeting } = await openSession(ep, ctx);
  s.greeting = greeting;
  try {
    if (greeting.code !== 220) return;
    try {
      const reply = await session.command("FEAT");
      s.features = { reply, list: featureList(reply) };
    } catch (e) {
      s.features = { list: [], error: errorFact(e, ep) };
      return;
    }
    ctx.assertAllowed(CHECKS.cleartextUser);
    ctx.log.info(
      { action: CHECKS.cleartextUser.id, safety: CHECKS.cleartextUser.safety, endpoint: ep.url, username: PROBE_USERNAME },
      "ftp USER before AUTH TLS (no password follows)",
    );
    try {
      s.cleartextUser = { username: PROBE_USERNAME, reply: await session.command("USER", PROBE_USERNAME) };
    } catch (e) {
      s.cleartextUser = { username: PROBE_USERNAME, error: errorFact(e, ep) };
    }
  } finally {
    await session.quit();
  }
}

async function authTls(ep: ServiceEndpoint, ctx: ProbeContext, s: FtpService): Promise<void> {
  ctx.assertAllowed(CHECKS.authTls);
  ctx.log.info({ action: CHECKS.authTls.id, safety: CHECKS.authTls.safety, endpoint: ep.url }, "ftp AUTH TLS");
  let opened;
  try {
    opened = await openSession(ep, ctx);
  } catch (e) {
    s.authTls = { error: errorFact(e, ep) };
    return;
  }
  const { session } = opened;
  try {
    const reply = await session.command("AUTH", "TLS");
    s.authTls = { reply };
    if (reply.code !== 234) return;
    try {
      s.authTls.tlsSession = await session.startTls(ep.host);
    } catch (e) {
      s.authTls.error = e instanceof NetError ? { code: e.code === "timeout" ? "timeout" : "tls", message: e.message } : errorFact(e, ep);
    }
  } catch (e) {
    s.authTls = { error: errorFact(e, ep) };
  } finally {
    await session.quit();
  }
}

async function anonymousLogin(ep: ServiceEndpoint, ctx: ProbeContext, s: FtpService): Promise<void> {
  ctx.assertAllowed(CHECKS.anonymous);
  ctx.log.info({ action: CHECKS.anonymous.id, safety: CHECKS.anonymous.safety, endpoint: ep.url }, "ftp anonymous login (RFC 1635)");
  s.anonymous = await anonymousOnce(ep, ctx, false);
  // a refusal in clear says nothing about TLS: vsftpd's force_anon_logins_ssl answers USER anonymous
  // with 530 in clear and takes it after AUTH TLS; so once more inside TLS when the server offers it
  if (s.anonymous.accepted === false && s.authTls?.tlsSession && !ctx.signal.aborted) {
    ctx.log.info({ action: CHECKS.anonymous.id, safety: CHECKS.anonymous.safety, endpoint: ep.url }, "ftp anonymous login after AUTH TLS");
    s.anonymous.afterTls = await anonymousOnce(ep, ctx, true);
  }
}

async function anonymousOnce(ep: ServiceEndpoint, ctx: ProbeContext, overTls: boolean): Promise<AnonymousLogin> {
  let opened;
  try {
    opened = await openSession(ep, ctx);
  } catch (e) {
    return { error: errorFact(e, ep) };
  }
  const { session } = opened;
  const a: AnonymousLogin = {};
  try {
    if (overTls) {
      const auth = await session.command("AUTH", "TLS");
      if (auth.code !== 234) {
        a.error = { code: "protocol", message: `AUTH TLS answered ${auth.code} this time` };
        return a;
      }
      await session.startTls(ep.host);
    }
    const user = await session.command("USER", "anonymous");
    a.userReply = user;
    if (user.code === 230)
      a.accepted = true; // logged in without even a token
    else if (user.code === 530) a.accepted = false;
    else if (user.code === 331) {
      const pass = await session.command("PASS", ANONYMOUS_PASSWORD, session.passWaitMs());
      a.passReply = pass;
      if (pass.code === 230) a.accepted = true;
      else if (pass.code === 530) a.accepted = false;
    }
  } catch (e) {
    a.error = errorFact(e, ep);
  } finally {
    await session.quit();
  }
  return a;
}

// --- default credentials (intrusive) ------------------------------------------------------------

async function tryOne(
  ep: ServiceEndpoint,
  ctx: ProbeContext,
  overTls: boolean,
  username: string,
  password: string,
): Promise<{ result: LoginResult; detail: string }> {
  const { session, greeting } = await openSession(ep, ctx);
  try {
    if (greeting.code !== 220) return { result: { outcome: "error", error: `greeting ${greeting.code}` }, detail: "" };
    if (overTls) {
      const auth = await session.command("AUTH", "TLS");
      if (auth.code !== 234) return { result: { outcome: "error", error: `AUTH TLS answered ${auth.code}` }, detail: "" };
      await session.startTls(ep.host);
    }
    const user = await session.command("USER", username);
    const detail = (r: { code: number; lines: string[] }) => `${r.code} ${printable(replyText(r))}`.slice(0, 200);
    if (user.code === 230) return { result: { outcome: "accepted" }, detail: `USER alone: ${detail(user)}` };
    if (user.code === 530) return { result: { outcome: "rejected" }, detail: `USER: ${detail(user)}` };
    if (user.code !== 331) return { result: { outcome: "error", error: `USER answered ${detail(user)}` }, detail: "" };
    const pass = await session.command("PASS", password, session.passWaitMs());
    if (pass.code === 230 || pass.code === 202) return { result: { outcome: "accepted" }, detail: `PASS: ${detail(pass)}` };
    if (pass.code === 530) return { result: { outcome: "rejected" }, detail: `PASS: ${detail(pass)}` };
    return { result: { outcome: "error", error: `PASS answered ${detail(pass)}` }, detail: "" };
  } finally {
    await session.quit();
  }
}

async function tryDefaults(ep: ServiceEndpoint, ctx: ProbeContext, s: FtpService): Promise<void> {
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const data = defaultCredentials();
  const pacing = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  const overTls = s.authTls?.tlsSession !== undefined;
  if (s.greeting?.code !== 220) {
    s.defaultCredentials = { ...notTriedFacts(data, pacing, "the server did not greet with 220"), overTls };
    return;
  }
  if (!overTls && s.cleartextUser?.reply?.code === 530) {
    s.defaultCredentials = { ...notTriedFacts(data, pacing, "the server refuses logins over cleartext and AUTH TLS did not complete"), overTls };
    return;
  }
  const planned = data.entries.slice(0, pacing.budget);
  ctx.log.warn(
    {
      action: CHECKS.defaultCredentials.id,
      safety: "intrusive",
      endpoint: ep.url,
      overTls,
      planned: planned.map((e) => `${e.id} (${e.username})`),
      delayMs: pacing.delayMs,
    },
    "trying factory-default FTP accounts",
  );
  const details = new Map<string, string>();
  const run = await attemptLogins(
    data.entries,
    pacing,
    async (entry) => {
      const { result, detail } = await tryOne(ep, ctx, overTls, entry.username ?? "", entry.password);
      if (detail) details.set(entry.id, detail);
      ctx.log.info(
        { action: CHECKS.defaultCredentials.id, safety: "intrusive", endpoint: ep.url, entry: entry.id, username: entry.username, outcome: result.outcome },
        "default-credential attempt",
      );
      return result;
    },
    ctx.signal,
  );
  s.defaultCredentials = { ...loginRunFacts(run, data, pacing, details), overTls };
}

async function probeService(ep: ServiceEndpoint, ctx: ProbeContext, checkpoint: (s: FtpService) => void): Promise<FtpService> {
  const s: FtpService = { port: ep.port, url: ep.url };
  await greetingFeaturesUser(ep, ctx, s); // throws ServiceFailure when not even a greeting came
  checkpoint(s);
  if (s.greeting!.code !== 220) return s; // 421 and friends: the server does not serve us now
  if (!ctx.signal.aborted) await authTls(ep, ctx, s);
  checkpoint(s);
  if (!ctx.signal.aborted) await anonymousLogin(ep, ctx, s);
  checkpoint(s);
  if (ctx.intrusive && !ctx.signal.aborted) await tryDefaults(ep, ctx, s);
  return s;
}

export async function probeFtp(ctx: ProbeContext): Promise<FtpFacts> {
  const done: FtpService[] = [];
  const services = await probeServices<FtpService>({
    ctx,
    title: "FTP",
    probe: async (ep) => {
      const s = await probeService(ep, ctx, (partial) => ctx.checkpoint({ services: [...done, partial] }));
      done.push(s);
      return s;
    },
    failed: (ep, f) => ({ port: ep.port, url: ep.url, error: { code: f.code === "absent" ? "unreachable" : f.code, message: f.message } }),
    learned: (s) => s.greeting !== undefined,
    checkpoint: (services) => ({ services }),
  });
  return { services };
}
