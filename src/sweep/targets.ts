// Sweep targets: addresses, host names, CIDR ranges (IPv4; IPv6 up to a /112) and inventory files,
// expanded into one SweepTarget per asset. A range larger than `maxRange` addresses needs --yes,
// so a typo (/8 instead of /24) cannot start a sweep of sixteen million addresses.
import { isIP } from "node:net";
import { UsageError } from "../errors.js";
import { isInventoryPath, loadInventory } from "./inventory.js";

export interface SweepTarget {
  host: string;
  name?: string;
  zone?: string;
  vendor?: string;
  model?: string;
  /** protocols the inventory expects: audited even if discovery does not see them */
  expectedProtocols?: string[];
  /** credentials file for this asset only */
  credentialsFile?: string;
  /** where the target came from (argument or inventory file) */
  source: string;
}

export interface ExpandOptions {
  knownProtocols: readonly string[];
  /** largest range accepted without --yes */
  maxRange: number;
  yes: boolean;
}

const HOSTNAME_RE = /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

export function ipv4ToInt(a: string): number {
  return a.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

export function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function ipv6ToBigInt(a: string): bigint {
  const [head, tail] = a.includes("::") ? a.split("::") : [a, undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) + BigInt(parseInt(g || "0", 16)), 0n);
}

function bigIntToIpv6(n: bigint): string {
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** Number of addresses a CIDR range covers (network and broadcast excluded for IPv4 /0../30). */
export function cidrSize(target: string): number {
  const [addr, bitsText] = target.split("/");
  const bits = Number(bitsText);
  const width = isIP(addr!) === 6 ? 128 : 32;
  const n = 2 ** (width - bits);
  return width === 32 && bits <= 30 ? n - 2 : n;
}

/** Expand a CIDR range into addresses (IPv4: host addresses only for prefixes up to /30). */
export function expandCidr(target: string): string[] {
  const [addr, bitsText] = target.split("/");
  const fam = isIP(addr!);
  if (fam === 4) {
    const bits = Number(bitsText);
    const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
    const base = (ipv4ToInt(addr!) & mask) >>> 0;
    const size = 2 ** (32 - bits);
    const out: string[] = [];
    const first = bits <= 30 ? 1 : 0;
    const last = bits <= 30 ? size - 2 : size - 1;
    for (let i = first; i <= last; i++) out.push(intToIpv4(base + i));
    return out;
  }
  const bits = BigInt(Number(bitsText));
  const size = 1n << (128n - bits);
  const base = (ipv6ToBigInt(addr!) >> (128n - bits)) << (128n - bits);
  const out: string[] = [];
  for (let i = 0n; i < size; i++) out.push(bigIntToIpv6(base + i));
  return out;
}

function checkCidr(target: string): void {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(target);
  const fam = m ? isIP(m[1]!) : 0;
  if (!m || fam === 0) throw new UsageError(`target '${target}': not a CIDR range (expected e.g. 10.0.0.0/24)`);
  const bits = Number(m[2]);
  if (fam === 4 && bits > 32) throw new UsageError(`target '${target}': prefix length ${bits} is out of range (0-32)`);
  if (fam === 6 && (bits > 128 || bits < 112)) throw new UsageError(`target '${target}': IPv6 ranges are limited to /112../128`);
}

/** Expand command-line sweep targets into assets, in order; duplicates keep their first entry. */
export function expandSweepTargets(args: string[], opts: ExpandOptions): SweepTarget[] {
  if (args.length === 0) throw new UsageError("TARGET: give at least one address, CIDR range or inventory file (.csv, .yaml)");
  const out = new Map<string, SweepTarget>();
  const add = (t: SweepTarget) => {
    const key = t.host.toLowerCase();
    if (!out.has(key)) out.set(key, t);
  };
  for (const target of args) {
    if (target.trim() === "") throw new UsageError("TARGET: an empty target was given");
    if (target.includes("://"))
      throw new UsageError(`target '${target}': sweep takes addresses, CIDR ranges and inventory files; use 'otaudit scan' for service URLs`);
    if (isInventoryPath(target)) {
      for (const a of loadInventory(target, opts.knownProtocols)) {
        if (a.host.includes("/")) throw new UsageError(`${target}: host '${a.host}': an inventory row names one asset, not a range`);
        checkHost(a.host, target);
        add({
          host: a.host,
          name: a.name,
          zone: a.zone,
          vendor: a.vendor,
          model: a.model,
          expectedProtocols: a.protocols,
          credentialsFile: a.credentials,
          source: target,
        });
      }
      continue;
    }
    if (target.includes("/")) {
      checkCidr(target);
      const size = cidrSize(target);
      if (size > opts.maxRange && !opts.yes) {
        throw new UsageError(`target '${target}': ${size} addresses is more than --max-range ${opts.maxRange}; add --yes to sweep it`);
      }
      for (const host of expandCidr(target)) add({ host, source: target });
      continue;
    }
    const host = target.replace(/^\[|\]$/g, "");
    checkHost(host, target);
    add({ host, source: "argument" });
  }
  const all = [...out.values()];
  if (all.length > opts.maxRange && !opts.yes) {
    throw new UsageError(`TARGET: ${all.length} devices in all is more than --max-range ${opts.maxRange}; add --yes to sweep them`);
  }
  return all;
}

function checkHost(host: string, target: string): void {
  if (isIP(host) === 0 && !HOSTNAME_RE.test(host))
    throw new UsageError(`target '${target}': '${host}' is not a valid address, host name, CIDR range or inventory file`);
}
