// The fleet section of a sweep's result document (`fleet` at the top level): fleet rule findings
// (each naming the devices it concerns), the compensating-control gap list per device and per zone
// (CISA Secure by Demand OT, "immediate actions" for installed assets), and drift when a baseline
// was given. Fleet rules have the device rules' shape: { meta, check } with a pure check.
import { z } from "zod";
import { Finding, type DeviceResult } from "../model/result.js";
import type { RuleMeta, RuleOutcome } from "../plugin.js";
import type { DeviceSignals } from "./signals.js";

export const GapKind = z.enum(["remote-access-single-factor", "default-credential", "shared-secret", "cleartext-management"]);
export type GapKind = z.infer<typeof GapKind>;

export const Gap = z.object({
  kind: GapKind,
  protocol: z.string(),
  port: z.number().int().nullable(),
  detail: z.string(),
  /** fleet rule or device rule that shows it */
  ruleId: z.string(),
});
export type Gap = z.infer<typeof Gap>;

/** A device finding's fields (less protocol and port) plus the hosts it concerns and its zone. */
export const FleetFinding = Finding.omit({ protocol: true, port: true, waiver: true }).extend({
  /** hosts this finding concerns */
  devices: z.array(z.string()),
  zone: z.string().optional(),
});
export type FleetFinding = z.infer<typeof FleetFinding>;

export const DriftChange = z.object({
  category: z.enum(["services", "algorithms", "endpoints", "certificates", "firmware", "other"]),
  protocol: z.string(),
  path: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  added: z.array(z.string()).optional(),
  removed: z.array(z.string()).optional(),
});
export type DriftChange = z.infer<typeof DriftChange>;

export const DeviceDrift = z.object({
  host: z.string(),
  state: z.enum(["changed", "unchanged", "new", "missing"]),
  changes: z.array(DriftChange),
});
export type DeviceDrift = z.infer<typeof DeviceDrift>;

export const DriftReport = z.object({
  baseline: z.string(),
  baselineSweepId: z.string(),
  baselineCreatedAt: z.string(),
  devices: z.array(DeviceDrift),
  summary: z.object({ changed: z.number().int(), unchanged: z.number().int(), new: z.number().int(), missing: z.number().int() }),
});
export type DriftReport = z.infer<typeof DriftReport>;

export const FleetSection = z.object({
  sweepId: z.string().optional(),
  devices: z.number().int(),
  findings: z.array(FleetFinding),
  /** per device: the compensating-control gaps found */
  gaps: z.array(z.object({ host: z.string(), zone: z.string(), gaps: z.array(Gap) })),
  /** per zone: devices, and devices with each gap kind */
  zones: z.record(z.string(), z.object({ devices: z.number().int(), gaps: z.record(z.string(), z.array(z.string())) })),
  drift: DriftReport.optional(),
});
export type FleetSection = z.infer<typeof FleetSection>;

/** One device as fleet rules see it. */
export interface FleetDevice {
  host: string;
  zone: string;
  result: DeviceResult;
  /** the typed signals every plugin derived from its facts (what fleet rules read) */
  signals: DeviceSignals;
  /** a protocol's facts data when its probe completed (status ok), else undefined */
  // biome-ignore lint/suspicious/noExplicitAny: callers name the facts type of the protocol they ask for
  facts<T = any>(protocol: string): T | undefined;
}

export interface FleetRuleContext {
  devices: FleetDevice[];
}

export type FleetOutcome = RuleOutcome & {
  devices: string[];
  zone?: string;
};

export interface FleetRule {
  meta: RuleMeta;
  check(ctx: FleetRuleContext): FleetOutcome[] | null;
  /** the per-device gaps this rule shows, for the gap list (optional) */
  gaps?(ctx: FleetRuleContext): { host: string; gap: Omit<Gap, "ruleId"> }[];
}

export function defineFleetRule(rule: FleetRule): FleetRule {
  return rule;
}
