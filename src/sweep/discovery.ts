// Discovery for the sweep: which services does a device offer? A full TCP connect with a clean
// close (FIN, never half-open or RST tricks) to the OT ports and to cleartext or management
// indicator ports, one connection at a time, then SNMP engine discovery on 161/udp. The protocol
// plugins then audit only what was found.
import { Socket, isIP } from "node:net";
import type { ProtocolPlugin } from "../plugin.js";
import type { DevicePacer } from "./politeness.js";
import { discoverSnmpEngine, type SnmpEngineResult } from "./snmp-engine.js";

export type PortState = "open" | "closed" | "timeout" | "error" | "skipped";

export interface PortResult {
  port: number;
  transport: "tcp" | "udp";
  state: PortState;
  /** what this port usually is (for indicators and evidence) */
  service: string;
  /** a cleartext protocol (credentials and data readable on the wire) */
  cleartext: boolean;
  /** which plugin audits it, if any */
  plugin?: string;
  ms: number;
}

export interface IndicatorPort {
  port: number;
  service: string;
  cleartext: boolean;
}

/**
 * Ports that say something about a device even without a plugin: cleartext management (Telnet
 * RFC 854, FTP RFC 959, HTTP RFC 9112) and other OT protocols (S7comm ISO-TSAP RFC 1006, EtherNet/IP,
 * DNP3, IEC 60870-5-104) that have no authentication of their own.
 */
export const INDICATOR_PORTS: readonly IndicatorPort[] = [
  { port: 23, service: "telnet", cleartext: true },
  { port: 21, service: "ftp", cleartext: true },
  { port: 80, service: "http", cleartext: true },
  { port: 443, service: "https", cleartext: false },
  { port: 102, service: "s7comm", cleartext: true },
  { port: 44818, service: "ethernet-ip", cleartext: true },
  { port: 20000, service: "dnp3", cleartext: true },
  { port: 2404, service: "iec-104", cleartext: true },
];

/** Plugin schemes whose wire protocol is cleartext (no TLS, no secure channel of its own). */
const CLEARTEXT_SCHEMES = new Set(["modbus"]);

export interface DiscoveryPlan {
  tcp: { port: number; service: string; cleartext: boolean; plugin?: string; scheme?: string }[];
  udp: { port: number; service: string; plugin: string; scheme: string }[];
}

/** Ports to try: every plugin's default TCP ports first (OT services), then the indicators. */
export function discoveryPlan(plugins: readonly ProtocolPlugin[], extraPorts: IndicatorPort[] = [...INDICATOR_PORTS]): DiscoveryPlan {
  const tcp: DiscoveryPlan["tcp"] = [];
  const udp: DiscoveryPlan["udp"] = [];
  for (const p of plugins) {
    for (const d of p.defaultPorts) {
      if (p.transport === "udp") udp.push({ port: d.port, service: d.scheme, plugin: p.id, scheme: d.scheme });
      else if (!tcp.some((t) => t.port === d.port)) tcp.push({ port: d.port, service: d.scheme, cleartext: CLEARTEXT_SCHEMES.has(d.scheme) || (p.discovery?.cleartextSchemes ?? []).includes(d.scheme), plugin: p.id, scheme: d.scheme });
    }
  }
  for (const x of extraPorts) if (!tcp.some((t) => t.port === x.port)) tcp.push({ ...x });
  return { tcp, udp };
}

/**
 * Full TCP connect, then a clean close: we half-close with FIN at once, drain whatever the service
 * sends (an SSH banner, say) so the kernel has no unread data that would turn our close into RST,
 * and wait for the peer's FIN. Only a peer that never closes is destroyed, after the timeout.
 */
export function tcpConnectProbe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Exclude<PortState, "skipped">> {
  return new Promise((resolve) => {
    const sock = new Socket();
    let connected = false;
    let settled = false;
    const settle = (s: Exclude<PortState, "skipped">) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      signal?.removeEventListener("abort", onAbort);
      resolve(s);
    };
    const onAbort = () => {
      sock.destroy();
      settle(connected ? "open" : "error");
    };
    const connectTimer = setTimeout(() => {
      sock.destroy();
      settle("timeout");
    }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    sock.on("data", () => {}); // drain (see above)
    sock.on("error", (err: NodeJS.ErrnoException) => {
      if (connected) return; // reset by the peer after we connected: the port was open
      settle(err.code === "ECONNREFUSED" ? "closed" : err.code === "ETIMEDOUT" || err.code === "EHOSTUNREACH" || err.code === "ENETUNREACH" ? "timeout" : "error");
    });
    sock.on("close", () => settle(connected ? "open" : "error"));
    sock.connect({ host, port, family: isIP(host) === 6 ? 6 : 4 }, () => {
      connected = true;
      clearTimeout(connectTimer);
      sock.end(); // FIN
      // wait for the peer's FIN; a peer that keeps the connection open is closed after the timeout
      const lingering = setTimeout(() => sock.destroy(), timeoutMs);
      sock.once("close", () => clearTimeout(lingering));
    });
    if (signal?.aborted) onAbort();
  });
}

export interface DiscoveryResult {
  ports: PortResult[];
  snmpEngine?: SnmpEngineResult & { port: number };
  /** the device stopped answering: the remaining ports were skipped */
  backedOff: boolean;
}

/**
 * Discover one device's services, one connection at a time, paced by the device's pacer (rate
 * limit and backoff). `udpPlugins` are probed with SNMP engine discovery.
 */
export async function discoverDevice(host: string, plan: DiscoveryPlan, timeoutMs: number, pacer: DevicePacer, signal?: AbortSignal): Promise<DiscoveryResult> {
  const ports: PortResult[] = [];
  for (const t of plan.tcp) {
    const base = { port: t.port, transport: "tcp" as const, service: t.service, cleartext: t.cleartext, ...(t.plugin ? { plugin: t.plugin } : {}) };
    if (signal?.aborted || pacer.givenUp) {
      ports.push({ ...base, state: "skipped", ms: 0 });
      continue;
    }
    await pacer.beforeConnection(signal);
    const t0 = performance.now();
    const state = await tcpConnectProbe(host, t.port, timeoutMs, signal);
    pacer.record(state === "timeout" ? "timeout" : "answered");
    ports.push({ ...base, state, ms: Math.round(performance.now() - t0) });
  }
  let snmpEngine: DiscoveryResult["snmpEngine"];
  for (const u of plan.udp) {
    if (signal?.aborted || pacer.givenUp) {
      ports.push({ port: u.port, transport: "udp", service: u.service, cleartext: false, plugin: u.plugin, state: "skipped", ms: 0 });
      continue;
    }
    await pacer.beforeConnection(signal);
    const t0 = performance.now();
    // one attempt, no retry: the SNMP probe runs on every device anyway (v1/v2c-only agents ignore
    // this discovery) and sends its own engine discovery with the community candidates
    const r = await discoverSnmpEngine(host, u.port, timeoutMs, signal, 0);
    // silence on UDP is normal for a host without SNMP: it does not count towards backoff
    if (r.state === "answered") pacer.record("answered");
    const state: PortState = r.state === "answered" ? "open" : r.state;
    ports.push({ port: u.port, transport: "udp", service: u.service, cleartext: false, plugin: u.plugin, state, ms: Math.round(performance.now() - t0) });
    if (u.plugin === "snmp") snmpEngine = { ...r, port: u.port };
  }
  return { ports, ...(snmpEngine ? { snmpEngine } : {}), backedOff: pacer.givenUp };
}
