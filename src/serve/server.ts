// `otaudit serve`: a strictly read-only web server over a StoreReader (Node's own http/https).
// GET and HEAD only (anything else 405); every answer carries a strict Content-Security-Policy (files
// only: no inline script or style, nothing from another origin, Trusted Types so no HTML sink takes
// a string), nosniff, no-referrer and frame-ancestors 'none'. A loopback server accepts only
// loopback Host names (DNS rebinding); off loopback, the API wants a bearer token or a TLS client
// certificate (the CLI refuses to start otherwise). Every JSON and CSV answer passes the escaping
// boundary (safeDeep / safeText) here, once; the browser renders it as text. Static files come from
// a fixed table (static.ts). Each API answer says its server time (Server-Timing).
import { createServer as createPlainServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { createHash, timingSafeEqual } from "node:crypto";
import { isIP } from "node:net";
import type { AddressInfo } from "node:net";
import type { ProtocolPlugin } from "../plugin.js";
import { safeDeep, safeText } from "../report/safe-text.js";
import { FleetIndex } from "./fleet-index.js";
import type { StoreReader } from "./reader.js";
import { BadRequest, Params } from "./query.js";
import { loadStaticFiles, type StaticFile } from "./static.js";
import { NotFound, deviceCsv, deviceView, devicesCsv, devicesView, metaView, overviewView } from "./views.js";
import { deviceDriftView, driftChangesView, driftCsv, driftView } from "./drift-views.js";

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join("; ");

export const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy": CSP,
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), serial=()",
};

const MAX_URL = 4096;

export interface ServeOptions {
  reader: StoreReader;
  plugins: readonly ProtocolPlugin[];
  host: string;
  port: number;
  /** bearer token the API requires (off loopback); never logged or echoed */
  token?: string;
  /** TLS: certificate and key (PEM); with `clientCa`, clients must show a certificate it signed */
  tls?: { cert: Buffer; key: Buffer; clientCa?: Buffer };
  /** where problems are reported (escaped by the caller) */
  onError?: (message: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  index: FleetIndex;
  server: Server;
  close(): Promise<void>;
}

type Handler = (sp: URLSearchParams) => Promise<{ json: unknown } | { csv: string; filename: string }>;

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "");
  if (h === "localhost") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return h === "::1" || h.startsWith("::ffff:127.");
}

const digest = (s: string) => createHash("sha256").update(s).digest();

