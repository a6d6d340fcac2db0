// Recording proxies for the dissector cross-checks: every chunk (TCP) or datagram (UDP) between a
// probe and a simulator is relayed unchanged and kept with its direction, so the pcap holds exactly
// the bytes our code put on the wire.
import dgram from "node:dgram";
import net from "node:net";
import type { Packet } from "./pcap.js";

export interface Recording {
  port: number;
  packets: Packet[];
  close(): Promise<void>;
}

export async function tcpRecordingProxy(host: string, port: number): Promise<Recording> {
  const packets: Packet[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    for (const s of [client, upstream]) {
      socks.add(s);
      s.on("error", () => undefined);
      s.on("close", () => socks.delete(s));
    }
    client.on("data", (d) => {
      packets.push({ fromClient: true, payload: Buffer.from(d) });
      upstream.write(d);
    });
    upstream.on("data", (d) => {
      packets.push({ fromClient: false, payload: Buffer.from(d) });
      client.write(d);
    });
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    packets,
    async close() {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export async function udpRecordingProxy(host: string, port: number): Promise<Recording> {
  const packets: Packet[] = [];
  const front = dgram.createSocket("udp4");
  const back = dgram.createSocket("udp4");
  let client: { address: string; port: number } | undefined;
  front.on("message", (m, r) => {
    client = { address: r.address, port: r.port };
    packets.push({ fromClient: true, payload: Buffer.from(m) });
    back.send(m, port, host);
  });
  back.on("message", (m) => {
    packets.push({ fromClient: false, payload: Buffer.from(m) });
    if (client) front.send(m, client.port, client.address);
  });
  await new Promise<void>((r) => front.bind(0, "127.0.0.1", () => r()));
  await new Promise<void>((r) => back.bind(0, "127.0.0.1", () => r()));
  return {
    port: front.address().port,
    packets,
    async close() {
      await Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))]);
    },
  };
}
