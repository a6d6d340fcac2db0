// Test plumbing: a scripted Modbus/TCP peer for the hostile-peer corpus. It reads MBAP requests
// (leniently, any bytes) and answers each with the steps a case gives: raw bytes, waits, one-byte
// drips, FIN, RST or silence. Helpers build well-formed and deliberately broken answers.
import net from "node:net";
import { encodeFrame } from "../../probes/modbus/mbap.js";

export interface Req {
  tid: number;
  unit: number;
  pdu: Buffer;
  index: number;
}

export type Step = Buffer | { wait: number } | { drip: Buffer; everyMs: number } | "close" | "reset" | "hang";

export interface ModbusPeer {
  url: string;
  port: number;
  requests: Req[];
  connections: number;
  close(): Promise<void>;
}

/** `onConnect` runs once per connection before any request; `answer` per request. */
export async function modbusPeer(answer: (r: Req) => Step[], onConnect: () => Step[] = () => []): Promise<ModbusPeer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const peer: ModbusPeer = { url: "", port: 0, requests: [], connections: 0, close: async () => {} };
  const play = async (s: net.Socket, steps: Step[]) => {
    for (const step of steps) {
      if (s.destroyed) return;
      if (Buffer.isBuffer(step)) s.write(step);
      else if (step === "close") return void s.end();
      else if (step === "reset") return void s.resetAndDestroy();
      else if (step === "hang") return;
      else if ("wait" in step) await new Promise<void>((r) => timers.add(setTimeout(r, step.wait)));
      else
        for (let i = 0; i < step.drip.length && !s.destroyed; i++) {
          s.write(step.drip.subarray(i, i + 1));
          await new Promise<void>((r) => timers.add(setTimeout(r, step.everyMs)));
        }
    }
  };
  const server = net.createServer((s) => {
    peer.connections++;
    sockets.add(s);
    s.setNoDelay(true);
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    let chain = play(s, onConnect());
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 7) {
        const len = buf.readUInt16BE(4);
        if (buf.length < 6 + len) break;
        const r: Req = { tid: buf.readUInt16BE(0), unit: buf[6]!, pdu: Buffer.from(buf.subarray(7, 6 + len)), index: peer.requests.length };
        buf = buf.subarray(6 + len);
        peer.requests.push(r);
        const steps = answer(r);
        chain = chain.then(() => play(s, steps));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  peer.port = (server.address() as net.AddressInfo).port;
  peer.url = `modbus://127.0.0.1:${peer.port}`;
  peer.close = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return peer;
}

/** A well-formed reply frame to `r` with `pdu`. */
export const reply = (r: Req, pdu: Buffer, over: { tid?: number; unit?: number } = {}): Buffer =>
  encodeFrame({ transactionId: over.tid ?? r.tid, unitId: over.unit ?? r.unit, pdu });

/** A raw ADU with any header values (lengths that lie, protocol ids, ...). */
export function rawAdu(tid: number, protocolId: number, length: number, unit: number, body: Buffer): Buffer {
  const h = Buffer.alloc(7);
  h.writeUInt16BE(tid, 0);
  h.writeUInt16BE(protocolId, 2);
  h.writeUInt16BE(length, 4);
  h[6] = unit;
  return Buffer.concat([h, body]);
}

/** Read Device Identification response PDU (§6.21) with chosen header bytes and objects. */
export function meiPdu(o: {
  readCode?: number;
  conformity?: number;
  more?: number;
  next?: number;
  count?: number;
  objects: [number, Buffer | string][];
}): Buffer {
  const objs = o.objects.map(([id, v]) => {
    const b = Buffer.isBuffer(v) ? v : Buffer.from(v, "latin1");
    return Buffer.concat([Buffer.from([id, b.length]), b]);
  });
  return Buffer.concat([Buffer.from([0x2b, 0x0e, o.readCode ?? 1, o.conformity ?? 0x81, o.more ?? 0, o.next ?? 0, o.count ?? o.objects.length]), ...objs]);
}

export const exceptionPdu = (fc: number, code: number): Buffer => Buffer.from([fc | 0x80, code]);

/** The MEI read code and object id of a FC 43 request, if it is one. */
export const meiOf = (r: Req): { readCode: number; objectId: number } | undefined =>
  r.pdu[0] === 0x2b && r.pdu[1] === 0x0e ? { readCode: r.pdu[2]!, objectId: r.pdu[3]! } : undefined;
