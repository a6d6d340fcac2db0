// Intrusive only (--intrusive): the shared default-credential list tried against the login the
// landing pages showed, through the one pacing loop (src/net attemptLogins, --login-budget,
// --login-delay): HTTP Basic (RFC 7617) or Digest (RFC 7616, MD5 / SHA-256 and their -sess forms,
// qop=auth, a fresh challenge per try) on the URL that answered 401, or one POST of the landing
// page's login form with its own field names and hidden values. A try counts as accepted only on
// clear evidence (a non-401 answer to Basic/Digest; for a form, a redirect away from the login
// with a session cookie, or a page without a password field with one); anything unclear is an
// error, which stops the loop (attemptLogins) and can never be read as "none accepted".
import { createHash, randomBytes } from "node:crypto";
import { attemptLogins, type LoginResult } from "../../src/net/index.js";
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import type { DefaultCredentialEntry } from "../../src/knowledge/default-credentials.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS } from "./checks.js";
import { request } from "./client.js";
import type { DefaultCredentialFacts } from "./facts.js";
import { parseChallenges, type Challenge } from "./headers.js";
import { scanPage, type PageForm } from "./html.js";
import { httpDefaultCredentials } from "./knowledge.js";
import { pageText, type FetchEnv, type Page } from "./landing.js";
import type { ParsedResponse } from "./response.js";

type AuthTarget = { kind: "basic" | "digest"; url: URL; challenge: Challenge };
type FormTarget = { kind: "form"; page: URL; action: URL; form: PageForm; user: string; pass: string };
type Target = AuthTarget | FormTarget;
type TryResult = LoginResult & { status?: number; detail?: string };

const FAILURE_WORDS = /\b(invalid|incorrect|failed|failure|wrong|denied|error|unauthori[sz]ed)\b/i;
const LOGIN_PATH = /login|logon|signin|sign-in|auth|error|fail|denied/i;

/** What to attack, from the pages the default phase fetched (same host only). */
export function loginTarget(pages: Page[]): Target | undefined {
  for (const p of pages) {
    if (p.exchange.status !== 401) continue;
    const c = p.challenges.find((x) => /^(basic|digest)$/i.test(x.scheme));
    if (c) return { kind: c.scheme.toLowerCase() === "basic" ? "basic" : "digest", url: p.url, challenge: c };
  }
  for (const p of pages) {
    for (const form of p.scan?.forms ?? []) {
      const pw = form.inputs.filter((i) => i.type === "password");
      const users = form.inputs.filter((i) => ["text", "email", ""].includes(i.type) && i.name);
      if (pw.length !== 1 || users.length !== 1 || !pw[0]!.name) continue;
      let action: URL;
      try {
        action = new URL(form.action || p.url.href, p.url);
      } catch {
        continue;
      }
      if (action.hostname.toLowerCase() !== p.url.hostname.toLowerCase()) continue; // never post credentials to another host
      return { kind: "form", page: p.url, action, form, user: users[0]!.name, pass: pw[0]!.name };
    }
  }
  return undefined;
}

const H = (alg: string, s: string) =>
  createHash(/sha-?256/i.test(alg) ? "sha256" : "md5")
    .update(s)
    .digest("hex");

/** The Digest Authorization value for one request (RFC 7616 §3.4). */
export function digestAuthorization(c: Challenge, user: string, pass: string, method: string, uri: string, cnonce = randomBytes(8).toString("hex")): string {
  const alg = c.algorithm ?? "MD5";
  const nc = "00000001";
  const qop = c.qop
    ?.split(",")
    .map((q) => q.trim())
    .includes("auth")
    ? "auth"
    : undefined;
  let ha1 = H(alg, `${user}:${c.realm ?? ""}:${pass}`);
  if (/-sess$/i.test(alg)) ha1 = H(alg, `${ha1}:${c.nonce ?? ""}:${cnonce}`);
  const ha2 = H(alg, `${method}:${uri}`);
  const response = qop ? H(alg, `${ha1}:${c.nonce ?? ""}:${nc}:${cnonce}:${qop}:${ha2}`) : H(alg, `${ha1}:${c.nonce ?? ""}:${ha2}`);
  const q = (s: string) => `"${s.replace(/["\\]/g, "\\$&")}"`;
  return `Digest username=${q(user)}, realm=${q(c.realm ?? "")}, nonce=${q(c.nonce ?? "")}, uri=${q(uri)}, algorithm=${alg}, response=${q(response)}${c.opaque !== undefined ? `, opaque=${q(c.opaque)}` : ""}${qop ? `, qop=${qop}, nc=${nc}, cnonce=${q(cnonce)}` : ""}`;
}

