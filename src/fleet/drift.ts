// Baselines and drift (element 1, configuration management: unauthorised change is detectable).
// A baseline is a snapshot per device of what the probes saw: services, and every protocol's facts
// flattened to paths, minus volatile values (clocks, uptimes, timings). Drift compares a later
// sweep with it and sorts each change into services, algorithms, endpoints, certificates, firmware
// or other. Protocol-agnostic: a new plugin's facts drift-check without code here. driftFindings()
// turns a drift report into fleet findings of `fleet.config.drift` (element 1).
import { mapped } from "../catalog/spec.js";
import type { DeviceResult, ResultDocument } from "../model/result.js";
import type { RuleMeta } from "../plugin.js";
import type { DeviceDrift, DriftChange, DriftReport, FleetFinding } from "./model.js";

export interface DeviceSnapshot {
  services: string[];
  /** protocol -> flattened path -> value (a string, or a sorted set of strings for lists) */
  facts: Record<string, Record<string, string | string[]>>;
}
export interface BaselineSnapshot {
  sweepId: string;
  devices: Record<string, DeviceSnapshot>;
}

/** Values that change on their own between sweeps: never drift. */
const VOLATILE_KEY =
  /(time|duration|startedAt|uptime|boots|^ms$|Ms$|waitMs|nonce|cookie|latency|attempts|unmatched|malformed|message|detail|^error$|requests|nodesVisited)/i;
/** Facts that belong to the sweep itself, not to the device's configuration. */
const SWEEP_ONLY = new Set(["discovery"]);

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v as object)
      .filter((k) => !VOLATILE_KEY.test(k))
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** Keys that identify an item in a list of objects (a service by port, a key by type, ...). */
const IDENTITY_KEYS = ["url", "endpointUrl", "port", "unitId", "keyType", "sha256", "id", "user", "name", "label", "oid"];

function identityKey(items: Record<string, unknown>[]): string | undefined {
  return IDENTITY_KEYS.find((k) => {
    const vals = items.map((i) => i[k]);
    return vals.every((v) => typeof v === "string" || typeof v === "number") && new Set(vals).size === vals.length;
  });
}

function flatten(value: unknown, path: string, out: Record<string, string | string[]>, depth = 0): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    const objects = value.filter((v) => v && typeof v === "object" && !Array.isArray(v)) as Record<string, unknown>[];
    const key = objects.length === value.length && objects.length > 0 && depth < 8 ? identityKey(objects) : undefined;
    if (key) {
      // a list of identifiable items: each item is followed by its identity (services[port=22].banner...)
      out[`${path}[]`] = objects.map((o) => `${key}=${String(o[key])}`).sort();
      for (const o of objects) flatten(o, `${path}[${key}=${String(o[key])}]`, out, depth + 1);
      return;
    }
    // other lists compare as sets; objects in them become their stable JSON (volatile keys dropped)
    out[path] = [...new Set(value.map((v) => (v && typeof v === "object" ? stableJson(v) : String(v))))].sort();
    return;
  }
  if (typeof value === "object" && depth < 8) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (VOLATILE_KEY.test(k)) continue;
      flatten(v, path ? `${path}.${k}` : k, out, depth + 1);
    }
    return;
  }
  out[path] = String(value);
}

export function snapshotDevice(d: DeviceResult): DeviceSnapshot {
  const facts: DeviceSnapshot["facts"] = {};
  for (const [protocol, env] of Object.entries(d.facts)) {
    if (SWEEP_ONLY.has(protocol) || env.status !== "ok") continue;
    const flat: Record<string, string | string[]> = {};
    flatten(env.data, "", flat);
    facts[protocol] = flat;
  }
  const discovered = (d.facts.discovery?.data as { ports?: { state: string; transport: string; port: number; service: string }[] } | undefined)?.ports ?? [];
  const services = new Set([
    ...d.services.map((s) => s.url),
    ...discovered.filter((p) => p.state === "open").map((p) => `${p.service}:${p.transport}/${p.port}`),
  ]);
  return { services: [...services].sort(), facts };
}

export function snapshotSweep(doc: ResultDocument, sweepId: string): BaselineSnapshot {
  return { sweepId, devices: Object.fromEntries(doc.devices.map((d) => [d.host, snapshotDevice(d)])) };
}

function categorise(path: string): DriftChange["category"] {
  if (/cert|fingerprint|sha256|thumbprint|subject|issuer|notAfter|notBefore|hostKeys/i.test(path)) return "certificates";
  if (/kex|cipher|mac|algorithm|hostKey|securityPolic|suite|tlsVersion|compression|authProtocol|privProtocol/i.test(path)) return "algorithms";
  if (/version|revision|firmware|sysDescr|banner|software|build|productCode|product|model/i.test(path)) return "firmware";
  if (/endpoint|userToken|securityMode|methods|units/i.test(path)) return "endpoints";
  return "other";
}

function diffSets(a: string[], b: string[]): { added: string[]; removed: string[] } {
  const A = new Set(a);
  const B = new Set(b);
  return { added: b.filter((x) => !A.has(x)), removed: a.filter((x) => !B.has(x)) };
}

