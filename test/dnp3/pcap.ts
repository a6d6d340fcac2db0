// A tiny pcap writer and a tshark runner for the dissector cross-checks (DNP3, IEC 104, BACnet):
// the bytes our probes send and our simulators answer are wrapped in IPv4 + TCP/UDP headers
// (LINKTYPE_RAW, 101; checksums zero: tshark does not validate them by default) and handed to
// Wireshark's own dissectors (`tshark -r x.pcap -T json`), an implementation independent of ours.
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";

export const TSHARK = ["/usr/bin/tshark", "/usr/local/bin/tshark"].find((p) => existsSync(p));

export interface Packet {
  /** true: from the client (10.0.0.1) to the server (10.0.0.2) */
  fromClient: boolean;
  payload: Buffer;
}

function ipv4(proto: number, src: number[], dst: number[], body: Buffer): Buffer {
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + body.length, 2);
  h[8] = 64;
  h[9] = proto;
  Buffer.from(src).copy(h, 12);
  Buffer.from(dst).copy(h, 16);
  return Buffer.concat([h, body]);
}

/** A pcap of one TCP conversation (client port 40000 -> server `port`), one segment per payload, sequence numbers consistent. */
export function tcpPcap(port: number, packets: readonly Packet[]): Buffer {
  let cseq = 1000;
  let sseq = 5000;
  const frames = packets.map((p) => {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(p.fromClient ? 40000 : port, 0);
    tcp.writeUInt16BE(p.fromClient ? port : 40000, 2);
    tcp.writeUInt32BE(p.fromClient ? cseq : sseq, 4);
    tcp.writeUInt32BE(p.fromClient ? sseq : cseq, 8);
    tcp[12] = 0x50;
    tcp[13] = 0x18; // PSH, ACK
    tcp.writeUInt16BE(65535, 14);
    if (p.fromClient) cseq += p.payload.length;
    else sseq += p.payload.length;
    const [src, dst] = p.fromClient
      ? [
          [10, 0, 0, 1],
          [10, 0, 0, 2],
        ]
      : [
          [10, 0, 0, 2],
          [10, 0, 0, 1],
        ];
    return ipv4(6, src, dst, Buffer.concat([tcp, p.payload]));
  });
  return pcapFile(frames);
}

/** A pcap of UDP datagrams between 10.0.0.1:47809 (client) and 10.0.0.2:`port`. */
export function udpPcap(port: number, packets: readonly Packet[]): Buffer {
  return pcapFile(
    packets.map((p) => {
      const udp = Buffer.alloc(8);
      udp.writeUInt16BE(p.fromClient ? 47809 : port, 0);
      udp.writeUInt16BE(p.fromClient ? port : 47809, 2);
      udp.writeUInt16BE(8 + p.payload.length, 4);
      const [src, dst] = p.fromClient
        ? [
            [10, 0, 0, 1],
            [10, 0, 0, 2],
          ]
        : [
            [10, 0, 0, 2],
            [10, 0, 0, 1],
          ];
      return ipv4(17, src, dst, Buffer.concat([udp, p.payload]));
    }),
  );
}

function pcapFile(frames: Buffer[]): Buffer {
  const head = Buffer.alloc(24);
  head.writeUInt32LE(0xa1b2c3d4, 0);
  head.writeUInt16LE(2, 4);
  head.writeUInt16LE(4, 6);
  head.writeUInt32LE(65535, 16);
  head.writeUInt32LE(101, 20); // LINKTYPE_RAW
  const recs = frames.map((f, i) => {
    const r = Buffer.alloc(16);
    r.writeUInt32LE(1_700_000_000 + i, 0);
    r.writeUInt32LE(f.length, 8);
    r.writeUInt32LE(f.length, 12);
    return Buffer.concat([r, f]);
  });
  return Buffer.concat([head, ...recs]);
}

/** Fields per frame from `tshark -T fields` (one array of values per requested field, per frame). */
export function tsharkFields(file: string, fields: string[], extra: string[] = []): string[][] {
  const r = spawnSync(TSHARK!, ["-n", "-r", file, ...extra, "-T", "fields", "-E", "separator=\t", ...fields.flatMap((f) => ["-e", f])], {
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout
    .replace(/\n+$/, "")
    .split("\n")
    .map((l) => l.split("\t"));
}

/** The whole JSON dissection (for layer and expert-info checks). */
export function tsharkJson(file: string, extra: string[] = []): { _source: { layers: Record<string, unknown> } }[] {
  const r = spawnSync(TSHARK!, ["-n", "-r", file, ...extra, "-T", "json"], { encoding: "utf8", timeout: 30_000, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export function writePcap(file: string, data: Buffer): string {
  writeFileSync(file, data);
  return file;
}
