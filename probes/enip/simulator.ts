// Profile-driven EtherNet/IP simulator (our own encapsulation server, CIP Vol. 2 §2-4): ListIdentity
// (TCP and UDP), ListServices, RegisterSession / UnRegisterSession, SendRRData with a tiny message
// router (Unconnected_Send unwrapped): Identity object (class 1) Get_Attributes_All / Get_Attribute_Single and the CIP Security
// object (class 0x5D) when the profile has it; every other service is refused (0x08) and counted.
// Optionally TLS on tcp/2221 and a DTLS HelloVerifyRequest on udp/2222 of the same host. stats()
// counts commands, CIP services and writes, so tests prove from the device's side what was sent.
import net from "node:net";
import tls from "node:tls";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import type { EnipSimProfile } from "./profile.js";
import { CMD, HEADER_LENGTH, ITEM, frameLength, parseHeader } from "./wire.js";

export interface EnipSimStats {
  connections: number;
  /** command (hex) -> count, TCP */
  commands: Record<string, number>;
  udpListIdentity: number;
  /** "service/class/instance/attribute" -> count */
  cipRequests: Record<string, number>;
  /** CIP services other than Get_Attributes_All (0x01) / Get_Attribute_Single (0x0E) */
  nonReadServices: number;
  sessionsRegistered: number;
  sessionsUnregistered: number;
  tlsHellos: number;
  dtlsHellos: number;
  resets: number;
}

export function identityItem(p: EnipSimProfile, port: number): Buffer {
  const id = p.identity;
  const name = Buffer.from(id.productName, "latin1");
  const d = Buffer.alloc(33 + name.length + 1);
  d.writeUInt16LE(1, 0);
  d.writeUInt16BE(2, 2); // sin_family AF_INET, big-endian (§2-4.2.3)
  d.writeUInt16BE(port, 4);
  d.writeUInt16LE(id.vendorId, 18);
  d.writeUInt16LE(id.deviceType, 20);
  d.writeUInt16LE(id.productCode, 22);
  const [maj, min] = id.revision.split(".").map(Number) as [number, number];
  d[24] = maj;
  d[25] = min;
  d.writeUInt16LE(id.status, 26);
  d.writeUInt32LE(Number.parseInt(id.serialNumber, 16) >>> 0, 28);
  d[32] = name.length;
  name.copy(d, 33);
  d[33 + name.length] = id.state;
  return d;
}

const cpf = (items: [number, Buffer][]) =>
  Buffer.concat([
    Buffer.from([items.length, 0]),
    ...items.map(([t, b]) => Buffer.concat([Buffer.from([t & 0xff, t >> 8, b.length & 0xff, b.length >> 8]), b])),
  ]);

function reply(req: Buffer, data: Buffer, status = 0, session?: number): Buffer {
  const h = Buffer.from(req.subarray(0, HEADER_LENGTH));
  h.writeUInt16LE(data.length, 2);
  if (session !== undefined) h.writeUInt32LE(session, 4);
  h.writeUInt32LE(status, 8);
  return Buffer.concat([h, data]);
}

