// IEC 60870-5-104 controlled-station simulator (loopback): plain on tcp/2404-like port, and IEC 62351-3
// TLS with its own CA and server certificate. It answers TESTFR act, STARTDT act and STOPDT act with
// their confirmations and COUNTS every APDU by format, U function and I type id (commands in control
// direction separately): stats() let tests show from the station's side that the probe sent only
// TESTFR act, never STARTDT, an interrogation or a command.
import net from "node:net";
import tls from "node:tls";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { Iec104DecodeError, START, U, apduLength, decodeApdu, isControlDirection } from "./apci.js";
import type { Iec104SimProfile } from "./profile.js";

export type Iec104SimStats = {
  connections: number;
  tlsSessions: number;
  /** U-format functions received, by name */
  u: Record<string, number>;
  s: number;
  /** I-format type ids received */
  iTypeIds: number[];
  /** I-format ASDUs in control direction (commands, interrogations, parameter loads) */
  commands: number;
  framingErrors: number;
};

const uFrame = (code: number) => Buffer.from([START, 4, code, 0, 0, 0]);

function serve(sock: net.Socket, profile: Iec104SimProfile, stats: Iec104SimStats): void {
  stats.connections++;
  sock.on("error", () => undefined);
  let buf = Buffer.alloc(0);
  if (profile.fault === "i-frames-before-startdt") sock.write(Buffer.from([START, 14, 0, 0, 0, 0, 1, 1, 3, 0, 1, 0, 1, 0, 0, 1])); // M_SP_NA_1, spontaneous, before any STARTDT
  sock.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    if (buf.length > 65536) return void sock.destroy();
    for (;;) {
      let n: number | undefined;
      try {
        n = apduLength(buf);
      } catch {
        stats.framingErrors++;
        return void sock.destroy();
      }
      if (n === undefined || buf.length < n) return;
      const raw = buf.subarray(0, n);
      buf = buf.subarray(n);
      let a;
      try {
        a = decodeApdu(raw);
      } catch (e) {
        if (!(e instanceof Iec104DecodeError)) throw e;
        stats.framingErrors++;
        continue;
      }
      if (a.format === "S") stats.s++;
      else if (a.format === "I") {
        stats.iTypeIds.push(a.typeId);
        if (isControlDirection(a.typeId)) stats.commands++;
      } else {
        stats.u[a.function] = (stats.u[a.function] ?? 0) + 1;
        if (profile.fault === "silent") continue;
        if (profile.fault === "close-on-testfr") return void sock.end();
        if (profile.fault === "garbage") {
          sock.write(Buffer.from("HTTP/1.0 400 Bad Request\r\n\r\n"));
          continue;
        }
        const reply = a.code === U.TESTFR_ACT ? U.TESTFR_CON : a.code === U.STARTDT_ACT ? U.STARTDT_CON : a.code === U.STOPDT_ACT ? U.STOPDT_CON : undefined;
        if (reply !== undefined) sock.write(uFrame(reply));
      }
    }
  });
}

export async function startIec104Simulator(profile: Iec104SimProfile, opts: SimulatorOptions): Promise<RunningSimulator & { stats(): Iec104SimStats }> {
  const stats: Iec104SimStats = { connections: 0, tlsSessions: 0, u: {}, s: 0, iTypeIds: [], commands: 0, framingErrors: 0 };
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };
  const servers: net.Server[] = [];
  const urls: string[] = [];
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  const listen = (server: net.Server, port: number | undefined) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port ?? 0, opts.host, () => resolve((server.address() as net.AddressInfo).port));
    });
  try {
    if (profile.plain) {
      const server = net.createServer((s) => {
        track(s);
        serve(s, profile, stats);
      });
      servers.push(server);
      urls.push(`iec104://${host}:${await listen(server, opts.ports?.iec104 ?? opts.port)}`);
    }
    if (profile.tls) {
      const { issueCertificate } = await import("../modbus/certs.js");
      const ca = await issueCertificate({ subject: "CN=otaudit simulator IEC 62351 CA", isCa: true, keyType: profile.tls.keyType });
      const server = await issueCertificate({ subject: "CN=otaudit simulator IEC 104 station", keyType: profile.tls.keyType, ca, ips: [opts.host] });
      const t = tls.createServer(
        {
          key: server.keyPem,
          cert: server.certPem,
          ca: [ca.certPem],
          requestCert: profile.tls.requireClientCert,
          rejectUnauthorized: profile.tls.requireClientCert,
          minVersion: profile.tls.minVersion,
          maxVersion: profile.tls.maxVersion,
          ...(profile.tls.minVersion === "TLSv1" || profile.tls.minVersion === "TLSv1.1" ? { ciphers: "DEFAULT@SECLEVEL=0" } : {}),
        },
        (s) => {
          stats.tlsSessions++;
          serve(s, profile, stats);
        },
      );
      t.on("connection", track);
      t.on("tlsClientError", () => undefined);
      servers.push(t);
      urls.push(`iec104+tls://${host}:${await listen(t, opts.ports?.["iec104+tls"])}`);
    }
  } catch (e) {
    for (const s of servers) s.close();
    throw e;
  }
  return {
    urls,
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
