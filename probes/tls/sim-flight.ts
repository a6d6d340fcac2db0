// The tls simulator's decisions, pure: what a server with a given profile answers to one
// ClientHello (version negotiation RFC 5246 Appendix E.1 / RFC 8446 §4.2.1, the server's suite
// preference, a common group for ECC suites RFC 8422 §5.1, compression, renegotiation_info RFC 5746
// §3.6), and the scripted TLS <= 1.2 first flight: ServerHello, Certificate, ServerKeyExchange,
// ServerHelloDone (RFC 5246 §7.3). The key-exchange values and signatures in a scripted flight are
// random bytes of the right shape: a scanner reads them, a real client could not finish.
import { randomBytes } from "node:crypto";
import type { ParsedClientHello } from "./wire/hello.js";
import { ContentType, ExtensionType, GROUPS, HandshakeType, versionCode } from "./wire/constants.js";
import { encodeHandshake, encodeRecords } from "./wire/record.js";
import { suiteByCode, suiteByName } from "./wire/suites.js";
import type { TlsSimProfile } from "./profile.js";

export type Decision =
  | { kind: "alert"; description: number; version: number; why: string }
  | { kind: "accept"; version: number; suite: number; group?: number; compression: number; tls13: boolean };

const groupCode = (name: string) => Number(Object.entries(GROUPS).find(([, g]) => g.name === name)![0]);
const ecGroups = (p: TlsSimProfile) => p.groups.map(groupCode).filter((g) => GROUPS[g]!.kind === "ec");

