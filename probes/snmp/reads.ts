// Read-only reads with a credential that works (a community or a v3 user), through one Reader
// interface so the same code serves raw v1/v2c (community-reader.ts) and net-snmp v3 sessions (in
// process or in the legacy-provider child): SNMPv2-MIB counters (RFC 3418 §2), snmpEnableAuthenTraps,
// SNMP-TARGET-MIB / SNMP-NOTIFICATION-MIB notification targets (RFC 3413 §4) and the first VACM
// security-to-group entry (RFC 3415 §4). Window contract: every read is one GET or GETNEXT answered
// within the reader's timeout; a reads phase sends at most MAX_READ_REQUESTS, each table walk at
// most MAX_TABLE_ROWS rows, and a GETNEXT that does not advance ends the walk (RFC 3416 §4.2.2).
import type { AccessFacts, NotificationFacts, NotificationTarget, SnmpCounters } from "./facts.js";

export const MAX_READ_REQUESTS = 48;
export const MAX_TABLE_ROWS = 16;

/** One value as a reader returns it (JSON-safe: it crosses the legacy-provider child's pipe). */
export interface ReadVarbind {
  oid: string;
  /** BER tag (TAG.* in ber.ts; net-snmp's ObjectType numbers are the same) */
  tag: number;
  /** octets of OCTET STRING / IpAddress / Opaque values, hex */
  hex?: string;
  /** INTEGER, Counter, Gauge, TimeTicks, Counter64 as decimal text */
  num?: string;
  /** OBJECT IDENTIFIER values */
  oidValue?: string;
}
export type ReadAnswer = { ok: true; varbinds: ReadVarbind[] } | { ok: false; why: "no-answer" | "error-status" | "error"; detail: string };

export interface Reader {
  /** "v2c community public", "v3 user ops (authPriv)" */
  via: string;
  version: "v1" | "v2c" | "v3";
  get(oids: string[]): Promise<ReadAnswer>;
  getNext(oids: string[]): Promise<ReadAnswer>;
}

export const READ_OIDS = {
  snmpInBadVersions: "1.3.6.1.2.1.11.3.0",
  snmpInBadCommunityNames: "1.3.6.1.2.1.11.4.0",
  snmpEnableAuthenTraps: "1.3.6.1.2.1.11.30.0",
  snmpTargetSpinLock: "1.3.6.1.6.3.12.1.1.0",
  targetAddrEntry: "1.3.6.1.6.3.12.1.2.1",
  targetParamsEntry: "1.3.6.1.6.3.12.1.3.1",
  notifyEntry: "1.3.6.1.6.3.13.1.1.1",
  vacmGroupName: "1.3.6.1.6.3.16.1.2.1.3",
} as const;

/** Transport domains (RFC 3417 §2 snmpUDPDomain; RFC 3419 transportDomainUdpIpv4/6). */
const DOMAINS: Record<string, string> = { "1.3.6.1.6.1.1": "udp-ipv4", "1.3.6.1.2.1.100.1.1": "udp-ipv4", "1.3.6.1.2.1.100.1.2": "udp-ipv6" };
const MP_MODELS: Record<string, string> = { "0": "v1", "1": "v2c", "3": "v3" };
const SEC_LEVELS: Record<string, string> = { "1": "noAuthNoPriv", "2": "authNoPriv", "3": "authPriv" };
const EXCEPTION_TAGS = new Set([0x80, 0x81, 0x82]);

export const isExceptionVb = (vb: ReadVarbind) => EXCEPTION_TAGS.has(vb.tag);
const EXCEPTION_NAMES: Record<number, string> = { 0x80: "noSuchObject", 0x81: "noSuchInstance", 0x82: "endOfMibView" };

export interface ReadBudget {
  requests: number;
}

