// Interop plumbing: Debian's inetutils telnetd (/usr/sbin/telnetd) is an inetd-style server (the
// connection is its stdin/stdout). This runs it without inetd or system configuration: an inner
// loopback listener spawns one telnetd per connection with the socket as its stdio, and an outer
// listener (the port the probe is given) relays to it and records every byte that reaches the
// daemon: the device-side record of what a probe typed.
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer, type Server, type Socket } from "node:net";
import { findBinary } from "../helpers/daemons.js";

export const TELNETD = findBinary("/usr/sbin/telnetd");
export const IS_ROOT = process.getuid?.() === 0;

export interface Telnetd {
  port: number;
  /** bytes the daemon received, per connection, in order */
  received(): Buffer[];
  stop(): Promise<void>;
}

const listen = (s: Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as { port: number }).port)));

export async function startTelnetd(args: string[] = []): Promise<Telnetd> {
  const children = new Set<ChildProcess>();
  const sockets = new Set<Socket>();
  const inner = createServer({ pauseOnConnect: true }, (sock) => {
    const child = spawn(TELNETD!, args, { stdio: [sock, sock, "ignore"] });
    children.add(child);
    child.once("exit", () => children.delete(child));
    sock.destroy(); // the daemon holds its own copy of the descriptor
  });
  const innerPort = await listen(inner);
  const records: Buffer[][] = [];
  const outer = createServer((client) => {
    const rec: Buffer[] = [];
    records.push(rec);
    const daemon = connect(innerPort, "127.0.0.1");
    for (const s of [client, daemon]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        daemon.destroy();
      });
    }
    client.on("data", (d: Buffer) => {
      rec.push(d);
      daemon.write(d);
    });
    daemon.on("data", (d: Buffer) => client.write(d));
    client.on("end", () => daemon.end());
    daemon.on("end", () => client.end());
  });
  const port = await listen(outer);
  return {
    port,
    received: () => records.map((r) => Buffer.concat(r)),
    async stop() {
      for (const s of sockets) s.destroy();
      for (const c of children) c.kill("SIGTERM");
      await Promise.all([new Promise<void>((r) => outer.close(() => r())), new Promise<void>((r) => inner.close(() => r()))]);
    },
  };
}

/** Data bytes in what a client sent, with IAC negotiation (3-byte WILL/WONT/DO/DONT) removed. */
export function typedBytes(b: Buffer): string {
  let out = "";
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 255 && b[i + 1]! >= 251 && b[i + 1]! <= 254) i += 2;
    else out += String.fromCharCode(b[i]!);
  }
  return out;
}
