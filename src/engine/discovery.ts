// Service discovery, shared by `sweep` (every plugin's ports and the surface ports) and `scan HOST`
// (the surface ports): a full TCP connect with a clean close (FIN, never half-open or RST tricks),
// one connection at a time, and each UDP plugin's own discovery request. Everything a plan holds
// comes from plugin declarations (default ports, `discovery.udp`, `discovery.cleartextSchemes`) and
// the surface data in probes/surface.ts; nothing here names a protocol.
import type { ElementId } from "../model/common.js";
import { Connection, NetError } from "../net/index.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { SurfacePort } from "../../probes/surface.js";

export type PortState = "open" | "closed" | "timeout" | "error" | "skipped";

export interface PortResult {
  port: number;
  transport: "tcp" | "udp";
  state: PortState;
  /** what this port usually is (a plugin's scheme, or the surface service name) */
  service: string;
  /** a cleartext protocol (credentials and data readable on the wire) */
  cleartext: boolean;
  /** which plugin audits it, if any */
  plugin?: string;
  /** surface ports: remote administration, process control or data */
  role?: SurfacePort["role"];
  /** surface ports: the elements an unaudited service here bears on */
  elements?: ElementId[];
  /** what a UDP discovery answer told (e.g. an engine id) */
  detail?: Record<string, unknown>;
  ms: number;
}

/** One connection's pacing and health (the sweep's DevicePacer; scan uses the same class). */
export interface ConnectionPacer {
  readonly givenUp: boolean;
  beforeConnection(signal?: AbortSignal): Promise<void>;
  record(outcome: "answered" | "timeout"): void;
}

type PlannedTcp = Omit<PortResult, "state" | "ms" | "transport">;

export interface DiscoveryPlan {
  tcp: PlannedTcp[];
  udp: { port: number; service: string; plugin: ProtocolPlugin }[];
}

/**
 * Ports to try: every plugin's default TCP ports first (what the plugins audit), then the surface
 * ports no plugin claims (a plugin's default port wins), then each UDP plugin's discovery.
 */
export function discoveryPlan(plugins: readonly ProtocolPlugin[], surface: readonly SurfacePort[] = []): DiscoveryPlan {
  const tcp: PlannedTcp[] = [];
  const udp: DiscoveryPlan["udp"] = [];
  for (const p of plugins) {
    for (const d of p.defaultPorts) {
      if (p.transport === "udp") {
        if (!udp.some((u) => u.port === d.port)) udp.push({ port: d.port, service: d.scheme, plugin: p });
      } else if (!tcp.some((t) => t.port === d.port)) {
        tcp.push({ port: d.port, service: d.scheme, cleartext: p.discovery?.cleartextSchemes?.includes(d.scheme) ?? false, plugin: p.id });
      }
    }
  }
  for (const x of surface) if (!tcp.some((t) => t.port === x.port)) tcp.push(surfaceEntry(x));
  return { tcp, udp };
}

export function surfaceEntry(x: SurfacePort): PlannedTcp {
  return { port: x.port, service: x.service, cleartext: x.cleartext, role: x.role, elements: [...x.elements] };
}

/**
 * Full TCP connect, then a clean close through the transport kit: FIN at once, drain whatever the
 * service sends (a banner, say) so the kernel has no unread data that would turn the close into an
 * RST, wait for the peer's FIN up to the timeout, destroy only then.
 */
export async function tcpConnectCheck(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<Exclude<PortState, "skipped">> {
  let conn: Connection;
  try {
    conn = await Connection.open({ host, port, timeoutMs, signal, maxBuffered: 64 * 1024 });
  } catch (e) {
    const code = e instanceof NetError ? e.code : "unreachable";
    // unreachable network or host counts as a timeout: the device is not answering (backoff)
    return code === "refused" ? "closed" : code === "timeout" || code === "unreachable" ? "timeout" : "error";
  }
  await conn.close(timeoutMs);
  return "open";
}

export interface DiscoveryResult {
  ports: PortResult[];
  /** the device stopped answering: the remaining ports were skipped */
  backedOff: boolean;
}

/** Discover one device's services, one connection at a time, paced by the device's pacer. */
export async function discoverDevice(
  host: string,
  plan: DiscoveryPlan,
  timeoutMs: number,
  pacer: ConnectionPacer,
  signal?: AbortSignal,
): Promise<DiscoveryResult> {
  const ports: PortResult[] = [];
  for (const t of plan.tcp) {
    const base = { ...t, transport: "tcp" as const };
    if (signal?.aborted || pacer.givenUp) {
      ports.push({ ...base, state: "skipped", ms: 0 });
      continue;
    }
    await pacer.beforeConnection(signal);
    const t0 = performance.now();
    const state = await tcpConnectCheck(host, t.port, timeoutMs, signal);
    pacer.record(state === "timeout" ? "timeout" : "answered");
    ports.push({ ...base, state, ms: Math.round(performance.now() - t0) });
  }
  for (const u of plan.udp) {
    const base = {
      port: u.port,
      transport: "udp" as const,
      service: u.service,
      cleartext: u.plugin.discovery?.cleartextSchemes?.includes(u.service) ?? false,
      plugin: u.plugin.id,
    };
    const udp = u.plugin.discovery?.udp;
    if (!udp || signal?.aborted || pacer.givenUp) {
      ports.push({ ...base, state: "skipped", ms: 0 });
      continue;
    }
    await pacer.beforeConnection(signal);
    const t0 = performance.now();
    let r: Awaited<ReturnType<typeof udp>>;
    try {
      r = await udp(host, u.port, timeoutMs, signal);
    } catch (e) {
      r = { state: "error", detail: { message: (e as Error).message } };
    }
    // silence on UDP is normal for a host without the service: it does not count towards backoff
    if (r.state === "answered") pacer.record("answered");
    const state: PortState = r.state === "answered" ? "open" : r.state;
    ports.push({ ...base, state, ...(r.detail ? { detail: r.detail } : {}), ms: Math.round(performance.now() - t0) });
  }
  return { ports, backedOff: pacer.givenUp };
}
