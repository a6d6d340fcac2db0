// The probe's datagram and handshake exchanges besides the encapsulation session: one ListIdentity
// by UDP unicast (CIP Vol. 2 §2-4.2: ListIdentity may be sent by UDP; a device that only answers
// UDP is still found), one TLS ClientHello to TCP 2221 (EtherNet/IP over TLS, CIP Vol. 8) through
// probes/tls/wire (the server's first flight is read, no session is set up), and one DTLS 1.2
// ClientHello to UDP 2222 (RFC 6347 §4.2.1: a HelloVerifyRequest or ServerHello proves DTLS; no
// cookie is returned, so no session follows). Each waits at most the given deadline, once.
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import { createHash, randomBytes } from "node:crypto";
import { Connection, type Deadline, type NetError } from "../../src/net/index.js";
import { exchangeHello } from "../tls/wire/client.js";
import { buildClientHello, clientHelloBody, keyShareFor } from "../tls/wire/hello.js";
import { versionName } from "../tls/wire/constants.js";
import { describeCertificate } from "../tls/wire/x509.js";
import type { SecureTransport } from "./facts.js";
import { CMD, ITEM, encode, parseCpf, parseHeader, parseIdentityItem, type IdentityItem } from "./wire.js";

/** One datagram to host:port, the first answer from that address and port (others ignored), or undefined at the deadline. */
export function udpExchange(host: string, port: number, payload: Buffer, deadline: Deadline): Promise<{ answer?: Buffer; error?: string }> {
  return new Promise((resolve) => {
    const sock = createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    let done = false;
    const finish = (r: { answer?: Buffer; error?: string }) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      deadline.signal?.removeEventListener("abort", onAbort);
      sock.close();
      resolve(r);
    };
    const onAbort = () => finish({ error: "aborted" });
    const timer = setTimeout(() => finish({}), deadline.remaining());
    deadline.signal?.addEventListener("abort", onAbort, { once: true });
    sock.on("error", (e: NodeJS.ErrnoException) => finish({ error: e.code === "ECONNREFUSED" ? "port unreachable (ICMP)" : e.message }));
    sock.on("message", (msg, rinfo) => {
      if (rinfo.port === port) finish({ answer: Buffer.from(msg.subarray(0, 65_535)) });
    });
    sock.connect(port, host, () => sock.send(payload, (e) => e && finish({ error: e.message })));
  });
}

/** ListIdentity by UDP unicast: the identity item of the answer, or why there is none. */
export async function udpListIdentity(
  host: string,
  port: number,
  deadline: Deadline,
): Promise<{ status: "answered" | "silent" | "error"; identity?: IdentityItem; message?: string }> {
  const r = await udpExchange(host, port, encode(CMD.LIST_IDENTITY), deadline);
  if (r.error) return { status: "error", message: r.error };
  if (!r.answer) return { status: "silent" };
  try {
    const h = parseHeader(r.answer);
    if (h.command !== CMD.LIST_IDENTITY || h.status !== 0) return { status: "error", message: `reply command 0x${h.command.toString(16)}, status ${h.status}` };
    const item = parseCpf(r.answer.subarray(24, 24 + h.length)).items.find((i) => i.typeId === ITEM.IDENTITY);
    return item ? { status: "answered", identity: parseIdentityItem(item.data) } : { status: "error", message: "no identity item in the reply" };
  } catch (e) {
    return { status: "error", message: `unparsed: ${(e as Error).message}` };
  }
}

const SUITES = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0x009c, 0x009d, 0x002f, 0x0035];
const SIGALGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601, 0x0201];