/** The message router: one CIP request -> response bytes (service | 0x80, 0, status, 0, data). */
function route(p: EnipSimProfile, cip: Buffer, stats: EnipSimStats): Buffer {
  const service = cip[0] ?? 0;
  const words = cip[1] ?? 0;
  const path = cip.subarray(2, 2 + words * 2);
  const seg = (type: number) => {
    const i = path.findIndex((b, k) => k % 2 === 0 && (b & 0xfe) === type);
    return i < 0 ? undefined : path[i]! & 1 ? path.readUInt16LE(i + 2) : path[i + 1];
  };
  const cls = seg(0x20);
  const inst = seg(0x24);
  const attr = seg(0x30);
  const key = `0x${service.toString(16)}/${cls ?? "-"}/${inst ?? "-"}/${attr ?? "-"}`;
  stats.cipRequests[key] = (stats.cipRequests[key] ?? 0) + 1;
  const answer = (status: number, data: Buffer = Buffer.alloc(0)) => Buffer.concat([Buffer.from([service | 0x80, 0, status, 0]), data]);
  // Unconnected_Send (0x52) to the Connection Manager (class 6): routing, not an action; the embedded
  // request is routed here (CIP Vol. 1 §3-5.6: a successful reply is the embedded request's reply)
  if (service === 0x52 && cls === 0x06) {
    const body = cip.subarray(2 + words * 2);
    if (body.length < 4) return answer(0x13);
    const size = body.readUInt16LE(2);
    return route(p, body.subarray(4, 4 + size), stats);
  }
  if (service !== 0x01 && service !== 0x0e) {
    stats.nonReadServices++;
    return answer(0x08);
  }
  if (cls === 0x01 && inst === 1) return service === 0x01 ? answer(0, identityItem(p, 44818).subarray(18)) : answer(0x14);
  if (cls === 0x5d) {
    if (!p.cipSecurity.present) return answer(0x05);
    if (inst !== 1) return answer(0x16);
    if (service === 0x01) return answer(0x08);
    const cs = p.cipSecurity;
    if (attr === 1) return answer(0, Buffer.from([cs.state]));
    if (attr === 2) return answer(0, Buffer.from([cs.profiles & 0xff, cs.profiles >> 8]));
    if (attr === 3) return answer(0, Buffer.from([cs.configured & 0xff, cs.configured >> 8]));
    return answer(0x14);
  }
  return answer(0x05);
}

function handle(p: EnipSimProfile, req: Buffer, stats: EnipSimStats, port: number, state: { session: number }): Buffer | undefined {
  const h = parseHeader(req);
  switch (h.command) {
    case CMD.LIST_IDENTITY:
      return reply(req, cpf([[ITEM.IDENTITY, identityItem(p, port)]]));
    case CMD.LIST_SERVICES: {
      const d = Buffer.alloc(20);
      d.writeUInt16LE(1, 0);
      d.writeUInt16LE((1 << 5) | (1 << 8), 2);
      Buffer.from("Communications", "latin1").copy(d, 4);
      return reply(req, cpf([[ITEM.COMMUNICATIONS, d]]));
    }
    case CMD.REGISTER_SESSION:
      if (p.refuseSession) return reply(req, req.subarray(HEADER_LENGTH), 0x69, 0);
      stats.sessionsRegistered++;
      state.session = 0x1000 + stats.sessionsRegistered;
      return reply(req, req.subarray(HEADER_LENGTH), 0, state.session);
    case CMD.UNREGISTER_SESSION:
      stats.sessionsUnregistered++;
      state.session = 0;
      return undefined;
    case CMD.SEND_RR_DATA: {
      if (!state.session || h.session !== state.session) return reply(req, Buffer.alloc(0), 0x64);
      const body = req.subarray(HEADER_LENGTH);
      const cip = body.length >= 16 ? body.subarray(16, 16 + body.readUInt16LE(14)) : Buffer.alloc(0);
      const head = Buffer.alloc(6);
      return reply(
        req,
        Buffer.concat([
          head,
          cpf([
            [ITEM.NULL_ADDRESS, Buffer.alloc(0)],
            [ITEM.UNCONNECTED_DATA, route(p, cip, stats)],
          ]),
        ]),
      );
    }
    default:
      return reply(req, Buffer.alloc(0), 0x01);
  }
}