export function decide(p: TlsSimProfile, h: ParsedClientHello): Decision {
  const offered13 = h.supportedVersions?.includes(0x0304) ?? false;
  const legacyMax = Math.min(h.version, 0x0303);
  if (offered13 && p.versions.includes("TLSv1.3")) {
    const suite = (p.suites["TLSv1.3"] ?? []).map((n) => suiteByName(n)!.code).find((c) => h.cipherSuites.includes(c));
    if (suite === undefined) return { kind: "alert", description: 40, version: 0x0303, why: "no common TLS 1.3 suite" };
    const group = p.groups.map(groupCode).find((g) => h.groups?.includes(g));
    if (group === undefined) return { kind: "alert", description: 40, version: 0x0303, why: "no common group" };
    return { kind: "accept", version: 0x0304, suite, group, compression: 0, tls13: true };
  }
  if (h.supportedVersions && !h.supportedVersions.some((v) => v <= 0x0303))
    return { kind: "alert", description: 70, version: 0x0303, why: "only TLS 1.3 offered, not enabled" };
  const legacy = (["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] as const).filter((v) => p.versions.includes(v)).map((v) => ({ name: v, code: versionCode(v) }));
  const chosen = legacy.find((v) => v.code <= legacyMax);
  if (!chosen) return { kind: "alert", description: 70, version: Math.min(h.version, 0x0303), why: "no common version" };
  for (const name of p.suites[chosen.name] ?? []) {
    const s = suiteByName(name)!;
    if (!h.cipherSuites.includes(s.code)) continue;
    let group: number | undefined;
    if (s.keyExchange === "ECDHE" || s.keyExchange === "ECDH_anon") {
      const mine = ecGroups(p);
      group = h.groups ? mine.find((g) => h.groups!.includes(g)) : mine[0];
      if (group === undefined && p.acceptsWeakCurves && h.groups?.length) group = h.groups.find((g) => GROUPS[g]?.kind === "ec");
      if (group === undefined) continue; // no common curve: this ECC suite cannot be chosen (RFC 8422 §5.1)
    }
    const compression = p.compression && h.compressionMethods.includes(1) ? 1 : 0;
    return { kind: "accept", version: chosen.code, suite: s.code, ...(group !== undefined ? { group } : {}), compression, tls13: false };
  }
  return { kind: "alert", description: 40, version: chosen.code, why: `no common suite for ${chosen.name}` };
}

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const v1 = (b: Buffer) => Buffer.concat([Buffer.from([b.length]), b]);
const v2 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const ext = (type: number, data: Buffer) => Buffer.concat([u16(type), v2(data)]);

export function alertRecord(description: number, version: number): Buffer {
  return encodeRecords(ContentType.alert, version, Buffer.from([2, description]));
}

/** A big-endian number of exactly `bits` bits, odd (shape of a DH prime; not a prime). */
function fakePrime(bits: number): Buffer {
  const b = randomBytes(Math.ceil(bits / 8));
  const top = bits % 8 === 0 ? 8 : bits % 8;
  b[0] = (b[0]! & ((1 << top) - 1)) | (1 << (top - 1));
  b[b.length - 1]! |= 1;
  return b;
}

const POINT_BYTES: Record<number, number> = { 23: 65, 24: 97, 25: 133, 29: 32, 30: 56 };

/** The scripted TLS <= 1.2 first flight for an `accept` decision. */
export function scriptedFlight(p: TlsSimProfile, d: Extract<Decision, { kind: "accept" }>, h: ParsedClientHello, chain: Buffer[], ecKey: boolean): Buffer {
  const s = suiteByCode(d.suite)!;
  const exts: Buffer[] = [];
  const clientReneg = h.extensions.some((e) => e.type === ExtensionType.renegotiationInfo) || h.cipherSuites.includes(0x00ff);
  if (p.renegotiationInfo && clientReneg) exts.push(ext(ExtensionType.renegotiationInfo, Buffer.from([0])));
  if (d.group !== undefined && h.extensions.some((e) => e.type === ExtensionType.ecPointFormats))
    exts.push(ext(ExtensionType.ecPointFormats, Buffer.from([1, 0])));
  const hello = Buffer.concat([
    u16(d.version),
    randomBytes(32),
    v1(randomBytes(32)),
    u16(d.suite),
    Buffer.from([d.compression]),
    ...(exts.length || d.version > 0x0300 ? [v2(Buffer.concat(exts))] : []),
  ]);
  const msgs = [encodeHandshake(HandshakeType.serverHello, hello)];
  const anon = s.authentication === "anon";
  if (!anon && s.authentication !== "PSK")
    msgs.push(
      encodeHandshake(
        HandshakeType.certificate,
        Buffer.concat([u24(chain.reduce((n, c) => n + 3 + c.length, 0)), ...chain.map((c) => Buffer.concat([u24(c.length), c]))]),
      ),
    );
  const signature = anon ? Buffer.alloc(0) : Buffer.concat([...(d.version >= 0x0303 ? [u16(ecKey ? 0x0403 : 0x0401)] : []), v2(randomBytes(ecKey ? 72 : 256))]);
  if (s.keyExchange === "ECDHE" || s.keyExchange === "ECDH_anon") {
    const point =
      d.group === 29 || d.group === 30 ? randomBytes(POINT_BYTES[d.group]!) : Buffer.concat([Buffer.from([4]), randomBytes((POINT_BYTES[d.group!] ?? 65) - 1)]);
    msgs.push(encodeHandshake(HandshakeType.serverKeyExchange, Buffer.concat([Buffer.from([3]), u16(d.group!), v1(point), signature])));
  } else if (s.keyExchange === "DHE" || s.keyExchange === "DH_anon") {
    const prime = fakePrime(p.dhBits);
    msgs.push(encodeHandshake(HandshakeType.serverKeyExchange, Buffer.concat([v2(prime), v2(Buffer.from([2])), v2(randomBytes(prime.length)), signature])));
  } else if (s.keyExchange === "RSA" && s.export) {
    msgs.push(encodeHandshake(HandshakeType.serverKeyExchange, Buffer.concat([v2(fakePrime(512)), v2(Buffer.from([1, 0, 1])), signature])));
  }
  msgs.push(encodeHandshake(HandshakeType.serverHelloDone, Buffer.alloc(0)));
  return encodeRecords(ContentType.handshake, d.version, Buffer.concat(msgs));
}

/** OpenSSL's names for the groups Node can serve (ecdhCurve option). */
export const OPENSSL_GROUP: Record<string, string> = {
  x25519: "X25519",
  x448: "X448",
  secp256r1: "P-256",
  secp384r1: "P-384",
  secp521r1: "P-521",
  ffdhe2048: "ffdhe2048",
  ffdhe3072: "ffdhe3072",
  ffdhe4096: "ffdhe4096",
};
