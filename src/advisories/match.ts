// Version-based advisory matching for one device (pure, no network): the products and versions
// each plugin's identify() reads from its facts, against the advisories the operator supplied.
// Called from the engine's assessDevice, so live scans, replays and sweeps apply it identically.
//   - a match: `fail`, labelled "version-based:", severity from the advisory (default high),
//     capped for distribution builds (backported fixes keep the upstream version string);
//   - versions observed, nothing matched: one `pass` naming the files and the versions checked;
//   - an order that cannot be known (unusual version suffix): `skipped`, never a match or a pass;
//   - no version observed: `skipped` with the reason. Without supplied advisories: no finding.
import { severityRank, type Severity } from "../model/common.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { Finding } from "../model/result.js";
import type { ObservedProduct, ProtocolPlugin } from "../plugin.js";
import { mapped } from "../catalog/spec.js";
import { ADVISORY_RULE_META, DISTRIBUTION_SEVERITY_CAP, type Advisory, type AdvisorySet, type AffectedProduct } from "./model.js";
import { productNamesMatch, sameVendor, textNames } from "./names.js";
import { rangeContains } from "./version.js";

export interface DeviceObservation extends ObservedProduct {
  protocol: string;
}

/** Every product the device's facts show, in plugin order; a plugin whose identify() throws is noted. */
export function observeProducts(
  plugins: readonly ProtocolPlugin[],
  facts: Record<string, FactsEnvelope>,
): { observed: DeviceObservation[]; problems: string[] } {
  const observed: DeviceObservation[] = [];
  const problems: string[] = [];
  for (const plugin of plugins) {
    const envelope = facts[plugin.id];
    if (!plugin.identify || !envelope || envelope.status !== "ok" || envelope.data === undefined) continue;
    try {
      for (const o of plugin.identify(envelope.data)) observed.push({ ...o, protocol: plugin.id });
    } catch (e) {
      problems.push(`${plugin.id}: identification failed (${(e as Error).message})`);
    }
  }
  return { observed, problems };
}

/** Does the advisory's product name this observation? */
export function namesProduct(entry: Pick<AffectedProduct, "vendor" | "product">, o: ObservedProduct): boolean {
  const names = [o.product, o.model].filter((n): n is string => !!n);
  if (names.some((n) => productNamesMatch(entry.product, n))) return entry.vendor === undefined || o.vendor === undefined || sameVendor(entry.vendor, o.vendor);
  if (o.text)
    return (
      textNames(o.text, o.vendor === undefined ? entry.vendor : undefined, entry.product) &&
      (entry.vendor === undefined || o.vendor === undefined || sameVendor(entry.vendor, o.vendor))
    );
  return false;
}

export function describeObservation(o: ObservedProduct): string {
  const name = [o.vendor, o.product ?? o.model].filter(Boolean).join(" ");
  const version = `${o.version ?? "(no version)"}${o.distribution ? ` ${o.distribution}` : ""}`;
  return name ? `${name} ${version} (${o.source})` : `${version} in '${o.text ?? ""}' (${o.source})`;
}

function capSeverity(s: Severity, cap: Severity): Severity {
  return severityRank(s) > severityRank(cap) ? cap : s;
}

interface Match {
  advisory: Advisory;
  entry: AffectedProduct;
  observations: DeviceObservation[];
}

function base(o: {
  protocol: string;
  port?: number | null;
}): Pick<Finding, "ruleId" | "title" | "elements" | "iec62443" | "protocol" | "port" | "remediation" | "safety"> {
  const m = mapped(ADVISORY_RULE_META); // elements and IEC 62443 from the Secure by Demand spec
  return {
    ruleId: m.id,
    title: m.title,
    elements: [...m.elements],
    iec62443: [...m.iec62443],
    protocol: o.protocol,
    port: o.port ?? null,
    remediation: m.remediation,
    safety: m.safety,
  };
}

