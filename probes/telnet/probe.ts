// Telnet probe: network I/O only, returns TelnetFacts. Per service, one connection at a time, each
// closed with FIN:
//   1. connect, refuse every option (RFC 854/1143), read until the server is quiet after its prompt
//      (deadline ctx.timeoutMs, once more when only negotiation came); if nothing at all came by half
//      of it, one CR LF; never a user name;
//   2. --intrusive only, and only at a login or password prompt: default accounts through the shared
//      pacing loop; the answer is read from the server's own words (failure text or a new login
//      prompt = rejected; a command prompt or a last-login line = accepted; anything else stops the
//      run as unclear). A session that opens is closed at once: no command is ever typed.
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { attemptLogins, type LoginResult } from "../../src/net/index.js";
import { failureOf, probeServices, ServiceFailure } from "../../src/net/services.js";
import { loginRunFacts, notTriedFacts } from "../../src/knowledge/login-run.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS, LOGIN_FAIL_DELAY_MS } from "./checks.js";
import type { TelnetFacts, TelnetService } from "./facts.js";
import { classifyPrompt, defaultCredentials, lastLine, matchesKind } from "./knowledge.js";
import { OPTION_NAMES } from "./nvt.js";
import { TelnetSession } from "./session.js";

/** Step 1 on an open session: banner and prompt, the nudge when the server says nothing. */
async function readBanner(session: TelnetSession, ctx: ProbeContext): Promise<{ end: string; nudged: boolean }> {
  const half = Math.floor(ctx.timeoutMs / 2);
  let end = await session.collect(half);
  let nudged = false;
  if (end === "deadline") {
    // still talking (or negotiating) at half time: keep reading to the full deadline; a server that
    // has said nothing at all may be waiting for the client to speak first: one empty line
    if (session.received === 0) {
      session.nudge();
      nudged = true;
    }
    end = await session.collect(ctx.timeoutMs - half);
  }
  // options negotiated but no text yet: the server answers our refusals in its own time (inetutils
  // telnetd starts login(1) only then); one more window, so at most twice ctx.timeoutMs in all
  if (end === "deadline" && session.received > 0 && session.text === "") end = await session.collect(ctx.timeoutMs);
  return { end, nudged };
}

async function probeService(ep: ServiceEndpoint, ctx: ProbeContext): Promise<TelnetService> {
  ctx.assertAllowed(CHECKS.banner);
  ctx.log.info({ action: CHECKS.banner.id, safety: CHECKS.banner.safety, endpoint: ep.url }, "telnet negotiation, banner and prompt");
  const session = await TelnetSession.open(ep, ctx.timeoutMs, ctx.signal);
  const s: TelnetService = { port: ep.port, url: ep.url };
  try {
    const { end, nudged } = await readBanner(session, ctx);
    const st = session.reader.state;
    if (session.received === 0)
      throw new ServiceFailure(
        end === "closed" ? "protocol" : "timeout",
        end === "closed"
          ? "the server closed the connection without sending anything"
          : `nothing received within ${ctx.timeoutMs} ms, not even after an empty line`,
      );
    s.negotiation = {
      iac: st.iac,
      proposals: st.events.map((e) => ({ ...e, ...(OPTION_NAMES[e.option] ? { name: OPTION_NAMES[e.option] } : {}) })),
      proposalsDropped: st.eventsDropped,
      subnegotiations: st.subnegotiations,
      refusals: st.refusals,
    };
    const text = session.reader.text;
    s.banner = { text, bytes: st.dataBytes, truncated: session.reader.dataTruncated, lastLine: lastLine(text) };
    s.prompt = classifyPrompt(text);
    if (nudged) s.nudged = true;
    if (end === "closed") s.closedByServer = true;
  } catch (e) {
    throw e instanceof ServiceFailure ? e : failureOf(e, "exchange", ep.explicit);
  } finally {
    await session.close();
  }
  return s;
}

// --- default credentials (intrusive) ------------------------------------------------------------

const detailOf = (text: string) => JSON.stringify(lastLine(text).slice(0, 80));

