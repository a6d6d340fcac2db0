// Profile-driven Modbus/TCP simulator (our own MBAP server: modbus-serial's ServerTCP drops 1-byte
// PDUs such as FC 17 and ignores the FC 43 read code). Serves identity objects (§6.21), Report
// Server ID (§6.17), coils and holding registers, unit ids, and optionally Modbus/TCP Security (TLS
// with or without required client certificates, role extension 1.3.6.1.4.1.50316.802.1). It counts
// every request by function code and unit (stats()), so tests assert from the device's side what
// a probe sent. Faults (wrong transaction id, short data, over-long PDU, silence...) for robustness tests.
import net from "node:net";
import tls from "node:tls";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { issueCertificate, roleOf } from "./certs.js";
import { DEVICE_ID_OBJECTS, FC, MAX_PDU_BYTES, MEI_READ_DEVICE_ID, extractFrame, encodeFrame, type MbapFrame } from "./mbap.js";
import type { ModbusSimProfile } from "./profile.js";

export interface ModbusSimStats {
  connections: number;
  tlsConnections: number;
  tlsHandshakeFailures: number;
  requests: number;
  /** function code (decimal, as string) -> count */
  byFunctionCode: Record<string, number>;
  byUnit: Record<string, number>;
  /** FC 5/6 requests that reached a unit (accepted or refused) */
  writes: number;
  /** connections closed by the client with FIN (not RST) */
  cleanCloses: number;
  resets: number;
  /** paths of the generated PKI (when TLS is enabled) */
  pki?: { ca: string; clientCert: string; clientKey: string; clientNoRoleCert: string; clientNoRoleKey: string };
}

const EXC = { ILLEGAL_FUNCTION: 0x01, ILLEGAL_DATA_ADDRESS: 0x02, ILLEGAL_DATA_VALUE: 0x03, GATEWAY_TARGET_FAILED: 0x0b } as const;

function exception(fc: number, code: number): Buffer {
  return Buffer.from([fc | 0x80, code]);
}

class DeviceState {
  coils = new Map<number, boolean>();
  holding = new Map<number, number>();
  constructor(readonly profile: ModbusSimProfile) {
    for (const [a, v] of Object.entries(profile.coils)) this.coils.set(Number(a), v);
    for (const [a, v] of Object.entries(profile.holding)) this.holding.set(Number(a), v);
  }

  private objects(): Map<number, string> {
    const m = new Map<number, string>();
    for (const d of DEVICE_ID_OBJECTS) {
      const v = this.profile.identity[d.key];
      if (v !== undefined && v !== "") m.set(d.id, v);
    }
    for (const [id, v] of Object.entries(this.profile.extendedObjects)) m.set(Number(id), v);
    return m;
  }

  /** Read Device Identification (§6.21): stream access with "more follows" when objects do not fit. */
  private readDeviceId(pdu: Buffer): Buffer {
    if (!this.profile.deviceIdentification || pdu[1] !== MEI_READ_DEVICE_ID || pdu.length !== 4) return exception(pdu[0]!, EXC.ILLEGAL_FUNCTION);
    const readCode = pdu[2]!;
    let objectId = pdu[3]!;
    const objects = this.objects();
    const regular = [...objects.keys()].some((id) => id >= 3 && id <= 6);
    const extended = [...objects.keys()].some((id) => id >= 0x80);
    const conformity = extended ? 0x83 : regular ? 0x82 : 0x81;
    if (readCode < 1 || readCode > 4) return exception(pdu[0]!, EXC.ILLEGAL_DATA_VALUE);
    let ids: number[];
    if (readCode === 4) {
      if (!objects.has(objectId)) return exception(pdu[0]!, EXC.ILLEGAL_DATA_ADDRESS);
      ids = [objectId];
    } else {
      const last = readCode === 1 ? 2 : readCode === 2 ? 6 : 0xff;
      if (!objects.has(objectId) || objectId > last) objectId = 0; // §6.21: unknown object id -> restart at 0
      ids = [...objects.keys()].filter((id) => id >= objectId && id <= last).sort((a, b) => a - b);
    }
    const body: Buffer[] = [];
    let room = MAX_PDU_BYTES - 7;
    let next = 0;
    for (const id of ids) {
      const value = Buffer.from(objects.get(id)!, "latin1").subarray(0, 245);
      if (2 + value.length > room) {
        next = id;
        break;
      }
      room -= 2 + value.length;
      body.push(Buffer.from([id, value.length]), value);
    }
    const count = body.length / 2;
    return Buffer.concat([Buffer.from([FC.ENCAPSULATED_INTERFACE, MEI_READ_DEVICE_ID, readCode, conformity, next ? 0xff : 0x00, next, count]), ...body]);
  }

