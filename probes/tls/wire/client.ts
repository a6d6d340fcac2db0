// Raw ClientHello exchange over a src/net Connection: send one hello, read records until the
// server's first flight ends (ServerHelloDone, an encrypted TLS 1.3 record, a HelloRetryRequest or
// an alert), the absolute deadline passes or the peer hangs up; then the caller closes (FIN). The
// scanner never sends a key exchange or Finished, so no session is ever established (nmap
// ssl-enum-ciphers and testssl.sh work the same way). The result names the step where it stopped.
import { Connection, Deadline, NetError } from "../../../src/net/index.js";
import { TlsWireError } from "./errors.js";
import { FlightParser, type ServerFlight } from "./flight.js";
import { parseRecord, recordLength } from "./record.js";

export type HelloOutcome =
  /** TLS <= 1.2 ServerHelloDone, or TLS 1.3 ServerHello followed by encrypted records */
  | "flight-complete"
  | "hello-retry-request"
  | "alert"
  /** records a server may not send at that point */
  | "unexpected"
  /** the peer closed (FIN) before the flight ended */
  | "closed"
  | "reset"
  | "timeout"
  | "aborted"
  /** the bytes are not TLS records */
  | "not-tls"
  /** a TLS message that does not parse */
  | "malformed"
  | "too-large";

export interface HelloResult {
  outcome: HelloOutcome;
  flight: ServerFlight;
  /** where it stopped: before any ServerHello, after it, or at the flight's normal end */
  step: "before-server-hello" | "after-server-hello" | "flight-end";
  /** one line naming what happened */
  detail: string;
}

/** Send `hello` on an open connection and read the server's first flight (bounded, absolute deadline). */
export async function exchangeHello(conn: Connection, hello: Buffer, deadline: Deadline): Promise<HelloResult> {
  const parser = new FlightParser();
  const result = (outcome: HelloOutcome, detail: string): HelloResult => {
    const f = parser.flight;
    const normalEnd = f.end === "server-hello-done" || f.end === "encrypted" || f.end === "hello-retry-request";
    const step = !f.serverHello ? "before-server-hello" : normalEnd && outcome !== "malformed" ? "flight-end" : "after-server-hello";
    return {
      outcome,
      flight: f,
      step,
      detail: `${step === "after-server-hello" ? "after the ServerHello: " : step === "before-server-hello" ? "before any ServerHello: " : ""}${detail}`,
    };
  };
  conn.write(hello);
  try {
    for (;;) {
      const raw = await conn.read(recordLength, deadline, "a TLS record");
      if (parser.push(parseRecord(raw))) break;
    }
  } catch (e) {
    if (e instanceof TlsWireError) {
      const outcome = e.code === "not-tls" ? "not-tls" : e.code === "too-large" ? "too-large" : "malformed";
      return result(outcome, e.message);
    }
    if (e instanceof NetError) {
      const map: Record<string, HelloOutcome> = { closed: "closed", reset: "reset", timeout: "timeout", aborted: "aborted", "too-large": "too-large" };
      return result(map[e.code] ?? "reset", e.message);
    }
    throw e;
  }
  const f = parser.flight;
  switch (f.end) {
    case "server-hello-done":
    case "encrypted":
      return result("flight-complete", f.end === "encrypted" ? "TLS 1.3 ServerHello, then encrypted handshake records" : "ServerHelloDone");
    case "hello-retry-request":
      return result("hello-retry-request", `HelloRetryRequest${f.serverHello?.selectedGroup !== undefined ? ` for group ${f.serverHello.selectedGroup}` : ""}`);
    case "alert":
      return result("alert", `alert ${f.alerts.map((a) => `${a.name} (${a.description})`).join(", ")}`);
    default:
      return result("unexpected", f.anomalies[f.anomalies.length - 1] ?? "unexpected record");
  }
}

export interface HelloTarget {
  host: string;
  port: number;
  /** connect timeout; the exchange itself is bounded by `deadline` */
  timeoutMs: number;
  signal?: AbortSignal;
  /** absolute end of this exchange (default: timeoutMs from now) */
  deadline?: Deadline;
  /** bytes buffered at most (default 512 KiB: a long certificate chain fits) */
  maxBuffered?: number;
  /** wait this long for the peer's FIN after ours (default 500 ms) */
  closeGraceMs?: number;
}

export type ConnectFailure = { connectError: "refused" | "timeout" | "unreachable" | "aborted"; detail: string };

/** Open a TCP connection, exchange one ClientHello, close politely. */
export async function helloOnce(t: HelloTarget, hello: Buffer): Promise<HelloResult | ConnectFailure> {
  const deadline = t.deadline ?? new Deadline(t.timeoutMs, t.signal);
  let conn: Connection;
  try {
    conn = await Connection.open({
      host: t.host,
      port: t.port,
      timeoutMs: Math.max(1, Math.min(t.timeoutMs, deadline.remaining())),
      signal: t.signal,
      maxBuffered: t.maxBuffered ?? 1 << 19,
    });
  } catch (e) {
    const code = e instanceof NetError ? e.code : "unreachable";
    return { connectError: code === "refused" || code === "timeout" || code === "aborted" ? code : "unreachable", detail: (e as Error).message };
  }
  try {
    return await exchangeHello(conn, hello, deadline);
  } finally {
    await conn.close(t.closeGraceMs ?? 500);
  }
}

export function isConnectFailure(r: HelloResult | ConnectFailure): r is ConnectFailure {
  return (r as ConnectFailure).connectError !== undefined;
}
