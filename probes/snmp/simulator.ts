// Profile-driven SNMP agent simulator (net-snmp Agent) on loopback: communities per version and
// access level, v3 users with their levels and algorithms, system group values. Every datagram is
// seen first by a filter (through net-snmp's dgramModule option) that counts requests by version
// and PDU type, records every SET, drops a community's requests in a version it does not have and
// a disabled version's messages, and keeps the SNMPv2-MIB counters snmpInBadVersions and
// snmpInBadCommunityNames (RFC 3418 §2) as an agent does.
import dgram from "node:dgram";
import { createCipheriv } from "node:crypto";
import snmp from "net-snmp";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { PDU, SNMP_VERSION, decodeMessage } from "./ber.js";
import type { SnmpProfile } from "./profile.js";
import { SYSTEM_GROUP } from "./oids.js";

const PRIV: Record<string, string> = { des: "des", aes: "aes", aes256: "aes256b" };
const PDU_NAMES: Record<number, string> = { [PDU.GET]: "get", [PDU.GET_NEXT]: "getNext", [PDU.GET_BULK]: "getBulk", [PDU.SET]: "set" };

export interface SnmpSimulatorStats {
  datagrams: number;
  malformed: number;
  byVersion: { v1: number; v2c: number; v3: number };
  byPdu: Record<string, number>;
  /** every SET received: version, community label ('public' or 'unknown'), OIDs */
  sets: { version: string; oids: string[] }[];
  /** v1/v2c requests dropped because the community is not configured for that version */
  droppedWrongVersion: number;
  /** v1/v2c community values received, in order (test agents only: the simulator's own state) */
  communities: string[];
}

function desAvailable(): boolean {
  try {
    createCipheriv("des-cbc", Buffer.alloc(8), Buffer.alloc(8));
    return true;
  } catch {
    return false;
  }
}