  handle(pdu: Buffer, roleAllowed: boolean): Buffer {
    const fc = pdu[0]!;
    if (!roleAllowed) return exception(fc, EXC.ILLEGAL_FUNCTION); // Modbus/TCP Security: role not authorized
    switch (fc) {
      case FC.ENCAPSULATED_INTERFACE:
        return this.readDeviceId(pdu);
      case FC.REPORT_SERVER_ID: {
        if (pdu.length !== 1 || this.profile.serverId === undefined) return exception(fc, EXC.ILLEGAL_FUNCTION);
        const data = Buffer.concat([Buffer.from(this.profile.serverId, "latin1"), Buffer.from([0xff])]); // run indicator ON
        return Buffer.concat([Buffer.from([fc, data.length]), data]);
      }
      case FC.READ_COILS:
      case FC.READ_DISCRETE_INPUTS:
      case FC.READ_HOLDING_REGISTERS:
      case FC.READ_INPUT_REGISTERS: {
        if (pdu.length !== 5) return exception(fc, EXC.ILLEGAL_DATA_VALUE);
        const address = pdu.readUInt16BE(1);
        const quantity = pdu.readUInt16BE(3);
        const bits = fc === FC.READ_COILS || fc === FC.READ_DISCRETE_INPUTS;
        if (quantity < 1 || quantity > (bits ? 2000 : 125)) return exception(fc, EXC.ILLEGAL_DATA_VALUE);
        if (address + quantity > 0x10000) return exception(fc, EXC.ILLEGAL_DATA_ADDRESS);
        if (bits) {
          const data = Buffer.alloc(Math.ceil(quantity / 8));
          for (let i = 0; i < quantity; i++) if (fc === FC.READ_COILS && this.coils.get(address + i)) data[i >> 3]! |= 1 << (i & 7);
          return Buffer.concat([Buffer.from([fc, data.length]), data]);
        }
        const data = Buffer.alloc(quantity * 2);
        for (let i = 0; i < quantity; i++) data.writeUInt16BE(fc === FC.READ_HOLDING_REGISTERS ? (this.holding.get(address + i) ?? 0) : 0, i * 2);
        return Buffer.concat([Buffer.from([fc, data.length]), data]);
      }
      case FC.WRITE_SINGLE_COIL:
      case FC.WRITE_SINGLE_REGISTER: {
        if (pdu.length !== 5) return exception(fc, EXC.ILLEGAL_DATA_VALUE);
        if (this.profile.writeProtected) return exception(fc, EXC.ILLEGAL_FUNCTION);
        const address = pdu.readUInt16BE(1);
        const value = pdu.readUInt16BE(3);
        if (fc === FC.WRITE_SINGLE_COIL) {
          if (value !== 0xff00 && value !== 0x0000) return exception(fc, EXC.ILLEGAL_DATA_VALUE);
          this.coils.set(address, value === 0xff00);
        } else this.holding.set(address, value);
        return Buffer.from(pdu); // §6.5/§6.6: the normal response echoes the request
      }
      default:
        return exception(fc, EXC.ILLEGAL_FUNCTION);
    }
  }
}

