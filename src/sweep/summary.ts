// Terminal summary of a sweep (a fleet is too many devices for per-device scorecards): devices and
// services found, failing findings by severity, the fleet findings with the devices they name, the
// gap count per zone, and drift when a baseline was compared. Pure: document in, text out.
import type { ResultDocument } from "../model/result.js";
import { SEVERITIES } from "../model/common.js";
import type { FleetSection } from "../fleet/model.js";

export function renderSweepSummary(doc: ResultDocument, opts: { sweepId?: string; db?: string } = {}): string {
  const lines: string[] = [];
  const fleet = doc.fleet as FleetSection | undefined;
  const withServices = doc.devices.filter((d) => d.facts.discovery?.status === "ok" || d.services.length > 0).length;
  lines.push(
    `otaudit sweep${opts.sweepId ? ` ${opts.sweepId}` : ""}: ${doc.devices.length} devices, ${withServices} with services${doc.run.interrupted ? " (interrupted: resume with --resume)" : ""}`,
  );
  const bySeverity = new Map<string, number>();
  for (const d of doc.devices) for (const f of d.findings) if (f.status === "fail") bySeverity.set(f.severity, (bySeverity.get(f.severity) ?? 0) + 1);
  const errors = doc.devices.reduce((n, d) => n + d.findings.filter((f) => f.status === "error").length, 0);
  lines.push(`  device findings failing: ${SEVERITIES.map((s) => `${s} ${bySeverity.get(s) ?? 0}`).join(", ")}; could not check: ${errors}`);
  if (fleet) {
    lines.push("  fleet:");
    for (const f of fleet.findings) {
      if (f.status === "not_applicable") continue;
      const mark = f.status === "fail" ? "FAIL" : f.status === "pass" ? "pass" : f.status;
      lines.push(`    [${mark}] ${f.ruleId}${f.status === "fail" ? ` (${f.severity})` : ""}: ${f.message}`);
    }
    const zones = Object.entries(fleet.zones);
    if (zones.length) {
      lines.push("  compensating-control gaps per zone:");
      for (const [zone, z] of zones.sort(([a], [b]) => a.localeCompare(b))) {
        const gaps = Object.entries(z.gaps).map(([k, hosts]) => `${k} ${hosts.length}`);
        lines.push(`    ${zone}: ${z.devices} devices${gaps.length ? `; ${gaps.join(", ")}` : "; none found"}`);
      }
    }
    if (fleet.drift) {
      const s = fleet.drift.summary;
      lines.push(`  drift against baseline '${fleet.drift.baseline}': ${s.changed} changed, ${s.unchanged} unchanged, ${s.new} new, ${s.missing} missing`);
      for (const d of fleet.drift.devices.filter((x) => x.state === "changed").slice(0, 20)) {
        lines.push(`    ${d.host}: ${[...new Set(d.changes.map((c) => c.category))].join(", ")} (${d.changes.length} changes)`);
      }
    }
  }
  if (opts.db) lines.push(`  stored in ${opts.db}`);
  return lines.join("\n") + "\n";
}
