// Modbus/TCP Security (Modbus/TCP Security Protocol Specification, 2018: Modbus over TLS 1.2+ on
// port 802, mutual authentication with X.509 certificates, role in extension 1.3.6.1.4.1.50316.802.1).
// Phases, each handed to the core as a checkpoint: (1) raw ClientHellos per version and per weak
// suite family (tls-scan.ts, passive); (2) a handshake without a client certificate plus one
// read-only request, and (3) with the operator's certificate (tls-session.ts). A TLS service counts
// as offered only on proof (a completed handshake, a whole TLS <= 1.2 server flight, or an alert
// naming the missing client certificate after the ServerHello) - never from a ServerHello alone.
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { Deadline } from "../../src/net/index.js";
import { versionName } from "../tls/wire/constants.js";
import { TlsWireError } from "../tls/wire/errors.js";
import { certificateFacts, roleOf } from "./certs.js";
import type { TlsEndpointFacts } from "./facts.js";
import { scanVersions, scanWeakSuites } from "./tls-scan.js";
import { bareSession, certificateSession } from "./tls-session.js";

export interface TlsTarget {
  host: string;
  port: number;
  url: string;
  role: "target" | "companion";
}

export interface TlsProbeOptions {
  timeoutMs: number;
  signal: AbortSignal;
  log: Logger;
  /** unit id for the single read request (first that answered on plain Modbus, else 1) */
  unitId: number;
  clientCredential?: { certificate: string; key: string };
  /** end of this endpoint's phase (default: 6 x timeout from now) */
  deadline?: Deadline;
  /** called with the facts so far after each phase */
  checkpoint?(partial: TlsEndpointFacts): void;
}

/** The role of the first certificate of a PEM file, if any. */
function roleOfPem(pem: string): string | undefined {
  const b64 = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  return b64 ? roleOf(Buffer.from(b64.replace(/\s+/g, ""), "base64")) : undefined;
}

function setCertificate(facts: TlsEndpointFacts, der: Buffer, source: "server-flight" | "handshake", chainLength?: number): void {
  if (facts.certificate || facts.certificateError) return;
  try {
    facts.certificate = { ...certificateFacts(der, new Date(), source), ...(chainLength !== undefined ? { chainLength } : {}) };
  } catch (e) {
    facts.certificateError = { code: "unparsed", message: e instanceof TlsWireError ? e.message : `certificate does not parse: ${(e as Error).message}` };
  }
}

/** A TLS service is proven: record how (tlsOffered follows the proof, nothing else sets it). */
function prove(facts: TlsEndpointFacts, proof: "handshake-completed" | "server-flight" | "client-certificate-alert", detail: string): void {
  facts.tlsOffered = true;
  facts.service = { proof, detail };
}

