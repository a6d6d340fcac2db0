// http rules: pure functions over HttpFacts (no I/O). Evidence names the URLs requested, statuses,
// redirect targets and header values as received. A pass needs positive evidence: a same-host
// redirect to https before any content, an HSTS header with its max-age, a framing header on the
// UI page, every default credential rejected. Only `/` and its redirects are fetched, so "no login
// over cleartext" on a page that shows none is undetermined (other pages were not visited).
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { Exchange, HttpFacts, HttpService } from "./facts.js";
import { webKnowledge } from "./knowledge.js";

const RFC6797 = "https://www.rfc-editor.org/rfc/rfc6797";

/** Judge each service that was audited; a service whose first request failed is an `error`. */
function perService(facts: HttpFacts, judge: (s: HttpService) => RuleOutcome | null, scheme?: "http" | "https"): RuleOutcome[] | null {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (scheme && s.scheme !== scheme) continue;
    const first = s.exchanges[0];
    if (s.error || first?.error) {
      const e = s.error ?? first!.error!;
      out.push(error(`${s.url}: not audited: ${e.message}`, { endpoint: s.url, error: e }, { port: s.port }));
      continue;
    }
    const o = judge(s);
    if (o) out.push({ ...o, port: s.port });
  }
  return out.length ? out : null;
}

/** The redirect of `ex` points to https on the service's own host: the Location as received, resolved against the request URL. */
const sameHttpsTarget = (s: HttpService, ex: Exchange): boolean => {
  const r = ex.redirect;
  if (!r) return false;
  try {
    const u = new URL(r.location, ex.url);
    return u.href === r.target && u.protocol === "https:" && u.hostname.replace(/^\[|\]$/g, "").toLowerCase() === s.serverName.toLowerCase();
  } catch {
    return false;
  }
};

/**
 * How a cleartext service answered before any HTTPS: `redirected` when every cleartext answer was a
 * redirect (Location or meta refresh) and the chain reached https on the same host; else the first
 * cleartext answer that served content.
 */
export function cleartextPath(
  s: HttpService,
): { redirected: true; via: Exchange[] } | { redirected: false; served?: Exchange; offHost?: Exchange; via: Exchange[] } {
  const via: Exchange[] = [];
  for (const ex of s.exchanges) {
    if (ex.tls) return { redirected: true, via };
    via.push(ex);
    if (ex.status === undefined) return { redirected: false, via };
    const r = ex.redirect;
    if (!r) return { redirected: false, served: ex, via };
    if (sameHttpsTarget(s, ex)) return { redirected: true, via };
    if (!r.sameHost) return { redirected: false, offHost: ex, via };
    if (!r.followed) return { redirected: false, served: ex, via };
    // a followed redirect counts only when the Location, resolved, is the next URL requested
    const next = s.exchanges[s.exchanges.indexOf(ex) + 1];
    let resolved: string | undefined;
    try {
      resolved = new URL(r.location, ex.url).href;
    } catch {
      resolved = undefined;
    }
    if (!next || resolved !== r.target || next.url !== resolved) return { redirected: false, via };
  }
  return { redirected: false, via };
}

const hop = (ex: Exchange) => ({ url: ex.url, status: ex.status, ...(ex.redirect ? { location: ex.redirect.location } : {}) });

export const cleartextNoRedirect = defineRule<HttpFacts>({
  meta: {
    id: "http.cleartext.no-redirect",
    title: "Web UI served over cleartext HTTP without a redirect to HTTPS",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "read",
    remediation: "Serve the web UI over HTTPS only: answer plain HTTP with a redirect to https:// on the same host (or close port 80), and send HSTS on HTTPS.",
    docs: "https://www.rfc-editor.org/rfc/rfc9110#section-4.2.2",
  },
  check: ({ facts }) =>
    perService(
      facts,
      (s) => {
        const p = cleartextPath(s);
        const evidence = { endpoint: s.url, requests: s.exchanges.map(hop) };
        if (p.redirected)
          return pass(`${s.url} redirects to HTTPS on the same host before serving anything (${p.via.map((e) => e.status).join(" -> ")} -> https)`, evidence);
        if (p.served)
          return fail(
            `${s.url} serves ${p.served.url} over cleartext HTTP (status ${p.served.status}${p.served.title ? `, "${p.served.title}"` : ""}) without a redirect to HTTPS`,
            evidence,
          );
        if (p.offHost)
          return undetermined(
            "unobservable",
            `${s.url} redirects to another host (${p.offHost.redirect?.location ?? "?"}); what that host serves was not fetched`,
            evidence,
          );
        return undetermined(
          "incomplete",
          `${s.url}: the redirect chain ended without an answer (${p.via[p.via.length - 1]?.error?.message ?? "no response"})`,
          evidence,
        );
      },
      "http",
    ),
});