export async function startEnipSimulator(profile: EnipSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: EnipSimStats = {
    connections: 0,
    commands: {},
    udpListIdentity: 0,
    cipRequests: {},
    nonReadServices: 0,
    sessionsRegistered: 0,
    sessionsUnregistered: 0,
    tlsHellos: 0,
    dtlsHellos: 0,
    resets: 0,
  };
  const sockets = new Set<net.Socket>();
  const closers: (() => Promise<void>)[] = [];
  const family = net.isIP(opts.host) === 6 ? "udp6" : "udp4";
  let port = opts.ports?.enip ?? opts.port ?? 0;
  const server = net.createServer((s) => {
    stats.connections++;
    sockets.add(s);
    let buf = Buffer.alloc(0);
    const state = { session: 0 };
    s.on("error", () => stats.resets++);
    s.on("close", () => sockets.delete(s));
    s.on("end", () => s.end());
    s.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const n = frameLength(buf);
        if (n === undefined || buf.length < n) return;
        const req = Buffer.from(buf.subarray(0, n));
        buf = buf.subarray(n);
        const cmd = `0x${req.readUInt16LE(0).toString(16).padStart(4, "0")}`;
        stats.commands[cmd] = (stats.commands[cmd] ?? 0) + 1;
        const out = handle(profile, req, stats, port, state);
        if (out) s.write(out);
        if (req.readUInt16LE(0) === CMD.UNREGISTER_SESSION) s.end();
      }
    });
  });
  if (profile.tcp) {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => resolve());
    });
    port = (server.address() as net.AddressInfo).port;
    closers.push(() => new Promise((r) => server.close(() => r())));
  }
  const bindUdp = async (p: number, onMessage: (sock: UdpSocket, msg: Buffer, rinfo: { address: string; port: number }) => void) => {
    const sock = createSocket(family);
    await new Promise<void>((resolve, reject) => {
      sock.once("error", reject);
      sock.bind(p, opts.host, () => resolve());
    });
    sock.on("message", (msg, rinfo) => onMessage(sock, msg, rinfo));
    closers.push(() => new Promise((r) => sock.close(() => r())));
    return sock;
  };
  if (profile.udp) {
    const sock = await bindUdp(port, (s, msg, rinfo) => {
      if (msg.length < HEADER_LENGTH || msg.readUInt16LE(0) !== CMD.LIST_IDENTITY) return;
      stats.udpListIdentity++;
      s.send(handle(profile, msg, stats, port, { session: 0 })!, rinfo.port, rinfo.address);
    });
    if (!port) port = sock.address().port;
  }
  if (profile.tls) {
    const { issueCertificate } = await import("../modbus/certs.js");
    const cert = await issueCertificate({ subject: "CN=enip-simulator", ips: [opts.host] });
    const ts = tls.createServer({ cert: cert.certPem, key: cert.keyPem, minVersion: "TLSv1.2", maxVersion: profile.tlsMaxVersion }, (s) =>
      s.on("error", () => undefined),
    );
    ts.on("connection", () => stats.tlsHellos++);
    ts.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve, reject) => {
      ts.once("error", reject);
      ts.listen(2221, opts.host, () => resolve());
    });
    closers.push(() => new Promise((r) => ts.close(() => r())));
  }
  if (profile.dtls) {
    await bindUdp(2222, (s, msg, rinfo) => {
      if (msg[0] !== 22 || msg[13] !== 1) return;
      stats.dtlsHellos++;
      // HelloVerifyRequest (RFC 6347 §4.2.1): server_version 0xFEFF, an 8-byte cookie
      const body = Buffer.concat([Buffer.from([0xfe, 0xff, 8]), Buffer.alloc(8, 0x5a)]);
      const hs = Buffer.concat([Buffer.from([3, 0, 0, body.length, 0, 0, 0, 0, 0, 0, 0, body.length]), body]);
      const rec = Buffer.concat([Buffer.from([22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, hs.length]), hs]);
      s.send(rec, rinfo.port, rinfo.address);
    });
  }
  return {
    urls: [endpointUrl("enip", opts.host, port)],
    stats: () => structuredClone(stats) as unknown as Record<string, unknown>,
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.allSettled(closers.splice(0).map((c) => c()));
    },
  };
}
