// A real TLS handshake (Node's TLS, so a session can carry an application request) with the
// server's cleartext records observed on the way: the ServerHello, and for TLS <= 1.2 the
// Certificate, CertificateRequest and any alert sent before the server's ChangeCipherSpec. This is
// how a caller can say *why* a handshake failed and at which step (RFC 5246 §7.3, RFC 8446 §2),
// e.g. "CertificateRequest, then handshake_failure after our empty Certificate" versus "reset right
// after the ServerHello". Bounded: the observer keeps at most 256 KiB and stops at encryption.
import net from "node:net";
import tls from "node:tls";
import { Duplex } from "node:stream";
import { Deadline } from "../../../src/net/index.js";
import { ALERTS, ContentType } from "./constants.js";
import { TlsWireError } from "./errors.js";
import { FlightParser, type ServerFlight } from "./flight.js";
import { parseAlerts, parseRecord, recordLength, type Alert } from "./record.js";

const MAX_OBSERVED = 1 << 18;

export interface ObservedHandshakeOptions {
  host: string;
  port: number;
  timeoutMs: number;
  signal: AbortSignal;
  /** absolute end (default: timeoutMs from now) */
  deadline?: Deadline;
  servername?: string;
  minVersion?: tls.SecureVersion;
  maxVersion?: tls.SecureVersion;
  ciphers?: string;
  cert?: string;
  key?: string;
}

/** What the observer saw of the server's cleartext records. */
export interface Observation {
  flight: ServerFlight;
  /** alerts seen in the clear after the first flight (TLS <= 1.2, before the server's ChangeCipherSpec) */
  laterAlerts: Alert[];
  /** the observer could not parse what the server sent (the handshake may still have worked) */
  parseError?: string;
}

export type HandshakeStep = "tcp" | "local" | "before-server-hello" | "after-server-hello";

export type ObservedHandshake =
  | {
      kind: "connected";
      socket: tls.TLSSocket;
      protocol: string;
      cipher: string;
      /** ephemeral key exchange group as Node reports it (e.g. "X25519", "prime256v1") */
      group?: string;
      peerDer?: Buffer;
      /** the peer's chain as Node links it (leaf first, at most 10; a self-signed root ends it) */
      peerChain?: Buffer[];
      observation: Observation;
      /** an error the socket reported after the handshake (e.g. a TLS 1.3 certificate_required alert) */
      lateError(): { code: string; alert?: number } | undefined;
    }
  | { kind: "failed"; step: HandshakeStep; code: string; message: string; alert?: number; observation: Observation };

/** The alert a Node TLS error names (code ERR_SSL_..._ALERT_<NAME> or "SSL alert number N"). */
export function alertOfError(e: { code?: string; message?: string }): number | undefined {
  const n = /SSL alert number (\d+)/.exec(e.message ?? "")?.[1];
  if (n) return Number(n);
  const name = /_ALERT_([A-Z_]+)$/.exec(e.code ?? "")?.[1]?.toLowerCase();
  if (!name) return undefined;
  const hit = Object.entries(ALERTS).find(([, v]) => v === name);
  return hit ? Number(hit[0]) : undefined;
}

function observer(raw: net.Socket): { stream: Duplex; observation: Observation } {
  const parser = new FlightParser();
  const observation: Observation = { flight: parser.flight, laterAlerts: [] };
  // chunks joined once per record (a peer dripping one byte at a time costs linear time)
  let chunks: Buffer[] = [];
  let have = 0;
  let need: number | undefined;
  let seen = 0;
  let stopped = false;
  const feed = (chunk: Buffer) => {
    if (stopped) return;
    seen += chunk.length;
    if (seen > MAX_OBSERVED) return void (stopped = true);
    chunks.push(chunk);
    have += chunk.length;
    try {
      for (;;) {
        if (need === undefined) {
          if (chunks.length > 1) chunks = [Buffer.concat(chunks, have)]; // only while the 5-byte header is incomplete
          need = recordLength(chunks[0]!);
        }
        const n = need;
        if (n === undefined || have < n) return;
        need = undefined;
        const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have);
        const rec = parseRecord(all.subarray(0, n));
        const rest = all.subarray(n);
        chunks = rest.length ? [rest] : [];
        have = rest.length;
        if (!parser.done) parser.push(rec);
        else if (rec.type === ContentType.alert && observation.laterAlerts.length < 4) observation.laterAlerts.push(...parseAlerts(rec.payload, 2));
        else if (rec.type === ContentType.changeCipherSpec || rec.type === ContentType.applicationData) return void (stopped = true);
        if (have === 0) return;
      }
    } catch (e) {
      observation.parseError = e instanceof TlsWireError ? e.message : String(e);
      stopped = true;
    }
  };
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
    feed(chunk);
    if (!stream.push(chunk)) raw.pause();
  });
  raw.on("end", () => stream.push(null));
  raw.on("error", (e) => stream.destroy(e));
  raw.on("close", () => stream.destroy());
  return { stream, observation };
}

