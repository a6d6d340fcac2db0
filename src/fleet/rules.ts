// Fleet rules: pure checks over every device's facts and findings at once, for the compensating-
// control gaps the Secure by Demand OT guide asks owners to close on installed assets (shared/default
// credentials, remote access without MFA, cleartext management channels). They read protocol facts
// defensively: a device whose facts are missing or incomplete is simply not counted (not applicable),
// never counted as a pass.
import type { FleetDevice, FleetOutcome, FleetRule, FleetRuleContext, Gap } from "./model.js";
import { defineFleetRule } from "./model.js";

type Obj = Record<string, unknown>;
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter((x) => x && typeof x === "object") as Obj[]) : []);
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
/** Host list for a message: the first ten, then a count (the finding's `devices` has them all). */
const hostList = (hosts: string[]) => (hosts.length <= 10 ? hosts.join(", ") : `${hosts.slice(0, 10).join(", ")} and ${hosts.length - 10} more`);

/** Group hosts by a key; keep only keys seen on two or more distinct devices. */
function sharedGroups(items: { host: string; key: string; detail: Obj }[]): Map<string, { hosts: string[]; detail: Obj }> {
  const groups = new Map<string, { hosts: string[]; detail: Obj }>();
  for (const it of items) {
    const g = groups.get(it.key) ?? { hosts: [], detail: it.detail };
    if (!g.hosts.includes(it.host)) g.hosts.push(it.host);
    groups.set(it.key, g);
  }
  for (const [k, g] of groups) if (g.hosts.length < 2) groups.delete(k);
  return groups;
}

// ---- SSH host keys (facts.ssh.data.services[].hostKeys[].fingerprintSha256) ----
function sshHostKeys(d: FleetDevice): { key: string; detail: Obj }[] {
  const out: { key: string; detail: Obj }[] = [];
  for (const s of arr(d.facts<Obj>("ssh")?.services)) {
    for (const k of arr(s.hostKeys)) {
      const fp = str(k.fingerprintSha256);
      if (fp) out.push({ key: fp, detail: { fingerprint: fp, keyType: str(k.keyType), port: s.port } });
    }
  }
  return out;
}

