// MQTT probe: network I/O only, returns MqttFacts. Per broker endpoint, one connection at a time,
// each closed with FIN and bounded by ctx.timeoutMs per operation:
//   1. mqtts: the TLS handshake of the first connection is recorded (version, suite, certificate);
//   2. CONNECT without credentials (MQTT 5.0, then 3.1.1 and 3.1 only while the broker refuses
//      the version, 5.0 §3.1.2.2 / 3.1.1 §3.1.2.2), read the CONNACK, DISCONNECT if accepted;
//   3. bench credentials (credentials file) and --intrusive default credentials: on one endpoint per
//      device, the TLS one when there is one, so no password crosses in clear when it need not.
// Never SUBSCRIBE, never PUBLISH (see checks.ts for why the anonymous CONNECT is class `read`).
import { randomBytes } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { loginPacing, type PluginCredentialEntry, type ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { attemptLogins, Connection, Deadline, NetError, type LoginResult } from "../../src/net/index.js";
import { failureOf, probeServices, ServiceFailure } from "../../src/net/services.js";
import { observingTlsOptions, type TlsSessionFacts } from "../../src/net/tls-session.js";
import { loginRunFacts, notTriedFacts } from "../../src/knowledge/login-run.js";
import { registerSecret } from "../../src/secrets.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS } from "./checks.js";
import type { AnonymousConnect, ConnectAttempt, MqttFacts, MqttService } from "./facts.js";
import { defaultCredentials } from "./knowledge.js";
import { DISCONNECT, encodeConnect, judgeConnack, MqttWireError, packetFrame, parseConnack, type Connack, type ProtocolLevel } from "./packets.js";

const MAX_BUFFERED = 64 * 1024;
const LEVELS: ProtocolLevel[] = [5, 4, 3];

interface ConnectResult {
  attempt: ConnectAttempt;
  /** why the attempt ended without a CONNACK (timeout, garbage), for the service's failure */
  failure?: ServiceFailure;
  connack?: Connack;
  tls?: TlsSessionFacts;
}

const newClientId = () => `otaudit-${randomBytes(6).toString("hex")}`;

async function open(ep: ServiceEndpoint, ctx: ProbeContext): Promise<Connection> {
  try {
    return await Connection.open({
      host: ep.host,
      port: ep.port,
      timeoutMs: ctx.timeoutMs,
      signal: ctx.signal,
      maxBuffered: MAX_BUFFERED,
      ...(ep.scheme === "mqtts" ? { tls: observingTlsOptions(ep.host) } : {}),
    });
  } catch (e) {
    if (e instanceof NetError && e.code === "tls") throw new ServiceFailure("protocol", e.message);
    throw failureOf(e, "connect", ep.explicit);
  }
}

/** One CONNECT on a fresh connection; DISCONNECT when accepted; always a polite close. */
async function connectOnce(
  ep: ServiceEndpoint,
  ctx: ProbeContext,
  level: ProtocolLevel,
  clientId: string,
  wantTls: boolean,
  cred?: { username: string; password: string },
): Promise<ConnectResult> {
  const conn = await open(ep, ctx);
  const out: ConnectResult = { attempt: { protocolLevel: level, result: "error" } };
  try {
    if (wantTls && ep.scheme === "mqtts") {
      const { tlsSessionFacts } = await import("../../src/net/tls-observe.js"); // x509 parsing: loaded only when TLS is met
      out.tls = await tlsSessionFacts(conn.socket as TLSSocket);
    }
    conn.write(encodeConnect({ level, clientId, ...(cred ? { username: cred.username, password: cred.password } : {}) }));
    const packet = await conn.read(packetFrame, new Deadline(ctx.timeoutMs, ctx.signal), "a CONNACK");
    const connack = parseConnack(packet, level);
    const j = judgeConnack(connack, level);
    out.connack = connack;
    out.attempt = { protocolLevel: level, result: "connack", code: connack.code, codeName: j.name, verdict: j.verdict, sessionPresent: connack.sessionPresent };
    if (j.verdict === "accepted") conn.write(DISCONNECT); // §3.14: end the session at once, the Will (none) discarded
  } catch (e) {
    if (e instanceof NetError && e.code === "closed") out.attempt = { protocolLevel: level, result: "closed", error: e.message };
    else if (e instanceof NetError && e.code === "aborted") throw failureOf(e, "exchange", ep.explicit);
    else {
      out.failure = e instanceof MqttWireError ? new ServiceFailure("protocol", e.message) : failureOf(e, "exchange", ep.explicit);
      out.attempt = { protocolLevel: level, result: "error", error: out.failure.message };
    }
  } finally {
    await conn.close(Math.min(ctx.timeoutMs, 1000));
  }
  return out;
}

async function anonymousConnect(ep: ServiceEndpoint, ctx: ProbeContext, service: MqttService): Promise<{ facts: AnonymousConnect; failure?: ServiceFailure }> {
  ctx.assertAllowed(CHECKS.anonymousConnect);
  const clientId = newClientId();
  const result: AnonymousConnect = { clientId, attempts: [], outcome: "no-answer" };
  let failure: ServiceFailure | undefined;
  for (const level of LEVELS) {
    if (ctx.signal.aborted) break;
    ctx.log.info(
      { action: CHECKS.anonymousConnect.id, safety: CHECKS.anonymousConnect.safety, endpoint: ep.url, protocolLevel: level, clientId },
      "mqtt CONNECT without credentials",
    );
    const r = await connectOnce(ep, ctx, level, clientId, service.tlsSession === undefined);
    if (r.tls) service.tlsSession = r.tls;
    result.attempts.push(r.attempt);
    const verdict = r.attempt.verdict;
    if (r.attempt.result === "error") {
      failure = r.failure;
      break; // a timeout or garbage: do not push on
    }
    if (r.attempt.result === "closed" || verdict === "version-refused") continue; // try the older protocol level
    result.protocolLevel = level;
    result.outcome = verdict === "accepted" ? "accepted" : verdict === "auth-refused" ? "auth-refused" : "refused-other";
    if (r.connack?.properties) result.properties = r.connack.properties;
    if (verdict === "accepted") result.disconnected = true;
    break;
  }
  if (result.outcome === "no-answer" && result.attempts.some((a) => a.verdict === "version-refused")) result.outcome = "refused-other";
  return failure ? { facts: result, failure } : { facts: result };
}

async function probeService(ep: ServiceEndpoint, ctx: ProbeContext): Promise<MqttService> {
  const service: MqttService = { port: ep.port, url: ep.url, tls: ep.scheme === "mqtts" };
  if (service.tls) {
    ctx.assertAllowed(CHECKS.tlsHandshake);
    ctx.log.info({ action: CHECKS.tlsHandshake.id, safety: CHECKS.tlsHandshake.safety, endpoint: ep.url }, "tls handshake");
  }
  const { facts, failure } = await anonymousConnect(ep, ctx, service);
  service.anonymous = facts;
  // not one MQTT byte understood and nothing learned from TLS: the service failed
  if (failure && facts.attempts.length === 1 && !service.tlsSession) throw failure;
  if (failure) service.error = { code: failure.code, message: failure.message };
  return service;
}

// --- credentials ------------------------------------------------------------------------------

/** The endpoint for password logins: an answering TLS one first, else the first answering one. */
function loginTarget(services: MqttService[], endpoints: readonly ServiceEndpoint[]): { s: MqttService; ep: ServiceEndpoint } | undefined {
  const answering = services.filter((s) => s.anonymous?.protocolLevel !== undefined);
  const s = answering.find((x) => x.tls) ?? answering[0];
  const ep = s && endpoints.find((e) => e.port === s.port && e.url === s.url);
  return s && ep ? { s, ep } : undefined;
}

function asLogin(r: ConnectResult): { result: LoginResult; detail: string } {
  const a = r.attempt;
  const detail = a.result === "connack" ? `CONNACK ${a.code} (${a.codeName})` : (a.error ?? a.result);
  if (a.verdict === "accepted") return { result: { outcome: "accepted" }, detail };
  if (a.verdict === "auth-refused") return { result: { outcome: "rejected" }, detail };
  return { result: { outcome: "error", error: detail }, detail };
}

async function benchLogin(target: { s: MqttService; ep: ServiceEndpoint }, ctx: ProbeContext): Promise<void> {
  const entry = (ctx.credentials as unknown as PluginCredentialEntry[]).find((c) => c.protocol === "mqtt");
  if (!entry || typeof entry.username !== "string" || typeof entry.password !== "string") return;
  registerSecret(entry.password);
  ctx.assertAllowed(CHECKS.credentialedConnect);
  ctx.log.info(
    { action: CHECKS.credentialedConnect.id, safety: CHECKS.credentialedConnect.safety, endpoint: target.ep.url, username: entry.username },
    "mqtt CONNECT with bench credentials",
  );
  const r = await connectOnce(target.ep, ctx, target.s.anonymous!.protocolLevel!, newClientId(), false, { username: entry.username, password: entry.password });
  const v = r.attempt.verdict;
  target.s.credentialed = {
    username: entry.username,
    outcome: v === "accepted" ? "accepted" : v === "auth-refused" ? "auth-refused" : r.attempt.result === "connack" ? "refused-other" : "no-answer",
    ...(r.attempt.code !== undefined ? { code: r.attempt.code, codeName: r.attempt.codeName } : {}),
  };
}

async function tryDefaults(target: { s: MqttService; ep: ServiceEndpoint }, ctx: ProbeContext): Promise<void> {
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const data = defaultCredentials();
  const pacing = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  if (target.s.anonymous?.outcome === "accepted") {
    target.s.defaultCredentials = notTriedFacts(data, pacing, "the broker accepts connections without credentials, so an accepted default would prove nothing");
    return;
  }
  const level = target.s.anonymous!.protocolLevel!;
  const planned = data.entries.slice(0, pacing.budget);
  ctx.log.warn(
    {
      action: CHECKS.defaultCredentials.id,
      safety: "intrusive",
      endpoint: target.ep.url,
      planned: planned.map((e) => `${e.id} (${e.username})`),
      delayMs: pacing.delayMs,
    },
    "trying factory-default broker credentials",
  );
  const details = new Map<string, string>();
  const run = await attemptLogins(
    data.entries,
    pacing,
    async (entry) => {
      const r = await connectOnce(target.ep, ctx, level, newClientId(), false, { username: entry.username ?? "", password: entry.password });
      const { result, detail } = asLogin(r);
      details.set(entry.id, detail);
      ctx.log.info(
        {
          action: CHECKS.defaultCredentials.id,
          safety: "intrusive",
          endpoint: target.ep.url,
          entry: entry.id,
          username: entry.username,
          outcome: result.outcome,
        },
        "default-credential attempt",
      );
      return result;
    },
    ctx.signal,
  );
  target.s.defaultCredentials = loginRunFacts(run, data, pacing, details);
}

export async function probeMqtt(ctx: ProbeContext): Promise<MqttFacts> {
  const services = await probeServices<MqttService>({
    ctx,
    title: "MQTT",
    probe: (ep) => probeService(ep, ctx),
    failed: (ep, f) => ({
      port: ep.port,
      url: ep.url,
      tls: ep.scheme === "mqtts",
      error: { code: f.code === "absent" ? "unreachable" : f.code, message: f.message },
    }),
    learned: (s) => s.anonymous !== undefined,
    checkpoint: (services) => ({ services }),
  });
  const target = loginTarget(services, ctx.endpoints);
  if (target && !ctx.signal.aborted) {
    await benchLogin(target, ctx);
    if (ctx.intrusive && !ctx.signal.aborted) await tryDefaults(target, ctx);
  }
  return { services };
}
