// One HTTP/1.1 request on its own connection (RFC 9112), plain or over TLS (the certificate is not
// judged here: the tls plugin grades it; rejectUnauthorized is off so a self-signed device still
// answers), read with the bounded parser (response.ts) until the response ends, the body cap is
// reached, the absolute deadline passes or the peer closes; then a polite close (FIN, drain, destroy
// after the grace). `Connection: close` on every request: no keep-alive, no pipelining.
import { isIP } from "node:net";
import { Connection, NetError, type Deadline } from "../../src/net/index.js";
import { USER_AGENT } from "./checks.js";
import { HttpWireError, ResponseParser, type ParsedResponse } from "./response.js";

export interface RequestSpec {
  url: URL;
  method: "GET" | "HEAD" | "POST";
  /** address to connect to (the URL keeps the name the operator gave) */
  address: string;
  headers?: [string, string][];
  body?: Buffer;
  timeoutMs: number;
  deadline: Deadline;
  signal: AbortSignal;
}

export type RequestResult = { kind: "response"; res: ParsedResponse } | { kind: "error"; code: string; message: string };

const MAX_BUFFERED = 512 * 1024;

/** The request bytes: request line, Host, our User-Agent, Connection: close, extra fields, body. */
export function requestBytes(spec: Pick<RequestSpec, "url" | "method" | "headers" | "body">): Buffer {
  const target = `${spec.url.pathname || "/"}${spec.url.search}`;
  if (/[\s\x00-\x1f\x7f]/.test(target) || /[\r\n]/.test(spec.url.host))
    throw new HttpWireError("invalid", "request target with whitespace or control characters");
  const lines = [
    `${spec.method} ${target} HTTP/1.1`,
    `Host: ${spec.url.host}`,
    `User-Agent: ${USER_AGENT}`,
    "Accept: text/html,*/*;q=0.8",
    "Connection: close",
  ];
  for (const [k, v] of spec.headers ?? []) {
    if (/[\r\n]/.test(k + v)) throw new HttpWireError("invalid", "header field with a line break");
    lines.push(`${k}: ${v}`);
  }
  if (spec.body) lines.push(`Content-Length: ${spec.body.length}`);
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), spec.body ?? Buffer.alloc(0)]);
}

export async function request(spec: RequestSpec): Promise<RequestResult> {
  const https = spec.url.protocol === "https:";
  const port = Number(spec.url.port || (https ? 443 : 80));
  const name = spec.url.hostname.replace(/^\[|\]$/g, "");
  let bytes: Buffer;
  try {
    bytes = requestBytes(spec);
  } catch (e) {
    return { kind: "error", code: "invalid", message: (e as Error).message };
  }
  let conn: Connection;
  try {
    conn = await Connection.open({
      host: spec.address,
      port,
      timeoutMs: Math.max(1, Math.min(spec.timeoutMs, spec.deadline.remaining())),
      signal: spec.signal,
      maxBuffered: MAX_BUFFERED,
      ...(https ? { tls: { rejectUnauthorized: false, minVersion: "TLSv1", ciphers: "DEFAULT@SECLEVEL=0", ...(isIP(name) ? {} : { servername: name }) } } : {}),
    });
  } catch (e) {
    const err = e instanceof NetError ? e : new NetError("unreachable", (e as Error).message);
    return { kind: "error", code: err.code, message: err.message };
  }
  const parser = new ResponseParser(spec.method === "HEAD");
  try {
    conn.write(bytes);
    for (;;) {
      let chunk: Buffer;
      try {
        chunk = await conn.read((b) => (b.length > 0 ? b.length : undefined), spec.deadline, "the response");
      } catch (e) {
        if (e instanceof NetError && e.code === "closed") return { kind: "response", res: parser.end() };
        throw e;
      }
      if (parser.push(chunk)) return { kind: "response", res: parser.result() };
    }
  } catch (e) {
    if (e instanceof HttpWireError)
      return { kind: "error", code: e.code === "truncated" ? "truncated" : e.code === "too-large" ? "too-large" : "invalid", message: e.message };
    if (e instanceof NetError) return { kind: "error", code: e.code, message: e.message };
    throw e;
  } finally {
    await conn.close(Math.min(1000, spec.timeoutMs));
  }
}