export const sharedSshHostKey = defineFleetRule({
  meta: {
    id: "fleet.ssh.shared-host-key",
    title: "The same SSH host key on several devices",
    elements: [6, 9],
    iec62443: ["CR 1.2", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation: "Give every device its own host key (regenerate keys on first boot instead of shipping them in the image); a key copied to many devices lets whoever extracts it impersonate all of them.",
    docs: "https://www.rfc-editor.org/rfc/rfc4251#section-9.3.1",
  },
  check({ devices }) {
    const items = devices.flatMap((d) => sshHostKeys(d).map((k) => ({ host: d.host, ...k })));
    if (items.length === 0) return null;
    const groups = sharedGroups(items);
    if (groups.size === 0) {
      return [{ status: "pass", message: `${new Set(items.map((i) => i.key)).size} SSH host keys on ${new Set(items.map((i) => i.host)).size} devices, none shared`, evidence: { keys: new Set(items.map((i) => i.key)).size }, devices: [] }];
    }
    return [...groups.values()].map((g): FleetOutcome => ({
      status: "fail",
      message: `SSH host key ${g.detail.fingerprint} (${g.detail.keyType ?? "?"}) is used by ${g.hosts.length} devices: ${hostList(g.hosts)}`,
      evidence: { fingerprint: g.detail.fingerprint, keyType: g.detail.keyType, devices: g.hosts },
      devices: g.hosts,
    }));
  },
  gaps: ({ devices }) => gapsFromGroups(devices, sshHostKeys, "ssh", (k) => `SSH host key ${k} shared with other devices`),
});

// ---- OPC UA application instance certificates (facts.opcua.data.certificates[].sha256) ----
function opcuaCerts(d: FleetDevice): { key: string; detail: Obj }[] {
  const f = d.facts<Obj>("opcua");
  const seen = new Set<string>();
  const out: { key: string; detail: Obj }[] = [];
  for (const c of arr(f?.certificates)) {
    const sha = str(c.sha256);
    if (sha && !seen.has(sha)) {
      seen.add(sha);
      out.push({ key: sha, detail: { sha256: sha, subject: str(c.subject) } });
    }
  }
  for (const e of arr(f?.endpoints)) {
    const sha = str(e.certificateSha256);
    if (sha && !seen.has(sha)) {
      seen.add(sha);
      out.push({ key: sha, detail: { sha256: sha } });
    }
  }
  return out;
}

export const sharedOpcuaCertificate = defineFleetRule({
  meta: {
    id: "fleet.opcua.shared-certificate",
    title: "The same OPC UA application certificate on several devices",
    elements: [7, 9],
    iec62443: ["CR 1.2", "CR 1.8"],
    severity: "high",
    safety: "passive",
    remediation: "Issue each server its own application instance certificate (OPC UA Part 2 §4.4.2: unique per installation), ideally from the plant's CA.",
    docs: "https://reference.opcfoundation.org/Core/Part2/v105/docs/4.4.2",
  },
  check({ devices }) {
    const items = devices.flatMap((d) => opcuaCerts(d).map((k) => ({ host: d.host, ...k })));
    if (items.length === 0) return null;
    const groups = sharedGroups(items);
    if (groups.size === 0) return [{ status: "pass", message: `${new Set(items.map((i) => i.key)).size} OPC UA certificates, none shared`, evidence: {}, devices: [] }];
    return [...groups.values()].map((g): FleetOutcome => ({
      status: "fail",
      message: `OPC UA certificate sha256 ${g.detail.sha256}${g.detail.subject ? ` (${g.detail.subject})` : ""} is used by ${g.hosts.length} devices: ${hostList(g.hosts)}`,
      evidence: { sha256: g.detail.sha256, subject: g.detail.subject, devices: g.hosts },
      devices: g.hosts,
    }));
  },
  gaps: ({ devices }) => gapsFromGroups(devices, opcuaCerts, "opcua", (k) => `OPC UA certificate ${k.slice(0, 16)}... shared with other devices`),
});

// ---- default credentials / communities accepted (labels only, never secrets) ----
function defaultCredentials(d: FleetDevice): { key: string; detail: Obj }[] {
  const out: { key: string; detail: Obj }[] = [];
  for (const s of arr(d.facts<Obj>("ssh")?.services)) {
    const a = (s.defaultCredentials as Obj | undefined)?.accepted as Obj | undefined;
    if (a && str(a.id)) out.push({ key: `ssh:${a.id}`, detail: { protocol: "ssh", port: s.port, credential: a.id, username: a.username, source: a.source } });
  }
  const dc = d.facts<Obj>("opcua")?.defaultCredentials as Obj | undefined;
  for (const a of arr(dc?.accepted)) {
    if (str(a.username)) out.push({ key: `opcua:${a.username}`, detail: { protocol: "opcua", credential: `user ${a.username}`, username: a.username, source: a.source } });
  }
  const snmp = d.facts<Obj>("snmp");
  for (const r of arr((snmp?.communities as Obj | undefined)?.results)) {
    // "default" labels are the public default values; supplied communities are never named
    if (r.accepted === true && r.source === "default" && str(r.label)) out.push({ key: `snmp:${r.label}`, detail: { protocol: "snmp", credential: `community '${r.label}'`, version: r.version } });
  }
  // de-duplicate per device (a community accepted over v1 and v2c is one credential)
  return [...new Map(out.map((o) => [o.key, o])).values()];
}

export const sharedDefaultCredential = defineFleetRule({
  meta: {
    id: "fleet.credential.shared-default",
    title: "The same default credential or community accepted across devices",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "read",
    remediation: "Change factory-default passwords and communities on every device, with a unique value per device; until then, restrict management access to a jump host with MFA.",
    docs: "https://www.cisa.gov/resources-tools/resources/secure-demand-priority-considerations-operational-technology-owners-and-operators-when-selecting",
  },
  check({ devices }) {
    const items = devices.flatMap((d) => defaultCredentials(d).map((k) => ({ host: d.host, ...k })));
    const sawChecks = devices.some((d) => d.facts("snmp") || d.facts("ssh") || d.facts("opcua"));
    if (!sawChecks) return null;
    if (items.length === 0) return [{ status: "pass", message: "no default credential or community was accepted on any device checked", evidence: {}, devices: [] }];
    const groups = new Map<string, { hosts: string[]; detail: Obj }>();
    for (const it of items) {
      const g = groups.get(it.key) ?? { hosts: [], detail: it.detail };
      g.hosts.push(it.host);
      groups.set(it.key, g);
    }
    return [...groups.values()].map((g): FleetOutcome => ({
      status: "fail",
      severity: g.hosts.length > 1 ? "critical" : "high",
      message: `${g.detail.protocol} default ${g.detail.credential} accepted on ${g.hosts.length} device${g.hosts.length > 1 ? "s" : ""}: ${hostList(g.hosts)}`,
      evidence: { ...g.detail, devices: g.hosts },
      devices: g.hosts,
    }));
  },
  gaps: ({ devices }) =>
    devices.flatMap((d) => defaultCredentials(d).map((c) => ({ host: d.host, gap: { kind: "default-credential" as const, protocol: String(c.detail.protocol), port: typeof c.detail.port === "number" ? c.detail.port : null, detail: `default ${c.detail.credential} accepted` } }))),
});

// ---- remote access without MFA (device findings of the SSH and OPC UA plugins) ----
const REMOTE_ACCESS = new Set(["ssh", "opcua"]);
const SINGLE_FACTOR_RULE = /single-factor|\.mfa$|anonymous|none-auth/;

function singleFactor(d: FleetDevice): { protocol: string; port: number | null; detail: string; ruleId: string }[] {
  return d.result.findings
    .filter((f) => REMOTE_ACCESS.has(f.protocol) && f.status === "fail" && SINGLE_FACTOR_RULE.test(f.ruleId))
    .map((f) => ({ protocol: f.protocol, port: f.port, detail: f.message, ruleId: f.ruleId }));
}

export const remoteAccessWithoutMfa = defineFleetRule({
  meta: {
    id: "fleet.remote-access.no-mfa",
    title: "Remote-access services that accept a single factor or anonymous access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2", "CR 1.7"],
    severity: "high",
    safety: "passive",
    remediation: "Put MFA in front of remote access (the guide's first compensating control): require two factors on the service, or allow it only through a jump host or VPN with MFA.",
    docs: "https://www.cisa.gov/resources-tools/resources/secure-demand-priority-considerations-operational-technology-owners-and-operators-when-selecting",
  },
  check({ devices }) {
    const remote = devices.filter((d) => Object.entries(d.result.facts).some(([p, f]) => REMOTE_ACCESS.has(p) && f.status === "ok"));
    if (remote.length === 0) return null;
    const weak = remote.filter((d) => singleFactor(d).length > 0).map((d) => d.host);
    const unverified = remote
      .filter((d) => !weak.includes(d.host) && d.result.findings.some((f) => REMOTE_ACCESS.has(f.protocol) && f.ruleId.endsWith(".mfa") && f.status !== "pass"))
      .map((d) => d.host);
    if (weak.length === 0) {
      return [{ status: unverified.length ? "skipped" : "pass", message: unverified.length ? `no single-factor access observed; MFA unverified on ${unverified.length} of ${remote.length} devices (no bench credentials)` : `all ${remote.length} remote-access devices demand more than one factor`, evidence: { remoteAccessDevices: remote.length, unverified }, devices: unverified }];
    }
    return [{ status: "fail", message: `${weak.length} of ${remote.length} devices with remote access accept a single factor or anonymous access: ${hostList(weak)}`, evidence: { remoteAccessDevices: remote.length, singleFactor: weak, mfaUnverified: unverified }, devices: weak }];
  },
  gaps: ({ devices }) => devices.flatMap((d) => singleFactor(d).map((s) => ({ host: d.host, gap: { kind: "remote-access-single-factor" as const, protocol: s.protocol, port: s.port, detail: s.detail } }))),
});

