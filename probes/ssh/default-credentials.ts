// Phase 5, default credentials (intrusive, --intrusive only): entries of the one default-credential
// data file (empty passwords for well-known accounts first, then factory defaults), paced by the
// shared login loop (src/net attemptLogins: budget, delay, stop at the first success or error).
// Each try is one connection for one account: first `none` (RFC 4252 §5.2; it logs in accounts
// that need nothing, e.g. OpenSSH PermitEmptyPasswords with an empty password), then the entry's
// password with `password`, else `keyboard-interactive` when only that is listed. When the server
// lists neither, the password is still sent with `password`: servers exist that list only
// publickey and accept any password, and a refusal is a definite answer that costs one attempt of
// the same budget. What was tried, and why anything planned was not, is always recorded.
import { loginPacing } from "../../src/plugin.js";
import { attemptLogins, type LoginResult } from "../../src/net/index.js";
import type { DefaultCredentialEntry } from "../../src/knowledge/default-credentials.js";
import type { SshDefaultCredentials } from "./facts.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS } from "./checks.js";
import { defaultCredentials } from "./knowledge.js";
import { clientAlgorithms, runClient, wasRejected } from "./ssh2-client.js";
import type { PhaseEnv } from "./phase.js";

type Attempt = SshDefaultCredentials["attempts"][number];
type SshEntry = DefaultCredentialEntry & { username: string };

/** One try: `none` for the account, then its password (see the header for the method choice). */
async function tryEntry(env: PhaseEnv, entry: SshEntry, offeredHostKeys: readonly string[], record: (a: Attempt) => void): Promise<LoginResult> {
  const { ctx, ep } = env;
  const attempt: Attempt = { id: entry.id, username: entry.username, result: "error" };
  if (entry.password === "") attempt.emptyPassword = true;
  let phase: "none" | "password" | "done" = "none";
  const password = entry.password;
  const run = await runClient(
    {
      host: ep.host,
      port: ep.port,
      username: entry.username,
      algorithms: clientAlgorithms(offeredHostKeys),
      authHandler: ((methodsLeft: string[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
        if (methodsLeft === null) return next({ type: "none", username: entry.username });
        if (phase !== "none") {
          phase = "done";
          return next(false); // one password per try, whatever the server says next
        }
        phase = "password";
        attempt.methodsOffered = methodsLeft.slice(0, 32).map((m) => String(m).slice(0, 64));
        if (!methodsLeft.includes("password") && methodsLeft.includes("keyboard-interactive")) {
          attempt.method = "keyboard-interactive";
          return next({
            type: "keyboard-interactive",
            username: entry.username,
            prompt: (_n: string, _i: string, _l: string, prompts: unknown[], finish: (a: string[]) => void) => finish(prompts.map(() => password)),
          });
        }
        attempt.method = "password";
        if (!methodsLeft.includes("password")) attempt.unadvertised = true;
        return next({ type: "password", username: entry.username, password });
      }) as never,
    },
    Math.min(ctx.timeoutMs, env.budget.remaining()),
    ctx.signal,
  );
  let result: LoginResult;
  if (run.ready) {
    attempt.result = "accepted";
    attempt.acceptedBy = phase === "none" ? "none" : attempt.method!;
    result = { outcome: "accepted" };
  } else if (phase !== "none" && wasRejected(run)) {
    attempt.result = "rejected";
    result = { outcome: "rejected" };
  } else {
    attempt.error = (run.error?.message ?? "no answer").slice(0, 200);
    result = { outcome: "error", error: attempt.error };
  }
  record(attempt);
  ctx.log.info(
    {
      action: CHECKS.defaultCredentials.id,
      safety: "intrusive",
      endpoint: ep.url,
      entry: entry.id,
      username: entry.username,
      result: attempt.result,
      acceptedBy: attempt.acceptedBy,
    },
    "default-credential attempt",
  );
  return result;
}

export async function runDefaultCredentials(env: PhaseEnv, offeredHostKeys: readonly string[]): Promise<SshDefaultCredentials> {
  const { ctx, ep } = env;
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const data = defaultCredentials();
  const entries = data.entries.filter((e): e is SshEntry => typeof e.username === "string" && e.username.length > 0);
  // --login-budget / --login-delay, shared by the protocols (src/plugin.ts loginPacing)
  const { budget, delayMs } = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  const planned = entries.slice(0, budget);
  const facts: SshDefaultCredentials = { planned: planned.map((e) => e.id), budget, delayMs, knownEntries: entries.length, attempts: [] };
  if (planned.length === 0) {
    facts.notTried = budget === 0 ? "login budget is 0 (--login-budget)" : "no SSH entries in the default-credential data";
    facts.complete = false;
    return facts;
  }
  // say up front what will be tried (accounts and sources, never the passwords)
  ctx.log.warn(
    {
      action: CHECKS.defaultCredentials.id,
      safety: "intrusive",
      endpoint: ep.url,
      planned: planned.map((e) => `${e.id} (${e.username}${e.password === "" ? ", empty password" : ""})`),
      delayMs,
    },
    "trying factory-default credentials",
  );
  // the overall budget bounds the loop too: an attempt that cannot finish in time is not started
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(Math.max(1, env.budget.remaining()))]);
  const run = await attemptLogins(planned, { budget, delayMs }, (entry) => tryEntry(env, entry, offeredHostKeys, (a) => facts.attempts.push(a)), signal);
  facts.complete = run.complete;
  if (run.accepted) {
    const e = run.accepted;
    const a = facts.attempts.find((x) => x.id === e.id)!;
    facts.accepted = {
      id: e.id,
      username: e.username,
      source: data.sources[e.source]?.url ?? e.source,
      method: a.acceptedBy ?? "password",
      emptyPassword: e.password === "",
    };
    if (e.vendor) facts.accepted.vendor = e.vendor;
  }
  if (run.notTried.length)
    facts.notAttempted = run.notTried
      .filter((n) => n.why !== "accepted-earlier")
      .map((n) => ({ id: n.entry.id, why: ctx.signal.aborted || n.why !== "aborted" ? n.why : "time budget" }));
  if (facts.notAttempted?.length === 0) delete facts.notAttempted;
  const err = run.attempts.find((a) => a.result.outcome === "error");
  if (err && err.result.outcome === "error") facts.error = { code: "attempt", message: err.result.error };
  return facts;
}
