// Profile-driven SSH device simulator (ssh2 Server): identification string, offered algorithms in
// profile order (with or without strict kex), host keys of given types and sizes (generated once
// into stateDir and reused), and OpenSSH-style AuthenticationMethods chains with partial success
// (RFC 4252 §5.1) for two-step MFA. stats() counts connections and auth requests by method, so
// tests can prove from the device's side what a probe sent.
import { generateKeyPairSync, getDiffieHellman } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import ssh2 from "ssh2";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { STRICT_KEX_SERVER } from "./kexinit.js";
import type { SimKeyType, SshSimProfile } from "./profile.js";

// ssh2 always appends kex-strict-s-v00@openssh.com to its server offer and only offers algorithms
// it implements. A simulated legacy device must be able to omit the marker (Terrapin exposure) and
// advertise exactly the profile's lists, so each connection's offer is replaced before the server
// sends its KEXINIT (ssh2 1.17.0: Server emits 'connection' from onHeader, then calls kexinit()).
// Covered by test/ssh/simulator.test.ts (the probe reads back exactly the profile's lists).
const require = createRequire(import.meta.url);
const { KexInit } = require("ssh2/lib/protocol/kex.js") as { KexInit: new (o: unknown) => unknown };

type AuthMethod = SshSimProfile["auth"]["chains"][number][number];

export interface SshSimulatorStats {
  connections: number;
  authAttempts: Record<AuthMethod | "other", number>;
  logins: number;
  [key: string]: unknown;
}

// --- host keys ---------------------------------------------------------------------------------

/** Minimal DER (ITU-T X.690) for the DSA key conversion below. */
function derReadTlv(buf: Buffer, pos: number): { tag: number; start: number; end: number } {
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!;
    start += n;
  }
  return { tag, start, end: start + len };
}
function derChildren(buf: Buffer, start: number, end: number): { tag: number; start: number; end: number }[] {
  const out = [];
  for (let p = start; p < end; ) {
    const t = derReadTlv(buf, p);
    out.push(t);
    p = t.end;
  }
  return out;
}
function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
function derInteger(v: bigint): Buffer {
  let hex = v.toString(16);
  if (hex.length % 2) hex = "0" + hex;
  let body = Buffer.from(hex, "hex");
  if (body[0]! & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}
const toBig = (b: Buffer) => BigInt("0x" + (b.toString("hex") || "0"));
function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let r = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % mod;
    b = (b * b) % mod;
  }
  return r;
}

/**
 * A 1024-bit DSA key as traditional "DSA PRIVATE KEY" PEM (the format ssh2 parses). Node exports
 * DSA only as PKCS#8: read p, q, g, x from it (RFC 5958 / RFC 3279 §2.3.2) and compute y = g^x mod p.
 */
function generateDsaPem(): string {
  const { privateKey } = generateKeyPairSync("dsa", { modulusLength: 1024, divisorLength: 160 });
  const der = privateKey.export({ type: "pkcs8", format: "der" });
  const [, algId, octet] = derChildren(der, derReadTlv(der, 0).start, der.length);
  const [, params] = derChildren(der, algId!.start, algId!.end);
  const [p, q, g] = derChildren(der, params!.start, params!.end).map((t) => toBig(der.subarray(t.start, t.end)));
  const xTlv = derReadTlv(der, octet!.start);
  const x = toBig(der.subarray(xTlv.start, xTlv.end));
  const y = modPow(g!, x, p!);
  const body = Buffer.concat([0n, p!, q!, g!, y, x].map(derInteger));
  const seq = Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
  const b64 = seq
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "");
  return `-----BEGIN DSA PRIVATE KEY-----\n${b64}\n-----END DSA PRIVATE KEY-----`;
}

/**
 * ssh2.utils.generateKeyPairSync, retried until ssh2 can parse what it generated: its keygen strips
 * every leading zero byte of an Ed25519 public key, so about 1 key in 256 is "Malformed OpenSSH"
 * to its own parser (mscdex/ssh2#1513). Bounded: 16 tries, then the parse error.
 */
export function sshKeyPair(type: "rsa" | "ecdsa" | "ed25519", opts?: { bits?: number }): { private: string; public: string } {
  let last: Error | undefined;
  for (let i = 0; i < 16; i++) {
    const kp =
      type === "ed25519"
        ? ssh2.utils.generateKeyPairSync("ed25519")
        : ssh2.utils.generateKeyPairSync(type, { bits: opts?.bits ?? (type === "rsa" ? 2048 : 256) });
    const bad = [ssh2.utils.parseKey(kp.private), ssh2.utils.parseKey(kp.public)].find((k): k is Error => k instanceof Error);
    if (!bad) return kp;
    last = bad;
  }
  throw last!;
}

