// Cheap stand-in devices for sweep tests: plain TCP listeners on a few ports of many loopback
// addresses that record, from the device's side, every connection: when it opened and closed,
// whether the client closed cleanly (FIN seen before close, no reset), and how many connections
// to the same device were open at once.
import { createServer, type Server, type Socket } from "node:net";

export interface ConnectionRecord {
  host: string;
  port: number;
  openedAt: number;
  closedAt?: number;
  /** the client half-closed with FIN before the connection ended */
  finSeen: boolean;
  reset: boolean;
}

export interface CheapFleet {
  hosts: string[];
  connections: ConnectionRecord[];
  /** highest number of simultaneous connections seen by any one device */
  maxConcurrentPerDevice(): number;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCheapFleet(hosts: string[], ports: number[], banner?: (port: number) => string | undefined): Promise<CheapFleet> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const connections: ConnectionRecord[] = [];
  const open = new Map<string, number>();
  let maxConcurrent = 0;
  for (const host of hosts) {
    for (const port of ports) {
      const server = createServer((sock) => {
        sockets.add(sock);
        const rec: ConnectionRecord = { host, port, openedAt: Date.now(), finSeen: false, reset: false };
        connections.push(rec);
        const now = (open.get(host) ?? 0) + 1;
        open.set(host, now);
        maxConcurrent = Math.max(maxConcurrent, now);
        const text = banner?.(port);
        if (text) sock.write(text);
        sock.on("data", () => {});
        sock.on("end", () => {
          rec.finSeen = true;
          sock.end();
        });
        sock.on("error", (e: NodeJS.ErrnoException) => {
          if (e.code === "ECONNRESET") rec.reset = true;
        });
        sock.on("close", () => {
          rec.closedAt = Date.now();
          open.set(host, (open.get(host) ?? 1) - 1);
          sockets.delete(sock);
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve());
      });
      servers.push(server);
    }
  }
  return {
    hosts,
    connections,
    maxConcurrentPerDevice: () => maxConcurrent,
    reset() {
      connections.length = 0;
      maxConcurrent = 0;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}