/** One ClientHello (TLS 1.2/1.3) to tcp/port: did a TLS server answer, with which version and certificate? */
export async function probeTls(host: string, port: number, timeoutMs: number, deadline: Deadline): Promise<SecureTransport> {
  const base = { port, transport: "tcp" as const };
  let conn: Connection;
  try {
    conn = await Connection.open({
      host,
      port,
      timeoutMs: Math.max(1, Math.min(timeoutMs, deadline.remaining())),
      signal: deadline.signal,
      maxBuffered: 1 << 17,
    });
  } catch (e) {
    const code = (e as NetError).code;
    return { ...base, status: code === "refused" ? "refused" : code === "timeout" ? "silent" : "error", detail: (e as Error).message };
  }
  try {
    const hello = buildClientHello({
      version: 0x0303,
      cipherSuites: SUITES,
      supportedVersions: [0x0304, 0x0303],
      groups: [0x001d, 0x0017, 0x0018],
      signatureAlgorithms: SIGALGS,
      keyShares: [{ group: 0x001d, key: keyShareFor(0x001d)! }],
      serverName: isIP(host) ? undefined : host,
    });
    const r = await exchangeHello(conn, hello, deadline.within(timeoutMs));
    const sh = r.flight.serverHello;
    if (!sh) return { ...base, status: r.outcome === "timeout" ? "silent" : r.outcome === "alert" ? "offered" : "not_tls", detail: r.detail };
    const v = sh.version;
    const cert = r.flight.certificate?.certificates[0];
    let certificate: SecureTransport["certificate"];
    if (cert) {
      try {
        certificate = { sha256: createHash("sha256").update(cert).digest("hex"), subject: describeCertificate(cert).subject };
      } catch {
        certificate = { sha256: createHash("sha256").update(cert).digest("hex"), subject: "(unparsed)" };
      }
    }
    return { ...base, status: "offered", detail: r.detail, version: versionName(v) ?? `0x${v.toString(16)}`, ...(certificate ? { certificate } : {}) };
  } catch (e) {
    return { ...base, status: "error", detail: (e as Error).message };
  } finally {
    await conn.close(Math.min(1000, timeoutMs));
  }
}

/** A DTLS 1.2 ClientHello (RFC 6347 §4.2.1: the TLS body with an empty cookie after the session id). */
export function dtlsClientHello(): Buffer {
  const tlsBody = clientHelloBody({
    version: 0xfefd,
    cipherSuites: SUITES.filter((s) => s > 0xc000 || s < 0x100),
    groups: [0x001d, 0x0017],
    signatureAlgorithms: SIGALGS,
    random: randomBytes(32),
  });
  const body = Buffer.concat([tlsBody.subarray(0, 35), Buffer.from([0]), tlsBody.subarray(35)]);
  const hs = Buffer.alloc(12);
  hs[0] = 1; // client_hello
  hs.writeUIntBE(body.length, 1, 3);
  hs.writeUInt16BE(0, 4); // message_seq
  hs.writeUIntBE(0, 6, 3); // fragment_offset
  hs.writeUIntBE(body.length, 9, 3); // fragment_length
  const rec = Buffer.alloc(13);
  rec[0] = 22;
  rec.writeUInt16BE(0xfeff, 1); // DTLS 1.0 record version for the first flight (RFC 6347 §4.1)
  rec.writeUInt16BE(hs.length + body.length, 11);
  return Buffer.concat([rec, hs, body]);
}

export async function probeDtls(host: string, port: number, deadline: Deadline): Promise<SecureTransport> {
  const base = { port, transport: "udp" as const };
  const r = await udpExchange(host, port, dtlsClientHello(), deadline);
  if (r.error) return { ...base, status: r.error.includes("unreachable") ? "refused" : "error", detail: r.error };
  const a = r.answer;
  if (!a) return { ...base, status: "silent", detail: "no datagram came back (silence on UDP proves nothing)" };
  // record: type, version (0xFEFF / 0xFEFD), epoch, sequence, length; then a handshake header
  if (a.length >= 13 && a[1] === 0xfe && (a[0] === 22 || a[0] === 21)) {
    const hsType = a[0] === 22 ? a[13] : undefined;
    const what = a[0] === 21 ? "a DTLS alert" : hsType === 3 ? "a HelloVerifyRequest" : hsType === 2 ? "a ServerHello" : `handshake message ${hsType}`;
    return {
      ...base,
      status: "offered",
      detail: `${what} (record version 0x${a.readUInt16BE(1).toString(16)})`,
      version: a.readUInt16BE(1) === 0xfefd ? "DTLSv1.2" : "DTLS",
    };
  }
  return { ...base, status: "not_tls", detail: `a ${a.length}-byte datagram that is not DTLS` };
}
