// The whole surface of a device (issue 12 §4): which services answered that no plugin audited.
// The surface ports are data (probes/surface.ts, via the registry); a plugin's default port wins
// (that plugin audits it, so it is no surface port). `scan HOST` connects to them (the `surface`
// facts envelope), a sweep's discovery does too (the `discovery` envelope); either way, every open
// port no plugin audited is listed on the elements it bears on (`unaudited`, so none of them can
// pass), and the core surface rules turn it into findings.
import { z } from "zod";
import { UsageError } from "../errors.js";
import type { ElementId } from "../model/common.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { ProtocolPlugin } from "../plugin.js";
import { SURFACE_PORTS, type SurfacePort } from "../../probes/registry.js";
import type { DiscoveryResult, PortResult } from "./discovery.js";
import type { Unaudited } from "./scoring.js";

/** Facts envelope ids the core writes itself (never a plugin id). */
export const SURFACE_FACTS = "surface";
export const DISCOVERY_FACTS = "discovery";
/** Version of the surface and discovery facts (envelope probeVersion). */
export const SURFACE_VERSION = "1.0.0";

/** The data of the core's port envelopes (recordings validate it like a plugin's facts). */
export const PortsFacts = z
  .object({
    ports: z.array(
      z
        .object({
          port: z.number().int().min(1).max(65535),
          transport: z.enum(["tcp", "udp"]),
          state: z.enum(["open", "closed", "timeout", "error", "skipped"]),
          service: z.string(),
          cleartext: z.boolean(),
          plugin: z.string().optional(),
          role: z.enum(["management", "control", "data"]).optional(),
          elements: z.array(z.number().int().min(1).max(12)).optional(),
          detail: z.record(z.string(), z.unknown()).optional(),
          ms: z.number().nonnegative(),
        })
        .strict(),
    ),
    backedOff: z.boolean(),
  })
  .passthrough();

/** Envelopes the core writes itself, with the schema of their data. */
export const CORE_FACTS: Readonly<Record<string, { schema: z.ZodType; version: string }>> = {
  [SURFACE_FACTS]: { schema: PortsFacts, version: SURFACE_VERSION },
  [DISCOVERY_FACTS]: { schema: PortsFacts, version: SURFACE_VERSION },
};

/** For tests and unusual sites: move surface services to other ports, e.g. `telnet=2323,http=8081`. */
export const SURFACE_PORTS_ENV = "OTAUDIT_SURFACE_PORTS";

function overrides(spec: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of (spec ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)) {
    const m = /^([a-z0-9-]+)=(\d{1,5})$/.exec(part);
    const port = m ? Number(m[2]) : 0;
    if (!m || port < 1 || port > 65535) throw new UsageError(`${SURFACE_PORTS_ENV}: '${part}' is not SERVICE=PORT`);
    if (!SURFACE_PORTS.some((s) => s.service === m[1]))
      throw new UsageError(`${SURFACE_PORTS_ENV}: unknown service '${m[1]}' (known: ${SURFACE_PORTS.map((s) => s.service).join(", ")})`);
    out.set(m[1]!, port);
  }
  return out;
}

/**
 * The surface ports to look at: the data, moved by OTAUDIT_SURFACE_PORTS, less every port that is a
 * TCP default port of one of `plugins`. Callers (scan, sweep, worker) pass the enabled plugins: with
 * --protocols, a port only a left-out plugin would audit stays a surface port (nothing audits it).
 */
export function surfacePorts(plugins: readonly ProtocolPlugin[], env: NodeJS.ProcessEnv = process.env): SurfacePort[] {
  const moved = overrides(env[SURFACE_PORTS_ENV]);
  const claimed = new Set(plugins.filter((p) => p.transport === "tcp").flatMap((p) => p.defaultPorts.map((d) => d.port)));
  return SURFACE_PORTS.map((s) => ({ ...s, port: moved.get(s.service) ?? s.port })).filter((s) => !claimed.has(s.port));
}

/**
 * The `surface` envelope of `scan HOST`: `ok` when some surface port accepted a connection,
 * `absent` when none did (nothing there is not an error), with every port's state.
 */
export function surfaceEnvelope(startedAt: Date, found: DiscoveryResult): FactsEnvelope {
  const open = found.ports.some((p) => p.state === "open");
  return {
    protocol: SURFACE_FACTS,
    status: open ? "ok" : "absent",
    endpoints: [],
    ...(found.backedOff ? { incomplete: { code: "backoff", message: "the device stopped answering; remaining surface ports skipped" } } : {}),
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    probeVersion: SURFACE_VERSION,
    data: { ports: found.ports, backedOff: found.backedOff },
  };
}

/** The discovered ports a device's facts hold (scan's surface or a sweep's discovery). */
export function discoveredPorts(facts: Readonly<Record<string, FactsEnvelope>>): PortResult[] {
  const data = (facts[SURFACE_FACTS]?.data ?? facts[DISCOVERY_FACTS]?.data) as { ports?: PortResult[] } | undefined;
  return Array.isArray(data?.ports) ? data.ports : [];
}

/** A surface port's role and elements (recorded with the port; older records: from the data). */
function described(p: PortResult): PortResult & Required<Pick<PortResult, "role" | "elements">> {
  const known = SURFACE_PORTS.find((s) => s.service === p.service);
  return { ...p, role: p.role ?? known?.role ?? "control", elements: p.elements ?? known?.elements ?? [] };
}

/** Open TCP services that no plugin audited on this device, with what they bear on. */
export function unauditedPorts(facts: Readonly<Record<string, FactsEnvelope>>): ReturnType<typeof described>[] {
  const audited = new Set(
    Object.values(facts)
      .filter((f) => f.status === "ok" || f.status === "error")
      .flatMap((f) => f.endpoints.filter((e) => e.transport === "tcp").map((e) => e.port)),
  );
  return discoveredPorts(facts)
    .filter((p) => p.transport === "tcp" && p.state === "open" && !p.plugin && !audited.has(p.port))
    .map(described);
}

export const portLabel = (p: Pick<PortResult, "transport" | "port" | "service">) => `${p.transport}/${p.port} ${p.service}`;

/** element id -> unaudited services, for scoring (an element they bear on cannot pass). */
export function unauditedByElement(facts: Readonly<Record<string, FactsEnvelope>>): Unaudited {
  const out: Unaudited = new Map();
  for (const p of unauditedPorts(facts)) {
    for (const el of p.elements as ElementId[]) out.set(el, [...(out.get(el) ?? []), portLabel(p)]);
  }
  return out;
}
