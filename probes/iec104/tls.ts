// IEC 104 over TLS (IEC 62351-3:2014, port 19998): one Node TLS handshake with the server's cleartext
// records observed (probes/tls/wire/observed-handshake.ts), without a client certificate: the
// ServerHello, the certificate (TLS <= 1.2 in clear; the completed session otherwise) and whether the
// server asks for a client certificate (IEC 62351-3 §5.? requires mutual authentication). If the
// session completes, one TESTFR act inside it proves IEC 104 is behind the TLS; then a polite close.
import { X509Certificate } from "node:crypto";
import type { ProbeContext } from "../../src/plugin.js";
import { Connection, type Deadline } from "../../src/net/index.js";
import { ALERTS, versionName } from "../tls/wire/constants.js";
import { observedHandshake } from "../tls/wire/observed-handshake.js";
import { describeCertificate } from "../tls/wire/x509.js";
import type { TlsFacts } from "./facts.js";
import { testfrExchange } from "./probe.js";

type Planned = { port: number; url: string; role: "target" | "companion" };

/** Alerts that name a missing or refused client certificate (RFC 8446 §6.2, RFC 5246 §7.2.2). */
const CLIENT_CERT_ALERTS = new Set([40, 42, 116]);

function certificateOf(der: Buffer | undefined): TlsFacts["certificate"] {
  if (!der) return undefined;
  try {
    const d = describeCertificate(der);
    return {
      subject: d.subject,
      issuer: d.issuer,
      selfSigned: d.selfSigned,
      notBefore: d.notBefore,
      notAfter: d.notAfter,
      keyAlgorithm: d.keyType,
      ...(d.keyBits ? { keyBits: d.keyBits } : {}),
      ...(d.namedCurve ? { namedCurve: d.namedCurve } : {}),
      signatureAlgorithm: d.signatureAlgorithm,
      ...(d.signatureHash ? { signatureHash: d.signatureHash } : {}),
      sha256: d.sha256,
    };
  } catch {
    return undefined;
  }
}

function firstCertificateDer(list: readonly Buffer[] | undefined): Buffer | undefined {
  const der = list?.[0];
  if (!der) return undefined;
  try {
    new X509Certificate(der);
    return der;
  } catch {
    return undefined;
  }
}

export async function probeTls(ctx: ProbeContext, host: string, t: Planned, budget: Deadline): Promise<TlsFacts> {
  const facts: TlsFacts = {
    url: t.url,
    port: t.port,
    role: t.role,
    reachability: "error",
    proof: "none",
    certificateRequested: false,
    testfr: "not-sent",
    detail: "",
  };
  const hs = await observedHandshake({
    host,
    port: t.port,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    deadline: budget.within(ctx.timeoutMs),
    servername: host,
  });
  const flight = hs.observation.flight;
  facts.certificateRequested = flight.certificateRequest !== undefined;
  const sh = flight.serverHello;
  if (hs.kind === "failed") {
    if (hs.step === "tcp") {
      facts.reachability = /ECONNREFUSED/.test(hs.code) ? "closed" : "error";
      facts.error = { code: hs.code === "ECONNREFUSED" ? "refused" : hs.code === "ETIMEDOUT" ? "timeout" : "unreachable", message: hs.message };
      facts.detail = hs.message;
      return facts;
    }
    facts.reachability = "open";
    if (hs.code === "ETIMEDOUT" || hs.code === "ABORTED") facts.error = { code: hs.code === "ETIMEDOUT" ? "timeout" : "aborted", message: hs.message };
    if (hs.alert !== undefined) facts.alert = { code: hs.alert, name: ALERTS[hs.alert] ?? `alert ${hs.alert}` };
    const cert = certificateOf(firstCertificateDer(flight.certificate?.certificates));
    if (cert) facts.certificate = cert;
    if (sh && facts.certificateRequested && hs.alert !== undefined && CLIENT_CERT_ALERTS.has(hs.alert)) {
      facts.proof = "client-certificate-alert";
      facts.detail = `the server asked for a client certificate (CertificateRequest) and ended the handshake without one with ${facts.alert!.name}`;
    } else facts.detail = `no TLS session (${hs.step}): ${hs.message}`;
    if (sh) {
      facts.cipher = `0x${sh.cipherSuite.toString(16).padStart(4, "0")}`;
      facts.protocol = versionName(sh.version) ?? `0x${sh.version.toString(16)}`;
    }
    return facts;
  }
  facts.reachability = "open";
  facts.proof = "handshake-completed";
  facts.protocol = hs.protocol;
  facts.cipher = hs.cipher;
  if (hs.group) facts.group = hs.group;
  const cert = certificateOf(hs.peerDer);
  if (cert) facts.certificate = cert;
  facts.detail = `TLS session established without a client certificate (${hs.protocol}, ${hs.cipher})${facts.certificateRequested ? "; a certificate was requested but not required" : ""}`;
  const conn = Connection.adopt(hs.socket, 8192);
  try {
    const sent: string[] = [];
    const ex = await testfrExchange(conn, budget.within(ctx.timeoutMs), sent);
    facts.testfr = ex.testfr;
    const late = hs.lateError();
    if (late?.alert !== undefined) {
      facts.alert = { code: late.alert, name: ALERTS[late.alert] ?? `alert ${late.alert}` };
      if (CLIENT_CERT_ALERTS.has(late.alert)) {
        facts.proof = "client-certificate-alert";
        facts.detail = `TLS 1.3 handshake completed, then the server refused the session without a client certificate (${facts.alert.name})`;
      }
    }
  } finally {
    await conn.close(Math.min(1000, ctx.timeoutMs));
  }
  return facts;
}
