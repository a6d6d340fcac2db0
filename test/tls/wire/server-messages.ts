// Test plumbing: build what a TLS server sends (ServerHello, Certificate, ServerKeyExchange,
// CertificateRequest, ServerHelloDone, alerts) from raw bytes, and a scripted TCP peer that answers
// a ClientHello with chosen bytes, delays, closes or resets. Independent of the parsers under test
// (written from RFC 5246 §7.4 / RFC 8446 §4 layouts), so the parsers are checked against the RFC
// shapes, and reused by the Modbus/TCP Security hostile-peer tests.
import net from "node:net";
import { createHash } from "node:crypto";

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const v1 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const v2 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const v3 = (b: Buffer) => Buffer.concat([u24(b.length), b]);

export const HRR_RANDOM = createHash("sha256").update("HelloRetryRequest").digest();

export function ext(type: number, data: Buffer): Buffer {
  return Buffer.concat([u16(type), v2(data)]);
}

export interface ServerHelloSpec {
  version?: number;
  suite: number;
  random?: Buffer;
  sessionId?: Buffer;
  /** TLS 1.3: selected_version in supported_versions */
  supportedVersion?: number;
  keyShareGroup?: number;
  /** HelloRetryRequest selected_group (sets the HRR random) */
  hrrGroup?: number;
  extensions?: Buffer[];
  /** omit the extensions block entirely (TLS <= 1.2) */
  noExtensions?: boolean;
}

export function serverHello(s: ServerHelloSpec): Buffer {
  const exts: Buffer[] = [...(s.extensions ?? [])];
  if (s.supportedVersion !== undefined) exts.push(ext(43, u16(s.supportedVersion)));
  if (s.keyShareGroup !== undefined) exts.push(ext(51, Buffer.concat([u16(s.keyShareGroup), v2(Buffer.alloc(32, 9))])));
  if (s.hrrGroup !== undefined) exts.push(ext(51, u16(s.hrrGroup)));
  const random = s.hrrGroup !== undefined ? HRR_RANDOM : (s.random ?? Buffer.alloc(32, 7));
  const body = Buffer.concat([
    u16(s.version ?? 0x0303),
    random,
    v1(s.sessionId ?? Buffer.alloc(0)),
    u16(s.suite),
    Buffer.from([0]),
    ...(s.noExtensions ? [] : [v2(Buffer.concat(exts))]),
  ]);
  return handshake(2, body);
}

export function certificate(ders: Buffer[], tls13 = false): Buffer {
  const list = Buffer.concat(ders.map((d) => (tls13 ? Buffer.concat([v3(d), v2(Buffer.alloc(0))]) : v3(d))));
  return handshake(11, Buffer.concat([...(tls13 ? [v1(Buffer.alloc(0))] : []), v3(list)]));
}

export function certificateRequest(o: { types?: number[]; sigAlgs?: number[]; authorities?: Buffer[]; version?: number }): Buffer {
  const names = v2(Buffer.concat((o.authorities ?? []).map(v2)));
  const sig = v2(Buffer.concat((o.sigAlgs ?? [0x0401]).map(u16)));
  if ((o.version ?? 0x0303) >= 0x0304) return handshake(13, Buffer.concat([v1(Buffer.alloc(0)), v2(ext(13, sig))]));
  return handshake(13, Buffer.concat([v1(Buffer.from(o.types ?? [1, 64])), ...((o.version ?? 0x0303) >= 0x0303 ? [sig] : []), names]));
}

/** ECDHE ServerKeyExchange (RFC 8422 §5.4); `pskHint` for ECDHE_PSK suites (RFC 5489 §2: hint first, no signature). */
export function skeEcdhe(group: number, sigScheme = 0x0401, pskHint?: Buffer): Buffer {
  const params = Buffer.concat([Buffer.from([3]), u16(group), v1(Buffer.alloc(65, 4))]);
  if (pskHint) return handshake(12, Buffer.concat([v2(pskHint), params]));
  return handshake(12, Buffer.concat([params, u16(sigScheme), v2(Buffer.alloc(64, 1))]));
}

export function skeDhe(primeBytes: number, sigScheme = 0x0401): Buffer {
  const p = Buffer.alloc(primeBytes, 0xff);
  return handshake(12, Buffer.concat([v2(p), v2(Buffer.from([2])), v2(Buffer.alloc(primeBytes, 3)), u16(sigScheme), v2(Buffer.alloc(64, 1))]));
}

export const serverHelloDone = (): Buffer => handshake(14, Buffer.alloc(0));

export function handshake(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type]), u24(body.length), body]);
}

export function record(type: number, payload: Buffer, version = 0x0303): Buffer {
  return Buffer.concat([Buffer.from([type]), u16(version), u16(payload.length), payload]);
}

export const hsRecord = (...msgs: Buffer[]): Buffer => record(22, Buffer.concat(msgs));
export const alertRecord = (description: number, level = 2): Buffer => record(21, Buffer.from([level, description]));

/** A minimal but parseable DER certificate is not needed by the flight parser: any bytes work as cert_data. */
export const FAKE_CERT = Buffer.from("3003020101", "hex");

/** A whole TLS 1.2 flight: ServerHello, Certificate, ServerKeyExchange (ECDHE), [CertificateRequest], ServerHelloDone. */
export function tls12Flight(o: { suite?: number; certDer?: Buffer; group?: number; certificateRequest?: boolean; version?: number } = {}): Buffer {
  const msgs = [serverHello({ version: o.version ?? 0x0303, suite: o.suite ?? 0xc02f }), certificate([o.certDer ?? FAKE_CERT]), skeEcdhe(o.group ?? 23)];
  if (o.certificateRequest) msgs.push(certificateRequest({ version: o.version ?? 0x0303 }));
  msgs.push(serverHelloDone());
  return hsRecord(...msgs);
}

export type PeerStep = Buffer | { wait: number } | "close" | "reset" | "hang" | { drip: Buffer; everyMs: number };

/**
 * A scripted TCP peer: on each connection, waits for the client's first bytes, then plays `script`
 * (given the connection index and what the client sent). Counts connections and keeps the first
 * bytes of each, so tests can assert from the peer's side.
 */
export async function scriptedPeer(
  script: (i: number, first: Buffer) => PeerStep[],
): Promise<{ port: number; connections: number; received: Buffer[]; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { port: 0, connections: 0, received: [] as Buffer[], close: async () => {} };
  const server = net.createServer((s) => {
    const index = state.connections++;
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    s.once("data", (first: Buffer) => {
      state.received.push(first);
      const steps = script(index, first);
      const run = async () => {
        for (const step of steps) {
          if (s.destroyed) return;
          if (Buffer.isBuffer(step)) s.write(step);
          else if (step === "close") return void s.end();
          else if (step === "reset") return void s.resetAndDestroy();
          else if (step === "hang") return;
          else if ("wait" in step) await new Promise<void>((r) => timers.add(setTimeout(r, step.wait)));
          else {
            for (let i = 0; i < step.drip.length && !s.destroyed; i++) {
              s.write(step.drip.subarray(i, i + 1));
              await new Promise<void>((r) => timers.add(setTimeout(r, step.everyMs)));
            }
          }
        }
      };
      void run();
    });
    s.resume();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  state.port = (server.address() as net.AddressInfo).port;
  state.close = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return state;
}