function matchFinding(m: Match): Finding {
  const first = m.observations[0]!;
  const distribution = m.observations.find((o) => o.distribution)?.distribution;
  const advisorySeverity = m.entry.severity ?? ADVISORY_RULE_META.severity;
  const severity = distribution ? capSeverity(advisorySeverity, DISTRIBUTION_SEVERITY_CAP) : advisorySeverity;
  const label = distribution
    ? `version-based, distribution build: verify: ${distribution} may carry a backported fix under the upstream version; `
    : "version-based: ";
  const vulns = m.entry.cves.length ? m.entry.cves : m.entry.ids;
  const product = [m.entry.vendor, m.entry.product].filter(Boolean).join(" ");
  const sources = [...new Set(m.observations.map((o) => o.source))];
  const fixed = m.entry.fixed.length ? `; fixed in ${m.entry.fixed.join(", ")}` : "";
  const message = `${label}${m.advisory.id}${vulns.length ? ` (${vulns.join(", ")})` : ""} affects ${product} (${m.entry.versionsLabel}); observed ${first.version} from ${sources.join(", ")}${fixed}`;
  const evidence: Record<string, unknown> = {
    basis: "version-based",
    advisory: m.advisory.id,
    advisoryTitle: m.advisory.title,
    advisoryFile: m.advisory.file,
    format: m.advisory.format,
    cves: m.entry.cves,
    product,
    affected: m.entry.versionsLabel,
    observedVersion: first.version,
    source: first.source,
    observed: m.observations.map((o) => ({ protocol: o.protocol, source: o.source, raw: o.raw, ...(o.port ? { port: o.port } : {}) })),
  };
  if (m.entry.ids.length) evidence.ids = m.entry.ids;
  if (m.entry.fixed.length) evidence.fixedVersion = m.entry.fixed.join(", ");
  const url = m.entry.url ?? m.advisory.url;
  if (url) evidence.url = url;
  if (m.advisory.publisher) evidence.publisher = m.advisory.publisher;
  if (distribution) {
    evidence.distribution = distribution;
    evidence.advisorySeverity = advisorySeverity;
  }
  const finding: Finding = { ...base(first), status: "fail", severity, message, evidence };
  if (m.entry.remediation) finding.remediation = `${m.entry.remediation}${url ? ` (${url})` : ""}. ${ADVISORY_RULE_META.remediation}`;
  return finding;
}

/** Findings of supplied advisories for one device's observations (see the file header). */
export function advisoryFindings(observed: DeviceObservation[], set: AdvisorySet, problems: string[] = []): Finding[] {
  const versioned = observed.filter((o) => o.version);
  const files = set.files;
  if (versioned.length === 0) {
    const unversioned = observed.map((o) => `${[o.vendor, o.product ?? o.model].filter(Boolean).join(" ") || `'${o.text ?? ""}'`} (${o.source})`);
    const why = unversioned.length
      ? `identified ${unversioned.join("; ")} but read no version`
      : "no probe read a product version (banner, device identification, BuildInfo, sysDescr)";
    return [
      {
        ...base({ protocol: "advisories" }),
        status: "skipped",
        severity: "info",
        message: `advisories not checked: ${why}${problems.length ? `; ${problems.join("; ")}` : ""}`,
        evidence: { files, observed: unversioned, problems },
      },
    ];
  }
  const matches = new Map<string, Match>();
  const unknown = new Map<string, Finding>();
  for (const advisory of set.advisories)
    for (const entry of advisory.products)
      for (const o of versioned) {
        if (!namesProduct(entry, o)) continue;
        const contained = rangeContains(entry.range, o.version!);
        const key = `${advisory.file}\u0000${advisory.id}\u0000${entry.vendor ?? ""}\u0000${entry.product}\u0000${entry.versionsLabel}\u0000${o.version!.trim().toLowerCase()}\u0000${o.distribution ?? ""}`;
        if (contained === true) {
          const m = matches.get(key);
          if (m) m.observations.push(o);
          else matches.set(key, { advisory, entry, observations: [o] });
        } else if (contained === null && !unknown.has(key)) {
          unknown.set(key, {
            ...base(o),
            status: "skipped",
            severity: "info",
            message: `version-based: cannot tell whether ${describeObservation(o)} is in ${advisory.id}'s range '${entry.versionsLabel}' for ${entry.product}: not matched, verify by hand`,
            evidence: {
              basis: "version-based",
              advisory: advisory.id,
              advisoryFile: advisory.file,
              product: entry.product,
              affected: entry.versionsLabel,
              observedVersion: o.version,
              source: o.source,
              raw: o.raw,
            },
          });
        }
      }
  const findings = [...matches.values()].map(matchFinding);
  if (findings.length === 0) {
    const checked = versioned.map(describeObservation);
    const first = versioned[0]!;
    findings.push({
      ...base({ protocol: first.protocol, port: first.port ?? null }),
      status: "pass",
      severity: "info",
      message: `version-based: no supplied advisory affects ${checked.join("; ")} (${set.advisories.length} advisor${set.advisories.length === 1 ? "y" : "ies"} from ${files.join(", ")})`,
      evidence: {
        basis: "version-based",
        files,
        advisories: set.advisories.map((a) => a.id),
        observed: versioned.map((o) => ({ protocol: o.protocol, source: o.source, version: o.version, raw: o.raw })),
      },
    });
  }
  return [...findings, ...unknown.values()];
}
