// Fleet rules: pure checks over every device's typed signals at once (src/fleet/signals.ts), for the
// compensating-control gaps the Secure by Demand OT guide asks owners to close on installed assets
// (shared keys and default credentials, remote access without MFA, cleartext channels). They never
// read a protocol's facts or match rule ids. A device without the signal is not counted; an unknown
// auth factor never counts as MFA and never as a pass.
import type { FleetDevice, FleetOutcome, FleetRule, Gap } from "./model.js";
import { defineFleetRule } from "./model.js";
import type { DeviceSignals } from "./signals.js";

/** Host list for a message: the first ten, then a count (the finding's `devices` has them all). */
const hostList = (hosts: string[]) => (hosts.length <= 10 ? hosts.join(", ") : `${hosts.slice(0, 10).join(", ")} and ${hosts.length - 10} more`);
const SBD_DOCS =
  "https://www.cisa.gov/resources-tools/resources/secure-demand-priority-considerations-operational-technology-owners-and-operators-when-selecting";
const at = (x: { scheme: string; port: number | null }) => (x.port === null ? x.scheme : `${x.scheme}/${x.port}`);

type Keyed = { host: string; key: string; detail: Record<string, unknown> };

/** Group items by key; keep only keys seen on two or more distinct devices. */
function sharedGroups(items: Keyed[]): Map<string, { hosts: string[]; detail: Record<string, unknown> }> {
  const groups = new Map<string, { hosts: string[]; detail: Record<string, unknown> }>();
  for (const it of items) {
    const g = groups.get(it.key) ?? { hosts: [], detail: it.detail };
    if (!g.hosts.includes(it.host)) g.hosts.push(it.host);
    groups.set(it.key, g);
  }
  for (const [k, g] of groups) if (g.hosts.length < 2) groups.delete(k);
  return groups;
}

// ---- keys and certificates that identify a device, shared across devices ----
type KeyKind = DeviceSignals["keys"][number]["kind"];

function keyItems(devices: FleetDevice[], kinds: readonly KeyKind[]): Keyed[] {
  return devices.flatMap((d) =>
    d.signals.keys
      .filter((k) => kinds.includes(k.kind))
      .map((k) => ({
        host: d.host,
        key: k.fingerprint,
        detail: { fingerprint: k.fingerprint, label: k.label, protocol: k.protocol, scheme: k.scheme, port: k.port },
      })),
  );
}

function sharedKeyRule(meta: FleetRule["meta"], kinds: readonly KeyKind[], noun: string): FleetRule {
  return defineFleetRule({
    meta,
    check({ devices }) {
      const items = keyItems(devices, kinds);
      if (items.length === 0) return null;
      const groups = sharedGroups(items);
      const keys = new Set(items.map((i) => i.key)).size;
      if (groups.size === 0)
        return [
          {
            status: "pass",
            message: `${keys} ${noun}s on ${new Set(items.map((i) => i.host)).size} devices, none shared`,
            evidence: { keys, devices: new Set(items.map((i) => i.host)).size },
            devices: [],
          },
        ];
      return [...groups.values()].map(
        (g): FleetOutcome => ({
          status: "fail",
          message: `${noun} ${g.detail.fingerprint} (${g.detail.label}) is used by ${g.hosts.length} devices: ${hostList(g.hosts)}`,
          evidence: { ...g.detail, devices: g.hosts },
          devices: g.hosts,
        }),
      );
    },
    gaps: ({ devices }) =>
      [...sharedGroups(keyItems(devices, kinds))].flatMap(([key, g]) =>
        g.hosts.map((host) => ({
          host,
          gap: {
            kind: "shared-secret" as const,
            protocol: String(g.detail.protocol),
            port: typeof g.detail.port === "number" ? g.detail.port : null,
            detail: `${noun} ${key.slice(0, 24)}${key.length > 24 ? "..." : ""} shared with other devices`,
          },
        })),
      ),
  });
}

