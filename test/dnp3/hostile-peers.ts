// Scripted misbehaving DNP3 outstations (corpus for test/dnp3/hostile.test.ts): each case answers the
// probe's frames its own wrong way: lying lengths, bad CRCs, endless fragments, IIN floods, lying
// object counts, drips, resets, control characters in every string. Built with our own encoder
// where a frame must be valid so that exactly one thing is wrong.
import net from "node:net";
import { FC } from "../../probes/dnp3/app.js";
import { PRI, SEC, decodeFrame, encodeFrame, frameLength, type LinkFrame } from "../../probes/dnp3/link.js";

export interface PeerIo {
  write(b: Buffer): void;
  sock: net.Socket;
}
export interface HostileCase {
  name: string;
  onConnect?(io: PeerIo): void;
  /** called for each frame the probe sends */
  onFrame?(f: LinkFrame, io: PeerIo): void;
}

const OUT = 10;
const MASTER = 1;

export const linkStatus = (opts: { src?: number; dest?: number; func?: number } = {}) =>
  encodeFrame({ dir: false, prm: false, fcb: false, fcvDfc: false, func: opts.func ?? SEC.LINK_STATUS, dest: opts.dest ?? MASTER, src: opts.src ?? OUT });
/** One application fragment as one or more link frames (transport FIR/FIN). */
export function fragment(app: Buffer, o: { fir?: boolean; fin?: boolean; seq?: number; src?: number } = {}): Buffer {
  const th = ((o.fin ?? true) ? 0x80 : 0) | ((o.fir ?? true) ? 0x40 : 0) | ((o.seq ?? 0) & 0x3f);
  return encodeFrame({
    dir: false,
    prm: true,
    fcb: false,
    fcvDfc: false,
    func: PRI.UNCONFIRMED_USER_DATA,
    dest: MASTER,
    src: o.src ?? OUT,
    data: Buffer.concat([Buffer.from([th]), app]),
  });
}
/** A response header: AC (FIR FIN, sequence), FC, IIN. */
export const resp = (seq: number, objects: Buffer = Buffer.alloc(0), o: { fc?: number; iin?: [number, number]; ac?: number } = {}) =>
  Buffer.concat([Buffer.from([o.ac ?? 0xc0 | seq, o.fc ?? FC.RESPONSE, ...(o.iin ?? [0, 0])]), objects]);
export const attr = (variation: number, text: string, type = 1) => {
  const v = Buffer.from(text, "latin1");
  return Buffer.concat([Buffer.from([0, variation, 0, 0, 0, type, v.length]), v]);
};
const appSeq = (f: LinkFrame) => f.data[1]! & 0x0f;
const isLink = (f: LinkFrame) => f.func === PRI.REQUEST_LINK_STATUS;
const isRead = (f: LinkFrame) => f.func === PRI.UNCONFIRMED_USER_DATA && f.data[2] === FC.READ;
const answerLink = (f: LinkFrame, io: PeerIo) => isLink(f) && io.write(linkStatus());

export const CONTROL = "\x1b[31mRED\x1b[0m\r\nFAKE: pass\x07\u202eevil\u0000";