export async function startSnmpSimulator(profile: SnmpProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  if (profile.users.some((u) => u.privProtocol === "des") && !desAvailable()) {
    throw new Error("snmp simulator: a DES user needs Node's legacy OpenSSL provider (start node with --openssl-legacy-provider)");
  }
  const stats: SnmpSimulatorStats = {
    datagrams: 0,
    malformed: 0,
    byVersion: { v1: 0, v2c: 0, v3: 0 },
    byPdu: {},
    sets: [],
    droppedWrongVersion: 0,
    communities: [],
  };
  const counters = { badVersions: 0, badCommunityNames: 0 };
  const enabled = new Set(profile.versions);
  const started = Date.now();
  const versionsOf = new Map(profile.communities.map((c) => [c.community, new Set(c.versions)]));
  let setUpTime: (() => void) | undefined;
  let syncCounters: (() => void) | undefined;

  /** Runs before net-snmp sees a datagram; false drops it. */
  const filter = (buf: Buffer): boolean => {
    stats.datagrams++;
    setUpTime?.();
    let msg;
    try {
      msg = decodeMessage(buf);
    } catch {
      stats.malformed++;
      return false;
    }
    const version = msg.version === SNMP_VERSION.v1 ? "v1" : msg.version === SNMP_VERSION.v2c ? "v2c" : "v3";
    stats.byVersion[version]++;
    if (msg.pdu) {
      const name = PDU_NAMES[msg.pdu.type] ?? `0x${msg.pdu.type.toString(16)}`;
      stats.byPdu[name] = (stats.byPdu[name] ?? 0) + 1;
      if (msg.pdu.type === PDU.SET) stats.sets.push({ version, oids: msg.pdu.varbinds.map((v) => v.oid) });
    }
    if (!enabled.has(version)) {
      counters.badVersions++; // RFC 3418 §2 snmpInBadVersions
      return false;
    }
    if (version !== "v3") {
      const community = msg.community!.toString("utf8");
      if (stats.communities.length < 1000) stats.communities.push(community);
      const allowed = versionsOf.get(community);
      if (!allowed) counters.badCommunityNames++; // RFC 3418 §2 snmpInBadCommunityNames
      if (allowed && !allowed.has(version)) {
        stats.droppedWrongVersion++;
        return false;
      }
    }
    syncCounters?.();
    return true;
  };

  let boundSocket: dgram.Socket | undefined;
  const dgramModule = {
    createSocket(type: dgram.SocketType) {
      const socket = dgram.createSocket(type);
      boundSocket = socket;
      const on = socket.on.bind(socket);
      socket.on = ((event: string, listener: (...args: unknown[]) => void) => {
        if (event !== "message") return on(event, listener);
        return on("message", (buf: Buffer, rinfo: dgram.RemoteInfo) => {
          if (filter(buf)) listener(buf, rinfo);
        });
      }) as typeof socket.on;
      // net-snmp turns port 0 into 161: bind to the port we were given (0 = ephemeral) instead.
      const bind = socket.bind.bind(socket) as (port: number, address: string) => dgram.Socket;
      socket.bind = ((_port: number, address: string) => bind(opts.port ?? 0, address)) as typeof socket.bind;
      return socket;
    },
  };

  const transport = opts.host.includes(":") ? "udp6" : "udp4";
  const agent = snmp.createAgent(
    {
      port: 161,
      address: opts.host,
      transport,
      accessControlModelType: snmp.AccessControlModelType.Simple,
      dgramModule,
      ...(profile.engineId ? { engineID: profile.engineId } : {}),
    },
    () => {
      /* per-request errors (bad community, auth failures) are what a real agent drops silently */
    },
  );
  const listening = new Promise<void>((resolve, reject) => {
    if (!boundSocket) return reject(new Error("snmp simulator: agent created no socket"));
    boundSocket.once("listening", () => resolve());
    boundSocket.once("error", reject);
  });
  await listening;

  // System group (RFC 3418 §2): sysContact, sysName and sysLocation are read-write as in the MIB.
  const mib = agent.getMib();
  const scalar = (name: string, oid: string, type: string, access: string, value: unknown) => {
    mib.registerProvider({
      name,
      type: snmp.MibProviderType.Scalar,
      oid: oid.replace(/\.0$/, ""),
      scalarType: snmp.ObjectType[type],
      maxAccess: snmp.MaxAccess[access],
    });
    mib.setScalarValue(name, value);
  };
  const s = profile.system;
  scalar("sysDescr", SYSTEM_GROUP.sysDescr, "OctetString", "read-only", s.sysDescr);
  scalar("sysObjectID", SYSTEM_GROUP.sysObjectID, "OID", "read-only", s.sysObjectID);
  scalar("sysUpTime", SYSTEM_GROUP.sysUpTime, "TimeTicks", "read-only", 0);
  scalar("sysContact", SYSTEM_GROUP.sysContact, "OctetString", "read-write", s.sysContact);
  scalar("sysName", SYSTEM_GROUP.sysName, "OctetString", "read-write", s.sysName);
  scalar("sysLocation", SYSTEM_GROUP.sysLocation, "OctetString", "read-write", s.sysLocation);
  setUpTime = () => mib.setScalarValue("sysUpTime", Math.floor((Date.now() - started) / 10) % 2 ** 32);
  scalar("snmpInBadVersions", "1.3.6.1.2.1.11.3.0", "Counter", "read-only", 0);
  scalar("snmpInBadCommunityNames", "1.3.6.1.2.1.11.4.0", "Counter", "read-only", 0);
  syncCounters = () => {
    mib.setScalarValue("snmpInBadVersions", counters.badVersions);
    mib.setScalarValue("snmpInBadCommunityNames", counters.badCommunityNames);
  };

  const auth = agent.getAuthorizer();
  const acm = auth.getAccessControlModel();
  const level = (a: "read-only" | "read-write") => (a === "read-write" ? snmp.AccessLevel.ReadWrite : snmp.AccessLevel.ReadOnly);
  for (const c of profile.communities) {
    auth.addCommunity(c.community);
    acm.setCommunityAccess(c.community, level(c.access));
  }
  for (const u of profile.users) {
    auth.addUser({
      name: u.name,
      level: snmp.SecurityLevel[u.level],
      ...(u.authProtocol ? { authProtocol: snmp.AuthProtocols[u.authProtocol], authKey: u.authKey } : {}),
      ...(u.privProtocol ? { privProtocol: snmp.PrivProtocols[PRIV[u.privProtocol]!], privKey: u.privKey } : {}),
    });
    acm.setUserAccess(u.name, level(u.access));
  }

  const port = boundSocket!.address().port;
  let stopped = false;
  return {
    urls: [endpointUrl("snmp", opts.host, port)],
    stats: () => structuredClone(stats) as unknown as Record<string, unknown>,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => agent.close(() => resolve()));
    },
  };
}
