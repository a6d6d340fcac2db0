// The http probe's default phase: GET / and at most MAX_REDIRECTS same-host redirects (a 3xx
// Location, RFC 9110 §15.4, or a meta refresh), never to another host and never twice to the same
// URL (loops end), each on its own connection. Each response becomes an Exchange fact: status,
// header fields as received, body size, page title, forms (names and types), challenges, HSTS and
// hints. What the intrusive phase needs beyond facts (hidden input values, Digest nonces) stays in
// memory in `pages`.
import type { Deadline } from "../../src/net/index.js";
import { MAX_HEADERS, MAX_REDIRECTS } from "./checks.js";
import { request, type RequestResult } from "./client.js";
import type { Exchange } from "./facts.js";
import { parseChallenges, parseHsts, type Challenge } from "./headers.js";
import { findHints, scanPage, type PageScan } from "./html.js";
import { hintPatterns } from "./knowledge.js";
import type { ParsedResponse } from "./response.js";

export interface FetchEnv {
  /** address to connect to */
  address: string;
  timeoutMs: number;
  signal: AbortSignal;
  deadline: Deadline;
  log: { info(o: object, msg: string): void };
}

export interface Page {
  url: URL;
  exchange: Exchange;
  scan?: PageScan;
  challenges: Challenge[];
}

const header = (res: ParsedResponse, name: string) => res.headers.find(([k]) => k.toLowerCase() === name)?.[1];

/** Page text for scanning: UTF-8 when the bytes are valid UTF-8, else Latin-1 (byte for byte). */
export function pageText(body: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    return body.toString("latin1");
  }
}

/** Response -> Exchange facts (and the in-memory page scan). */
export function exchangeOf(url: URL, method: Exchange["method"], r: RequestResult): Page {
  const ex: Exchange = { url: url.href, method, tls: url.protocol === "https:", headers: [], forms: [], challenges: [], hints: [] };
  if (r.kind === "error") {
    ex.error = { code: r.code, message: r.message };
    return { url, exchange: ex, challenges: [] };
  }
  const res = r.res;
  Object.assign(ex, { status: res.status, reason: res.reason, httpVersion: res.version, headerCount: res.headerCount });
  ex.headers = res.headers.slice(0, MAX_HEADERS).map(([name, value]) => ({ name, value }));
  ex.body = { bytes: res.bodyBytes, truncated: res.truncated, framing: res.framing };
  const ct = header(res, "content-type");
  if (ct !== undefined) ex.contentType = ct;
  const challenges = res.headers
    .filter(([k]) => k.toLowerCase() === "www-authenticate")
    .flatMap(([, v]) => parseChallenges(v))
    .slice(0, 8);
  ex.challenges = challenges.map((c) => ({
    scheme: c.scheme,
    ...(c.realm !== undefined ? { realm: c.realm } : {}),
    ...(c.algorithm !== undefined ? { algorithm: c.algorithm } : {}),
    ...(c.qop !== undefined ? { qop: c.qop } : {}),
  }));
  if (ex.tls) {
    const sts = header(res, "strict-transport-security"); // the first one counts (RFC 6797 §8.1)
    if (sts === undefined) ex.hsts = { present: false, includeSubDomains: false, preload: false, problems: [] };
    else {
      const h = parseHsts(sts);
      ex.hsts = {
        present: true,
        ...(h.maxAge !== undefined ? { maxAge: h.maxAge } : {}),
        includeSubDomains: h.includeSubDomains,
        preload: h.preload,
        problems: h.problems,
      };
    }
  }
  let scan: PageScan | undefined;
  const looksHtml = /html|xml/i.test(ct ?? "") || /^\s*</.test(res.body.subarray(0, 64).toString("latin1"));
  if (res.body.length && looksHtml) {
    const text = pageText(res.body);
    scan = scanPage(text);
    if (scan.title !== undefined) ex.title = scan.title;
    ex.forms = scan.forms.map((f) => ({
      action: f.action,
      method: f.method,
      passwordFields: f.inputs.filter((i) => i.type === "password").length,
      fields: f.inputs.map((i) => ({ name: i.name, type: i.type })),
    }));
    if (scan.loosePasswordInputs) ex.loosePasswordInputs = scan.loosePasswordInputs;
    ex.hints = findHints(text, hintPatterns());
  }
  return { url, exchange: ex, ...(scan ? { scan } : {}), challenges };
}

const sameHost = (a: URL, b: URL) => a.hostname.toLowerCase() === b.hostname.toLowerCase() && (b.protocol === "http:" || b.protocol === "https:");

export async function fetchLanding(env: FetchEnv, start: URL, url0 = start): Promise<Page[]> {
  const pages: Page[] = [];
  const visited = new Set<string>();
  let url = url0;
  for (let i = 0; i <= MAX_REDIRECTS; i++) {
    if (env.signal.aborted || env.deadline.expired) break;
    visited.add(url.href);
    env.log.info({ action: "http-get", safety: "read", endpoint: url.href }, "GET");
    const page = exchangeOf(
      url,
      "GET",
      await request({ url, method: "GET", address: env.address, timeoutMs: env.timeoutMs, deadline: env.deadline.within(env.timeoutMs), signal: env.signal }),
    );
    pages.push(page);
    const ex = page.exchange;
    const location =
      ex.status !== undefined && ex.status >= 300 && ex.status < 400 ? ex.headers.find((h) => h.name.toLowerCase() === "location")?.value : undefined;
    const refresh = location === undefined && ex.status !== undefined && ex.status < 300 ? page.scan?.metaRefresh : undefined;
    const next = location ?? refresh;
    if (next === undefined) break;
    const redirect: NonNullable<Exchange["redirect"]> = {
      via: location !== undefined ? "location" : "meta-refresh",
      location: next.slice(0, 2048),
      sameHost: false,
      followed: false,
    };
    ex.redirect = redirect;
    let target: URL;
    try {
      target = new URL(next.slice(0, 2048), url);
    } catch {
      redirect.why = "not a URL";
      break;
    }
    redirect.target = target.href;
    redirect.sameHost = sameHost(start, target);
    if (!redirect.sameHost) redirect.why = "another host or scheme: never followed";
    else if (visited.has(target.href)) redirect.why = "a redirect loop: already requested";
    else if (i === MAX_REDIRECTS) redirect.why = `the limit of ${MAX_REDIRECTS} redirects is reached`;
    else {
      redirect.followed = true;
      url = target;
      continue;
    }
    break;
  }
  return pages;
}