export const sharedHostKey = sharedKeyRule(
  {
    id: "fleet.host-key.shared",
    title: "The same host key on several devices",
    elements: [6, 9],
    iec62443: ["CR 1.2", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation:
      "Give every device its own host key (regenerate keys on first boot instead of shipping them in the image); a key copied to many devices lets whoever extracts it impersonate all of them.",
    docs: "https://www.rfc-editor.org/rfc/rfc4251#section-9.3.1",
  },
  ["host-key", "other"],
  "host key",
);

export const sharedCertificate = sharedKeyRule(
  {
    id: "fleet.certificate.shared",
    title: "The same certificate on several devices",
    elements: [7, 9],
    iec62443: ["CR 1.2", "CR 1.8"],
    severity: "high",
    safety: "passive",
    remediation:
      "Issue each device its own certificate (an application instance certificate is unique per installation, OPC 10000-2 §4.4.2), ideally from the plant's CA.",
    docs: "https://reference.opcfoundation.org/Core/Part2/v105/docs/4.4.2",
  },
  ["x509-certificate"],
  "certificate",
);

// ---- default credentials or communities accepted (labels only, never secrets) ----
function defaultItems(devices: FleetDevice[]): Keyed[] {
  return devices.flatMap((d) => {
    // de-duplicate per device (a community accepted over v1 and v2c is one credential)
    const byKey = new Map(d.signals.defaultCredentials.map((c) => [`${c.protocol}:${c.key}`, c]));
    return [...byKey].map(([key, c]) => ({
      host: d.host,
      key,
      detail: { protocol: c.protocol, scheme: c.scheme, port: c.port, credential: c.label, ...(c.source ? { source: c.source } : {}) },
    }));
  });
}

export const sharedDefaultCredential = defineFleetRule({
  meta: {
    id: "fleet.credential.shared-default",
    title: "The same default credential or community accepted across devices",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "read",
    remediation:
      "Change factory-default passwords and communities on every device, with a unique value per device; until then, restrict management access to a jump host with MFA.",
    docs: SBD_DOCS,
  },
  check({ devices }) {
    const items = defaultItems(devices);
    const checks = devices.flatMap((d) => d.signals.defaultCredentialChecks.map((c) => ({ host: d.host, ...c })));
    if (items.length === 0) {
      if (checks.length === 0) return null;
      const tried = checks.reduce((n, c) => n + c.tried, 0);
      const checked = new Set(checks.map((c) => c.host)).size;
      return [
        {
          status: "pass",
          message: `no default credential or community was accepted (${tried} tried on ${checked} devices)`,
          evidence: { devicesChecked: checked, entriesTried: tried },
          devices: [],
        },
      ];
    }
    const groups = new Map<string, { hosts: string[]; detail: Record<string, unknown> }>();
    for (const it of items) {
      const g = groups.get(it.key) ?? { hosts: [], detail: it.detail };
      g.hosts.push(it.host);
      groups.set(it.key, g);
    }
    return [...groups.values()].map(
      (g): FleetOutcome => ({
        status: "fail",
        severity: g.hosts.length > 1 ? "critical" : "high",
        message: `${g.detail.scheme} default ${g.detail.credential} accepted on ${g.hosts.length} device${g.hosts.length > 1 ? "s" : ""}: ${hostList(g.hosts)}`,
        evidence: { ...g.detail, devices: g.hosts },
        devices: g.hosts,
      }),
    );
  },
  gaps: ({ devices }) =>
    defaultItems(devices).map((c) => ({
      host: c.host,
      gap: {
        kind: "default-credential" as const,
        protocol: String(c.detail.protocol),
        port: typeof c.detail.port === "number" ? c.detail.port : null,
        detail: `default ${c.detail.credential} accepted on ${c.detail.scheme}`,
      },
    })),
});

// ---- remote access without MFA ----
function weakAccess(d: FleetDevice) {
  return d.signals.remoteAccess.filter((r) => r.factors === "none" || r.factors === "single-factor");
}

export const remoteAccessWithoutMfa = defineFleetRule({
  meta: {
    id: "fleet.remote-access.no-mfa",
    title: "Remote-access services that accept a single factor or anonymous access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2", "CR 1.7"],
    severity: "high",
    safety: "passive",
    remediation:
      "Put MFA in front of remote access (the guide's first compensating control): require two factors on the service, or allow it only through a jump host or VPN with MFA.",
    docs: SBD_DOCS,
  },
  check({ devices }) {
    const remote = devices.filter((d) => d.signals.remoteAccess.length > 0);
    if (remote.length === 0) return null;
    const weak = remote.filter((d) => weakAccess(d).length > 0).map((d) => d.host);
    // an unknown factor (or a plugin whose signals failed) is never MFA
    const unverified = remote
      .filter((d) => !weak.includes(d.host) && (d.signals.errors.length > 0 || d.signals.remoteAccess.some((r) => r.factors !== "mfa-verified")))
      .map((d) => d.host);
    if (weak.length > 0) {
      return [
        {
          status: "fail",
          message: `${weak.length} of ${remote.length} devices with remote access accept a single factor or anonymous access: ${hostList(weak)}`,
          evidence: { remoteAccessDevices: remote.length, singleFactor: weak, mfaUnverified: unverified },
          devices: weak,
        },
      ];
    }
    if (unverified.length > 0) {
      return [
        {
          status: "undetermined",
          reason: "not-attempted",
          message: `no single-factor access observed, but MFA is unverified on ${unverified.length} of ${remote.length} devices (no bench credentials showed a second factor)`,
          evidence: { remoteAccessDevices: remote.length, mfaUnverified: unverified },
          devices: unverified,
        },
      ];
    }
    const services = remote.flatMap((d) => d.signals.remoteAccess.map((r) => `${d.host} ${at(r)}: ${r.detail}`));
    return [
      {
        status: "pass",
        message: `all ${remote.length} remote-access devices demanded a second factor of the bench login`,
        evidence: { remoteAccessDevices: remote.length, verified: services },
        devices: [],
      },
    ];
  },
  gaps: ({ devices }) =>
    devices.flatMap((d) =>
      weakAccess(d).map((r) => ({
        host: d.host,
        gap: { kind: "remote-access-single-factor" as const, protocol: r.protocol, port: r.port, detail: `${at(r)}: ${r.detail}` },
      })),
    ),
});

