// Does a certificate name the host clients reach? Pure matching over recorded SAN entries (RFC 6125
// §6.4: DNS names case-insensitive, a wildcard only as the whole left-most label matching exactly
// one label; RFC 5280 §4.2.1.6: IP addresses only against iPAddress entries, never against DNS
// names or the CN). The subject CN is consulted only when there is no DNS SAN at all (RFC 6125
// §6.4.4), and modern clients ignore it even then, so a CN-only match is reported as such.
import { isIP } from "node:net";

function labels(name: string): string[] {
  return name.toLowerCase().replace(/\.$/, "").split(".");
}

/** RFC 6125 §6.4.3: `*.example.com` matches `a.example.com`, not `example.com` or `a.b.example.com`. */
export function matchDnsName(pattern: string, host: string): boolean {
  if (pattern.length === 0 || host.length === 0 || isIP(host)) return false;
  const p = labels(pattern);
  const h = labels(host);
  if (p.length !== h.length || p.some((l) => l === "")) return false;
  if (p[0] === "*") return p.length >= 3 && h[0]!.length > 0 && p.slice(1).every((l, i) => l === h[i + 1]);
  if (p.some((l) => l.includes("*"))) return false; // partial wildcards (f*.example.com) are not honoured
  return p.every((l, i) => l === h[i]);
}

/** 16-byte form of an IPv4 or IPv6 text (Node prints IPv6 SAN entries uncompressed), or undefined. */
export function ipBytes(text: string): Buffer | undefined {
  const v = isIP(text);
  if (v === 4) return Buffer.from([...Buffer.alloc(10), 0xff, 0xff, ...text.split(".").map(Number)]);
  if (v !== 6) return undefined;
  let t = text;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (v4) {
    const b = v4[1]!.split(".").map(Number);
    t = t.slice(0, -v4[1]!.length) + `${((b[0]! << 8) | b[1]!).toString(16)}:${((b[2]! << 8) | b[3]!).toString(16)}`;
  }
  const [head, tail] = t.includes("::") ? t.split("::") : [t, undefined];
  const hs = head ? head.split(":") : [];
  const ts = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = tail === undefined ? hs : [...hs, ...Array(8 - hs.length - ts.length).fill("0"), ...ts];
  if (groups.length !== 8) return undefined;
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => {
    out.writeUInt16BE(parseInt(g, 16) & 0xffff, i * 2);
  });
  return out;
}

export function sameIp(a: string, b: string): boolean {
  const x = ipBytes(a);
  const y = ipBytes(b);
  return x !== undefined && y !== undefined && x.equals(y);
}

export type NameJudgement =
  | { result: "match"; by: string }
  | { result: "cn-only"; by: string }
  | { result: "mismatch"; names: string[] }
  | { result: "unobservable"; names: string[] }
  | { result: "no-names" };

/**
 * Judge a leaf's names for the host the service was reached by. An IP target whose certificate
 * names only DNS names is `unobservable`: clients may well reach the device by one of those names.
 */
export function judgeName(host: string, san: { dns?: string[]; ip?: string[]; cn?: string }): NameJudgement {
  const dns = san.dns ?? [];
  const ip = san.ip ?? [];
  // names are read only when no entry matched (a match rests on the matching entry alone)
  const names = () => [...dns.map((d) => `DNS:${d}`), ...ip.map((i) => `IP:${i}`)];
  if (isIP(host)) {
    const hit = ip.find((i) => sameIp(i, host));
    if (hit !== undefined) return { result: "match", by: `IP:${hit}` };
    if (dns.length) return { result: "unobservable", names: names() };
    return ip.length ? { result: "mismatch", names: names() } : { result: "no-names" };
  }
  const hit = dns.find((d) => matchDnsName(d, host));
  if (hit !== undefined) return { result: "match", by: `DNS:${hit}` };
  if (dns.length === 0 && san.cn !== undefined && matchDnsName(san.cn, host)) return { result: "cn-only", by: `CN=${san.cn}` };
  return dns.length || ip.length ? { result: "mismatch", names: names() } : { result: "no-names" };
}