export const HOSTILE_CASES: HostileCase[] = [
  { name: "garbage before any frame (an HTTP answer)", onFrame: (_f, io) => io.write(Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n")) },
  { name: "LEN promises 255 bytes, 20 come", onFrame: (f, io) => isLink(f) && io.write(linkStatus().subarray(0, 3).fill(0xff, 2, 3)) },
  { name: "LEN below the minimum 5", onFrame: (_f, io) => io.write(Buffer.from([0x05, 0x64, 0x02, 0x0b, 0x01, 0x00, 0x0a, 0x00, 0, 0])) },
  {
    name: "header CRC wrong on the link status answer",
    onFrame: (f, io) => isLink(f) && io.write(Buffer.concat([linkStatus().subarray(0, 8), Buffer.from([0, 0])])),
  },
  {
    name: "data block CRC wrong on the response",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (isRead(f)) {
        const b = fragment(resp(appSeq(f), attr(252, "ACME")));
        b[12] ^= 0xff;
        io.write(b);
      }
    },
  },
  { name: "link status from another outstation address", onFrame: (f, io) => isLink(f) && io.write(linkStatus({ src: 77 })) },
  { name: "link status to another master address", onFrame: (f, io) => isLink(f) && io.write(linkStatus({ dest: 99 })) },
  { name: "NACK instead of LINK_STATUS", onFrame: (f, io) => isLink(f) && io.write(linkStatus({ func: SEC.NACK })) },
  { name: "NOT_SUPPORTED instead of LINK_STATUS", onFrame: (f, io) => isLink(f) && io.write(linkStatus({ func: SEC.NOT_SUPPORTED })) },
  {
    name: "endless transport segments, never FIN",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (isRead(f)) for (let i = 0; i < 80; i++) io.write(fragment(Buffer.alloc(200, 0x41), { fir: i === 0, fin: false, seq: i }));
    },
  },
  {
    name: "a fragment larger than 4 KiB",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (isRead(f)) for (let i = 0; i < 30; i++) io.write(fragment(Buffer.alloc(200, 0x42), { fir: i === 0, fin: i === 29, seq: i }));
    },
  },
  {
    name: "transport segments out of sequence",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (isRead(f)) {
        io.write(fragment(resp(appSeq(f)).subarray(0, 2), { fir: true, fin: false, seq: 3 }));
        io.write(fragment(Buffer.from([0, 0]), { fir: false, fin: true, seq: 9 }));
      }
    },
  },
  {
    name: "response with another application sequence",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp((appSeq(f) + 5) & 0x0f, attr(252, "WRONG"))))),
  },
  {
    name: "IIN flood: 400 unsolicited responses instead of the answer",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (isRead(f))
        io.write(
          Buffer.concat(
            Array.from({ length: 400 }, (_, i) =>
              fragment(resp(i & 0x0f, undefined, { ac: 0xd0 | (i & 0x0f), fc: FC.UNSOLICITED_RESPONSE, iin: [0xff, 0x3f] }), { seq: i }),
            ),
          ),
        );
    },
  },
  {
    name: "attribute length longer than the fragment",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([0, 252, 0, 0, 0, 1, 200, 0x41, 0x42]))))),
  },
  {
    name: "object range claims 256 attributes, carries one",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([0, 252, 0, 0, 255, 1, 1, 0x41]))))),
  },
  { name: "range stop below start", onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([0, 252, 0, 9, 2]))))) },
  {
    name: "control characters, escapes and bidi overrides in every attribute",
    onFrame: (f, io) => (
      answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.concat([attr(252, CONTROL), attr(250, CONTROL), attr(242, CONTROL)]))))
    ),
  },
  {
    name: "100 tiny attributes (more than the object bound)",
    onFrame: (f, io) => (
      answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.concat([Buffer.from([0, 252, 0, 0, 99]), Buffer.alloc(200, 0)]))))
    ),
  },
  { name: "reset right after connect", onConnect: (io) => io.sock.resetAndDestroy() },
  { name: "FIN after the link status answer", onFrame: (f, io) => isLink(f) && (io.write(linkStatus()), io.sock.end()) },
  {
    name: "drip: the response one byte every 40 ms",
    onFrame: (f, io) => {
      answerLink(f, io);
      if (!isRead(f)) return;
      const b = fragment(resp(appSeq(f), attr(252, "SLOW".repeat(20))));
      let i = 0;
      const t = setInterval(() => (i < b.length && !io.sock.destroyed ? io.write(b.subarray(i, ++i)) : clearInterval(t)), 40);
      io.sock.on("close", () => clearInterval(t));
    },
  },
  { name: "flood: 200 KB of frames nobody asked for", onConnect: (io) => io.write(Buffer.alloc(200_000, 0x05)) },
  { name: "silent: accepts TCP, never answers" },
  {
    name: "authentication error object (g120v7) to a READ",
    onFrame: (f, io) => (
      answerLink(f, io),
      isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([120, 7, 0x5b, 1, 9, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4]), { fc: FC.AUTHENTICATION_RESPONSE })))
    ),
  },
  {
    name: "g120v1 challenge too short to hold its fields",
    onFrame: (f, io) => (
      answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([120, 1, 0x5b, 1, 2, 0, 1, 0]), { fc: FC.AUTHENTICATION_RESPONSE })))
    ),
  },
  {
    name: "response asks for an application confirm",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), attr(252, "ACME"), { ac: 0xe0 | appSeq(f) })))),
  },
  {
    name: "unsolicited response before the link status answer",
    onFrame: (f, io) =>
      isLink(f) && io.write(Buffer.concat([fragment(resp(0, undefined, { ac: 0xd0, fc: FC.UNSOLICITED_RESPONSE, iin: [0x10, 0] })), linkStatus()])),
  },
  {
    name: "the outstation sends its own link status request",
    onFrame: (f, io) =>
      isLink(f) && io.write(encodeFrame({ dir: false, prm: true, fcb: false, fcvDfc: false, func: PRI.REQUEST_LINK_STATUS, dest: MASTER, src: OUT })),
  },
  {
    name: "SA version as a visible string '5' (not a UINT)",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), attr(209, "5", 1))))),
  },
  {
    name: "SA version attribute with no value bytes",
    onFrame: (f, io) => (answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.from([0, 209, 0, 0, 0, 2, 0]))))),
  },
  {
    name: "a class 0 object the probe never asked for (g30v1), then attributes",
    onFrame: (f, io) => (
      answerLink(f, io), isRead(f) && io.write(fragment(resp(appSeq(f), Buffer.concat([Buffer.from([30, 1, 0, 0, 0, 1, 0, 0, 0, 0]), attr(252, "HIDDEN")]))))
    ),
  },
];

/** Serve one case on loopback; every frame the probe sent is kept (decoded) for device-side checks. */
export async function startHostile(c: HostileCase): Promise<{ port: number; received: LinkFrame[]; stop(): Promise<void> }> {
  const received: LinkFrame[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    socks.add(sock);
    sock.on("error", () => undefined);
    sock.on("close", () => socks.delete(sock));
    const io: PeerIo = { sock, write: (b) => void (!sock.destroyed && sock.write(b)) };
    c.onConnect?.(io);
    let buf = Buffer.alloc(0);
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const n = frameLength(buf);
        if (n === undefined || buf.length < n) return;
        const f = decodeFrame(buf.subarray(0, n));
        buf = buf.subarray(n);
        received.push(f);
        c.onFrame?.(f, io);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    async stop() {
      for (const s of socks) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