const baseOf = (env: FetchEnv) => ({ timeoutMs: env.timeoutMs, deadline: env.deadline.within(env.timeoutMs), signal: env.signal, address: env.address });

async function tryAuth(env: FetchEnv, t: AuthTarget, e: DefaultCredentialEntry): Promise<TryResult> {
  const user = e.username ?? "";
  const base = baseOf(env);
  let auth: string;
  if (t.kind === "basic") auth = `Basic ${Buffer.from(`${user}:${e.password}`, "utf8").toString("base64")}`;
  else {
    // a fresh challenge for every try (nonces may be single-use)
    const first = await request({ ...base, url: t.url, method: "GET" });
    const fresh =
      first.kind === "response"
        ? first.res.headers
            .filter(([k]) => k.toLowerCase() === "www-authenticate")
            .flatMap(([, v]) => parseChallenges(v))
            .find((c) => /^digest$/i.test(c.scheme))
        : undefined;
    if (!fresh) return { outcome: "error", error: "no fresh Digest challenge" };
    auth = digestAuthorization(fresh, user, e.password, "GET", `${t.url.pathname}${t.url.search}`);
  }
  const r = await request({ ...base, url: t.url, method: "GET", headers: [["Authorization", auth]] });
  if (r.kind === "error") return { outcome: "error", error: `${r.code}: ${r.message}` };
  const s = r.res.status;
  if (s === 401) return { outcome: "rejected", status: s };
  if (s >= 200 && s < 400) return { outcome: "accepted", status: s };
  return { outcome: "error", error: `status ${s} neither accepts nor rejects`, status: s };
}

async function tryForm(env: FetchEnv, t: FormTarget, e: DefaultCredentialEntry): Promise<TryResult> {
  const user = e.username ?? "";
  const base = baseOf(env);
  const fields = new URLSearchParams();
  for (const i of t.form.inputs) {
    if (i.name === t.user) fields.append(i.name, user);
    else if (i.name === t.pass) fields.append(i.name, e.password);
    else if (i.type === "hidden" && i.name) fields.append(i.name, i.value ?? "");
  }
  const method = t.form.method === "get" ? "GET" : "POST";
  const url = method === "GET" ? new URL(`${t.action.origin}${t.action.pathname}?${fields}`) : t.action;
  const r = await request({
    ...base,
    url,
    method,
    ...(method === "POST" ? { headers: [["Content-Type", "application/x-www-form-urlencoded"]], body: Buffer.from(fields.toString()) } : {}),
  });
  if (r.kind === "error") return { outcome: "error", error: `${r.code}: ${r.message}` };
  return judgeFormAnswer(r.res, url, t);
}

/**
 * What the answer to one form login shows. Rejected: 401/403, a redirect back to a login page, the
 * login form again, or failure words on a page that opened no session. Accepted: a redirect away
 * with a session cookie, or a 2xx page without a password field that sets one and reports no
 * failure. A session cookie on a page that also carries failure words (a dashboard's "Error log"
 * link, a script's console.error) is unclear, never a rejection: a rejection can end in a pass.
 */
