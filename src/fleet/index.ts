// Fleet evaluation: runs the fleet rules over all devices of a sweep and assembles the `fleet`
// section (findings naming their devices, the compensating-control gap list per device and per
// zone). Like the device rule runner, a rule that throws becomes an `error` finding.
import type { DeviceResult } from "../model/result.js";
import type { ProtocolPlugin } from "../plugin.js";
import { PLUGINS } from "../../probes/registry.js";
import { DEFAULT_ZONE } from "../sweep/politeness.js";
import { deviceSignals } from "./signals.js";
import type { DriftReport, FleetDevice, FleetFinding, FleetRule, FleetSection, Gap } from "./model.js";
import { FLEET_RULES } from "./rules.js";
import { mapped } from "../catalog/spec.js";

export interface FleetOptions {
  zoneOf?: (host: string) => string | undefined;
  sweepId?: string;
  drift?: DriftReport;
  rules?: readonly FleetRule[];
  /** whose signals() derive the fleet signals (default: the registry) */
  plugins?: readonly ProtocolPlugin[];
}

export function fleetDevices(
  devices: DeviceResult[],
  zoneOf: (host: string) => string | undefined = () => undefined,
  plugins: readonly ProtocolPlugin[] = PLUGINS,
): FleetDevice[] {
  return devices.map((result) => ({
    host: result.host,
    zone: zoneOf(result.host) ?? (result.facts.discovery?.data as { inventory?: { zone?: string } } | undefined)?.inventory?.zone ?? DEFAULT_ZONE,
    result,
    signals: deviceSignals(result, plugins),
    facts<T>(protocol: string): T | undefined {
      const f = result.facts[protocol];
      return f && f.status === "ok" ? (f.data as T) : undefined;
    },
  }));
}

export function evaluateFleet(devices: DeviceResult[], opts: FleetOptions = {}): FleetSection {
  return evaluateFleetDevices(fleetDevices(devices, opts.zoneOf, opts.plugins), opts);
}

/**
 * The fleet section from devices already turned into FleetDevices (the dashboard derives each
 * device's signals as it streams a large store, then keeps only what fleet rules read).
 */
export function evaluateFleetDevices(fleet: FleetDevice[], opts: Pick<FleetOptions, "sweepId" | "drift" | "rules"> = {}): FleetSection {
  const ctx = { devices: fleet };
  const findings: FleetFinding[] = [];
  const gapsByHost = new Map<string, Gap[]>(fleet.map((d) => [d.host, []]));
  for (const rule of opts.rules ?? FLEET_RULES) {
    const { elements, iec62443 } = mapped(rule.meta); // the Secure by Demand spec is authoritative
    const base = { ruleId: rule.meta.id, title: rule.meta.title, elements, iec62443, safety: rule.meta.safety, remediation: rule.meta.remediation };
    try {
      const outcomes = rule.check(ctx) ?? [];
      if (outcomes.length === 0)
        findings.push({
          ...base,
          status: "not_applicable",
          severity: rule.meta.severity,
          message: "no device had the facts this rule reads",
          evidence: {},
          devices: [],
        });
      for (const o of outcomes) {
        findings.push({
          ...base,
          status: o.status,
          severity: o.severity ?? rule.meta.severity,
          message: o.message,
          evidence: o.evidence ?? {},
          devices: o.devices,
          ...(o.reason ? { reason: o.reason } : {}),
          ...(o.zone ? { zone: o.zone } : {}),
        });
      }
      for (const { host, gap } of rule.gaps?.(ctx) ?? []) gapsByHost.get(host)?.push({ ...gap, ruleId: rule.meta.id });
    } catch (e) {
      findings.push({
        ...base,
        status: "error",
        severity: rule.meta.severity,
        message: `fleet rule failed: ${(e as Error).message}`,
        evidence: { exception: (e as Error).name },
        devices: [],
      });
    }
  }
  const zones: FleetSection["zones"] = {};
  for (const d of fleet) {
    const z = (zones[d.zone] ??= { devices: 0, gaps: {} });
    z.devices++;
    for (const g of gapsByHost.get(d.host) ?? []) {
      const list = (z.gaps[g.kind] ??= []);
      if (!list.includes(d.host)) list.push(d.host);
    }
  }
  const section: FleetSection = {
    devices: fleet.length,
    findings,
    gaps: fleet.map((d) => ({ host: d.host, zone: d.zone, gaps: gapsByHost.get(d.host) ?? [] })).filter((g) => g.gaps.length > 0),
    zones,
  };
  if (opts.sweepId) section.sweepId = opts.sweepId;
  if (opts.drift) section.drift = opts.drift;
  return section;
}