export async function probeTlsEndpoint(t: TlsTarget, o: TlsProbeOptions): Promise<TlsEndpointFacts> {
  const deadline = o.deadline ?? new Deadline(6 * o.timeoutMs, o.signal);
  const facts: TlsEndpointFacts = {
    port: t.port,
    url: t.url,
    role: t.role,
    reachability: "open",
    tlsOffered: false,
    versions: [],
    weakSuites: [],
    clientCertificate: { required: "unknown", evidence: "none", detail: "not tested" },
    withClientCertificate: { status: o.clientCredential ? "error" : "not_supplied" },
  };
  const ctx = { host: t.host, port: t.port, url: t.url, timeoutMs: o.timeoutMs, signal: o.signal, deadline, log: o.log };

  // 1. versions, one raw ClientHello each
  const scan = await scanVersions(ctx);
  facts.versions = scan.versions;
  if (scan.closed) {
    facts.reachability = "closed";
    facts.error = { code: "refused", message: `connection refused: ${t.url}` };
    return facts;
  }
  if (scan.error) {
    facts.error = scan.error;
    if (!scan.versions.some((v) => v.result === "accepted" || v.result === "refused" || v.result === "incomplete"))
      facts.reachability = scan.error.code === "timeout" || scan.error.code === "aborted" ? "open" : "error";
  }
  const flight = scan.flight?.flight;
  if (flight?.serverHello) {
    facts.serverFlight = {
      version: flight.serverHello.version,
      cipherCode: flight.serverHello.cipherSuite,
      certificates: flight.certificate?.certificates.length ?? 0,
      ...(flight.certificateRequest
        ? {
            certificateRequest: {
              certificateTypes: flight.certificateRequest.certificateTypes,
              signatureAlgorithms: flight.certificateRequest.signatureAlgorithms,
              authorities: flight.certificateRequest.authorities,
            },
          }
        : {}),
      anomalies: flight.anomalies,
    };
    const leaf = flight.certificate?.certificates[0];
    if (leaf) setCertificate(facts, leaf, "server-flight", flight.certificate!.certificates.length + (flight.certificate!.truncated ? 1 : 0));
  }
  if (flight?.serverHello)
    prove(facts, "server-flight", `a whole ${versionName(flight.serverHello.version) ?? "TLS"} server flight (ServerHello .. ServerHelloDone)`);
  o.checkpoint?.(facts);
  const anyServerHello = facts.versions.some((v) => v.result === "accepted" || v.result === "incomplete");
  if (!anyServerHello) {
    facts.service = { proof: "none", detail: facts.versions.map((v) => `${v.version}: ${v.result}${v.detail ? ` (${v.detail})` : ""}`).join("; ") };
    return facts;
  }

  // 2. weak suite families
  facts.weakSuites = await scanWeakSuites(ctx, facts.versions);
  o.checkpoint?.(facts);

  // 3. a real handshake without a client certificate, then one read
  const sctx = { ...ctx, unitId: o.unitId };
  const bare = await bareSession(sctx, flight?.certificateRequest !== undefined);
  facts.clientCertificate = bare.clientCertificate;
  if (bare.handshake.kind === "connected") {
    facts.negotiated = { protocol: bare.handshake.protocol, cipher: bare.handshake.cipher, ...(bare.handshake.group ? { group: bare.handshake.group } : {}) };
    prove(facts, "handshake-completed", `a ${bare.handshake.protocol} handshake without a client certificate completed`);
    if (bare.handshake.peerDer) setCertificate(facts, bare.handshake.peerDer, "handshake");
  } else if (!facts.tlsOffered && bare.clientCertificate.evidence === "alert") {
    prove(facts, "client-certificate-alert", bare.clientCertificate.detail);
  }
  o.checkpoint?.(facts);

  // 4. with the operator's client certificate
  if (o.clientCredential) {
    let pem: { cert: string; key: string } | undefined;
    try {
      const [cert, key] = await Promise.all([readFile(o.clientCredential.certificate, "utf8"), readFile(o.clientCredential.key, "utf8")]);
      pem = { cert, key };
    } catch (e) {
      facts.withClientCertificate = { status: "error", detail: `cannot use the supplied client certificate: ${(e as Error).message.split("\n")[0]}` };
    }
    if (pem && !o.signal.aborted) {
      const r = await certificateSession(sctx, pem.cert, pem.key, roleOfPem(pem.cert));
      facts.withClientCertificate = r.facts;
      if (r.handshake.kind === "connected") {
        facts.negotiated ??= { protocol: r.handshake.protocol, cipher: r.handshake.cipher, ...(r.handshake.group ? { group: r.handshake.group } : {}) };
        if (facts.service?.proof !== "handshake-completed")
          prove(facts, "handshake-completed", `a ${r.handshake.protocol} handshake with the supplied client certificate completed`);
        if (r.handshake.peerDer) setCertificate(facts, r.handshake.peerDer, "handshake");
      }
    }
  }
  if (!facts.tlsOffered)
    facts.service = {
      proof: "none",
      detail: `the server chose parameters but no handshake completed: ${
        facts.versions
          .filter((v) => v.result === "incomplete")
          .map((v) => `${v.version}: ${v.detail}`)
          .join("; ") || bare.clientCertificate.detail
      }`,
    };
  return facts;
}