export const authCleartext = defineRule<HttpFacts>({
  meta: {
    id: "http.auth.cleartext",
    title: "Login (password form, Basic or Digest) over cleartext HTTP",
    elements: [7, 9],
    iec62443: ["CR 1.5", "CR 4.1"],
    severity: "high",
    safety: "read",
    remediation: "Serve every login over HTTPS only; never accept HTTP Basic or a login form on plain HTTP (the password crosses the network in clear).",
    docs: "https://www.rfc-editor.org/rfc/rfc7617#section-4",
  },
  check: ({ facts }) =>
    perService(
      facts,
      (s) => {
        const clear = s.exchanges.filter((e) => !e.tls && e.status !== undefined);
        const schemes = (name: string) => clear.filter((e) => e.status === 401 && e.challenges.some((c) => c.scheme.toLowerCase() === name));
        const forms = clear.filter((e) => e.forms.some((f) => f.passwordFields > 0) || (e.loosePasswordInputs ?? 0) > 0);
        const evidence = {
          endpoint: s.url,
          requests: clear.map((e) => ({
            ...hop(e),
            challenges: e.challenges.map((c) => c.scheme),
            passwordForms: e.forms.filter((f) => f.passwordFields > 0).map((f) => f.action),
          })),
        };
        const basic = schemes("basic");
        if (basic.length)
          return fail(
            `${basic[0]!.url} asks for HTTP Basic credentials over cleartext HTTP (realm ${JSON.stringify(basic[0]!.challenges.find((c) => c.scheme.toLowerCase() === "basic")?.realm ?? "")}): the password crosses the network base64-encoded`,
            evidence,
            { severity: "critical" },
          );
        if (forms.length)
          return fail(
            `${forms[0]!.url} serves a password form over cleartext HTTP${forms[0]!.title ? ` ("${forms[0]!.title}")` : ""}: the password (and the page that asks for it) cross the network unprotected`,
            evidence,
          );
        const digest = schemes("digest");
        if (digest.length)
          return fail(
            `${digest[0]!.url} asks for HTTP Digest credentials over cleartext HTTP: no password in clear, but a captured exchange allows offline guessing and the session is unprotected`,
            evidence,
            { severity: "medium" },
          );
        const other = clear.filter((e) => e.status === 401 && e.challenges.length);
        if (other.length)
          return fail(`${other[0]!.url} asks for ${other[0]!.challenges.map((c) => c.scheme).join("/")} authentication over cleartext HTTP`, evidence, {
            severity: "medium",
          });
        if (cleartextPath(s).redirected)
          return pass(`${s.url} asks for no credential over cleartext HTTP: it redirects to HTTPS before serving anything`, evidence);
        return undetermined(
          "unobservable",
          `${s.url}: no login form or authentication challenge on ${clear.map((e) => e.url).join(", ") || "/"}; other pages were not visited`,
          evidence,
        );
      },
      "http",
    ),
});

export const hstsMissing = defineRule<HttpFacts>({
  meta: {
    id: "http.hsts.missing",
    title: "HTTPS without Strict-Transport-Security (HSTS)",
    elements: [7],
    iec62443: ["CR 3.1"],
    severity: "medium",
    safety: "read",
    remediation:
      "Send Strict-Transport-Security: max-age=31536000 (at least six months) on every HTTPS response; add includeSubDomains where the device's name has subdomains.",
    docs: RFC6797,
  },
  check: ({ facts }) =>
    perService(
      facts,
      (s) => {
        const k = webKnowledge().hsts;
        const ex = s.exchanges.find((e) => e.tls && e.status !== undefined && e.hsts);
        if (!ex?.hsts) return undetermined("no-answer", `${s.url}: no HTTPS response was read`, { endpoint: s.url });
        const h = ex.hsts;
        const evidence = {
          endpoint: s.url,
          url: ex.url,
          status: ex.status,
          header: ex.headers.find((x) => x.name.toLowerCase() === "strict-transport-security")?.value ?? "absent",
        };
        // the parsed policy counts only beside the header it was parsed from (RFC 6797 §6.1)
        if (h.present && h.maxAge !== undefined && h.maxAge >= k.minMaxAge && evidence.header === "absent")
          return undetermined("no-evidence", `${ex.url}: an HSTS policy is recorded without the Strict-Transport-Security header it came from`, evidence);
        if (h.present && h.maxAge !== undefined && h.maxAge >= k.minMaxAge)
          return pass(
            `${ex.url} sends Strict-Transport-Security max-age=${h.maxAge}${h.includeSubDomains ? "; includeSubDomains" : " (without includeSubDomains)"}${h.preload ? "; preload" : ""}`,
            { ...evidence, maxAge: h.maxAge, includeSubDomains: h.includeSubDomains },
          );
        // browsers ignore HSTS for IP-literal hosts (RFC 6797 §8.1): lower severity when reached by address
        const ip = /^[\d.]+$|:/.test(s.serverName);
        const note = ip ? " (browsers ignore HSTS for IP-literal hosts, RFC 6797 §8.1: it protects operators who use the device's name)" : "";
        const sev = ip ? ({ severity: "low" } as const) : {};
        if (!h.present) return fail(`${ex.url} sends no Strict-Transport-Security header${note}`, evidence, sev);
        if (h.maxAge === undefined)
          return fail(
            `${ex.url}: the Strict-Transport-Security header has no valid max-age (${h.problems.join("; ") || "missing"}), so browsers ignore it (RFC 6797 §6.1.1)${note}`,
            evidence,
            sev,
          );
        if (h.maxAge === 0) return fail(`${ex.url}: Strict-Transport-Security max-age=0 tells browsers to forget HSTS${note}`, evidence, sev);
        return fail(`${ex.url}: Strict-Transport-Security max-age=${h.maxAge} is below ${k.minMaxAge} s (${k.reason})`, evidence, { severity: "low" });
      },
      "https",
    ),
});

