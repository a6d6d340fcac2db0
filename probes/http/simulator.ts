// The http simulator: a device web UI as its profile says (probes/http/profile.ts), on Node's http
// and https servers: plain HTTP serving the UI or redirecting to HTTPS, HTTPS with or without HSTS
// (certificate from probes/tls/sim-certs.ts), a Basic, Digest (RFC 7616, MD5 and SHA-256) or form
// login with the profile's accounts, a Server header, an X-Frame-Options header and firmware text.
// Counts what clients sent (stats: methods, Authorization headers, form posts, credentials
// received), so tests prove from the device's side that a default run sends no password.
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { endpointUrl } from "../../src/engine/targets.js";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { makeChain } from "../tls/sim-certs.js";
import type { HttpSimProfile } from "./profile.js";

export interface HttpSimStats {
  requests: number;
  byMethod: Record<string, number>;
  paths: string[];
  authorizationHeaders: number;
  formPosts: number;
  /** requests that carried a credential of any kind (Authorization header or a form post) */
  credentialsReceived: number;
  loginsAccepted: number;
}

const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);

function page(p: HttpSimProfile, body: string): string {
  return `<!DOCTYPE html><html><head><title>${esc(p.page.title)}</title></head><body>${body}${p.page.firmware ? `<p>Firmware version: ${esc(p.page.firmware)}</p>` : ""}</body></html>`;
}

const loginForm = (p: HttpSimProfile, failed: boolean) =>
  page(
    p,
    `${failed ? "<p>Invalid user name or password</p>" : ""}<form method="post" action="/login"><input type="hidden" name="csrf" value="sim-token"><input type="text" name="username"><input type="password" name="password"><input type="submit" value="Log in"></form>`,
  );

function digestOk(p: HttpSimProfile, header: string, method: string, nonces: Set<string>): boolean {
  const params = Object.fromEntries(
    [...header.matchAll(/(\w+)=(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g)].map((m) => [m[1]!.toLowerCase(), (m[2] ?? m[3] ?? "").replace(/\\(.)/g, "$1")]),
  );
  if (!nonces.has(params.nonce ?? "")) return false;
  const account = p.auth.accounts.find((a) => a.username === params.username);
  if (!account) return false;
  const alg = params.algorithm ?? "MD5";
  const H = (s: string) =>
    createHash(/sha-?256/i.test(alg) ? "sha256" : "md5")
      .update(s)
      .digest("hex");
  let ha1 = H(`${account.username}:${p.auth.realm}:${account.password}`);
  if (/-sess$/i.test(alg)) ha1 = H(`${ha1}:${params.nonce}:${params.cnonce}`);
  const ha2 = H(`${method}:${params.uri}`);
  const want = params.qop ? H(`${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:${params.qop}:${ha2}`) : H(`${ha1}:${params.nonce}:${ha2}`);
  return want === params.response;
}

export async function startHttpSimulator(profile: HttpSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: HttpSimStats = { requests: 0, byMethod: {}, paths: [], authorizationHeaders: 0, formPosts: 0, credentialsReceived: 0, loginsAccepted: 0 };
  const nonces = new Set<string>();
  const sessions = new Set<string>();
  let httpsPort = 0;

  const app = (secure: boolean) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    stats.requests++;
    stats.byMethod[req.method ?? "?"] = (stats.byMethod[req.method ?? "?"] ?? 0) + 1;
    if (stats.paths.length < 200) stats.paths.push(`${req.method} ${req.url}`);
    const auth = req.headers.authorization;
    if (auth) stats.authorizationHeaders++, stats.credentialsReceived++;
    const headers: Record<string, string> = { "Content-Type": "text/html; charset=utf-8" };
    if (profile.page.server) headers.Server = profile.page.server;
    if (profile.page.frameOptions) headers["X-Frame-Options"] = profile.page.frameOptions;
    if (secure && profile.https.hsts) headers["Strict-Transport-Security"] = profile.https.hsts;
    const send = (status: number, body: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, ...extra });
      res.end(body);
    };
    if (!secure && profile.http.redirectToHttps && profile.https.enabled)
      return send(301, "", { Location: `https://${(req.headers.host ?? opts.host).replace(/:\d+$/, "")}:${httpsPort}${req.url ?? "/"}` });
    const a = profile.auth;
    const challenge = () => {
      if (a.kind === "basic") return `Basic realm="${a.realm}"`;
      const nonce = randomBytes(12).toString("hex");
      nonces.add(nonce);
      return `Digest realm="${a.realm}", qop="auth", algorithm=MD5, nonce="${nonce}", opaque="sim"`;
    };
    if (a.kind === "basic" || a.kind === "digest") {
      let ok = false;
      if (auth && a.kind === "basic" && /^Basic /i.test(auth)) {
        const [u, ...rest] = Buffer.from(auth.slice(6), "base64").toString("utf8").split(":");
        ok = a.accounts.some((x) => x.username === u && x.password === rest.join(":"));
      } else if (auth && a.kind === "digest" && /^Digest /i.test(auth)) ok = digestOk(profile, auth, req.method ?? "GET", nonces);
      if (!ok) return send(401, page(profile, "<p>Authentication required</p>"), { "WWW-Authenticate": challenge() });
      stats.loginsAccepted++;
      return send(200, page(profile, "<h1>Dashboard</h1>"));
    }
    if (a.kind === "form") {
      const cookie = /sid=([0-9a-f]+)/.exec(req.headers.cookie ?? "")?.[1];
      if (req.method === "POST" && req.url === "/login") {
        stats.formPosts++;
        stats.credentialsReceived++;
        let body = "";
        req.on("data", (d: Buffer) => (body = (body + d.toString("latin1")).slice(0, 4096)));
        req.on("end", () => {
          const f = new URLSearchParams(body);
          if (a.accounts.some((x) => x.username === f.get("username") && x.password === f.get("password")) && f.get("csrf") === "sim-token") {
            const sid = randomBytes(8).toString("hex");
            sessions.add(sid);
            stats.loginsAccepted++;
            return send(302, "", { Location: "/home", "Set-Cookie": `sid=${sid}; HttpOnly${secure ? "; Secure" : ""}` });
          }
          send(200, loginForm(profile, true));
        });
        return;
      }
      if (req.url === "/home" && cookie && sessions.has(cookie)) return send(200, page(profile, "<h1>Dashboard</h1>"));
      return send(200, loginForm(profile, false));
    }
    send(200, page(profile, "<h1>Device status</h1>"));
  };

  const servers: (http.Server | https.Server)[] = [];
  const urls: string[] = [];
  const listen = (s: http.Server | https.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      s.once("error", reject);
      s.listen(port, opts.host, () => resolve((s.address() as AddressInfo).port));
    });
  if (profile.https.enabled) {
    const chain = await makeChain(profile.https.certificate);
    const s = https.createServer({ cert: chain.certPem, key: chain.keyPem, minVersion: "TLSv1.2" }, app(true));
    s.on("tlsClientError", () => undefined);
    servers.push(s);
    httpsPort = await listen(s, opts.ports?.https ?? 0);
  }
  if (profile.http.enabled) {
    const s = http.createServer(app(false));
    servers.push(s);
    urls.push(endpointUrl("http", opts.host, await listen(s, opts.ports?.http ?? opts.port ?? 0)));
  }
  if (profile.https.enabled) urls.push(endpointUrl("https", opts.host, httpsPort));
  return {
    urls,
    stats: () => ({ ...stats, byMethod: { ...stats.byMethod }, paths: [...stats.paths] }),
    stop: async () => {
      for (const s of servers) s.closeAllConnections();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