/** One login on a fresh connection, judged from the server's own words. */
export async function tryLogin(ep: ServiceEndpoint, ctx: ProbeContext, username: string, password: string): Promise<{ result: LoginResult; detail: string }> {
  const session = await TelnetSession.open(ep, ctx.timeoutMs, ctx.signal);
  const unclear = (why: string) => ({ result: { outcome: "error" as const, error: why }, detail: why });
  try {
    await readBanner(session, ctx);
    let kind = classifyPrompt(session.text);
    if (kind === "login") {
      session.type(username);
      await session.collect(ctx.timeoutMs + LOGIN_FAIL_DELAY_MS, true);
      kind = classifyPrompt(session.text);
      if (kind === "command") return { result: { outcome: "accepted" }, detail: `user name alone opened a session (${detailOf(session.text)})` };
      if (kind === "login" || matchesKind("failure", session.text))
        return { result: { outcome: "rejected" }, detail: `refused at the user name (${detailOf(session.text)})` };
      if (kind !== "password") return unclear(`no password prompt after the user name (${detailOf(session.text)})`);
    } else if (kind !== "password") {
      return unclear(`no login or password prompt (${detailOf(session.text)})`);
    }
    session.type(password);
    const end = await session.collect(ctx.timeoutMs + LOGIN_FAIL_DELAY_MS, true);
    const after = session.text;
    const next = classifyPrompt(after);
    if (matchesKind("failure", after) || next === "login") return { result: { outcome: "rejected" }, detail: `refused (${detailOf(after)})` };
    if (next === "command" || matchesKind("success", after)) return { result: { outcome: "accepted" }, detail: `a session opened (${detailOf(after)})` };
    if (next === "password") return unclear(`asked for another password or code (${detailOf(after)})`);
    return unclear(end === "closed" ? "the server closed the connection without a verdict" : `no recognisable answer (${detailOf(after)})`);
  } finally {
    await session.close();
  }
}

async function tryDefaults(ep: ServiceEndpoint, ctx: ProbeContext, s: TelnetService): Promise<void> {
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const data = defaultCredentials();
  const pacing = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  if (s.prompt !== "login" && s.prompt !== "password") {
    s.defaultCredentials = notTriedFacts(
      data,
      pacing,
      s.prompt === "command" ? "the server offers a command prompt without any login" : "no login or password prompt was recognised",
    );
    return;
  }
  const planned = data.entries.slice(0, pacing.budget);
  ctx.log.warn(
    {
      action: CHECKS.defaultCredentials.id,
      safety: "intrusive",
      endpoint: ep.url,
      planned: planned.map((e) => `${e.id} (${e.username})`),
      delayMs: pacing.delayMs,
    },
    "trying factory-default Telnet accounts (in clear: Telnet has no encryption)",
  );
  const details = new Map<string, string>();
  const run = await attemptLogins(
    data.entries,
    pacing,
    async (entry) => {
      const { result, detail } = await tryLogin(ep, ctx, entry.username ?? "", entry.password);
      details.set(entry.id, detail);
      ctx.log.info(
        { action: CHECKS.defaultCredentials.id, safety: "intrusive", endpoint: ep.url, entry: entry.id, username: entry.username, outcome: result.outcome },
        "default-credential attempt",
      );
      return result;
    },
    ctx.signal,
  );
  s.defaultCredentials = loginRunFacts(run, data, pacing, details);
}

export async function probeTelnet(ctx: ProbeContext): Promise<TelnetFacts> {
  const done: TelnetService[] = [];
  const services = await probeServices<TelnetService>({
    ctx,
    title: "Telnet",
    probe: async (ep) => {
      const s = await probeService(ep, ctx);
      if (ctx.intrusive && !ctx.signal.aborted) {
        ctx.checkpoint({ services: [...done, s] });
        await tryDefaults(ep, ctx, s);
      }
      done.push(s);
      return s;
    },
    failed: (ep, f) => ({ port: ep.port, url: ep.url, error: { code: f.code === "absent" ? "unreachable" : f.code, message: f.message } }),
    learned: (s) => s.negotiation !== undefined,
    checkpoint: (services) => ({ services }),
  });
  return { services };
}
