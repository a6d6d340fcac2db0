// http probe: network I/O only, returns HttpFacts (never verdicts). Per web service, one connection
// per request, one at a time, with a checkpoint after each phase:
//   1. landing (landing.ts): GET / and at most 3 same-host redirects;
//   2. --intrusive only (default-credentials.ts): paced default credentials against the Basic/Digest
//      challenge or the login form the landing pages showed, within one budget for the device.
// A default run sends GET requests only: no Authorization header, no form, no cookie.
import { ProbeFailure, type ProbeFailureCode } from "../../src/errors.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { Deadline } from "../../src/net/index.js";
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS, WINDOWS } from "./checks.js";
import { runDefaultCredentials } from "./default-credentials.js";
import type { DefaultCredentialFacts, HttpFacts, HttpService } from "./facts.js";
import { fetchLanding } from "./landing.js";

/** The URL of `/` with the name the operator gave (scan resolves names; URLs keep them). */
export function startUrl(ep: ServiceEndpoint): URL {
  const scheme = ep.scheme === "https" ? "https" : "http";
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^:/]*)/i.exec(ep.url);
  const host = m?.[1] || (ep.host.includes(":") ? `[${ep.host}]` : ep.host);
  return new URL(`${scheme}://${host}:${ep.port}/`);
}

type Skip = { skip: true; message: string };

export async function probeHttp(ctx: ProbeContext): Promise<HttpFacts> {
  const budget = new Deadline(ctx.timeoutMs * WINDOWS.overall, ctx.signal);
  const services: HttpService[] = [];
  const skipped: Skip[] = [];
  const logins = { left: loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS).budget, attacked: new Map<string, DefaultCredentialFacts>() };
  for (const ep of ctx.endpoints) {
    if (ctx.signal.aborted) break;
    const start = startUrl(ep);
    const svc: HttpService = {
      port: ep.port,
      url: ep.url,
      scheme: ep.scheme === "https" ? "https" : "http",
      serverName: start.hostname.replace(/^\[|\]$/g, ""),
      exchanges: [],
    };
    ctx.assertAllowed(CHECKS.landingPage);
    const env = { address: ep.host, timeoutMs: ctx.timeoutMs, signal: ctx.signal, deadline: budget.within(WINDOWS.fetch * ctx.timeoutMs), log: ctx.log };
    const pages = await fetchLanding(env, start);
    svc.exchanges = pages.map((p) => p.exchange);
    const first = svc.exchanges[0];
    if (!first) {
      if (!ctx.signal.aborted) svc.error = { code: "timeout", message: "the time budget was spent before the first request" };
      services.push(svc);
      continue;
    }
    if (first.error) {
      // nothing listening (or not HTTP at all) on a default port of a bare host is not a web service
      if (!ep.explicit && ["refused", "invalid", "tls", "closed", "reset"].includes(first.error.code)) {
        skipped.push({ skip: true, message: `${ep.url}: ${first.error.message}` });
        continue;
      }
      svc.error = first.error;
    }
    services.push(svc);
    ctx.checkpoint({ services } satisfies HttpFacts);
    if (ctx.intrusive && !first.error) {
      const ienv = { ...env, deadline: budget.within(WINDOWS.defaultCredentials * ctx.timeoutMs) };
      svc.defaultCredentials = await runDefaultCredentials(ctx, ienv, pages, logins);
      ctx.checkpoint({ services } satisfies HttpFacts);
    }
  }
  if (services.length === 0 || services.every((s) => s.error)) {
    const f = services.find((s) => s.error);
    if (!f) {
      if (!skipped.length) throw new ProbeFailure("aborted", "aborted before any web service was probed");
      throw new ProbeFailure("absent", skipped.map((s) => s.message).join("; "));
    }
    const c = f.error!.code;
    const code: ProbeFailureCode =
      c === "timeout" ? "timeout" : c === "aborted" ? "aborted" : c === "refused" || c === "unreachable" ? "unreachable" : "protocol";
    throw new ProbeFailure(code, `${f.url}: ${f.error!.message}`);
  }
  return { services };
}