function generateHostKey(type: SimKeyType, bits: number | undefined): string {
  switch (type) {
    case "rsa":
      return sshKeyPair("rsa", { bits: bits ?? 2048 }).private;
    case "dsa":
      return generateDsaPem();
    case "ecdsa-p256":
      return sshKeyPair("ecdsa", { bits: 256 }).private;
    case "ecdsa-p384":
      return sshKeyPair("ecdsa", { bits: 384 }).private;
    case "ecdsa-p521":
      return sshKeyPair("ecdsa", { bits: 521 }).private;
    case "ed25519":
      return sshKeyPair("ed25519").private;
  }
}

/** Host keys live in stateDir/ssh-hostkeys/, generated on first use and reused afterwards. */
export function loadOrCreateHostKey(stateDir: string, type: SimKeyType, bits: number | undefined): string {
  const dir = join(stateDir, "ssh-hostkeys");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${type}${bits ? `-${bits}` : ""}.key`);
  if (existsSync(file)) return readFileSync(file, "utf8");
  const pem = generateHostKey(type, bits);
  writeFileSync(file, pem, { mode: 0o600 });
  return pem;
}

// --- auth --------------------------------------------------------------------------------------

function startsWith(chain: readonly string[], done: readonly string[]): boolean {
  return done.every((m, i) => chain[i] === m);
}

/** Methods that may come next after `done` (OpenSSH AuthenticationMethods semantics). */
export function nextMethods(chains: readonly (readonly AuthMethod[])[], done: readonly string[]): AuthMethod[] {
  return [...new Set(chains.filter((c) => c.length > done.length && startsWith(c, done)).map((c) => c[done.length]!))];
}

function publicKeyMatches(line: string | undefined, algo: string, data: Buffer): boolean {
  if (!line) return false;
  const parsed = ssh2.utils.parseKey(line);
  if (parsed instanceof Error) return false;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  const sameType = key.type === algo || (key.type === "ssh-rsa" && (algo === "rsa-sha2-256" || algo === "rsa-sha2-512"));
  return sameType && key.getPublicSSH().equals(data);
}

function verifyPublicKeySignature(line: string, blob: Buffer, signature: Buffer, hashAlgo: string | undefined): boolean {
  const parsed = ssh2.utils.parseKey(line);
  if (parsed instanceof Error) return false;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  return key.verify(blob, signature, hashAlgo as never) === true;
}

// --- DH group exchange ------------------------------------------------------------------------

// ssh2 1.17.0 refuses group exchange as a server ("Group exchange not implemented for server",
// lib/protocol/kex.js). A recorded device that offered it is replayed up to the group: when the
// connection's key exchange object is a DHGroupExchange, its first server step answers
// SSH_MSG_KEX_DH_GEX_REQUEST with SSH_MSG_KEX_DH_GEX_GROUP (RFC 4419 §3) of the recorded size (an
// RFC 2409/3526 MODP group); the key exchange itself is still refused at the next step, which the
// probe's group requests never reach. Covered by test/fixtures/interop.test.ts and simulator tests.
const MODP_BY_BITS: Record<number, string> = { 1024: "modp2", 1536: "modp5", 2048: "modp14", 3072: "modp15", 4096: "modp16", 6144: "modp17", 8192: "modp18" };

interface Ssh2Proto {
  _kex?: { type?: string; _step?: number; parse(p: Buffer): unknown };
  _packetRW: { write: { allocStartKEX: number; alloc(n: number, kex: boolean): Buffer; finalize(p: Buffer, kex: boolean): Buffer } };
  _cipher: { encrypt(p: Buffer): void };
}

function mpint(b: Buffer): Buffer {
  const body = b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

function serveGroupExchange(proto: Ssh2Proto, answers: NonNullable<SshSimProfile["groupExchange"]>): void {
  let current: Ssh2Proto["_kex"];
  Object.defineProperty(proto, "_kex", {
    configurable: true,
    get: () => current,
    set: (kex: Ssh2Proto["_kex"]) => {
      current = kex;
      if (kex?.type !== "groupex") return;
      const parse = kex.parse.bind(kex);
      kex.parse = (payload: Buffer) => {
        if (kex._step !== 1 || payload[0] !== 34 || payload.length < 13) return parse(payload); // 34: KEX_DH_GEX_REQUEST
        const [min, n, max] = [payload.readUInt32BE(1), payload.readUInt32BE(5), payload.readUInt32BE(9)];
        const exact = answers.find((a) => a.min === min && a.n === n && a.max === max);
        const nearest = exact ?? [...answers].sort((a, b) => Math.abs(a.n - n) - Math.abs(b.n - n))[0];
        const group = nearest?.bits ? MODP_BY_BITS[nearest.bits] : undefined;
        if (!group) return parse(payload); // ssh2's own answer: a DISCONNECT (refused)
        const body = Buffer.concat([mpint(getDiffieHellman(group).getPrime()), mpint(Buffer.from([2]))]);
        const w = proto._packetRW.write;
        const at = w.allocStartKEX;
        const packet = w.alloc(1 + body.length, true);
        packet[at] = 31; // SSH_MSG_KEX_DH_GEX_GROUP
        body.copy(packet, at + 1);
        proto._cipher.encrypt(w.finalize(packet, true));
        kex._step = 2;
      };
    },
  });
}

// --- server ------------------------------------------------------------------------------------

export async function startSshSimulator(profile: SshSimProfile, opts: SimulatorOptions): Promise<RunningSimulator> {
  const hostKeys = profile.hostKeys.map((k) => loadOrCreateHostKey(opts.stateDir, k.type, k.type === "rsa" ? (k.bits ?? 2048) : undefined));
  const stats: SshSimulatorStats = {
    connections: 0,
    authAttempts: { none: 0, password: 0, publickey: 0, "keyboard-interactive": 0, other: 0 },
    logins: 0,
  };
  const offer = new KexInit({
    kex: [...profile.algorithms.kex, ...(profile.strictKex ? [STRICT_KEX_SERVER] : [])],
    serverHostKey: profile.algorithms.hostKey,
    cs: { cipher: profile.algorithms.cipher, mac: profile.algorithms.mac, compress: profile.algorithms.compression, lang: [] },
    sc: { cipher: profile.algorithms.cipher, mac: profile.algorithms.mac, compress: profile.algorithms.compression, lang: [] },
  });
  const chains = profile.auth.chains;
  const accounts = profile.auth.accounts;
  const serverConfig: ssh2.ServerConfig = { hostKeys, ident: profile.comments ? `${profile.software} ${profile.comments}` : profile.software };
  if (profile.preBanner?.length) serverConfig.greeting = profile.preBanner.join("\r\n");
  const clients = new Set<ssh2.Connection>();

  const server = new ssh2.Server(serverConfig, (client) => {
    stats.connections++;
    clients.add(client);
    (client as unknown as { setNoDelay(v: boolean): void }).setNoDelay(true);
    const proto = (client as unknown as { _protocol: { _offer: unknown; _strictMode: boolean | undefined } })._protocol;
    proto._offer = offer;
    // ssh2's server decides strict kex from the client's marker alone (it assumes it always offers
    // kex-strict-s); without the marker in our offer, strict mode must be off on both sides.
    if (!profile.strictKex) proto._strictMode = false;
    if (profile.groupExchange) serveGroupExchange(proto as never, profile.groupExchange);
    const done: AuthMethod[] = [];
    client.on("error", () => {
      /* peers may drop at any time; the simulator never crashes on it */
    });
    client.on("close", () => clients.delete(client));
    client.on("authentication", (ctx) => {
      const method = ctx.method as AuthMethod;
      stats.authAttempts[method in stats.authAttempts ? method : "other"]++;
      const allowed = nextMethods(chains, done);
      if (!allowed.includes(method)) return ctx.reject(allowed.filter((m) => m !== "none") as ssh2.AuthenticationType[], done.length > 0);
      const account = accounts.find((a) => a.username === ctx.username);
      const succeed = () => {
        done.push(method);
        if (chains.some((c) => c.length === done.length && startsWith(c, done))) {
          stats.logins++;
          return ctx.accept();
        }
        return ctx.reject(nextMethods(chains, done) as ssh2.AuthenticationType[], true); // RFC 4252 §5.1 partial success
      };
      const fail = () => ctx.reject(allowed.filter((m) => m !== "none") as ssh2.AuthenticationType[], done.length > 0);
      switch (ctx.method) {
        case "none":
          return succeed();
        case "password":
          return account?.password !== undefined && ctx.password === account.password ? succeed() : fail();
        case "publickey": {
          if (!account?.publicKey || !publicKeyMatches(account.publicKey, ctx.key.algo, ctx.key.data)) return fail();
          if (!ctx.signature) return ctx.accept(); // SSH_MSG_USERAUTH_PK_OK (RFC 4252 §7); not a factor yet
          return verifyPublicKeySignature(account.publicKey, ctx.blob!, ctx.signature, ctx.hashAlgo) ? succeed() : fail();
        }
        case "keyboard-interactive": {
          const expected = done.length > 0 && account?.otp !== undefined ? account.otp : account?.password;
          if (expected === undefined) return fail();
          return ctx.prompt([{ prompt: done.length > 0 && account?.otp ? "Verification code: " : "Password: ", echo: false }], (answers) =>
            answers[0] === expected ? succeed() : fail(),
          );
        }
        default:
          return fail();
      }
    });
    client.on("ready", () => {
      // logged in: the simulated device offers no shell; the probe disconnects on its own
      client.on("session", (_accept, reject) => reject());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    urls: [endpointUrl("ssh", opts.host, port)],
    stats: () => structuredClone(stats),
    async stop() {
      for (const c of clients) c.end();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Public key (OpenSSH line) of a host key kept in stateDir, for tests. */
export function publicKeyLine(pem: string): string {
  const parsed = ssh2.utils.parseKey(pem);
  if (parsed instanceof Error) throw parsed;
  const key = Array.isArray(parsed) ? parsed[0]! : parsed;
  return `${key.type} ${key.getPublicSSH().toString("base64")}`;
}