// ---- cleartext management channels, per zone ----
function cleartextChannels(d: FleetDevice): { protocol: string; port: number | null; detail: string }[] {
  const out: { protocol: string; port: number | null; detail: string }[] = [];
  const discovery = d.result.facts.discovery?.data as Obj | undefined;
  for (const p of arr(discovery?.ports)) {
    if (p.state === "open" && p.cleartext === true) out.push({ protocol: String(p.service), port: Number(p.port), detail: `${p.service} on ${p.transport}/${p.port} (cleartext)` });
  }
  const v1v2c = d.result.findings.find((f) => f.ruleId === "snmp.v1v2c.enabled" && f.status === "fail");
  if (v1v2c) out.push({ protocol: "snmp", port: v1v2c.port, detail: "SNMP v1/v2c answered (community in cleartext)" });
  const none = arr(d.facts<Obj>("opcua")?.endpoints).filter((e) => e.securityMode === "None");
  if (none.length) out.push({ protocol: "opcua", port: null, detail: `OPC UA endpoint with security mode None: ${[...new Set(none.map((e) => String(e.endpointUrl)))].join(", ")}` });
  return out;
}

export const cleartextPerZone = defineFleetRule({
  meta: {
    id: "fleet.cleartext.per-zone",
    title: "Cleartext management channels, per zone",
    elements: [5, 7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Turn off cleartext services (Telnet, FTP, HTTP, SNMP v1/v2c) or, where the protocol has no secure variant, segment the zone and reach it only through an encrypted, authenticated tunnel.",
    docs: "https://www.cisa.gov/resources-tools/resources/secure-demand-priority-considerations-operational-technology-owners-and-operators-when-selecting",
  },
  check({ devices }) {
    const zones = new Map<string, FleetDevice[]>();
    for (const d of devices) zones.set(d.zone, [...(zones.get(d.zone) ?? []), d]);
    const out: FleetOutcome[] = [];
    for (const [zone, members] of [...zones].sort(([a], [b]) => a.localeCompare(b))) {
      const withDiscovery = members.filter((m) => m.result.facts.discovery?.status === "ok");
      if (withDiscovery.length === 0) continue;
      const offenders = members.map((m) => ({ host: m.host, channels: cleartextChannels(m) })).filter((x) => x.channels.length > 0);
      if (offenders.length === 0) {
        out.push({ status: "pass", zone, message: `zone ${zone}: no cleartext management channel found on ${withDiscovery.length} devices`, evidence: { zone, devices: withDiscovery.length }, devices: [] });
        continue;
      }
      const byService = new Map<string, string[]>();
      for (const o of offenders) for (const c of o.channels) byService.set(c.protocol, [...new Set([...(byService.get(c.protocol) ?? []), o.host])]);
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
  gaps: ({ devices }) => devices.flatMap((d) => cleartextChannels(d).map((c) => ({ host: d.host, gap: { kind: "cleartext-management" as const, protocol: c.protocol, port: c.port, detail: c.detail } }))),
});

function gapsFromGroups(devices: FleetDevice[], extract: (d: FleetDevice) => { key: string; detail: Obj }[], protocol: string, describe: (key: string) => string): { host: string; gap: Omit<Gap, "ruleId"> }[] {
  const items = devices.flatMap((d) => extract(d).map((k) => ({ host: d.host, ...k })));
  const out: { host: string; gap: Omit<Gap, "ruleId"> }[] = [];
  for (const [key, g] of sharedGroups(items)) {
    for (const host of g.hosts) out.push({ host, gap: { kind: "shared-secret", protocol, port: typeof g.detail.port === "number" ? g.detail.port : null, detail: describe(key) } });
  }
  return out;
}

export const FLEET_RULES: readonly FleetRule[] = [sharedSshHostKey, sharedOpcuaCertificate, sharedDefaultCredential, remoteAccessWithoutMfa, cleartextPerZone];

export type { FleetRuleContext };
