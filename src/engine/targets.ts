// Target parsing: hosts and service URLs -> devices with their service endpoints.
// `ssh://h:p`, `snmp://h:p` (UDP), `modbus://h:p`, `modbus+tls://h:p`, `opc.tcp://h:p[/path]`, or a
// bare host (every enabled protocol's default ports). URLs with the same host form one device.
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { UsageError } from "../errors.js";
import type { ServiceEndpoint } from "../model/facts.js";
import type { ProtocolPlugin } from "../plugin.js";

export interface DeviceSpec {
  host: string;
  /** resolved address to connect to */
  address: string;
  name?: string;
  endpoints: ServiceEndpoint[];
}

const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/\[\]?#]*)(?::([^/]*))?(\/[^?#]*)?$/;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function formatHostPort(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

export function endpointUrl(scheme: string, host: string, port: number, path?: string): string {
  return `${scheme}://${formatHostPort(host, port)}${path ?? ""}`;
}

function checkHost(host: string, target: string): void {
  if (host === "") throw new UsageError(`target '${target}': missing host`);
  if (isIP(host) === 0 && !HOSTNAME_RE.test(host)) throw new UsageError(`target '${target}': '${host}' is not a valid host name or address`);
}

function parsePort(text: string, target: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`target '${target}': port '${text}' is not a number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new UsageError(`target '${target}': port ${port} is out of range (1-65535)`);
  return port;
}

/** Parse target strings (no DNS yet). */
export function parseTargetStrings(args: string[], plugins: readonly ProtocolPlugin[]): { host: string; endpoints: ServiceEndpoint[] }[] {
  if (args.length === 0) throw new UsageError("TARGET: give at least one host or service URL (e.g. ssh://10.0.0.5:22)");
  const byScheme = new Map<string, ProtocolPlugin>();
  for (const p of plugins) for (const s of p.schemes) byScheme.set(s, p);
  const devices = new Map<string, { host: string; endpoints: ServiceEndpoint[] }>();
  const device = (host: string) => {
    const key = host.toLowerCase();
    let d = devices.get(key);
    if (!d) devices.set(key, (d = { host, endpoints: [] }));
    return d;
  };
  for (const target of args) {
    if (target.trim() === "") throw new UsageError("TARGET: an empty target was given");
    if (target.includes("://")) {
      const m = URL_RE.exec(target);
      if (!m) throw new UsageError(`target '${target}': malformed URL (expected scheme://host[:port][/path])`);
      const scheme = m[1]!.toLowerCase();
      const plugin = byScheme.get(scheme);
      if (!plugin) {
        throw new UsageError(`target '${target}': unknown scheme '${scheme}' (known: ${[...byScheme.keys()].sort().join(", ")})`);
      }
      const host = m[2]!.replace(/^\[|\]$/g, "");
      checkHost(host, target);
      const def = plugin.defaultPorts.find((d) => d.scheme === scheme) ?? plugin.defaultPorts[0]!;
      const port = m[3] !== undefined ? parsePort(m[3], target) : def.port;
      const path = m[4] && m[4] !== "/" ? m[4] : undefined;
      const d = device(host);
      if (!d.endpoints.some((e) => e.scheme === scheme && e.port === port)) {
        d.endpoints.push({ protocol: plugin.id, scheme, host, port, transport: plugin.transport, url: endpointUrl(scheme, host, port, path), explicit: true, ...(path ? { path } : {}) });
      }
    } else {
      const host = target.replace(/^\[|\]$/g, "");
      if (/[/:]/.test(host) && isIP(host) !== 6) throw new UsageError(`target '${target}': not a host or service URL`);
      checkHost(host, target);
      const d = device(host);
      for (const p of plugins) {
        for (const dp of p.defaultPorts) {
          if (!d.endpoints.some((e) => e.protocol === p.id && e.port === dp.port)) {
            d.endpoints.push({ protocol: p.id, scheme: dp.scheme, host, port: dp.port, transport: p.transport, url: endpointUrl(dp.scheme, host, dp.port), explicit: false });
          }
        }
      }
    }
  }
  for (const d of devices.values()) limitEndpoints(d.endpoints, plugins);
  return [...devices.values()];
}

/**
 * For a plugin that audits at most `maxEndpoints` services per device: services the operator
 * named replace that protocol's default ports; naming more than it can audit is a usage error.
 */
function limitEndpoints(endpoints: ServiceEndpoint[], plugins: readonly ProtocolPlugin[]): void {
  for (const p of plugins) {
    if (p.maxEndpoints === undefined) continue;
    const mine = endpoints.filter((e) => e.protocol === p.id);
    const named = mine.filter((e) => e.explicit);
    if (named.length > 0) for (const e of mine.filter((x) => !x.explicit)) endpoints.splice(endpoints.indexOf(e), 1);
    if (named.length > p.maxEndpoints) {
      throw new UsageError(`target '${named[p.maxEndpoints]!.url}': otaudit audits ${p.maxEndpoints} ${p.title} service per device in one run; audit ${named.map((e) => e.url).join(" and ")} in separate runs`);
    }
  }
}

/** Parse and resolve targets; an unresolvable host is a usage error (exit 2). */
export async function resolveTargets(args: string[], plugins: readonly ProtocolPlugin[]): Promise<DeviceSpec[]> {
  const parsed = parseTargetStrings(args, plugins);
  return Promise.all(
    parsed.map(async (d) => {
      if (isIP(d.host)) return { ...d, address: d.host };
      try {
        const r = await lookup(d.host);
        // probes connect to the resolved address; URLs keep the name the operator gave
        return { ...d, address: r.address, endpoints: d.endpoints.map((e) => ({ ...e, host: r.address })) };
      } catch {
        throw new UsageError(`target '${d.host}': cannot resolve host name`);
      }
    }),
  );
}
