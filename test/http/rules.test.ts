// http rules on facts (no network): passes only on positive evidence (a same-host redirect to
// https before any content, an HSTS max-age, a framing header, every default rejected), fails naming
// what was seen, undetermined where only `/` was looked at or a check did not finish, and errors
// (never passes) for a service that could not be audited.
import { describe, expect, it } from "vitest";
import { HttpFacts, type Exchange, type HttpService } from "../../probes/http/facts.js";
import httpPlugin from "../../probes/http/index.js";
import { runRules } from "../../src/engine/rules.js";

const ex = (over: Partial<Exchange> = {}): Exchange => ({
  url: "http://10.0.0.5/",
  method: "GET",
  tls: false,
  status: 200,
  headers: [{ name: "Content-Type", value: "text/html" }],
  contentType: "text/html",
  forms: [],
  challenges: [],
  hints: [],
  ...over,
});
const svc = (over: Partial<HttpService> = {}): HttpService => ({
  port: 80,
  url: "http://10.0.0.5",
  scheme: "http",
  serverName: "10.0.0.5",
  exchanges: [ex()],
  ...over,
});
const STS = { name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" };
const https = (over: Partial<Exchange> = {}) =>
  svc({
    port: 443,
    url: "https://10.0.0.5",
    scheme: "https",
    exchanges: [
      ex({
        url: "https://10.0.0.5/",
        tls: true,
        headers: [{ name: "Content-Type", value: "text/html" }, STS],
        hsts: { present: true, maxAge: 31536000, includeSubDomains: true, preload: false, problems: [] },
        ...over,
      }),
    ],
  });

function judge(services: HttpService[], intrusive = false): Record<string, string[]> {
  const env = {
    protocol: "http",
    status: "ok" as const,
    endpoints: [],
    startedAt: "2026-06-01T00:00:00.000Z",
    durationMs: 1,
    probeVersion: "1",
    data: HttpFacts.parse({ services }),
  };
  const out: Record<string, string[]> = {};
  for (const f of runRules(httpPlugin, env, { host: "10.0.0.5", intrusive, credentialed: false })) (out[f.ruleId] ??= []).push(f.status);
  return out;
}

describe("http rules", () => {
  it("cleartext: a same-host 301 to https passes; content served fails; an off-host redirect is undetermined", () => {
    const redirect = svc({
      exchanges: [
        ex({ status: 301, redirect: { via: "location", location: "https://10.0.0.5/", target: "https://10.0.0.5/", sameHost: true, followed: true } }),
        ex({ url: "https://10.0.0.5/", tls: true }),
      ],
    });
    expect(judge([redirect])["http.cleartext.no-redirect"]).toEqual(["pass"]);
    expect(judge([redirect])["http.auth.cleartext"]).toEqual(["pass"]);
    expect(judge([svc()])["http.cleartext.no-redirect"]).toEqual(["fail"]);
    const off = svc({
      exchanges: [
        ex({
          status: 302,
          redirect: { via: "location", location: "https://cloud.example/", target: "https://cloud.example/", sameHost: false, followed: false },
        }),
      ],
    });
    expect(judge([off])["http.cleartext.no-redirect"]).toEqual(["undetermined"]);
    const toHttp = svc({
      exchanges: [
        ex({
          status: 301,
          redirect: { via: "location", location: "http://10.0.0.5/x", target: "http://10.0.0.5/x", sameHost: true, followed: false, why: "limit" },
        }),
      ],
    });
    expect(judge([toHttp])["http.cleartext.no-redirect"]).toEqual(["fail"]);
  });

  it("login over cleartext: Basic critical, a password form high, Digest medium; nothing on / is undetermined", () => {
    expect(judge([svc({ exchanges: [ex({ status: 401, challenges: [{ scheme: "Basic", realm: "x" }] })] })])["http.auth.cleartext"]).toEqual(["fail"]);
    expect(judge([svc({ exchanges: [ex({ forms: [{ action: "/login", method: "post", passwordFields: 1, fields: [] }] })] })])["http.auth.cleartext"]).toEqual([
      "fail",
    ]);
    expect(judge([svc({ exchanges: [ex({ status: 401, challenges: [{ scheme: "Digest" }] })] })])["http.auth.cleartext"]).toEqual(["fail"]);
    expect(judge([svc()])["http.auth.cleartext"]).toEqual(["undetermined"]);
  });

  it("HSTS: present with a long max-age passes; missing, max-age=0, short or unparsable fail", () => {
    expect(judge([https()])["http.hsts.missing"]).toEqual(["pass"]);
    expect(judge([https({ hsts: { present: false, includeSubDomains: false, preload: false, problems: [] } })])["http.hsts.missing"]).toEqual(["fail"]);
    expect(judge([https({ hsts: { present: true, maxAge: 0, includeSubDomains: false, preload: false, problems: [] } })])["http.hsts.missing"]).toEqual([
      "fail",
    ]);
    expect(judge([https({ hsts: { present: true, maxAge: 3600, includeSubDomains: false, preload: false, problems: [] } })])["http.hsts.missing"]).toEqual([
      "fail",
    ]);
    expect(
      judge([https({ hsts: { present: true, includeSubDomains: false, preload: false, problems: ["max-age without a value"] } })])["http.hsts.missing"],
    ).toEqual(["fail"]);
    expect(judge([https({ hsts: undefined })])["http.hsts.missing"]).toEqual(["undetermined"]);
  });

  it("HSTS: a parsed policy without the Strict-Transport-Security header it came from is undetermined (no-evidence), never a pass", () => {
    const f = runRules(
      httpPlugin,
      {
        protocol: "http",
        status: "ok",
        endpoints: [],
        startedAt: "2026-06-01T00:00:00.000Z",
        durationMs: 1,
        probeVersion: "1",
        data: HttpFacts.parse({ services: [https({ headers: [] })] }),
      },
      { host: "10.0.0.5", intrusive: false, credentialed: false },
    );
    expect(f.find((x) => x.ruleId === "http.hsts.missing")).toMatchObject({ status: "undetermined", reason: "no-evidence" });
  });

  it("framing: X-Frame-Options DENY or CSP frame-ancestors passes; ALLOW-FROM or nothing fails", () => {
    expect(judge([svc({ exchanges: [ex({ headers: [{ name: "X-Frame-Options", value: "SAMEORIGIN" }] })] })])["http.ui.framing-allowed"]).toEqual(["pass"]);
    expect(
      judge([svc({ exchanges: [ex({ headers: [{ name: "Content-Security-Policy", value: "default-src 'self'; frame-ancestors 'none'" }] })] })])[
        "http.ui.framing-allowed"
      ],
    ).toEqual(["pass"]);
    expect(judge([svc({ exchanges: [ex({ headers: [{ name: "X-Frame-Options", value: "ALLOW-FROM https://x" }] })] })])["http.ui.framing-allowed"]).toEqual([
      "fail",
    ]);
  });

  it("default credentials (intrusive): accepted fails, all rejected passes, unfinished is undetermined, skipped in a default run", () => {
    const d = (over: object) =>
      svc({
        defaultCredentials: {
          mechanism: "basic",
          url: "http://10.0.0.5/",
          attempts: [{ id: "a", username: "admin", result: "rejected" }],
          complete: true,
          ...over,
        },
      });
    expect(
      judge([d({ accepted: { id: "a", username: "admin", source: "s" }, attempts: [{ id: "a", username: "admin", result: "accepted" }] })], true)[
        "http.credentials.default"
      ],
    ).toEqual(["fail"]);
    expect(judge([d({})], true)["http.credentials.default"]).toEqual(["pass"]);
    expect(judge([d({ complete: false, attempts: [{ id: "a", username: "admin", result: "error" }] })], true)["http.credentials.default"]).toEqual([
      "undetermined",
    ]);
    expect(judge([d({})], false)["http.credentials.default"]).toEqual(["skipped"]);
  });

  it("a service that could not be audited: every rule an error", () => {
    const r = judge([svc({ exchanges: [ex({ status: undefined, error: { code: "timeout", message: "no answer" } })] })]);
    for (const [id, s] of Object.entries(r)) expect(s, id).not.toContain("pass");
    expect(r["http.cleartext.no-redirect"]).toEqual(["error"]);
  });
});