export function routes(index: FleetIndex, plugins: readonly ProtocolPlugin[]): Map<string, Handler> {
  const text = (s: string) => safeText(s);
  return new Map<string, Handler>([
    ["/api/meta", async (sp) => (new Params(sp, []), { json: await metaView(index) })],
    ["/api/overview", async (sp) => ({ json: await overviewView(index, sp) })],
    ["/api/devices", async (sp) => ({ json: await devicesView(index, sp) })],
    ["/api/devices.csv", async (sp) => ({ csv: await devicesCsv(index, sp, text), filename: "otaudit-devices.csv" })],
    ["/api/device", async (sp) => ({ json: await deviceView(index, sp, plugins) })],
    ["/api/device.csv", async (sp) => ({ csv: await deviceCsv(index, sp), filename: "otaudit-device-findings.csv" })],
    ["/api/drift", async (sp) => ({ json: await driftView(index, sp) })],
    ["/api/drift/changes", async (sp) => ({ json: await driftChangesView(index, sp) })],
    ["/api/drift.csv", async (sp) => ({ csv: await driftCsv(index, sp, text), filename: "otaudit-drift.csv" })],
    ["/api/device-drift", async (sp) => ({ json: await deviceDriftView(index, sp) })],
  ]);
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const files = loadStaticFiles();
  const index = new FleetIndex(opts.reader, opts.plugins);
  const api = routes(index, opts.plugins);
  const tokenDigest = opts.token ? digest(opts.token) : undefined;
  const loopbackOnly = isLoopback(opts.host);
  let port = opts.port;

  const send = (res: ServerResponse, status: number, type: string, body: string | Buffer, head: boolean, extra: Record<string, string> = {}) => {
    const buf = typeof body === "string" ? Buffer.from(body, "utf8") : body;
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      ...(opts.tls ? { "Strict-Transport-Security": "max-age=31536000" } : {}),
      "Content-Type": type,
      "Content-Length": String(buf.length),
      ...extra,
    });
    res.end(head ? undefined : buf);
  };
  const sendError = (res: ServerResponse, status: number, message: string, head: boolean, extra: Record<string, string> = {}) =>
    send(res, status, "application/json; charset=utf-8", JSON.stringify({ error: safeText(message) }), head, { "Cache-Control": "no-store", ...extra });

  const allowedHost = (hostHeader: string | undefined): boolean => {
    if (!loopbackOnly) return true;
    if (!hostHeader) return false;
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
    return !!m && isLoopback(m[1]!) && (m[2] === undefined || Number(m[2]) === port);
  };
  const authorized = (req: IncomingMessage): boolean => {
    if (!tokenDigest) return true;
    const m = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.headers.authorization ?? "");
    return !!m && timingSafeEqual(digest(m[1]!), tokenDigest);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) return sendError(res, 405, "read-only: GET and HEAD only", false, { Allow: "GET, HEAD" });
    const raw = req.url ?? "/";
    if (raw.length > MAX_URL) return sendError(res, 414, `URL longer than ${MAX_URL} characters`, head);
    if (!allowedHost(req.headers.host)) return sendError(res, 421, "this server answers loopback names only (Host)", head);
    let url: URL;
    try {
      url = new URL(raw, "http://localhost");
    } catch {
      return sendError(res, 400, "malformed URL", head);
    }
    if (!raw.startsWith("/") || url.pathname !== raw.split("?")[0]) return sendError(res, 404, "not found", head);
    const handler = api.get(url.pathname);
    if (!handler) {
      const file: StaticFile | undefined = files.get(url.pathname);
      if (!file) return sendError(res, 404, "not found", head);
      return send(res, 200, file.type, file.body, head, { "Cache-Control": "no-cache" });
    }
    if (!authorized(req)) return sendError(res, 401, "a bearer token is required", head, { "WWW-Authenticate": 'Bearer realm="otaudit"' });
    const started = performance.now();
    try {
      const out = await handler(url.searchParams);
      // the one escaping boundary of every JSON answer; "<" escaped too, so no answer reads as markup
      const body = "json" in out ? JSON.stringify(safeDeep(out.json)).replace(/</g, "\\u003c") : out.csv;
      const timing = { "Server-Timing": `app;dur=${(performance.now() - started).toFixed(1)}`, "Cache-Control": "no-store" };
      if ("json" in out) return send(res, 200, "application/json; charset=utf-8", body, head, timing);
      return send(res, 200, "text/csv; charset=utf-8", body, head, { ...timing, "Content-Disposition": `attachment; filename="${out.filename}"` });
    } catch (e) {
      if (e instanceof BadRequest) return sendError(res, 400, e.message, head);
      if (e instanceof NotFound) return sendError(res, 404, e.message, head);
      opts.onError?.(`serve: ${url.pathname}: ${(e as Error).message}`);
      return sendError(res, 500, "internal error (see the server's terminal)", head);
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    // a request body is never read: drain and ignore it
    req.resume();
    handle(req, res).catch((e: unknown) => {
      opts.onError?.(`serve: ${(e as Error).message}`);
      if (!res.headersSent) sendError(res, 500, "internal error", false);
      else res.destroy();
    });
  };
  const server: Server = opts.tls
    ? (createTlsServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          ...(opts.tls.clientCa ? { ca: opts.tls.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
          minVersion: "TLSv1.2",
        },
        listener,
      ) as unknown as Server)
    : createPlainServer(listener);
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const hostPart = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    url: `${opts.tls ? "https://" : "http://"}${hostPart}:${port}/`,
    port,
    index,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