function compareOids(a: string, b: string): number {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A numeric value, or undefined (exception, not a number, out of range). */
function numberOf(vb: ReadVarbind | undefined): number | undefined {
  if (!vb || vb.num === undefined || !/^-?\d{1,15}$/.test(vb.num)) return undefined;
  return Number(vb.num);
}

/** GET one object; the answer per object keeps v1's noSuchName for one object from hiding the others. */
async function getOne(reader: Reader, oid: string, budget: ReadBudget): Promise<{ vb?: ReadVarbind; error?: string }> {
  if (budget.requests <= 0) return { error: "read budget spent" };
  budget.requests--;
  const a = await reader.get([oid]);
  if (!a.ok) return { error: `${a.why}: ${a.detail}` };
  const vb = a.varbinds[0];
  if (!vb || vb.oid !== oid) return { error: "the answer names another object" };
  if (isExceptionVb(vb)) return { error: EXCEPTION_NAMES[vb.tag]! };
  return { vb };
}

/** snmpInBadVersions and snmpInBadCommunityNames, as far as they can be read. */
export async function readCounters(reader: Reader, budget: ReadBudget): Promise<{ counters: SnmpCounters; error?: string }> {
  const counters: SnmpCounters = {};
  const errors: string[] = [];
  for (const name of ["snmpInBadVersions", "snmpInBadCommunityNames"] as const) {
    const r = await getOne(reader, READ_OIDS[name], budget);
    const n = numberOf(r.vb);
    if (n !== undefined && n >= 0) counters[name] = n;
    else errors.push(`${name}: ${r.error ?? "not a counter value"}`);
  }
  return { counters, ...(errors.length ? { error: errors.join("; ") } : {}) };
}

interface Walk {
  rows: Map<string, Map<number, ReadVarbind>>;
  complete: boolean;
  error?: string;
}

/**
 * GETNEXT walk of some columns of a table, row by row (all columns in one request; v1 one column
 * at a time, since v1 reports the end of a column as noSuchName for the whole request).
 */
async function walkColumns(reader: Reader, entry: string, cols: number[], budget: ReadBudget): Promise<Walk> {
  const walk: Walk = { rows: new Map(), complete: false };
  const groups = reader.version === "v1" ? cols.map((c) => [c]) : [cols];
  for (const group of groups) {
    let active = [...group];
    let next = active.map((c) => `${entry}.${c}`);
    while (active.length) {
      if (budget.requests <= 0) return { ...walk, error: "read budget spent" };
      budget.requests--;
      const a = await reader.getNext(next);
      if (!a.ok) {
        if (reader.version === "v1" && a.why === "error-status" && /noSuchName/.test(a.detail)) break; // RFC 1157 §4.1.3: end of the view
        return { ...walk, error: `${a.why}: ${a.detail}` };
      }
      if (a.varbinds.length !== next.length) return { ...walk, error: `asked for ${next.length} objects, got ${a.varbinds.length}` };
      const nextActive: number[] = [];
      const nextOids: string[] = [];
      for (const [i, vb] of a.varbinds.entries()) {
        const col = active[i]!;
        const prefix = `${entry}.${col}.`;
        if (isExceptionVb(vb) || !vb.oid.startsWith(prefix)) continue; // this column is done
        if (compareOids(vb.oid, next[i]!) <= 0) return { ...walk, error: "GETNEXT did not advance (RFC 3416 §4.2.2): walk stopped" };
        const index = vb.oid.slice(prefix.length);
        if (!walk.rows.has(index)) {
          if (walk.rows.size >= MAX_TABLE_ROWS) return { ...walk, error: `more than ${MAX_TABLE_ROWS} rows: walk stopped` };
          walk.rows.set(index, new Map());
        }
        walk.rows.get(index)!.set(col, vb);
        nextActive.push(col);
        nextOids.push(vb.oid);
      }
      active = nextActive;
      next = nextOids;
    }
  }
  walk.complete = true;
  return walk;
}

/** An IMPLIED SnmpAdminString index (RFC 2578 §7.7) back to its octets. */
function impliedIndexOctets(index: string): Buffer | undefined {
  const arcs = index.split(".").map(Number);
  if (arcs.some((a) => !Number.isInteger(a) || a > 255)) return undefined;
  return Buffer.from(arcs);
}

/** Short text for facts: safe printable text, else 0x-hex. */
function shortText(octets: Buffer): string {
  const s = octets.subarray(0, 64).toString("latin1");
  return /^[\x20-\x7e]*$/.test(s) ? s : `0x${octets.subarray(0, 64).toString("hex")}`;
}

const _textOf = (vb: ReadVarbind | undefined) => (vb?.hex !== undefined ? shortText(Buffer.from(vb.hex, "hex")) : undefined);

function renderAddress(domain: string | undefined, hex: string | undefined): string | undefined {
  if (hex === undefined) return undefined;
  const b = Buffer.from(hex, "hex");
  if (domain === "udp-ipv4" && b.length === 6) return `${[...b.subarray(0, 4)].join(".")}:${b.readUInt16BE(4)}`;
  if (domain === "udp-ipv6" && b.length === 18)
    return `[${b
      .subarray(0, 16)
      .toString("hex")
      .replace(/(.{4})(?!$)/g, "$1:")}]:${b.readUInt16BE(16)}`;
  return `0x${b.subarray(0, 64).toString("hex")}`;
}

/**
 * Trap/inform targets and snmpEnableAuthenTraps. Never reads snmpTargetParamsSecurityName: for
 * v1/v2c targets it holds the trap community (a secret of the device).
 */
export async function readNotifications(reader: Reader, budget: ReadBudget): Promise<NotificationFacts> {
  const facts: NotificationFacts = { via: reader.via, targetMib: "unknown", targets: [], complete: false };
  const auth = await getOne(reader, READ_OIDS.snmpEnableAuthenTraps, budget);
  const authValue = numberOf(auth.vb);
  if (authValue === 1) facts.authenTraps = "enabled";
  else if (authValue === 2) facts.authenTraps = "disabled";
  else facts.authenTrapsError = auth.error ?? `unexpected value ${auth.vb?.num ?? "?"}`;

  const spin = await getOne(reader, READ_OIDS.snmpTargetSpinLock, budget);
  if (numberOf(spin.vb) !== undefined) facts.targetMib = "present";
  else if (spin.error === "noSuchObject") facts.targetMib = "absent";

  const addr = await walkColumns(reader, READ_OIDS.targetAddrEntry, [2, 3, 6, 7], budget);
  const none: Walk = { rows: new Map(), complete: true };
  const params = addr.rows.size ? await walkColumns(reader, READ_OIDS.targetParamsEntry, [2, 5], budget) : none;
  const notify = addr.rows.size ? await walkColumns(reader, READ_OIDS.notifyEntry, [2, 3], budget) : none;
  const notifyByTag = new Map<string, Set<"trap" | "inform">>();
  for (const row of notify.rows.values()) {
    const tag = row.get(2)?.hex !== undefined ? Buffer.from(row.get(2)!.hex!, "hex").toString("latin1") : undefined;
    const type = numberOf(row.get(3)) === 2 ? "inform" : numberOf(row.get(3)) === 1 ? "trap" : undefined;
    if (tag && type) notifyByTag.set(tag, (notifyByTag.get(tag) ?? new Set()).add(type));
  }
  for (const [index, row] of addr.rows) {
    const nameOctets = impliedIndexOctets(index);
    const domainOid = row.get(2)?.oidValue;
    const domain = domainOid ? (DOMAINS[domainOid] ?? domainOid) : undefined;
    const target: NotificationTarget = { name: nameOctets ? shortText(nameOctets) : index };
    if (domain) target.domain = domain;
    const address = renderAddress(domain, row.get(3)?.hex);
    if (address) target.address = address;
    const tagsVb = row.get(6);
    const tags = tagsVb?.hex !== undefined ? Buffer.from(tagsVb.hex, "hex").toString("latin1") : undefined;
    if (tags !== undefined) target.tags = shortText(Buffer.from(tags, "latin1"));
    const paramsName = row.get(7)?.hex;
    if (paramsName !== undefined) {
      const p = Buffer.from(paramsName, "hex");
      target.params = shortText(p);
      const pIndex = [...p].join(".");
      const prow = params.rows.get(pIndex);
      const mp = prow?.get(2)?.num;
      const level = prow?.get(5)?.num;
      if (mp !== undefined) target.mpModel = MP_MODELS[mp] ?? mp;
      if (level !== undefined) target.securityLevel = SEC_LEVELS[level] ?? level;
    }
    const types = new Set<"trap" | "inform">();
    for (const t of (tags ?? "").split(/[ \t\r\n]+/).filter(Boolean)) for (const ty of notifyByTag.get(t) ?? []) types.add(ty);
    if (types.size) target.notifyTypes = [...types].sort();
    facts.targets.push(target);
  }
  facts.complete = addr.complete && params.complete && notify.complete;
  const errors = [
    addr.error && `snmpTargetAddrTable: ${addr.error}`,
    params.error && `snmpTargetParamsTable: ${params.error}`,
    notify.error && `snmpNotifyTable: ${notify.error}`,
  ].filter(Boolean);
  if (errors.length) facts.error = errors.join("; ");
  return facts;
}

/**
 * VACM: GETNEXT from vacmGroupName returns the entry with the lowest security model first (the
 * index starts with vacmSecurityModel): model 1 or 2 means a community is mapped to a group; a
 * first entry of model 3 means none is. Leaving the column means the table is not in view.
 */
export async function readAccess(reader: Reader, budget: ReadBudget): Promise<AccessFacts> {
  if (budget.requests <= 0) return { via: reader.via, communityGroups: "unknown", detail: "read budget spent" };
  budget.requests--;
  const a = await reader.getNext([READ_OIDS.vacmGroupName]);
  if (!a.ok) return { via: reader.via, communityGroups: "unknown", detail: `${a.why}: ${a.detail}` };
  const vb = a.varbinds[0];
  const prefix = `${READ_OIDS.vacmGroupName}.`;
  if (!vb || isExceptionVb(vb) || !vb.oid.startsWith(prefix))
    return { via: reader.via, communityGroups: "unknown", detail: "vacmSecurityToGroupTable is not in this credential's view" };
  const model = Number(vb.oid.slice(prefix.length).split(".")[0]);
  if (model === 1 || model === 2)
    return { via: reader.via, communityGroups: "present", detail: `first entry has security model ${model} (${model === 1 ? "SNMPv1" : "SNMPv2c"})` };
  if (model >= 3) return { via: reader.via, communityGroups: "absent", detail: `first entry has security model ${model}: no v1/v2c entry sorts before it` };
  return { via: reader.via, communityGroups: "unknown", detail: `first entry has security model ${model}` };
}
