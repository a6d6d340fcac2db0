// DNP3 outstation simulator (TCP, loopback): answers REQUEST_LINK_STATUS with LINK_STATUS and READs of
// group 0 attributes from its profile, sets the profile's IIN flags, and can challenge READs (g120v1)
// like an outstation that treats READ as critical. Everything else gets IIN2.0 "function not
// supported" and is COUNTED: stats() report link and application function codes received, so tests
// show from the device's side that the probe never sent a write, operate, restart or time set.
import net from "node:net";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { FC } from "./app.js";
import { Dnp3DecodeError, PRI, SEC, decodeFrame, encodeFrame, frameLength, type LinkFrame } from "./link.js";
import type { Dnp3SimProfile } from "./profile.js";

const IIN_BITS: Record<string, [number, number]> = {
  "class-1-events": [0, 1],
  "class-2-events": [0, 2],
  "class-3-events": [0, 3],
  "need-time": [0, 4],
  "local-control": [0, 5],
  "device-trouble": [0, 6],
  "device-restart": [0, 7],
  "function-not-supported": [1, 0],
  "object-unknown": [1, 1],
  "parameter-error": [1, 2],
  "event-buffer-overflow": [1, 3],
  "already-executing": [1, 4],
  "config-corrupt": [1, 5],
};

export type Dnp3SimStats = {
  connections: number;
  frames: number;
  crcErrors: number;
  /** link functions received, by code */
  linkFunctions: Record<string, number>;
  /** application function codes received, by code */
  appFunctions: Record<string, number>;
  /** application requests other than READ (1) and CONFIRM (0): writes, operates, restarts... */
  stateChanging: number;
  /** group 0 variations read */
  attributesRead: number[];
};

function iinBytes(flags: readonly string[]): [number, number] {
  const iin: [number, number] = [0, 0];
  for (const f of flags) {
    const b = IIN_BITS[f];
    if (b) iin[b[0]] |= 1 << b[1];
  }
  return iin;
}

export async function startDnp3Simulator(profile: Dnp3SimProfile, opts: SimulatorOptions): Promise<RunningSimulator & { stats(): Dnp3SimStats }> {
  const stats: Dnp3SimStats = { connections: 0, frames: 0, crcErrors: 0, linkFunctions: {}, appFunctions: {}, stateChanging: 0, attributesRead: [] };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    stats.connections++;
    sockets.add(sock);
    sock.on("close", () => sockets.delete(sock));
    sock.on("error", () => undefined);
    let buf = Buffer.alloc(0);
    let appSeqUns = 0;
    let tSeq = 0;
    const send = (f: Buffer) => {
      if (profile.fault === "bad-crc") f[f.length - 1] ^= 0xff;
      if (!sock.destroyed) sock.write(f);
    };
    const sendFragment = (dest: number, frag: Buffer) => {
      for (let at = 0, first = true; first || at < frag.length; first = false) {
        const chunk = frag.subarray(at, at + 249);
        at += chunk.length;
        const th = (at >= frag.length ? 0x80 : 0) | (first ? 0x40 : 0) | (tSeq++ & 0x3f);
        send(
          encodeFrame({
            dir: false,
            prm: true,
            fcb: false,
            fcvDfc: false,
            func: PRI.UNCONFIRMED_USER_DATA,
            dest,
            src: profile.address,
            data: Buffer.concat([Buffer.from([th]), chunk]),
          }),
        );
      }
    };
    const master = profile.masterAddress ?? 1;
    for (let i = 0; i < profile.unsolicitedOnConnect; i++)
      sendFragment(master, Buffer.from([0xd0 | (appSeqUns++ & 0x0f), FC.UNSOLICITED_RESPONSE, ...iinBytes(profile.iin)]));
    const onFrame = (f: LinkFrame) => {
      stats.frames++;
      stats.linkFunctions[f.func] = (stats.linkFunctions[f.func] ?? 0) + 1;
      if (f.dest !== profile.address || (profile.masterAddress !== undefined && f.src !== profile.masterAddress) || !f.prm || profile.fault === "silent")
        return;
      if (f.func === PRI.REQUEST_LINK_STATUS) {
        send(encodeFrame({ dir: false, prm: false, fcb: false, fcvDfc: false, func: SEC.LINK_STATUS, dest: f.src, src: profile.address }));
        if (profile.fault === "close-after-link") sock.destroy();
        return;
      }
      if (f.func !== PRI.UNCONFIRMED_USER_DATA || f.data.length < 3) return;
      // one-segment requests only (the probe's READs fit one segment)
      const app = f.data.subarray(1);
      const seq = app[0]! & 0x0f;
      const fc = app[1]!;
      stats.appFunctions[fc] = (stats.appFunctions[fc] ?? 0) + 1;
      if (fc !== FC.READ && fc !== FC.CONFIRM) stats.stateChanging++;
      if (fc === FC.CONFIRM || profile.fault === "link-only") return;
      const rseq = profile.fault === "wrong-sequence" ? (seq + 1) & 0x0f : seq;
      const flags = [...profile.iin];
      if (fc !== FC.READ) {
        sendFragment(f.src, Buffer.from([0xc0 | rseq, FC.RESPONSE, ...iinBytes([...flags, "function-not-supported"])]));
        return;
      }
      if (profile.challengeReads) {
        const challenge = Buffer.alloc(12);
        challenge.writeUInt32LE(1, 0);
        challenge.writeUInt16LE(1, 4);
        challenge[6] = 4; // MAC algorithm: HMAC-SHA-256 truncated to 16 octets
        challenge[7] = 1; // reason: critical function
        challenge.writeUInt32LE(0x5a5a5a5a, 8);
        sendFragment(f.src, Buffer.concat([Buffer.from([0xc0 | rseq, FC.AUTHENTICATION_RESPONSE, ...iinBytes(flags), 120, 1, 0x5b, 1, 12, 0]), challenge]));
        return;
      }
      const objs: Buffer[] = [];
      for (let at = 2; at + 5 <= app.length; at += 5) {
        const [group, variation, qualifier] = [app[at]!, app[at + 1]!, app[at + 2]!];
        if (group !== 0 || qualifier !== 0x00) {
          flags.push("object-unknown");
          break;
        }
        stats.attributesRead.push(variation);
        const text = profile.attributes[String(variation)];
        if (variation === 209 && profile.saVersion !== undefined) objs.push(Buffer.from([0, 209, 0, 0, 0, 2, 1, profile.saVersion]));
        else if (text !== undefined) {
          const v = Buffer.from(text, "latin1");
          objs.push(Buffer.concat([Buffer.from([0, variation, 0, 0, 0, 1, v.length]), v]));
        } else flags.push("object-unknown");
      }
      sendFragment(f.src, Buffer.concat([Buffer.from([0xc0 | rseq, FC.RESPONSE, ...iinBytes(flags)]), ...objs]));
    };
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > 65536) return void sock.destroy();
      for (;;) {
        let n: number | undefined;
        try {
          n = frameLength(buf);
        } catch {
          return void sock.destroy(); // framing lost: a real outstation would resynchronise; the simulator hangs up
        }
        if (n === undefined || buf.length < n) return;
        const raw = buf.subarray(0, n);
        buf = buf.subarray(n);
        try {
          onFrame(decodeFrame(raw));
        } catch (e) {
          if (e instanceof Dnp3DecodeError) stats.crcErrors++;
          else throw e;
        }
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.ports?.dnp3 ?? opts.port ?? 0, opts.host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    urls: [`dnp3://${host}:${port}`],
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
