// The tls simulator: a TLS service that answers as its profile says (probes/tls/profile.ts). Each
// connection's ClientHello is read (bounded: 64 KiB, 5 s) and decided by sim-flight.ts. TLS 1.3 is
// served by a real Node TLS socket (OpenSSL: real key shares, HelloRetryRequest, encrypted
// handshake, close_notify) limited to the profile's TLS 1.3 suites and groups; TLS <= 1.2 gets a
// scripted first flight (ServerHello .. ServerHelloDone, so SSLv3, RC4, export or compression can be
// simulated, which OpenSSL 3 cannot serve), then the connection waits for the client to close.
// Counts what clients sent (stats), so tests assert from the device's side.
import net from "node:net";
import tls from "node:tls";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import type { TlsSimProfile } from "./profile.js";
import { makeChain } from "./sim-certs.js";
import { alertRecord, decide, OPENSSL_GROUP, scriptedFlight } from "./sim-flight.js";
import { ContentType, HandshakeType, versionName } from "./wire/constants.js";
import { TlsWireError } from "./wire/errors.js";
import { parseClientHello, type ParsedClientHello } from "./wire/hello.js";
import { HandshakeAssembler, parseRecord, recordLength } from "./wire/record.js";

export interface TlsSimStats {
  connections: number;
  clientHellos: number;
  byVersion: Record<string, number>;
  scriptedFlights: number;
  realHandshakes: number;
  alerts: number;
  /** application data a client sent after a completed handshake (a scanner sends none) */
  applicationBytes: number;
  unparsedHellos: number;
}

/** Read records until one whole ClientHello is in (bounded); resolves with it and the bytes read. */
function readClientHello(sock: net.Socket): Promise<{ hello: ParsedClientHello; raw: Buffer } | undefined> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    const asm = new HandshakeAssembler(1 << 16, 4);
    const finish = (v: { hello: ParsedClientHello; raw: Buffer } | undefined) => {
      sock.pause(); // nothing may flow to no listener until the caller decides
      clearTimeout(timer);
      sock.removeListener("data", onData);
      sock.removeListener("end", onEnd);
      resolve(v);
    };
    const timer = setTimeout(() => finish(undefined), 5000);
    const onEnd = () => finish(undefined);
    let consumed = 0;
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length > 1 << 16) return finish(undefined);
      try {
        for (;;) {
          const rest = buf.subarray(consumed);
          const n = recordLength(rest);
          if (n === undefined || rest.length < n) return;
          const rec = parseRecord(rest.subarray(0, n));
          consumed += n;
          if (rec.type !== ContentType.handshake) return finish(undefined);
          for (const m of asm.push(rec.payload)) {
            if (m.type !== HandshakeType.clientHello) return finish(undefined);
            return finish({ hello: parseClientHello(m.body), raw: buf });
          }
        }
      } catch (e) {
        if (e instanceof TlsWireError) return finish(undefined);
        throw e;
      }
    };
    sock.on("data", onData);
    sock.once("end", onEnd);
  });
}

export async function startTlsSimulator(profile: TlsSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const chain = await makeChain(profile.certificate);
  const stats: TlsSimStats = {
    connections: 0,
    clientHellos: 0,
    byVersion: {},
    scriptedFlights: 0,
    realHandshakes: 0,
    alerts: 0,
    applicationBytes: 0,
    unparsedHellos: 0,
  };
  const groups13 = profile.groups.map((g) => OPENSSL_GROUP[g]).filter((g): g is string => g !== undefined);
  const context13 = profile.versions.includes("TLSv1.3")
    ? tls.createSecureContext({
        cert: chain.certPem,
        key: chain.keyPem,
        minVersion: "TLSv1.3",
        maxVersion: "TLSv1.3",
        ciphers: (profile.suites["TLSv1.3"] ?? []).join(":"),
        ...(groups13.length ? { ecdhCurve: groups13.join(":") } : {}),
      })
    : undefined;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    stats.connections++;
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    void (async () => {
      const got = await readClientHello(sock);
      if (!got) {
        stats.unparsedHellos++;
        sock.resume();
        return void sock.end();
      }
      stats.clientHellos++;
      const d = decide(profile, got.hello);
      const label = d.kind === "accept" ? (versionName(d.version) ?? "unknown") : "refused";
      stats.byVersion[label] = (stats.byVersion[label] ?? 0) + 1;
      if (d.kind === "alert") {
        stats.alerts++;
        sock.end(alertRecord(d.description, d.version));
        return;
      }
      if (d.tls13 && context13) {
        // a real TLS 1.3 server on this socket, fed the bytes already read
        sock.unshift(got.raw);
        const t = new tls.TLSSocket(sock, { isServer: true, secureContext: context13, requestCert: false });
        t.on("error", () => sock.destroy());
        t.on("secure", () => stats.realHandshakes++);
        t.on("data", (b: Buffer) => (stats.applicationBytes += b.length));
        t.on("end", () => t.end());
        return;
      }
      stats.scriptedFlights++;
      sock.write(scriptedFlight(profile, d, got.hello, chain.ders, profile.certificate.keyType === "ec"));
      sock.on("data", () => sock.end()); // anything more from the client: we are done
      sock.on("end", () => sock.end());
      sock.resume();
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? opts.ports?.tls ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    urls: [endpointUrl("tls", opts.host, port)],
    stats: () => ({ ...stats, byVersion: { ...stats.byVersion } }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
