// Profile-driven MQTT broker (just enough of MQTT 3.1/3.1.1/5.0): answers CONNECT with CONNACK per
// the profile (levels spoken, anonymous allowed, accounts), on plain TCP and/or TLS with a generated
// certificate. Everything after an accepted CONNECT is only counted (SUBSCRIBE, PUBLISH,
// DISCONNECT), so tests prove from the broker's side what a probe sent: no password in default
// mode, never a SUBSCRIBE or PUBLISH, a DISCONNECT after every accepted session.
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { issueCertificate } from "../modbus/certs.js";
import type { MqttSimProfile } from "./profile.js";
import { encodeConnack, MqttWireError, packetFrame, parseConnect } from "./packets.js";

export interface MqttSimulatorStats {
  connections: number;
  connects: number;
  /** CONNECTs that carried a user name / a password */
  withUsername: number;
  withPassword: number;
  accepted: number;
  refused: number;
  subscribes: number;
  publishes: number;
  disconnects: number;
  /** client identifiers seen (to match a probe's facts) */
  clientIds: string[];
  [key: string]: unknown;
}

const PACKET_TYPES = { subscribe: 8, publish: 3, disconnect: 14 } as const;

export async function startMqttSimulator(profile: MqttSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const stats: MqttSimulatorStats = {
    connections: 0,
    connects: 0,
    withUsername: 0,
    withPassword: 0,
    accepted: 0,
    refused: 0,
    subscribes: 0,
    publishes: 0,
    disconnects: 0,
    clientIds: [],
  };
  const sockets = new Set<Socket>();

  const onConnection = (s: Socket) => {
    stats.connections++;
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => {});
    let buf = Buffer.alloc(0);
    let connected = false;
    s.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let guard = 0; guard < 64 && buf.length > 0; guard++) {
        let n: number | undefined;
        try {
          n = packetFrame(buf);
        } catch {
          s.destroy();
          return;
        }
        if (n === undefined || n > buf.length) return;
        const packet = buf.subarray(0, n);
        buf = buf.subarray(n);
        if (!connected) {
          connected = true;
          handleConnect(s, packet);
          continue;
        }
        const type = packet[0]! >> 4;
        if (type === PACKET_TYPES.subscribe) stats.subscribes++;
        else if (type === PACKET_TYPES.publish) stats.publishes++;
        else if (type === PACKET_TYPES.disconnect) {
          stats.disconnects++;
          s.end();
        }
      }
    });
  };

  const handleConnect = (s: Socket, packet: Buffer) => {
    let c;
    try {
      c = parseConnect(packet);
    } catch (e) {
      if (e instanceof MqttWireError) s.destroy();
      return;
    }
    stats.connects++;
    stats.clientIds.push(c.clientId.slice(0, 64));
    if (c.username !== undefined) stats.withUsername++;
    if (c.password !== undefined) stats.withPassword++;
    const level = c.level;
    if (!(profile.levels as number[]).includes(level)) {
      stats.refused++;
      // 3.1.1 §3.1.2.2: return code 1 then disconnect; 5.0: 0x84 Unsupported Protocol Version
      s.end(level === 5 ? encodeConnack(4, 1) : encodeConnack(level, 1));
      return;
    }
    const account = profile.accounts.find((a) => a.username === c.username);
    const ok = c.username === undefined && c.password === undefined ? profile.anonymous : account !== undefined && account.password === c.password;
    if (ok) {
      stats.accepted++;
      s.write(encodeConnack(level, 0, profile.properties));
      return;
    }
    stats.refused++;
    const code = level === 5 ? (c.username === undefined ? 0x87 : 0x86) : c.username === undefined ? 5 : 4;
    s.end(encodeConnack(level, code, level === 5 ? {} : undefined));
  };

  const servers: { server: Server; scheme: string }[] = [];
  if (profile.plain) servers.push({ server: createTcpServer(onConnection), scheme: "mqtt" });
  if (profile.tls) {
    const cert = await issueCertificate({ subject: "CN=otaudit-mqtt-simulator", keyType: profile.tls.keyType, ips: [opts.host] });
    const legacy = profile.tls.minVersion === "TLSv1" || profile.tls.minVersion === "TLSv1.1";
    const server = createTlsServer(
      {
        cert: cert.certPem,
        key: cert.keyPem,
        minVersion: profile.tls.minVersion,
        maxVersion: profile.tls.maxVersion,
        ...(legacy ? { ciphers: "DEFAULT:@SECLEVEL=0" } : {}),
      },
      onConnection,
    );
    server.on("tlsClientError", () => {});
    servers.push({ server, scheme: "mqtts" });
  }
  const urls: string[] = [];
  for (const { server, scheme } of servers) {
    const port = opts.ports?.[scheme] ?? (servers.length === 1 ? opts.port : undefined) ?? 0;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, opts.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    urls.push(endpointUrl(scheme, opts.host, (server.address() as { port: number }).port));
  }
  return {
    urls,
    stats: () => structuredClone(stats),
    async stop() {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}
