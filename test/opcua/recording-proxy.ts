// A TCP proxy for tests: relays bytes between a client and an upstream server, unchanged, and keeps
// everything that crossed it in each direction, so a test can look for a secret on the wire.
// Loopback only; closing the proxy destroys every relayed socket.
import { createServer, connect, type Server, type Socket } from "node:net";

export interface RecordingProxy {
  port: number;
  /** bytes the clients sent (towards the server), and bytes the server sent back */
  toServer(): Buffer;
  toClient(): Buffer;
  connections: number;
  reset(): void;
  close(): Promise<void>;
}

export async function startRecordingProxy(upstreamPort: number, host = "127.0.0.1"): Promise<RecordingProxy> {
  let up: Buffer[] = [];
  let down: Buffer[] = [];
  const sockets = new Set<Socket>();
  const state = { connections: 0 };
  const server: Server = createServer((client) => {
    state.connections++;
    const upstream = connect({ host, port: upstreamPort });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => undefined);
      s.on("close", () => sockets.delete(s));
    }
    client.on("data", (d: Buffer) => {
      up.push(Buffer.from(d));
      upstream.write(d);
    });
    upstream.on("data", (d: Buffer) => {
      down.push(Buffer.from(d));
      client.write(d);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  return {
    port: (server.address() as { port: number }).port,
    toServer: () => Buffer.concat(up),
    toClient: () => Buffer.concat(down),
    get connections() {
      return state.connections;
    },
    reset() {
      up = [];
      down = [];
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** Where `secret` appears in `wire`: as UTF-8, UTF-16LE or UTF-16BE bytes (empty when nowhere). */
export function findSecret(wire: Buffer, secret: string): string[] {
  const le = Buffer.from(secret, "utf16le");
  const be = Buffer.from(le);
  be.swap16();
  const forms: [string, Buffer][] = [
    ["utf-8", Buffer.from(secret, "utf8")],
    ["utf-16le", le],
    ["utf-16be", be],
  ];
  return forms.filter(([, bytes]) => wire.includes(bytes)).map(([name]) => name);
}
