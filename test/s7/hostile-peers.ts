// Test plumbing: a scripted ISO-on-TCP peer for the S7 hostile-peer corpus. It cuts the client's
// bytes into TPKT frames (leniently) and answers each with the steps a case gives: raw bytes, waits,
// one-byte drips, FIN, RST or silence. Builders make well-formed and deliberately broken TPDUs.
import net from "node:net";

export type Step = Buffer | { wait: number } | { drip: Buffer; everyMs: number } | "close" | "reset" | "hang";

export interface Frame {
  raw: Buffer;
  /** COTP code (0xE0 CR, 0xF0 DT) */
  code: number;
  /** DT payload (the S7 PDU) */
  s7?: Buffer;
  index: number;
}

export interface S7Peer {
  port: number;
  url: string;
  frames: Frame[];
  connections: number;
  close(): Promise<void>;
}

export async function s7Peer(answer: (f: Frame) => Step[], onConnect: () => Step[] = () => []): Promise<S7Peer> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const peer: S7Peer = { port: 0, url: "", frames: [], connections: 0, close: async () => {} };
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
    s.on("error", () => undefined);
    s.on("close", () => sockets.delete(s));
    let buf = Buffer.alloc(0);
    let chain = play(s, onConnect());
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 4) {
        const len = buf.readUInt16BE(2);
        if (len < 7 || buf.length < len) break;
        const raw = Buffer.from(buf.subarray(0, len));
        buf = buf.subarray(len);
        const li = raw[4]!;
        const f: Frame = { raw, code: raw[5]! & 0xf0, index: peer.frames.length, ...((raw[5]! & 0xf0) === 0xf0 ? { s7: raw.subarray(5 + li) } : {}) };
        peer.frames.push(f);
        const steps = answer(f);
        chain = chain.then(() => play(s, steps));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  peer.port = (server.address() as net.AddressInfo).port;
  peer.url = `s7://127.0.0.1:${peer.port}`;
  peer.close = () =>
    new Promise<void>((r) => {
      for (const t of timers) clearTimeout(t);
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  return peer;
}

export function tpkt(body: Buffer, declared?: number, version = 3): Buffer {
  const h = Buffer.from([version, 0, 0, 0]);
  h.writeUInt16BE(declared ?? body.length + 4, 2);
  return Buffer.concat([h, body]);
}

export const cc = (extra: Buffer = Buffer.from([0xc0, 1, 0x0a])) => tpkt(Buffer.concat([Buffer.from([6 + extra.length, 0xd0, 0, 1, 0, 1, 0]), extra]));
export const dr = (reason = 0x81) => tpkt(Buffer.from([6, 0x80, 0, 1, 0, 1, reason]));
export const dt = (s7: Buffer, eot = true) => tpkt(Buffer.concat([Buffer.from([2, 0xf0, eot ? 0x80 : 0x00]), s7]));

/** An S7 PDU with any header values (lengths that lie, ROSCTR, error class). */
export function s7pdu(o: {
  rosctr: number;
  ref?: number;
  param: Buffer;
  data?: Buffer;
  plen?: number;
  dlen?: number;
  err?: [number, number];
  proto?: number;
}): Buffer {
  const data = o.data ?? Buffer.alloc(0);
  const withErr = o.rosctr === 2 || o.rosctr === 3;
  const h = Buffer.alloc(withErr ? 12 : 10);
  h[0] = o.proto ?? 0x32;
  h[1] = o.rosctr;
  h.writeUInt16BE(o.ref ?? 0, 4);
  h.writeUInt16BE(o.plen ?? o.param.length, 6);
  h.writeUInt16BE(o.dlen ?? data.length, 8);
  if (withErr) [h[10], h[11]] = o.err ?? [0, 0];
  return Buffer.concat([h, o.param, data]);
}

export const setupAck = (ref = 0, pdu = 240) => dt(s7pdu({ rosctr: 3, ref, param: Buffer.from([0xf0, 0, 0, 1, 0, 1, pdu >> 8, pdu & 0xff]) }));
export const refOf = (f: Frame) => (f.s7 && f.s7.length >= 6 ? f.s7.readUInt16BE(4) : 0);
/** SZL id asked by a first Read SZL request, if the frame is one. */
export const szlOf = (f: Frame): number | undefined => (f.s7 && f.s7[1] === 7 && f.s7.length >= 22 && f.s7[14] === 0x11 ? f.s7.readUInt16BE(22) : undefined);

/** A userdata Read SZL answer: data part = return code, transport size, length, then `payload`. */
export function szlAnswer(f: Frame, payload: Buffer, o: { more?: boolean; returnCode?: number; tg?: number; announce?: number; seq?: number } = {}): Buffer {
  const param = Buffer.from([0, 1, 0x12, 8, 0x12, o.tg ?? 0x84, 1, o.seq ?? 1, 0, o.more ? 1 : 0, 0, 0]);
  const d = Buffer.alloc(4);
  d[0] = o.returnCode ?? 0xff;
  d[1] = 0x09;
  d.writeUInt16BE(o.announce ?? payload.length, 2);
  return dt(s7pdu({ rosctr: 7, ref: refOf(f), param, data: Buffer.concat([d, payload]) }));
}

export function szlList(id: number, index: number, recLen: number, records: Buffer[], count?: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(id, 0);
  h.writeUInt16BE(index, 2);
  h.writeUInt16BE(recLen, 4);
  h.writeUInt16BE(count ?? records.length, 6);
  return Buffer.concat([h, ...records]);
}