/** X-Frame-Options DENY/SAMEORIGIN (RFC 7034 §2.1) or a CSP frame-ancestors directive (CSP2 §7.7). */
export function framingProtection(ex: Exchange): string | undefined {
  const xfo = ex.headers.find((h) => h.name.toLowerCase() === "x-frame-options")?.value.trim();
  if (xfo && /^(deny|sameorigin)$/i.test(xfo)) return `X-Frame-Options: ${xfo}`;
  const csp = ex.headers.filter((h) => h.name.toLowerCase() === "content-security-policy").map((h) => h.value);
  const fa = csp
    .flatMap((v) => v.split(";"))
    .map((d) => d.trim())
    .find((d) => /^frame-ancestors\s/i.test(d));
  return fa ? `Content-Security-Policy: ${fa}` : undefined;
}

export const framingAllowed = defineRule<HttpFacts>({
  meta: {
    id: "http.ui.framing-allowed",
    title: "Web UI can be framed by other sites (clickjacking)",
    elements: [8],
    iec62443: ["CR 2.1"],
    severity: "low",
    safety: "read",
    remediation: "Send X-Frame-Options: DENY (or SAMEORIGIN) or Content-Security-Policy: frame-ancestors 'none' on the UI's pages.",
    docs: "https://cheatsheetseries.owasp.org/cheatsheets/Clickjacking_Defense_Cheat_Sheet.html",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      // the service's own pages (an http service redirecting to https leaves the UI to the https service)
      const own = s.exchanges.filter((e) => e.tls === (s.scheme === "https"));
      const page = [...own].reverse().find((e) => e.status !== undefined && e.status >= 200 && e.status < 300 && /html/i.test(e.contentType ?? ""));
      if (!page) return notApplicable(`${s.url}: no HTML page of its own was served to look at`, { endpoint: s.url });
      const by = framingProtection(page);
      const evidence = { endpoint: s.url, url: page.url, headers: page.headers.filter((h) => /^(x-frame-options|content-security-policy)$/i.test(h.name)) };
      if (by) return pass(`${page.url} forbids framing by other sites (${by})`, { ...evidence, protection: by });
      return fail(`${page.url} sends neither X-Frame-Options nor a CSP frame-ancestors directive (${webKnowledge().framing.reason})`, evidence);
    }),
});

export const defaultCredentials = defineRule<HttpFacts>({
  meta: {
    id: "http.credentials.default",
    title: "Web UI accepts a factory-default password",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change the default password of every web UI account (unique per device), or disable the account; require the change at first login.",
    docs: "https://www.cisa.gov/resources-tools/resources/secure-by-design-alert-how-manufacturers-can-protect-customers-eliminating-default-passwords",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const d = s.defaultCredentials;
      if (!d) return null;
      const evidence = {
        endpoint: s.url,
        mechanism: d.mechanism,
        url: d.url,
        tried: d.attempts.map((a) => ({ entry: a.id, username: a.username, result: a.result })),
      };
      if (d.accepted)
        return fail(
          `${d.url ?? s.url} accepted the default ${d.mechanism} login '${d.accepted.username}' (${d.accepted.vendor ?? "vendor"} default, entry ${d.accepted.id})`,
          evidence,
        );
      if (d.mechanism === "none") return notApplicable(`${s.url}: ${d.notTried ?? "no login found to try"}`, evidence);
      if (d.complete && d.attempts.length > 0 && d.attempts.every((a) => a.result === "rejected"))
        return pass(`${d.url ?? s.url} rejected ${d.attempts.length} default ${d.mechanism} logins (${d.attempts.map((a) => a.id).join(", ")})`, evidence);
      return undetermined(
        d.attempts.length ? "incomplete" : "not-attempted",
        `${d.url ?? s.url}: the default-credential check did not finish (${
          d.notTried ??
          d.attempts
            .filter((a) => a.result === "error")
            .map((a) => a.detail ?? a.id)
            .join("; ") ??
          ""
        })`,
        evidence,
      );
    }),
});

export const HTTP_RULES: Rule<HttpFacts>[] = [cleartextNoRedirect, authCleartext, hstsMissing, framingAllowed, defaultCredentials];
