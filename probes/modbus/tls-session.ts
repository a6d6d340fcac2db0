// Modbus/TCP Security, read part: real TLS handshakes (Node's TLS, observed on the wire by
// probes/tls/wire/observed-handshake.ts) without and with the operator's client certificate, each
// followed by one read-only request (Read Device Identification, basic). Whether a client
// certificate is required is decided from evidence only (decideClientAuth): a CertificateRequest
// (RFC 8446 §4.3.2, RFC 5246 §7.4.4) or an alert naming the missing certificate; a Modbus answer
// without a certificate proves the opposite; a hang-up or a reset alone proves nothing.
import type tls from "node:tls";
import { Connection, type Deadline } from "../../src/net/index.js";
import { CLIENT_CERTIFICATE_ALERTS, alertName } from "../tls/wire/constants.js";
import { observedHandshake, type HandshakeStep, type ObservedHandshake } from "../tls/wire/observed-handshake.js";
import { MAX_BUFFERED, MbapChannel, MbapError } from "./client.js";
import type { TlsEndpointFacts } from "./facts.js";
import { READ_DEVICE_ID_CODE, readDeviceIdRequest } from "./mbap.js";

export type ReadOutcome = { kind: "answered"; exception?: { code: number; name: string } } | { kind: "closed" | "timeout" | "protocol"; detail: string };

/** One read-only request over an established TLS connection, then a polite close (close_notify + FIN). */
export async function readOnce(socket: tls.TLSSocket, unitId: number, deadline: Deadline, graceMs: number): Promise<ReadOutcome> {
  const channel = new MbapChannel(Connection.adopt(socket, MAX_BUFFERED));
  try {
    const reply = await channel.request(unitId, readDeviceIdRequest(READ_DEVICE_ID_CODE.basic, 0), deadline);
    return reply.kind === "exception" ? { kind: "answered", exception: { code: reply.exceptionCode, name: reply.exceptionName } } : { kind: "answered" };
  } catch (e) {
    const err = e instanceof MbapError ? e : new MbapError("protocol", (e as Error).message);
    return { kind: err.kind === "timeout" ? "timeout" : err.kind === "closed" ? "closed" : "protocol", detail: err.message };
  } finally {
    await channel.close(graceMs);
  }
}

export interface ClientAuthInput {
  /** the handshake completed (Node's secureConnect) */
  completed: boolean;
  /** where a failed handshake stopped */
  step?: HandshakeStep;
  /** alert the server sent (during the handshake, or right after it for TLS 1.3) */
  alert?: number;
  /** a CertificateRequest was seen in the clear (this handshake or the raw TLS <= 1.2 flight) */
  certificateRequested: boolean;
  read?: ReadOutcome;
  /** what happened, for the detail line */
  what: string;
  unitId: number;
}

/** The client-certificate verdict facts, from evidence only. */
export function decideClientAuth(i: ClientAuthInput): TlsEndpointFacts["clientCertificate"] {
  const pastHello = i.completed || i.step === "after-server-hello";
  const alert = i.alert !== undefined ? { code: i.alert, name: alertName(i.alert) } : undefined;
  if (i.completed && i.read?.kind === "answered") {
    return {
      required: "not_required",
      evidence: "modbus-answered",
      detail: `unit ${i.unitId} answered function code 43 without a client certificate${i.read.exception ? ` (exception ${i.read.exception.name})` : ""}${i.certificateRequested ? "; a certificate was requested but not required" : ""}`,
    };
  }
  if (alert && pastHello && CLIENT_CERTIFICATE_ALERTS.has(alert.code)) {
    return {
      required: "required",
      evidence: "alert",
      alert,
      detail: `the server rejected the handshake without a client certificate with ${alert.name} (${alert.code}); ${i.what}`,
    };
  }
  if (alert && pastHello && alert.code === 40 && i.certificateRequested) {
    return { required: "required", evidence: "alert", alert, detail: `CertificateRequest, then handshake_failure (40) after our empty Certificate; ${i.what}` };
  }
  const refusedAfterRequest = !i.completed || i.read?.kind === "closed" || alert !== undefined;
  if (i.certificateRequested && refusedAfterRequest) {
    return {
      required: "required",
      evidence: "certificate-request",
      ...(alert ? { alert } : {}),
      detail: `the server sent a CertificateRequest and served nothing without a certificate; ${i.what}`,
    };
  }
  return {
    required: "unknown",
    evidence: "none",
    ...(alert ? { alert } : {}),
    detail: `no CertificateRequest seen and no alert naming a missing certificate: ${i.what} (a hang-up or reset proves nothing)`,
  };
}