export function judgeFormAnswer(res: ParsedResponse, url: URL, t: Pick<FormTarget, "page" | "action">): TryResult {
  const cookie = res.headers.some(([k]) => k.toLowerCase() === "set-cookie");
  const location = res.headers.find(([k]) => k.toLowerCase() === "location")?.[1];
  if (res.status === 401 || res.status === 403) return { outcome: "rejected", status: res.status };
  if (res.status >= 300 && res.status < 400 && location !== undefined) {
    let to: URL | undefined;
    try {
      to = new URL(location, url);
    } catch {
      to = undefined;
    }
    if (to && (to.pathname === t.page.pathname || to.pathname === t.action.pathname || LOGIN_PATH.test(to.pathname + to.search)))
      return { outcome: "rejected", status: res.status, detail: `redirected back to ${to.pathname}` };
    if (to && cookie) return { outcome: "accepted", status: res.status, detail: `redirected to ${to.pathname} with a session cookie` };
    return { outcome: "error", error: `redirect to ${location.slice(0, 80)} without a session cookie: unclear`, status: res.status };
  }
  const text = pageText(res.body);
  const again = scanPage(text);
  if (again.loosePasswordInputs > 0 || again.forms.some((f) => f.inputs.some((i) => i.type === "password")))
    return { outcome: "rejected", status: res.status, detail: "the login form came back" };
  const failureWords = FAILURE_WORDS.test(text.slice(0, 64 * 1024));
  const session = res.status >= 200 && res.status < 300 && cookie;
  if (session && failureWords)
    return {
      outcome: "error",
      error: `status ${res.status}: a session cookie and no password field, but failure words on the page: unclear`,
      status: res.status,
    };
  if (failureWords) return { outcome: "rejected", status: res.status, detail: "the page reports a failure" };
  if (session) return { outcome: "accepted", status: res.status, detail: "a page without a password field, with a session cookie" };
  return { outcome: "error", error: `status ${res.status}: neither a rejection nor a session`, status: res.status };
}

export async function runDefaultCredentials(
  ctx: ProbeContext,
  env: FetchEnv,
  pages: Page[],
  shared: { left: number; attacked: Map<string, DefaultCredentialFacts> },
): Promise<DefaultCredentialFacts> {
  const target = loginTarget(pages);
  if (!target)
    return {
      mechanism: "none",
      attempts: [],
      complete: false,
      notTried: "no Basic/Digest challenge and no login form (one password field, one user field) on the pages fetched",
    };
  const key = target.kind === "form" ? `form ${target.action.href}` : `${target.kind} ${target.url.href}`;
  const url = target.kind === "form" ? target.action.href : target.url.href;
  const earlier = shared.attacked.get(key);
  // the same login reached from another port (e.g. a redirect from 80 to 443) is tried once per device
  if (earlier)
    return {
      ...earlier,
      attempts: earlier.attempts.map((a) => ({ ...a })),
      notTried: `the same login as reached from another port of this device: tried once${earlier.notTried ? `; ${earlier.notTried}` : ""}`,
    };
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const pacing = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  const budget = Math.min(pacing.budget, shared.left);
  if (budget <= 0) return { mechanism: target.kind, url, attempts: [], complete: false, notTried: "the device's login budget is spent" };
  const entries = httpDefaultCredentials().entries;
  const details = new Map<string, { status?: number; detail?: string }>();
  const run = await attemptLogins(
    entries,
    { budget, delayMs: pacing.delayMs },
    async (e) => {
      ctx.log.info(
        { action: "http-default-credential", safety: "intrusive", endpoint: url, mechanism: target.kind, entry: e.id, username: e.username },
        "default credential attempt",
      );
      shared.left--;
      const r = target.kind === "form" ? await tryForm(env, target, e) : await tryAuth(env, target, e);
      details.set(e.id, {
        ...(r.status !== undefined ? { status: r.status } : {}),
        ...(r.detail ? { detail: r.detail } : r.outcome === "error" ? { detail: r.error } : {}),
      });
      return r.outcome === "error" ? { outcome: "error", error: r.error } : { outcome: r.outcome };
    },
    ctx.signal,
  );
  // a budget shared with another port of the device left fewer tries here: not the whole check
  const cut = budget < pacing.budget && !run.accepted;
  const facts: DefaultCredentialFacts = {
    mechanism: target.kind,
    url,
    attempts: run.attempts.map((a) => ({ id: a.entry.id, username: a.entry.username ?? "", result: a.result.outcome, ...details.get(a.entry.id) })),
    complete: run.complete && !cut,
  };
  if (run.accepted)
    facts.accepted = {
      id: run.accepted.id,
      username: run.accepted.username ?? "",
      ...(run.accepted.vendor ? { vendor: run.accepted.vendor } : {}),
      source: run.accepted.source,
    };
  if (run.notTried.length) facts.notTried = `${run.notTried.length} planned entries not tried (${[...new Set(run.notTried.map((n) => n.why))].join(", ")})`;
  if (cut)
    facts.notTried = `only ${budget} of ${pacing.budget} tries left in the device's login budget (another port used the rest)${facts.notTried ? `; ${facts.notTried}` : ""}`;
  shared.attacked.set(key, facts);
  return facts;
}
