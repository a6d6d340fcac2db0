// Test plumbing shared by the S7 and EtherNet/IP tests: a recording TCP proxy (the exact bytes a
// probe sends and a server answers, per direction and in order), a tiny pcap writer (libpcap
// format, LINKTYPE_RAW IPv4; TCP segments with consistent sequence numbers, or UDP datagrams) and a
// tshark runner, so Wireshark's own dissectors decode what our probe and simulators put on the wire.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import net from "node:net";

export interface Chunk {
  dir: "c2s" | "s2c";
  data: Buffer;
}

/** A proxy on 127.0.0.1 that forwards to target and records every chunk in arrival order. */
export async function recordingProxy(targetHost: string, targetPort: number): Promise<{ port: number; chunks: Chunk[]; close(): Promise<void> }> {
  const chunks: Chunk[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    client.on("data", (d) => (chunks.push({ dir: "c2s", data: Buffer.from(d) }), upstream.write(d)));
    upstream.on("data", (d) => (chunks.push({ dir: "s2c", data: Buffer.from(d) }), client.write(d)));
    client.on("end", () => upstream.end());
    upstream.on("end", () => client.end());
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    chunks,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

function checksum(b: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < b.length; i += 2) sum += b.readUInt16BE(i);
  if (b.length % 2) sum += b[b.length - 1]! << 8;
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return ~sum & 0xffff;
}

function ipv4(proto: number, payload: Buffer, src: number[], dst: number[]): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payload.length, 2);
  h[8] = 64;
  h[9] = proto;
  Buffer.from(src).copy(h, 12);
  Buffer.from(dst).copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return Buffer.concat([h, payload]);
}

/** Write the chunks as one TCP conversation (client 10.0.0.1:40000 -> server 10.0.0.2:serverPort), or as UDP datagrams. */
export function writePcap(file: string, chunks: Chunk[], serverPort: number, transport: "tcp" | "udp" = "tcp"): void {
  const C = [10, 0, 0, 1];
  const S = [10, 0, 0, 2];
  const seq = { c2s: 1000, s2c: 5000 };
  const frames: Buffer[] = [];
  const tcp = (dir: Chunk["dir"], flags: number, data: Buffer) => {
    const h = Buffer.alloc(20);
    const [sp, dp] = dir === "c2s" ? [40000, serverPort] : [serverPort, 40000];
    h.writeUInt16BE(sp, 0);
    h.writeUInt16BE(dp, 2);
    h.writeUInt32BE(seq[dir] >>> 0, 4);
    h.writeUInt32BE(seq[dir === "c2s" ? "s2c" : "c2s"] >>> 0, 8);
    h[12] = 0x50;
    h[13] = flags;
    h.writeUInt16BE(65535, 14);
    seq[dir] += data.length + (flags & 0x02 ? 1 : 0);
    return ipv4(6, Buffer.concat([h, data]), dir === "c2s" ? C : S, dir === "c2s" ? S : C);
  };
  const udp = (dir: Chunk["dir"], data: Buffer) => {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(dir === "c2s" ? 40000 : serverPort, 0);
    h.writeUInt16BE(dir === "c2s" ? serverPort : 40000, 2);
    h.writeUInt16BE(8 + data.length, 4);
    return ipv4(17, Buffer.concat([h, data]), dir === "c2s" ? C : S, dir === "c2s" ? S : C);
  };
  if (transport === "tcp") {
    frames.push(tcp("c2s", 0x02, Buffer.alloc(0)), tcp("s2c", 0x12, Buffer.alloc(0)), tcp("c2s", 0x10, Buffer.alloc(0)));
    for (const c of chunks) frames.push(tcp(c.dir, 0x18, c.data));
  } else for (const c of chunks) frames.push(udp(c.dir, c.data));
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(65535, 16);
  global.writeUInt32LE(101, 20); // LINKTYPE_RAW
  const records = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000, 0);
    r.writeUInt32LE(i * 1000, 4);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  writeFileSync(file, Buffer.concat([global, ...records]));
}

export const TSHARK = ["/usr/bin/tshark", "/usr/local/bin/tshark"].find((p) => {
  try {
    execFileSync(p, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
});

/** tshark -T json of a pcap: one `layers` object per frame (field name -> value or nested object). */
export function tsharkJson(file: string, decodeAs: string[] = []): Record<string, unknown>[] {
  const out = execFileSync(TSHARK!, ["-r", file, "-T", "json", ...decodeAs.flatMap((d) => ["-d", d])], {
    encoding: "utf8",
    maxBuffer: 64 << 20,
    stdio: ["ignore", "pipe", "ignore"],
  });
  return (JSON.parse(out) as { _source: { layers: Record<string, unknown> } }[]).map((p) => p._source.layers);
}

/** Every value of `field` anywhere in a frame's layers (tshark nests fields in objects by tree). */
export function fieldValues(layers: unknown, field: string, out: string[] = []): string[] {
  if (layers && typeof layers === "object") {
    for (const [k, v] of Object.entries(layers as Record<string, unknown>)) {
      if (k === field) for (const x of Array.isArray(v) ? v : [v]) if (typeof x === "string") out.push(x);
      fieldValues(v, field, out);
    }
  }
  return out;
}