function describe(h: ObservedHandshake, read?: ReadOutcome): string {
  if (h.kind === "failed")
    return `handshake failed ${h.step === "after-server-hello" ? "after the ServerHello" : h.step === "before-server-hello" ? "before any ServerHello" : `at the ${h.step} step`} (${h.alert !== undefined ? `alert ${alertName(h.alert)}` : h.code}: ${h.message})`;
  if (!read) return `handshake completed (${h.protocol})`;
  return read.kind === "answered"
    ? `handshake completed (${h.protocol}), unit answered`
    : `handshake completed (${h.protocol}), then the read ended: ${read.detail}`;
}

export interface SessionContext {
  host: string;
  port: number;
  url: string;
  timeoutMs: number;
  signal: AbortSignal;
  deadline: Deadline;
  unitId: number;
  log: { info(o: object, msg: string): void };
}

export interface BareResult {
  handshake: ObservedHandshake;
  clientCertificate: TlsEndpointFacts["clientCertificate"];
  read?: ReadOutcome;
}

/** One observed handshake to the session's endpoint within its deadline, optionally with a client certificate. */
function handshakeWith(c: SessionContext, client: { cert: string; key: string } | Record<string, never> = {}): Promise<ObservedHandshake> {
  return observedHandshake({
    host: c.host,
    port: c.port,
    timeoutMs: c.timeoutMs,
    signal: c.signal,
    deadline: c.deadline.within(c.timeoutMs),
    servername: c.host,
    ...client,
  });
}

/** Handshake without a client certificate, then one read. */
export async function bareSession(c: SessionContext, rawFlightRequested: boolean): Promise<BareResult> {
  c.log.info(
    { action: "tls-no-client-cert", safety: "read", endpoint: c.url, unitId: c.unitId, functionCode: 43 },
    "TLS handshake without a client certificate",
  );
  const h = await handshakeWith(c);
  const requested = rawFlightRequested || h.observation.flight.certificateRequest !== undefined;
  if (h.kind === "failed") {
    return {
      handshake: h,
      clientCertificate: decideClientAuth({
        completed: false,
        step: h.step,
        ...(h.alert !== undefined ? { alert: h.alert } : {}),
        certificateRequested: requested,
        what: describe(h),
        unitId: c.unitId,
      }),
    };
  }
  const read = await readOnce(h.socket, c.unitId, c.deadline.within(c.timeoutMs), Math.min(1000, c.timeoutMs));
  const late = h.lateError();
  return {
    handshake: h,
    read,
    clientCertificate: decideClientAuth({
      completed: true,
      ...(late?.alert !== undefined ? { alert: late.alert } : {}),
      certificateRequested: requested,
      read,
      what: describe(h, read),
      unitId: c.unitId,
    }),
  };
}

/** Handshake with the operator's client certificate, then one read: what may it read, which role does it carry. */
export async function certificateSession(
  c: SessionContext,
  cert: string,
  key: string,
  role: string | undefined,
): Promise<{ handshake: ObservedHandshake; facts: TlsEndpointFacts["withClientCertificate"] }> {
  c.log.info(
    { action: "tls-client-cert", safety: "read", endpoint: c.url, unitId: c.unitId, functionCode: 43 },
    "TLS handshake with the supplied client certificate",
  );
  const h = await handshakeWith(c, { cert, key });
  const withRole = role !== undefined ? { role } : {};
  if (h.kind === "failed") return { handshake: h, facts: { status: h.alert !== undefined ? "refused" : "error", detail: describe(h), ...withRole } };
  const r = await readOnce(h.socket, c.unitId, c.deadline.within(c.timeoutMs), Math.min(1000, c.timeoutMs));
  const late = h.lateError();
  return {
    handshake: h,
    facts: {
      status: r.kind === "answered" ? "accepted" : r.kind === "closed" && late?.alert !== undefined ? "refused" : "error",
      readAnswered: r.kind === "answered" && !r.exception,
      ...(r.kind === "answered" && r.exception ? { exception: r.exception } : {}),
      ...withRole,
      detail:
        r.kind === "answered"
          ? `unit ${c.unitId} answered function code 43${r.exception ? ` with exception ${r.exception.name}` : ""}`
          : `${describe(h, r)}${late?.alert !== undefined ? ` (alert ${alertName(late.alert)})` : ""}`,
    },
  };
}
