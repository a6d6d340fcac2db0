// Modbus/TCP Security (Modbus/TCP Security Protocol Specification, 2018: Modbus over TLS 1.2+ on
// port 802, mutual authentication with X.509 certificates, role in extension 1.3.6.1.4.1.50316.802.1).
// Handshakes only, plus one read-only request (Read Device Identification, basic) where a
// handshake completes: versions accepted, weak suite families, server certificate, whether a client
// certificate is required, and what a supplied client certificate is allowed to read.
import tls from "node:tls";
import net, { isIP } from "node:net";
import { Duplex } from "node:stream";
import { readFile } from "node:fs/promises";
import type { Logger } from "pino";
import { MbapClient, MbapError, closeSocket, connectTcp } from "./client.js";
import { certificateFacts } from "./certs.js";
import { ALERT_NAMES, TLS_VERSION_CODES, parseFirstRecord, type FirstRecord } from "./tls-hello.js";
import type { TlsEndpointFacts, TlsVersionName } from "./facts.js";
import { tlsKnowledge } from "./knowledge.js";
import { READ_DEVICE_ID_CODE, readDeviceIdRequest } from "./mbap.js";

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
  /** unit ids to use for the single read request (first that answered on plain Modbus, else 1) */
  unitId: number;
  clientCredential?: { certificate: string; key: string };
}

type Hello = { version: number; cipherSuite: number };
type Handshake =
  | { kind: "connected"; socket: tls.TLSSocket; protocol: string; cipher: string; peerDer?: Buffer; hello?: Hello }
  | { kind: "failed"; stage: "tcp" | "tls"; code: string; message: string; hello?: Hello; alert?: string };

const VERSIONS: TlsVersionName[] = ["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

/** Our own OpenSSL cannot offer this version or suite: "could not test", never "refused". */
const LOCAL_LIMIT_CODES = new Set(["ERR_SSL_NO_PROTOCOLS_AVAILABLE", "ERR_SSL_NO_CIPHER_MATCH", "ERR_SSL_NO_CIPHERS_AVAILABLE"]);

/**
 * A pass-through stream over the TCP socket that reads the server's first TLS record as it goes by,
 * so the probe sees the ServerHello (chosen version and suite) or the alert itself.
 */
function sniffing(raw: net.Socket): { stream: Duplex; first(): FirstRecord } {
  let head = Buffer.alloc(0);
  let first: FirstRecord = { kind: "need-more" };
  const stream = new Duplex({
    write(chunk: Buffer, _enc, cb) {
      raw.write(chunk, cb);
    },
    final(cb) {
      raw.end();
      cb();
    },
    read() {
      raw.resume();
    },
    destroy(err, cb) {
      raw.destroy();
      cb(err);
    },
  });
  raw.on("data", (chunk: Buffer) => {
    if (first.kind === "need-more" && head.length < 4096) {
      head = Buffer.concat([head, chunk]);
      first = parseFirstRecord(head);
    }
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on("end", () => stream.push(null));
  raw.on("error", (e) => stream.destroy(e));
  raw.on("close", () => stream.destroy());
  return { stream, first: () => first };
}

function alertName(r: FirstRecord): string | undefined {
  return r.kind === "alert" ? `${ALERT_NAMES[r.description] ?? "alert"} (${r.description})` : undefined;
}

async function handshake(
  t: TlsTarget,
  o: { timeoutMs: number; signal: AbortSignal; minVersion?: tls.SecureVersion; maxVersion?: tls.SecureVersion; ciphers?: string; cert?: string; key?: string },
): Promise<Handshake> {
  let raw: net.Socket;
  try {
    raw = await connectTcp({ host: t.host, port: t.port, timeoutMs: o.timeoutMs, signal: o.signal });
  } catch (e) {
    const err = e as MbapError;
    return { kind: "failed", stage: "tcp", code: err.kind === "refused" ? "ECONNREFUSED" : err.kind === "timeout" ? "ETIMEDOUT" : err.kind === "aborted" ? "ABORTED" : "EUNREACHABLE", message: err.message };
  }
  const sniff = sniffing(raw);
  return new Promise((resolve) => {
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        socket: sniff.stream,
        ...(isIP(t.host) ? {} : { servername: t.host }),
        rejectUnauthorized: false, // we record the certificate; trust is the operator's PKI question
        minVersion: o.minVersion ?? "TLSv1",
        maxVersion: o.maxVersion ?? "TLSv1.3",
        ciphers: o.ciphers ?? "DEFAULT@SECLEVEL=0",
        ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
      });
    } catch (e) {
      raw.destroy();
      const err = e as NodeJS.ErrnoException;
      return resolve({ kind: "failed", stage: "tls", code: err.code ?? "ERR_LOCAL", message: err.message.split("\n")[0]! });
    }
    let done = false;
    const hello = (): Hello | undefined => {
      const f = sniff.first();
      return f.kind === "server-hello" ? { version: f.version, cipherSuite: f.cipherSuite } : undefined;
    };
    const finish = (r: Handshake) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal.removeEventListener("abort", onAbort);
      const h = hello();
      if (h) r.hello = h;
      if (r.kind === "failed") {
        const a = alertName(sniff.first());
        if (a) r.alert = a;
        socket.destroy();
        raw.destroy();
      }
      resolve(r);
    };
    const timer = setTimeout(() => finish({ kind: "failed", stage: "tls", code: "ETIMEDOUT", message: `no TLS handshake within ${o.timeoutMs} ms` }), o.timeoutMs);
    const onAbort = () => finish({ kind: "failed", stage: "tls", code: "ABORTED", message: "aborted" });
    o.signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(true);
      const r: Handshake = { kind: "connected", socket, protocol: socket.getProtocol() ?? "unknown", cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? "unknown" };
      if (peer && peer.raw) r.peerDer = peer.raw;
      finish(r);
    });
    socket.on("error", (e: NodeJS.ErrnoException) => finish({ kind: "failed", stage: "tls", code: e.code ?? "ERR", message: e.message.split("\n")[0]! }));
    socket.once("close", () => finish({ kind: "failed", stage: "tls", code: "ECONNRESET", message: "connection closed during the handshake" }));
  });
}