export function diffDevice(host: string, before: DeviceSnapshot | undefined, after: DeviceSnapshot | undefined): DeviceDrift {
  if (!before) return { host, state: "new", changes: [] };
  if (!after) return { host, state: "missing", changes: [] };
  const changes: DriftChange[] = [];
  const svc = diffSets(before.services, after.services);
  if (svc.added.length || svc.removed.length) changes.push({ category: "services", protocol: "*", path: "services", added: svc.added, removed: svc.removed });
  for (const protocol of [...new Set([...Object.keys(before.facts), ...Object.keys(after.facts)])].sort()) {
    const b = before.facts[protocol] ?? {};
    const a = after.facts[protocol] ?? {};
    // a protocol that could not be probed this time is not a configuration change
    if (!before.facts[protocol] || !after.facts[protocol]) continue;
    for (const path of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
      const x = b[path];
      const y = a[path];
      if (Array.isArray(x) || Array.isArray(y)) {
        const d = diffSets(Array.isArray(x) ? x : x === undefined ? [] : [x], Array.isArray(y) ? y : y === undefined ? [] : [y]);
        if (d.added.length || d.removed.length) changes.push({ category: categorise(path), protocol, path, added: d.added, removed: d.removed });
      } else if (x !== y) {
        changes.push({ category: categorise(path), protocol, path, ...(x !== undefined ? { before: x } : {}), ...(y !== undefined ? { after: y } : {}) });
      }
    }
  }
  return { host, state: changes.length ? "changed" : "unchanged", changes };
}

export function driftReport(name: string, baseline: { sweepId: string; createdAt: string; snapshot: BaselineSnapshot }, current: ResultDocument): DriftReport {
  const now = snapshotSweep(current, "current");
  const hosts = [...new Set([...Object.keys(baseline.snapshot.devices), ...Object.keys(now.devices)])];
  const devices = hosts.map((h) => diffDevice(h, baseline.snapshot.devices[h], now.devices[h]));
  const count = (s: DeviceDrift["state"]) => devices.filter((d) => d.state === s).length;
  return {
    baseline: name,
    baselineSweepId: baseline.sweepId,
    baselineCreatedAt: baseline.createdAt,
    devices,
    summary: { changed: count("changed"), unchanged: count("unchanged"), new: count("new"), missing: count("missing") },
  };
}

/**
 * Drift as fleet findings (element 1, configuration management: unauthorized change is detectable).
 * A changed device is a fail naming what changed (an auditor confirms each change was authorized), a
 * device new since the baseline a low fail (was it commissioned on purpose?), a device the sweep did
 * not reach undetermined (no answer: drift cannot be told), and the devices compared and found
 * unchanged one pass naming them and the baseline (positive evidence: their observed configuration
 * equals the baseline's, as far as the probes see it).
 */
export const DRIFT_RULE_META: RuleMeta = {
  id: "fleet.config.drift",
  title: "Configuration unchanged since the baseline",
  elements: [1],
  iec62443: ["CR 7.6", "CR 3.4"],
  severity: "medium",
  safety: "passive",
  remediation:
    "Confirm every change listed against the change records; restore the baseline configuration where a change was not authorized, then save a new baseline (otaudit baseline save).",
  docs: "Compares a sweep with a saved baseline (otaudit baseline save; otaudit sweep --baseline NAME): services, algorithms, endpoints, certificates, firmware and other configuration facts the probes observe.",
};

export function driftFindings(report: DriftReport): FleetFinding[] {
  const { elements, iec62443 } = mapped(DRIFT_RULE_META);
  const m = DRIFT_RULE_META;
  const base = { ruleId: m.id, title: m.title, elements, iec62443, safety: m.safety, remediation: m.remediation };
  const baseline = { baseline: report.baseline, baselineSweepId: report.baselineSweepId, baselineCreatedAt: report.baselineCreatedAt };
  const out: FleetFinding[] = [];
  for (const d of report.devices) {
    if (d.state === "changed") {
      const categories = [...new Set(d.changes.map((c) => c.category))].sort();
      out.push({
        ...base,
        status: "fail",
        severity: m.severity,
        message: `${d.host}: ${d.changes.length} configuration change(s) since baseline '${report.baseline}' (${categories.join(", ")}): confirm each was authorized`,
        evidence: { ...baseline, host: d.host, changes: d.changes },
        devices: [d.host],
      });
    } else if (d.state === "new") {
      out.push({
        ...base,
        status: "fail",
        severity: "low",
        message: `${d.host}: not in baseline '${report.baseline}' (a device added since): confirm it was commissioned on purpose`,
        evidence: { ...baseline, host: d.host },
        devices: [d.host],
      });
    } else if (d.state === "missing") {
      out.push({
        ...base,
        status: "undetermined",
        reason: "no-answer",
        severity: m.severity,
        message: `${d.host}: in baseline '${report.baseline}' but not audited by this sweep: drift cannot be told`,
        evidence: { ...baseline, host: d.host },
        devices: [d.host],
      });
    }
  }
  const unchanged = report.devices.filter((d) => d.state === "unchanged").map((d) => d.host);
  if (unchanged.length)
    out.push({
      ...base,
      status: "pass",
      severity: m.severity,
      message: `${unchanged.length} device(s) unchanged since baseline '${report.baseline}' (every configuration fact the probes observed is equal)`,
      evidence: { ...baseline, unchanged },
      devices: unchanged,
    });
  return out;
}
