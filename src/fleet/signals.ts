// Typed fleet signals per device (issue 12 §3): each plugin derives them from its own facts
// (`signals(facts, endpoints)`, plugin contract v2); the core adds the open cleartext ports that a
// sweep's discovery or a scan's surface view found. Fleet rules read these, never fact paths of a
// protocol or rule-id patterns. A plugin whose signals() throws is recorded, never read as "none".
import type { FactsEnvelope } from "../model/facts.js";
import type { DeviceResult } from "../model/result.js";
import type { FleetSignals, ProtocolPlugin } from "../plugin.js";
import { discoveredPorts, portLabel } from "../engine/surface.js";

type Item<K extends keyof FleetSignals> = NonNullable<FleetSignals[K]>[number] & { protocol: string };

/** One device's signals from every plugin, each item tagged with the plugin (or surface) it came from. */
export interface DeviceSignals {
  remoteAccess: Item<"remoteAccess">[];
  defaultCredentials: Item<"defaultCredentials">[];
  defaultCredentialChecks: Item<"defaultCredentialChecks">[];
  cleartext: Item<"cleartext">[];
  keys: Item<"keys">[];
  /** plugins whose signals() failed on this device's facts: nothing of theirs may count as good */
  errors: { protocol: string; message: string }[];
}

const tag = <T>(items: readonly T[] | undefined, protocol: string) => (items ?? []).map((x) => ({ ...x, protocol }));

export function deviceSignals(result: Pick<DeviceResult, "facts">, plugins: readonly ProtocolPlugin[]): DeviceSignals {
  const out: DeviceSignals = { remoteAccess: [], defaultCredentials: [], defaultCredentialChecks: [], cleartext: [], keys: [], errors: [] };
  for (const p of plugins) {
    const env: FactsEnvelope | undefined = result.facts[p.id];
    if (!p.signals || !env || env.status !== "ok" || env.data === undefined) continue;
    let s: FleetSignals;
    try {
      s = p.signals(env.data, env.endpoints);
    } catch (e) {
      out.errors.push({ protocol: p.id, message: (e as Error).message });
      continue;
    }
    out.remoteAccess.push(...tag(s.remoteAccess, p.id));
    out.defaultCredentials.push(...tag(s.defaultCredentials, p.id));
    out.defaultCredentialChecks.push(...tag(s.defaultCredentialChecks, p.id));
    out.cleartext.push(...tag(s.cleartext, p.id));
    out.keys.push(...tag(s.keys, p.id));
  }
  // discovered cleartext ports that no plugin signal already covers (e.g. a surface service)
  const covered = new Set(out.cleartext.map((c) => c.port));
  for (const port of discoveredPorts(result.facts)) {
    if (port.state !== "open" || !port.cleartext || covered.has(port.port)) continue;
    const carries = port.role === "control" ? "control" : port.role === "data" ? "data" : "management";
    out.cleartext.push({
      protocol: port.plugin ?? port.service,
      scheme: port.service,
      port: port.port,
      carries,
      detail: `${port.service} on ${portLabel(port).split(" ")[0]} (cleartext)`,
    });
  }
  return out;
}