/** Classify one constrained handshake: the ServerHello on the wire decides "accepted". */
function classify(h: Handshake, offeredVersion?: TlsVersionName): { result: "accepted" | "refused" | "untestable" | "error"; cipher?: string; detail?: string } {
  if (h.kind === "connected") return { result: "accepted", cipher: h.cipher };
  if (LOCAL_LIMIT_CODES.has(h.code)) return { result: "untestable", detail: `the local OpenSSL cannot offer it (${h.code})` };
  const suite = h.hello ? `0x${h.hello.cipherSuite.toString(16).padStart(4, "0")}` : undefined;
  if (h.hello && (!offeredVersion || h.hello.version === TLS_VERSION_CODES[offeredVersion])) {
    return { result: "accepted", ...(suite ? { cipher: suite } : {}), detail: `ServerHello chose it; handshake then ended with ${h.alert ?? h.code} (client-certificate stage)` };
  }
  if (h.code === "ETIMEDOUT" || h.code === "ABORTED") return { result: "error", detail: h.message };
  return { result: "refused", detail: h.alert ?? h.code };
}

type ReadOutcome = { kind: "answered"; exception?: { code: number; name: string } } | { kind: "refused"; detail: string } | { kind: "unknown"; detail: string };

/** Send one read-only request over an established TLS connection; an alert or a close means refused. */
async function readOnce(socket: tls.TLSSocket, unitId: number, o: TlsProbeOptions): Promise<ReadOutcome> {
  const client = new MbapClient(socket, { timeoutMs: o.timeoutMs, signal: o.signal });
  try {
    const reply = await client.request(unitId, readDeviceIdRequest(READ_DEVICE_ID_CODE.basic, 0));
    if (reply.kind === "exception") return { kind: "answered", exception: { code: reply.exceptionCode, name: reply.exceptionName } };
    return { kind: "answered" };
  } catch (e) {
    const err = e as MbapError;
    if (err.kind === "closed") return { kind: "refused", detail: err.message };
    return { kind: "unknown", detail: `${err.kind}: ${err.message}` };
  } finally {
    await client.close();
  }
}

