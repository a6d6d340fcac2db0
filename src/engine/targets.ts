// Target parsing: hosts, host:port and service URLs -> devices with their service endpoints.
// A URL names its protocol by its scheme (each plugin declares its schemes), `host:port` and
// `[v6]:port` by the port (the plugin whose default port it is), a bare host means every enabled
// protocol's default ports plus the surface view. Targets with the same host form one device. A
// user name or password in a target is refused without echoing it (credentials live in a file).
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
  /** a bare host target: also look at the surface ports no plugin claims (`scan HOST`) */
  surface?: boolean;
}

export type ParsedDevice = Omit<DeviceSpec, "address">;

const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/[\]?#]*)(?::([^/]*))?(\/[^?#]*)?$/;
const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const HOST_PORT_RE = /^(?:\[([^\]]+)\]|([^:[\]/@]+)):(\d*)$/;

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

/**
 * A user name or password in a target would show in shell history, process lists and logs: refuse
 * it, and never echo it (everything before the last `@` is masked). Any `@` counts, not only one in
 * the authority: a password typed with a `/`, `?` or `#` in it (not percent-encoded) would end the
 * authority early, and every later error line quotes the target.
 */
export function rejectUserinfo(target: string): void {
  const schemeEnd = target.indexOf("://");
  const authStart = schemeEnd >= 0 ? schemeEnd + 3 : 0;
  const rest = target.slice(authStart);
  const at = rest.lastIndexOf("@");
  if (at < 0) return;
  const masked = `${target.slice(0, authStart)}***@${rest.slice(at + 1)}`;
  throw new UsageError(
    `target '${masked}': a user name or password in a target is not accepted (it would show in shell history and process lists); put it in a --credentials file`,
  );
}

/** The plugin and scheme whose default port this is, among the enabled plugins. */
function byDefaultPort(port: number, target: string, plugins: readonly ProtocolPlugin[]): { plugin: ProtocolPlugin; scheme: string } {
  const owners = plugins.flatMap((p) => p.defaultPorts.filter((d) => d.port === port).map((d) => ({ plugin: p, scheme: d.scheme })));
  const schemes = [...new Set(plugins.flatMap((p) => p.schemes))].sort().join(", ");
  if (owners.length === 0)
    throw new UsageError(
      `target '${target}': no enabled protocol has ${port} as its default port; name the protocol with a URL such as scheme://${target} (schemes: ${schemes})`,
    );
  if (owners.length > 1)
    throw new UsageError(
      `target '${target}': port ${port} is the default port of ${owners.map((o) => o.scheme).join(" and ")}; name one with a URL such as ${owners[0]!.scheme}://${target}`,
    );
  return owners[0]!;
}

function endpoint(plugin: ProtocolPlugin, scheme: string, host: string, port: number, explicit: boolean, path?: string): ServiceEndpoint {
  return {
    protocol: plugin.id,
    scheme,
    host,
    port,
    transport: plugin.transport,
    url: endpointUrl(scheme, host, port, path),
    explicit,
    ...(path ? { path } : {}),
  };
}

/** Parse target strings (no DNS yet). */
export function parseTargetStrings(args: string[], plugins: readonly ProtocolPlugin[]): ParsedDevice[] {
  if (args.length === 0) throw new UsageError("TARGET: give at least one host, host:port or service URL (e.g. 10.0.0.5 or 10.0.0.5:502)");
  const byScheme = new Map<string, ProtocolPlugin>();
  for (const p of plugins) for (const s of p.schemes) byScheme.set(s, p);
  const devices = new Map<string, ParsedDevice>();
  const device = (host: string) => {
    const key = host.toLowerCase();
    let d = devices.get(key);
    if (!d) devices.set(key, (d = { host, endpoints: [] }));
    return d;
  };
  const add = (d: ParsedDevice, e: ServiceEndpoint) => {
    if (!d.endpoints.some((x) => x.protocol === e.protocol && x.port === e.port && (x.scheme === e.scheme || !e.explicit))) d.endpoints.push(e);
  };
  for (const target of args) {
    if (target.trim() === "") throw new UsageError("TARGET: an empty target was given");
    rejectUserinfo(target);
    if (target.includes("://")) {
      const m = URL_RE.exec(target);
      if (!m) throw new UsageError(`target '${target}': malformed URL (expected scheme://host[:port][/path])`);
      const scheme = m[1]!.toLowerCase();
      const plugin = byScheme.get(scheme);
      if (!plugin) {
        throw new UsageError(`target '${target}': unknown scheme '${scheme}' (known: ${[...byScheme.keys()].sort().join(", ")})`);
      }
      // brackets delimit an IPv6 literal in a URL (RFC 3986 §3.2.2); the address itself has none
      const host = m[2]!.replace(/^\[|\]$/g, "");
      checkHost(host, target);
      const def = plugin.defaultPorts.find((d) => d.scheme === scheme) ?? plugin.defaultPorts[0]!;
      const port = m[3] !== undefined ? parsePort(m[3], target) : def.port;
      const path = m[4] && m[4] !== "/" ? m[4] : undefined;
      add(device(host), endpoint(plugin, scheme, host, port, true, path));
      continue;
    }
    const hp = isIP(target) === 6 ? null : HOST_PORT_RE.exec(target);
    if (hp) {
      // host:port or [v6]:port: the protocol is the one whose default port it is
      const host = hp[1] ?? hp[2]!;
      checkHost(host, target);
      const port = parsePort(hp[3]!, target);
      const owner = byDefaultPort(port, target, plugins);
      add(device(host), endpoint(owner.plugin, owner.scheme, host, port, true));
      continue;
    }
    const host = target.replace(/^\[|\]$/g, "");
    if (/[/:]/.test(host) && isIP(host) !== 6) throw new UsageError(`target '${target}': not a host, host:port or service URL`);
    checkHost(host, target);
    const d = device(host);
    d.surface = true;
    for (const p of plugins) for (const dp of p.defaultPorts) add(d, endpoint(p, dp.scheme, host, dp.port, false));
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
      throw new UsageError(
        `target '${named[p.maxEndpoints]!.url}': otaudit audits ${p.maxEndpoints} ${p.title} service per device in one run; audit ${named.map((e) => e.url).join(" and ")} in separate runs`,
      );
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