// ---- cleartext channels, per zone ----
/** Devices whose services were discovered (a sweep's discovery or a scan's surface view answered). */
const discovered = (d: FleetDevice) => ["discovery", "surface"].some((id) => d.result.facts[id]?.status === "ok");

export const cleartextPerZone = defineFleetRule({
  meta: {
    id: "fleet.cleartext.per-zone",
    title: "Cleartext management channels, per zone",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Turn off cleartext services (or switch them to their secure variants) or, where the protocol has no secure variant, segment the zone and reach it only through an encrypted, authenticated tunnel.",
    docs: SBD_DOCS,
  },
  check({ devices }) {
    const zones = new Map<string, FleetDevice[]>();
    for (const d of devices) {
      const members = zones.get(d.zone);
      if (members) members.push(d);
      else zones.set(d.zone, [d]);
    }
    const out: FleetOutcome[] = [];
    for (const [zone, members] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
      const offenders = members.filter((m) => m.signals.cleartext.length > 0);
      const seen = members.filter(discovered);
      if (offenders.length === 0) {
        if (seen.length > 0)
          out.push({
            status: "pass",
            zone,
            message: `zone ${zone}: no cleartext channel found on ${seen.length} discovered devices`,
            evidence: { zone, devices: seen.length },
            devices: [],
          });
        continue;
      }
      const hostsOf = new Map<string, Set<string>>();
      for (const o of offenders) for (const c of o.signals.cleartext) (hostsOf.get(c.scheme) ?? hostsOf.set(c.scheme, new Set()).get(c.scheme)!).add(o.host);
      const byService = new Map([...hostsOf].map(([scheme, hosts]) => [scheme, [...hosts]]));
      out.push({
        status: "fail",
        zone,
        message: `zone ${zone}: ${offenders.length} of ${members.length} devices expose cleartext channels (${[...byService].map(([s, h]) => `${s} x${h.length}`).join(", ")})`,
        evidence: { zone, services: Object.fromEntries(byService) },
        devices: offenders.map((o) => o.host),
      });
    }
    return out.length ? out : null;
  },
  gaps: ({ devices }) =>
    devices.flatMap((d) =>
      d.signals.cleartext.map((c) => ({ host: d.host, gap: { kind: "cleartext-management" as const, protocol: c.protocol, port: c.port, detail: c.detail } })),
    ),
});

export const FLEET_RULES: readonly FleetRule[] = [sharedHostKey, sharedCertificate, sharedDefaultCredential, remoteAccessWithoutMfa, cleartextPerZone];

export type { Gap };