async function buildPki(stateDir: string, host: string, t: NonNullable<ModbusSimProfile["tls"]>) {
  const dir = join(stateDir, "modbus-tls");
  mkdirSync(dir, { recursive: true });
  const ca = await issueCertificate({ subject: "CN=otaudit simulator CA", isCa: true, signHash: t.signHash });
  const now = Date.now();
  const validity = t.expired ? { notBefore: new Date(now - 2 * 365 * 86400_000), notAfter: new Date(now - 365 * 86400_000) } : {};
  const server = await issueCertificate({ subject: "CN=otaudit modbus simulator", keyType: t.keyType, signHash: t.signHash, ca, ips: [host], ...validity });
  const client = await issueCertificate({ subject: "CN=otaudit test client", ca, role: t.clientRole });
  const noRole = await issueCertificate({ subject: "CN=otaudit test client without role", ca });
  const paths = {
    ca: join(dir, "ca.pem"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client-key.pem"),
    clientNoRoleCert: join(dir, "client-norole.pem"),
    clientNoRoleKey: join(dir, "client-norole-key.pem"),
  };
  writeFileSync(paths.ca, ca.certPem);
  writeFileSync(join(dir, "server.pem"), server.certPem);
  writeFileSync(join(dir, "server-key.pem"), server.keyPem, { mode: 0o600 });
  writeFileSync(paths.clientCert, client.certPem);
  writeFileSync(paths.clientKey, client.keyPem, { mode: 0o600 });
  writeFileSync(paths.clientNoRoleCert, noRole.certPem);
  writeFileSync(paths.clientNoRoleKey, noRole.keyPem, { mode: 0o600 });
  return { ca, server, paths };
}

export async function startModbusSimulator(profile: ModbusSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const state = new DeviceState(profile);
  const stats: ModbusSimStats = {
    connections: 0,
    tlsConnections: 0,
    tlsHandshakeFailures: 0,
    requests: 0,
    byFunctionCode: {},
    byUnit: {},
    writes: 0,
    cleanCloses: 0,
    resets: 0,
  };
  const sockets = new Set<net.Socket>();
  const servers: net.Server[] = [];
  const urls: string[] = [];

  function serve(socket: net.Socket, roleAllowed: boolean): void {
    sockets.add(socket);
    let ended = false;
    socket.on("end", () => {
      ended = true;
      socket.end();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "ECONNRESET") stats.resets++;
    });
    socket.on("close", () => {
      if (ended) stats.cleanCloses++;
      sockets.delete(socket);
    });
    if (profile.fault === "accept-hang") {
      socket.pause(); // accepts and never reads nor answers
      return;
    }
    let buf = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const r = extractFrame(buf);
        if (r.kind === "need-more") return;
        if (r.kind === "invalid") {
          socket.destroy();
          return;
        }
        buf = buf.subarray(r.consumed);
        respond(socket, r.frame, roleAllowed);
      }
    });
  }

  function respond(socket: net.Socket, frame: MbapFrame, roleAllowed: boolean): void {
    const fc = frame.pdu[0]!;
    stats.requests++;
    stats.byFunctionCode[String(fc)] = (stats.byFunctionCode[String(fc)] ?? 0) + 1;
    stats.byUnit[String(frame.unitId)] = (stats.byUnit[String(frame.unitId)] ?? 0) + 1;
    if (profile.fault === "silent") return;
    let pdu: Buffer;
    if (!profile.units.includes(frame.unitId)) {
      if (profile.missingUnit === "silent") return;
      pdu = exception(fc, EXC.GATEWAY_TARGET_FAILED);
    } else if (profile.fault === "exception-always") {
      pdu = exception(fc, EXC.ILLEGAL_FUNCTION);
    } else {
      if (fc === FC.WRITE_SINGLE_COIL || fc === FC.WRITE_SINGLE_REGISTER) stats.writes++;
      pdu = state.handle(frame.pdu, roleAllowed);
    }
    let adu = encodeFrame({ transactionId: frame.transactionId, unitId: frame.unitId, pdu });
    switch (profile.fault) {
      case "wrong-transaction-id":
        adu.writeUInt16BE((frame.transactionId + 1) & 0xffff, 0);
        break;
      case "length-too-long":
        adu.writeUInt16BE(adu.readUInt16BE(4) + 10, 4); // announces 10 bytes that never come
        break;
      case "over-long-pdu": {
        const big = Buffer.alloc(6 + 300, 0x41);
        big.writeUInt16BE(frame.transactionId, 0);
        big.writeUInt16BE(0, 2);
        big.writeUInt16BE(300, 4);
        big.writeUInt8(frame.unitId, 6);
        big.writeUInt8(fc, 7);
        adu = big;
        break;
      }
      default:
    }
    socket.write(adu);
  }

  const listen = (server: net.Server, port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => {
        server.removeListener("error", reject);
        resolve((server.address() as net.AddressInfo).port);
      });
    });

  try {
    if (profile.plain) {
      const server = net.createServer((s) => {
        stats.connections++;
        serve(s, true);
      });
      servers.push(server);
      urls.push(endpointUrl("modbus", opts.host, await listen(server, opts.ports?.modbus ?? opts.port ?? 0)));
    }
    if (profile.tls?.enabled) {
      const t = profile.tls;
      const pki = await buildPki(opts.stateDir, opts.host, t);
      stats.pki = pki.paths;
      const legacy = t.minVersion === "TLSv1" || t.minVersion === "TLSv1.1" || t.signHash === "SHA-1" || t.keyType === "rsa-1024";
      const server = tls.createServer(
        {
          key: pki.server.keyPem,
          cert: pki.server.certPem,
          ca: [pki.ca.certPem],
          requestCert: t.requireClientCert,
          rejectUnauthorized: t.requireClientCert,
          minVersion: t.minVersion,
          maxVersion: t.maxVersion,
          ...(t.ciphers ? { ciphers: t.ciphers } : legacy ? { ciphers: "DEFAULT@SECLEVEL=0" } : {}),
        },
        (s) => {
          stats.tlsConnections++;
          const peer = s.getPeerCertificate(true);
          let role: string | undefined;
          const check = async () => {
            if (peer?.raw) role = roleOf(peer.raw);
            serve(s, !t.requireRole || role !== undefined);
          };
          s.pause();
          void check().then(() => s.resume());
        },
      );
      server.on("tlsClientError", () => stats.tlsHandshakeFailures++);
      servers.push(server);
      urls.push(endpointUrl("modbus+tls", opts.host, await listen(server, opts.ports?.["modbus+tls"] ?? 0)));
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }

  return {
    urls,
    stats: () => structuredClone(stats) as unknown as Record<string, unknown>,
    async stop() {
      for (const s of sockets) s.end();
      await Promise.all(
        servers.map(
          (server) =>
            new Promise<void>((resolve) => {
              const t = setTimeout(() => {
                for (const s of sockets) s.destroy();
              }, 500);
              server.close(() => {
                clearTimeout(t);
                resolve();
              });
            }),
        ),
      );
    },
  };
}
