// One device of a sweep as the dashboard indexes it: identity (what the plugins' identify() read
// from the facts, else the inventory's word), the 12 verdicts, finding counts (counts(), the one
// way findings are counted), failing rules and severities, unaudited services, a drift hash (the
// baseline snapshot of src/fleet/drift.ts, hashed canonically) and the little that fleet rules read
// (signals). Pure; the raw strings are kept exact, escaping happens where the server answers.
import { createHash } from "node:crypto";
import type { DeviceResult } from "../model/result.js";
import type { Verdict } from "../model/common.js";
import { SEVERITIES } from "../model/vocabulary.js";
import type { ProtocolPlugin } from "../plugin.js";
import { observeProducts, type DeviceObservation } from "../advisories/match.js";
import { counts, type FindingCounts } from "../report/common.js";
import { snapshotDevice, type DeviceSnapshot } from "../fleet/drift.js";
import { deviceSignals } from "../fleet/signals.js";
import type { FleetDevice } from "../fleet/model.js";
import { DEFAULT_ZONE } from "../sweep/politeness.js";

/** Compensating-control gap kinds shown per zone: the fleet's own (src/fleet/model.ts) + unaudited services. */
export const GAP_KINDS = ["remote-access-single-factor", "default-credential", "shared-secret", "cleartext-management", "unaudited-service"] as const;
export type GapKindName = (typeof GAP_KINDS)[number];

export interface Identity {
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  /** where it was read ("modbus device identification", "inventory", ...) */
  source: string | null;
}

export interface DeviceSummary {
  host: string;
  name: string | null;
  zone: string;
  seq: number;
  identity: Identity;
  /** protocols whose probe completed (facts status ok) */
  protocols: string[];
  /** element 1..12 -> verdict (index 0 is element 1) */
  verdicts: Verdict[];
  counts: FindingCounts;
  /** unwaived failing findings per severity, in SEVERITIES order (critical first) */
  failBySeverity: number[];
  failingRules: string[];
  unaudited: string[];
  gaps: GapKindName[];
  score: number | null;
  driftHash: string;
  /** sort key (worst first), set once the fleet gaps are known: see badness() */
  bad: number[];
}

interface InventoryData {
  inventory?: { zone?: string; vendor?: string; model?: string };
}

export function inventoryOf(d: DeviceResult): InventoryData["inventory"] {
  return (d.facts.discovery?.data as InventoryData | undefined)?.inventory;
}

export function zoneOfDevice(d: DeviceResult, stored: string | null): string {
  return stored ?? inventoryOf(d)?.zone ?? DEFAULT_ZONE;
}

/** The products the device's facts show (plugins' identify()), first the one with a vendor. */
export function observations(d: DeviceResult, plugins: readonly ProtocolPlugin[]): DeviceObservation[] {
  return observeProducts(plugins, d.facts).observed;
}

export function identityOf(d: DeviceResult, observed: DeviceObservation[]): Identity {
  const best = observed.find((o) => o.vendor && (o.model || o.product)) ?? observed.find((o) => o.vendor) ?? observed.find((o) => o.version);
  const inv = inventoryOf(d);
  if (best) {
    return {
      vendor: best.vendor ?? inv?.vendor ?? null,
      model: best.model ?? best.product ?? inv?.model ?? null,
      firmware: best.version ?? null,
      source: `${best.protocol}: ${best.source}`,
    };
  }
  if (inv?.vendor || inv?.model) return { vendor: inv.vendor ?? null, model: inv.model ?? null, firmware: null, source: "inventory" };
  return { vendor: null, model: null, firmware: null, source: null };
}

/**
 * The snapshot in one canonical form (protocols and paths sorted; list values are already sorted by
 * snapshotDevice), so the same configuration hashes the same whatever order its keys were written in.
 */
export function snapshotHash(s: DeviceSnapshot): string {
  const h = createHash("sha256").update(JSON.stringify(s.services ?? []));
  for (const protocol of Object.keys(s.facts ?? {}).sort()) {
    const flat = s.facts[protocol]!;
    h.update(`\u0000${protocol}`);
    for (const path of Object.keys(flat).sort()) h.update(`\u0001${path}\u0002${JSON.stringify(flat[path])}`);
  }
  return h.digest("base64url").slice(0, 22);
}

export function summarize(d: DeviceResult, seq: number, zone: string, plugins: readonly ProtocolPlugin[]): DeviceSummary {
  const failBySeverity = SEVERITIES.map(() => 0);
  const failing = new Set<string>();
  for (const f of d.findings) {
    if (f.status !== "fail" || f.waiver) continue;
    failBySeverity[SEVERITIES.indexOf(f.severity)]!++;
    failing.add(f.ruleId);
  }
  const verdicts: Verdict[] = [];
  for (let id = 1; id <= 12; id++) verdicts.push(d.elements.find((e) => e.id === id)?.verdict ?? "unverified");
  const unaudited = [...new Set(d.elements.flatMap((e) => e.unaudited ?? []))].sort();
  return {
    host: d.host,
    name: d.name ?? null,
    zone,
    seq,
    identity: identityOf(d, observations(d, plugins)),
    protocols: Object.values(d.facts)
      .filter((f) => f.status === "ok" && f.protocol !== "discovery" && f.protocol !== "surface")
      .map((f) => f.protocol)
      .sort(),
    verdicts,
    counts: counts(d),
    failBySeverity,
    failingRules: [...failing].sort(),
    unaudited,
    gaps: unaudited.length ? ["unaudited-service"] : [],
    score: d.score ?? null,
    driftHash: snapshotHash(snapshotDevice(d)),
    bad: [],
  };
}

/**
 * What fleet rules read of a device (src/fleet/rules.ts: its signals, and whether discovery or the
 * surface view ran), without the facts: a 10,000-device sweep is streamed, not held in memory.
 */
export function lightFleetDevice(d: DeviceResult, zone: string, plugins: readonly ProtocolPlugin[]): FleetDevice {
  const facts = Object.fromEntries(Object.entries(d.facts).map(([id, e]) => [id, { protocol: e.protocol, status: e.status, endpoints: [] }]));
  return {
    host: d.host,
    zone,
    result: { host: d.host, services: [], facts, findings: [], elements: [] } as unknown as DeviceResult,
    signals: deviceSignals(d, plugins),
    facts: () => undefined,
  };
}

const VERDICT_BADNESS: Record<Verdict, number> = { fail: 6, error: 5, undetermined: 4, partial: 3, unverified: 2, attested: 1, pass: 0 };

/** Sort key, worst first: failing elements, failing findings by severity, gaps, undecided elements. */
export function badness(s: DeviceSummary): number[] {
  const by = (v: Verdict) => s.verdicts.filter((x) => x === v).length;
  return [
    by("fail"),
    ...s.failBySeverity.slice(0, 4),
    s.gaps.length,
    by("error") + by("undetermined"),
    by("partial"),
    s.verdicts.reduce((n, v) => n + VERDICT_BADNESS[v], 0),
  ];
}

export function compareWorstFirst(a: DeviceSummary, b: DeviceSummary): number {
  const x = a.bad;
  const y = b.bad;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i]! - x[i]!;
  return a.host.localeCompare(b.host);
}