function connectRaw(o: ObservedHandshakeOptions, deadline: Deadline): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (o.signal.aborted) return reject(Object.assign(new Error("aborted"), { code: "ABORTED" }));
    const socket = net.connect({ host: o.host, port: o.port });
    const done = (e?: Error) => {
      clearTimeout(timer);
      o.signal.removeEventListener("abort", onAbort);
      socket.removeListener("error", done);
      if (e) {
        socket.destroy();
        reject(e);
      } else {
        socket.setNoDelay(true);
        resolve(socket);
      }
    };
    const timer = setTimeout(
      () => done(Object.assign(new Error(`TCP connect timed out after ${o.timeoutMs} ms`), { code: "ETIMEDOUT" })),
      Math.max(1, Math.min(o.timeoutMs, deadline.remaining())),
    );
    const onAbort = () => done(Object.assign(new Error("aborted"), { code: "ABORTED" }));
    o.signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", done);
    socket.once("connect", () => done());
  });
}

/** One Node TLS handshake with the server's cleartext records observed; never throws. */
export async function observedHandshake(o: ObservedHandshakeOptions): Promise<ObservedHandshake> {
  const deadline = o.deadline ?? new Deadline(o.timeoutMs, o.signal);
  const empty: Observation = { flight: new FlightParser().flight, laterAlerts: [] };
  let raw: net.Socket;
  try {
    raw = await connectRaw(o, deadline);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return { kind: "failed", step: "tcp", code: err.code ?? "ECONNECT", message: err.message, observation: empty };
  }
  const obs = observer(raw);
  return new Promise((resolve) => {
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({
        socket: obs.stream,
        ...(o.servername && net.isIP(o.servername) === 0 ? { servername: o.servername } : {}),
        rejectUnauthorized: false, // the certificate is recorded and judged; trust is the operator's PKI question
        minVersion: o.minVersion ?? "TLSv1",
        maxVersion: o.maxVersion ?? "TLSv1.3",
        ciphers: o.ciphers ?? "DEFAULT@SECLEVEL=0",
        ...(o.cert && o.key ? { cert: o.cert, key: o.key } : {}),
      });
    } catch (e) {
      raw.destroy();
      const err = e as NodeJS.ErrnoException;
      return resolve({ kind: "failed", step: "local", code: err.code ?? "ERR_LOCAL", message: err.message.split("\n")[0]!, observation: obs.observation });
    }
    let done = false;
    let late: { code: string; alert?: number } | undefined;
    const step = (): HandshakeStep => (obs.observation.flight.serverHello ? "after-server-hello" : "before-server-hello");
    const finish = (r: ObservedHandshake) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      o.signal.removeEventListener("abort", onAbort);
      if (r.kind === "failed") {
        socket.destroy();
        raw.destroy();
      }
      resolve(r);
    };
    const fail = (code: string, message: string, alert?: number) =>
      finish({ kind: "failed", step: step(), code, message, ...(alert !== undefined ? { alert } : {}), observation: obs.observation });
    const timer = setTimeout(() => fail("ETIMEDOUT", `no TLS handshake within ${o.timeoutMs} ms`), Math.max(1, deadline.remaining()));
    const onAbort = () => fail("ABORTED", "aborted");
    o.signal.addEventListener("abort", onAbort, { once: true });
    socket.once("secureConnect", () => {
      const peer = socket.getPeerCertificate(true);
      const chain: Buffer[] = [];
      for (let c: tls.DetailedPeerCertificate | undefined = peer?.raw ? peer : undefined; c?.raw && chain.length < 10; c = c.issuerCertificate) {
        if (chain.some((x) => x.equals(c!.raw))) break; // the root points to itself
        chain.push(c.raw);
      }
      const cipher = socket.getCipher();
      const eph = socket.getEphemeralKeyInfo() as { name?: string } | null;
      finish({
        kind: "connected",
        socket,
        protocol: socket.getProtocol() ?? "unknown",
        cipher: cipher?.standardName ?? cipher?.name ?? "unknown",
        ...(eph?.name ? { group: eph.name } : {}),
        ...(peer?.raw ? { peerDer: peer.raw, peerChain: chain } : {}),
        observation: obs.observation,
        lateError: () => late,
      });
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      const alert = alertOfError(e) ?? obs.observation.laterAlerts[0]?.description ?? obs.observation.flight.alerts[0]?.description;
      if (done) late ??= { code: e.code ?? "ERR", ...(alert !== undefined ? { alert } : {}) };
      fail(e.code ?? "ERR", e.message.split("\n")[0]!, alert);
    });
    socket.once("close", () => {
      const alert = obs.observation.laterAlerts[0]?.description ?? obs.observation.flight.alerts[0]?.description;
      if (done) late ??= { code: "ECONNRESET", ...(alert !== undefined ? { alert } : {}) };
      fail("ECONNRESET", "connection closed during the handshake", alert);
    });
  });
}