async function close(h: Handshake, timeoutMs: number): Promise<void> {
  if (h.kind === "connected") await closeSocket(h.socket, timeoutMs);
}

export async function probeTlsEndpoint(t: TlsTarget, o: TlsProbeOptions): Promise<TlsEndpointFacts> {
  const knowledge = tlsKnowledge();
  const facts: TlsEndpointFacts = {
    port: t.port,
    url: t.url,
    role: t.role,
    reachability: "open",
    tlsOffered: false,
    versions: [],
    weakSuites: [],
    clientCertificate: { required: "unknown", detail: "not tested" },
    withClientCertificate: { status: o.clientCredential ? "error" : "not_supplied" },
  };
  const base = { timeoutMs: o.timeoutMs, signal: o.signal };
  let peerDer: Buffer | undefined;

  // 1. TLS versions, one at a time (RFC 8996 deprecates 1.0 and 1.1); no client certificate is
  // presented: the ServerHello seen on the wire says whether the server chose the offered version
  for (const version of VERSIONS) {
    if (o.signal.aborted) {
      // versions not tried are "could not test", never "refused" (no silent gaps in the facts)
      for (const v of VERSIONS.slice(VERSIONS.indexOf(version))) facts.versions.push({ version: v, result: "error", detail: "not tried: run aborted" });
      facts.error = { code: "aborted", message: "stopped: run deadline or interrupt" };
      break;
    }
    o.log.info({ action: "tls-version", safety: "passive", endpoint: t.url, version }, "TLS handshake");
    const h = await handshake(t, { ...base, minVersion: version, maxVersion: version });
    if (h.kind === "failed" && h.stage === "tcp") {
      facts.reachability = h.code === "ECONNREFUSED" ? "closed" : "error";
      facts.error = { code: h.code === "ECONNREFUSED" ? "refused" : h.code === "ETIMEDOUT" ? "timeout" : h.code === "ABORTED" ? "aborted" : "unreachable", message: h.message };
      return facts;
    }
    const c = classify(h, version);
    facts.versions.push({ version, ...c });
    if (h.kind === "connected") {
      peerDer ??= h.peerDer;
      await close(h, o.timeoutMs);
    }
    if (c.result === "error") {
      // a peer that does not speak TLS at all (or hangs) is not asked again for every version
      facts.error = { code: h.kind === "failed" && h.code === "ABORTED" ? "aborted" : "timeout", message: `${version}: ${c.detail}` };
      break;
    }
  }
  facts.tlsOffered = facts.versions.some((v) => v.result === "accepted");
  if (!facts.tlsOffered) return facts;

  // 2. weak suite families with TLS <= 1.2, one handshake each
  const belowTls13 = facts.versions.some((v) => v.version !== "TLSv1.3" && v.result === "accepted");
  for (const family of knowledge.weakSuites) {
    if (o.signal.aborted) {
      facts.weakSuites.push({ id: family.id, result: "error", detail: "not tried: run aborted" });
      continue;
    }
    if (!belowTls13) {
      facts.weakSuites.push({ id: family.id, result: "refused", detail: "server accepts no TLS version below 1.3 (TLS 1.3 has no such suites)" });
      continue;
    }
    try {
      tls.createSecureContext({ ciphers: family.openssl });
    } catch {
      facts.weakSuites.push({ id: family.id, result: "untestable", detail: "the local OpenSSL has no suite of this family" });
      continue;
    }
    o.log.info({ action: "tls-weak-suite", safety: "passive", endpoint: t.url, family: family.id }, "TLS handshake");
    const h = await handshake(t, { ...base, minVersion: "TLSv1", maxVersion: "TLSv1.2", ciphers: family.openssl });
    facts.weakSuites.push({ id: family.id, ...classify(h) });
    if (h.kind === "connected") await close(h, o.timeoutMs);
  }

  // 3. client certificate required? handshake without one, then one read-only request
  o.log.info({ action: "tls-no-client-cert", safety: "read", endpoint: t.url, unitId: o.unitId, functionCode: 43 }, "TLS handshake without a client certificate");
  const bare = await handshake(t, base);
  if (bare.kind === "failed") {
    // "required" only when the server itself ended the handshake after its ServerHello (an alert,
    // or closing the connection); a timeout, an abort or our own TLS library giving up says nothing
    const serverEnded = /_ALERT_/.test(bare.code) || bare.code === "ECONNRESET";
    const pastHello = (bare.hello !== undefined && serverEnded) || bare.alert?.includes("certificate_required");
    facts.clientCertificate = pastHello
      ? { required: "required", detail: `handshake without a client certificate refused after the ServerHello (${bare.alert ?? bare.code})` }
      : { required: "unknown", detail: `handshake failed before the server chose parameters (${bare.alert ?? bare.code}: ${bare.message})` };
  } else {
    facts.negotiated = { protocol: bare.protocol, cipher: bare.cipher };
    peerDer ??= bare.peerDer;
    const r = await readOnce(bare.socket, o.unitId, o);
    facts.clientCertificate =
      r.kind === "answered"
        ? { required: "not_required", detail: `unit ${o.unitId} answered function code 43 without a client certificate${r.exception ? ` (exception ${r.exception.name})` : ""}` }
        : r.kind === "refused"
          ? { required: "required", detail: `connection closed after the handshake without a client certificate (${r.detail})` }
          : { required: "unknown", detail: r.detail };
  }

  // 4. with the operator's client certificate: what may it read, and which role does it carry
  if (o.clientCredential) {
    try {
      const [cert, key] = await Promise.all([readFile(o.clientCredential.certificate, "utf8"), readFile(o.clientCredential.key, "utf8")]);
      o.log.info({ action: "tls-client-cert", safety: "read", endpoint: t.url, unitId: o.unitId, functionCode: 43 }, "TLS handshake with the supplied client certificate");
      const h = await handshake(t, { ...base, cert, key });
      const role = await roleOfPem(cert);
      if (h.kind === "failed") {
        facts.withClientCertificate = { status: "refused", detail: `handshake with the supplied certificate refused (${h.code})`, ...(role !== undefined ? { role } : {}) };
      } else {
        peerDer ??= h.peerDer;
        facts.negotiated ??= { protocol: h.protocol, cipher: h.cipher };
        const r = await readOnce(h.socket, o.unitId, o);
        facts.withClientCertificate = {
          status: r.kind === "refused" ? "refused" : r.kind === "answered" ? "accepted" : "error",
          readAnswered: r.kind === "answered" && !r.exception,
          ...(r.kind === "answered" && r.exception ? { exception: r.exception } : {}),
          ...(role !== undefined ? { role } : {}),
          detail: r.kind === "answered" ? `unit ${o.unitId} answered function code 43${r.exception ? ` with exception ${r.exception.name}` : ""}` : r.detail,
        };
      }
    } catch (e) {
      facts.withClientCertificate = { status: "error", detail: `cannot use the supplied client certificate: ${(e as Error).message.split("\n")[0]}` };
    }
  }

  if (peerDer) {
    try {
      facts.certificate = await certificateFacts(peerDer);
    } catch (e) {
      o.log.warn({ endpoint: t.url, err: (e as Error).message }, "server certificate could not be parsed");
    }
  }
  return facts;
}

/** The Modbus role carried by a PEM certificate (first certificate of the file), if any. */
async function roleOfPem(pem: string): Promise<string | undefined> {
  const b64 = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem)?.[1];
  if (!b64) return undefined;
  const facts = await certificateFacts(Buffer.from(b64.replace(/\s+/g, ""), "base64")).catch(() => undefined);
  return facts?.role;
}
