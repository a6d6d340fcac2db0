// Test plumbing for Modbus/TCP Security: (1) Node's TLS server (OpenSSL) with chosen options and
// certificates, speaking just enough Modbus after the handshake (FC 43 -> a one-object answer, or
// hang up on the first request); (2) a raw scripted TLS peer that answers each ClientHello by the
// version it offers (built on test/tls/wire/server-messages.ts).
import tls from "node:tls";
import type net from "node:net";
import { parseClientHello } from "../../probes/tls/wire/hello.js";
import { encodeFrame, extractFrame } from "../../probes/modbus/mbap.js";
import { alertRecord, scriptedPeer, type PeerStep } from "../tls/wire/server-messages.js";

export interface TlsModbusPeer {
  port: number;
  url: string;
  /** Modbus requests that arrived over TLS */
  requests(): number;
  /** TLS handshakes the server completed */
  handshakes(): number;
  close(): Promise<void>;
}

/** Node TLS server; `onRequest` "answer" replies FC 43 with VendorName "TLS Peer", "hangup" destroys the connection without an alert. */
export async function tlsModbusServer(opts: tls.TlsOptions, onRequest: "answer" | "hangup" = "answer"): Promise<TlsModbusPeer> {
  let requests = 0;
  let handshakes = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(opts, (s) => {
    handshakes++;
    sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const r = extractFrame(buf);
        if (r.kind !== "frame") return;
        buf = buf.subarray(r.consumed);
        requests++;
        if (onRequest === "hangup") return void s.destroy();
        const value = Buffer.from("TLS Peer");
        const pdu = Buffer.concat([Buffer.from([0x2b, 0x0e, 1, 0x81, 0, 0, 1, 0, value.length]), value]);
        s.write(encodeFrame({ transactionId: r.frame.transactionId, unitId: r.frame.unitId, pdu }));
      }
    });
  });
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: `modbus+tls://127.0.0.1:${port}`,
    requests: () => requests,
    handshakes: () => handshakes,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** What a ClientHello offers: its version (TLS 1.3 when supported_versions names it) and its suites. */
export function offered(first: Buffer): { version: number; suites: number[] } {
  try {
    const p = parseClientHello(first.subarray(9, 9 + ((first[6]! << 16) | (first[7]! << 8) | first[8]!)));
    return { version: p.supportedVersions?.includes(0x0304) ? 0x0304 : p.version, suites: p.cipherSuites };
  } catch {
    return { version: 0, suites: [] };
  }
}

/**
 * A raw TLS peer like a small embedded stack: `answers[version]` gives the steps for a ClientHello
 * offering that version (0x0300..0x0304) and the suite the peer would choose; a hello without that
 * suite gets handshake_failure, any other version protocol_version. Node's own handshakes offer
 * TLS 1.3 and get the 0x0304 answer.
 */
export async function rawTlsPeer(
  answers: Partial<Record<number, { suite: number; steps: PeerStep[] }>>,
): Promise<Awaited<ReturnType<typeof scriptedPeer>> & { url: string }> {
  const p = await scriptedPeer((_i, first) => {
    const o = offered(first);
    const a = answers[o.version];
    if (!a) return [alertRecord(70), "close"];
    return o.suites.includes(a.suite) ? a.steps : [alertRecord(40), "close"];
  });
  return Object.assign(p, { url: `modbus+tls://127.0.0.1:${p.port}` });
}
