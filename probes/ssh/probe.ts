// SSH probe: network I/O only, returns SshFacts (never verdicts). Per service, one connection at a
// time, each closed cleanly and bounded by ctx.timeoutMs:
//   1. raw TCP: read the identification string and KEXINIT (RFC 4253 §4.2, §7.1), send nothing but
//      our own identification string, close with FIN;
//   2. ssh2 handshakes: one per offered host-key type to read the key (RFC 4253 §6.6 blobs); the
//      first one also sends a `none` auth request (RFC 4252 §5.2) to list the allowed methods;
//   3. with bench credentials: log in and record partial success (RFC 4252 §5.1) = MFA observed;
//   4. --intrusive only: paced default-credential attempts within a small budget.
// No password is ever sent in default mode.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Socket } from "node:net";
import ssh2 from "ssh2";
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { ProbeFailure, type ProbeFailureCode } from "../../src/errors.js";
import { registerSecret } from "../../src/secrets.js";
import { TOOL_VERSION } from "../../src/version.js";
import { sshCredentials, type SshCredentialEntry } from "./declarations.js";
import { CHECKS, DEFAULT_CREDENTIAL_DELAY_MS, MAX_HOST_KEY_FETCHES, PROBE_USERNAME } from "./checks.js";
import type { CheckError, SshAlgorithms, SshAuthMethods, SshBanner, SshCredentialed, SshDefaultCredentials, SshFacts, SshHostKey, SshService } from "./facts.js";
import { identifyProduct, PayloadReader, ServerHelloReader, SshWireError, STRICT_KEX_SERVER, type ServerHello } from "./kexinit.js";
import { defaultCredentials } from "./knowledge.js";

const CLIENT_IDENT = `otaudit_${TOOL_VERSION}`;

/** Host-key algorithms ssh2 1.17.0 can negotiate (lib/protocol/constants.js SUPPORTED_SERVER_HOST_KEY). */
const SSH2_HOST_KEY_ALGORITHMS = ["ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-dss"];
/**
 * ssh2 client lists: its defaults first, then (regex append) every other algorithm it supports. Key
 * exchange is explicit: group exchange (RFC 4419) last, since it costs a round trip more and some
 * embedded servers (and ssh2's own server) cannot serve it even when they list it.
 */
const CLIENT_KEX = [
  "curve25519-sha256",
  "curve25519-sha256@libssh.org",
  "ecdh-sha2-nistp256",
  "ecdh-sha2-nistp384",
  "ecdh-sha2-nistp521",
  "diffie-hellman-group14-sha256",
  "diffie-hellman-group16-sha512",
  "diffie-hellman-group18-sha512",
  "diffie-hellman-group15-sha512",
  "diffie-hellman-group17-sha512",
  "diffie-hellman-group14-sha1",
  "diffie-hellman-group1-sha1",
  "diffie-hellman-group-exchange-sha256",
  "diffie-hellman-group-exchange-sha1",
];
const CLIENT_ALGORITHMS = {
  kex: CLIENT_KEX,
  cipher: { append: [/./] },
  hmac: { append: [/./] },
  compress: ["none", "zlib@openssh.com", "zlib"],
} as unknown as ssh2.Algorithms;

class ServiceFailure extends Error {
  constructor(readonly code: ProbeFailureCode, message: string) {
    super(message);
  }
}

// --- 1. raw server hello -------------------------------------------------------------------------

/** Read banner + KEXINIT over one TCP connection; always ends with a clean close (FIN). */
export function grabServerHello(host: string, port: number, timeoutMs: number, signal: AbortSignal): Promise<ServerHello> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const reader = new ServerHelloReader();
    let settled = false;
    let phase = "connect";
    const finish = (err: Error | null, hello?: ServerHello) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      // polite close: FIN, then destroy if the peer does not close within a moment; settle only once
      // the socket is closed, so the next connection to the device starts after this one is gone
      const settle = () => (err ? reject(err) : resolve(hello!));
      if (socket.closed) return settle();
      const hard = setTimeout(() => socket.destroy(), Math.min(timeoutMs, 1000));
      socket.once("close", () => {
        clearTimeout(hard);
        settle();
      });
      socket.end();
    };
    const timer = setTimeout(() => {
      const what = phase === "connect" ? "TCP connect" : reader.ident ? "KEXINIT" : "identification string";
      finish(new ServiceFailure(phase === "connect" ? "unreachable" : "timeout", `no ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onAbort = () => finish(new ServiceFailure("aborted", "aborted"));
    signal.addEventListener("abort", onAbort, { once: true });
    socket.on("connect", () => {
      phase = "hello";
      timer.refresh(); // a fresh timeout for the hello itself
      socket.write(`SSH-2.0-${CLIENT_IDENT}\r\n`); // RFC 4253 §4.2: both sides send their version
    });
    socket.on("data", (chunk: Buffer) => {
      if (settled) return; // closing: the rest of the stream is not read (bounded memory)
      try {
        const hello = reader.push(chunk);
        if (hello) finish(null, hello);
      } catch (e) {
        finish(e instanceof SshWireError ? new ServiceFailure("protocol", e.message) : (e as Error));
      }
    });
    socket.on("end", () => {
      const what = reader.ident ? "before its KEXINIT was complete" : "before sending an identification string";
      finish(new ServiceFailure("protocol", `server closed the connection ${what}`));
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      if (phase === "connect") finish(new ServiceFailure(e.code === "ECONNREFUSED" ? "absent" : "unreachable", `TCP connect failed: ${e.code ?? e.message}`));
      else finish(new ServiceFailure("protocol", `connection ${e.code === "ECONNRESET" ? "reset by the server" : `failed (${e.code ?? e.message})`} ${reader.ident ? "during KEXINIT" : "before the identification string"}`));
    });
    socket.setNoDelay(true);
    socket.connect({ host, port });
  });
}

// --- host key blobs ------------------------------------------------------------------------------

const ECDSA_BITS: Record<string, number> = { nistp256: 256, nistp384: 384, nistp521: 521 };

function mpintBits(b: Buffer): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

/** Type and size from a public host key blob (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4). */
export function describeHostKeyBlob(blob: Buffer): { keyType: string; bits?: number; fingerprintSha256: string } {
  const fingerprintSha256 = "SHA256:" + createHash("sha256").update(blob).digest("base64").replace(/=+$/, "");
  const r = new PayloadReader(blob);
  const keyType = r.string("key type").toString("latin1");
  let bits: number | undefined;
  if (keyType === "ssh-rsa") {
    r.string("e");
    bits = mpintBits(r.string("n"));
  } else if (keyType === "ssh-dss") {
    bits = mpintBits(r.string("p"));
  } else if (keyType.startsWith("ecdsa-sha2-")) {
    bits = ECDSA_BITS[r.string("curve").toString("latin1")];
  } else if (keyType === "ssh-ed25519") {
    bits = 256;
  }
  return bits === undefined ? { keyType, fingerprintSha256 } : { keyType, bits, fingerprintSha256 };
}

/** The key type behind a host-key algorithm (rsa-sha2-* sign with an ssh-rsa key). */
export function keyTypeOfAlgorithm(alg: string): string {
  return alg === "rsa-sha2-256" || alg === "rsa-sha2-512" ? "ssh-rsa" : alg;
}

/** Group the offered host-key algorithms by key, pick the algorithm to fetch each key with. */
export function planHostKeys(offered: string[]): { keyType: string; algorithms: string[]; fetchWith?: string }[] {
  const groups = new Map<string, string[]>();
  for (const alg of offered) {
    const t = keyTypeOfAlgorithm(alg);
    groups.set(t, [...(groups.get(t) ?? []), alg]);
  }
  return [...groups].map(([keyType, algorithms]) => {
    const fetchWith = ["rsa-sha2-512", "rsa-sha2-256", ...SSH2_HOST_KEY_ALGORITHMS].find((a) => algorithms.includes(a) && SSH2_HOST_KEY_ALGORITHMS.includes(a));
    return fetchWith ? { keyType, algorithms, fetchWith } : { keyType, algorithms };
  });
}

// --- ssh2 client connections --------------------------------------------------------------------

interface ClientRun {
  ready: boolean;
  error?: Error & { level?: string };
}

/** One ssh2 connection; resolves after it has closed (one connection at a time per device). */
function runClient(cfg: ssh2.ConnectConfig, timeoutMs: number, signal: AbortSignal): Promise<ClientRun> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    const result: ClientRun = { ready: false };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(hard);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const hard = setTimeout(() => {
      result.error ??= Object.assign(new Error(`no answer within ${timeoutMs} ms`), { level: "client-timeout" });
      client.destroy();
      finish();
    }, (cfg.readyTimeout ?? timeoutMs) + 500);
    const onAbort = () => {
      result.error ??= new Error("aborted");
      client.destroy();
      finish();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    client.on("ready", () => {
      result.ready = true;
      client.end(); // SSH_MSG_DISCONNECT then FIN
    });
    client.on("error", (e) => {
      result.error ??= e;
    });
    client.on("close", finish);
    client.connect({ ident: CLIENT_IDENT, readyTimeout: timeoutMs * 2, keepaliveInterval: 0, algorithms: CLIENT_ALGORITHMS, ...cfg });
    client.setNoDelay(true); // small handshake packets: no Nagle delay between round trips
  });
}

function errorFact(e: Error | undefined, fallback: string): CheckError {
  const err = e as (Error & { level?: string }) | undefined;
  const code = err?.level === "client-timeout" || /timed out/i.test(err?.message ?? "") ? "timeout" : err?.level === "client-socket" ? "network" : "protocol";
  return { code, message: err?.message ?? fallback };
}

async function fetchHostKeyAndMethods(
  host: string,
  port: number,
  fetchWith: string,
  withNone: boolean,
  ctx: ProbeContext,
): Promise<{ blob?: Buffer; auth?: SshAuthMethods; error?: CheckError }> {
  let blob: Buffer | undefined;
  let methods: string[] | undefined;
  const run = await runClient(
    {
      host,
      port,
      username: PROBE_USERNAME,
      algorithms: { ...CLIENT_ALGORITHMS, serverHostKey: [fetchWith] } as ssh2.Algorithms,
      hostVerifier: ((key: Buffer) => {
        blob = Buffer.from(key);
        return withNone; // key read; without the `none` step, stop here (ssh2 sends DISCONNECT)
      }) as never,
      authHandler: ((methodsLeft: string[] | null, _partial: boolean | null, next: (m: unknown) => void) => {
        if (methodsLeft === null) return next({ type: "none", username: PROBE_USERNAME });
        methods = [...methodsLeft];
        return next(false); // nothing more: no password is ever sent here
      }) as never,
    },
    ctx.timeoutMs,
    ctx.signal,
  );
  const out: { blob?: Buffer; auth?: SshAuthMethods; error?: CheckError } = {};
  if (blob) out.blob = blob;
  if (withNone) {
    if (run.ready) out.auth = { username: PROBE_USERNAME, methods: [], noneAccepted: true };
    else if (methods) out.auth = { username: PROBE_USERNAME, methods, noneAccepted: false };
    else out.auth = { username: PROBE_USERNAME, error: errorFact(run.error, "no answer to the none request") };
  }
  if (!blob) out.error = errorFact(run.error, "no host key received");
  return out;
}

async function collectHostKeysAndMethods(host: string, port: number, offered: string[], ctx: ProbeContext, endpoint: string): Promise<{ hostKeys: SshHostKey[]; auth: SshAuthMethods }> {
  const plan = planHostKeys(offered);
  const hostKeys: SshHostKey[] = [];
  let auth: SshAuthMethods | undefined;
  let fetches = 0;
  for (const p of plan) {
    if (!p.fetchWith) {
      hostKeys.push({ keyType: p.keyType, algorithms: p.algorithms, status: "unsupported" });
      continue;
    }
    if (fetches >= MAX_HOST_KEY_FETCHES || ctx.signal.aborted) {
      hostKeys.push({ keyType: p.keyType, algorithms: p.algorithms, status: "not_collected", error: { code: "budget", message: `host-key fetch cap of ${MAX_HOST_KEY_FETCHES} reached` } });
      continue;
    }
    fetches++;
    const withNone = auth === undefined;
    ctx.assertAllowed(CHECKS.hostKeys);
    if (withNone) ctx.assertAllowed(CHECKS.authMethods);
    ctx.log.info({ action: withNone ? "ssh.host-key+auth-methods" : "ssh.host-key", safety: withNone ? CHECKS.authMethods.safety : CHECKS.hostKeys.safety, endpoint, hostKeyAlgorithm: p.fetchWith }, "ssh handshake");
    const r = await fetchHostKeyAndMethods(host, port, p.fetchWith, withNone, ctx);
    if (r.auth && (r.auth.methods || r.auth.noneAccepted)) auth = r.auth;
    else if (withNone && r.auth) auth = undefined; // try the none request again on the next handshake
    if (r.blob) {
      const d = describeHostKeyBlob(r.blob);
      const k: SshHostKey = { keyType: p.keyType, algorithms: p.algorithms, status: "collected", fingerprintSha256: d.fingerprintSha256 };
      if (d.bits !== undefined) k.bits = d.bits;
      hostKeys.push(k);
    } else {
      hostKeys.push({ keyType: p.keyType, algorithms: p.algorithms, status: "error", error: r.error ?? { code: "protocol", message: "no host key received" } });
    }
    if (!auth && withNone && r.auth?.error) auth = r.auth; // keep the error unless a later try succeeds
  }
  if (!auth || (!auth.methods && !auth.noneAccepted && !auth.error)) {
    auth = { username: PROBE_USERNAME, error: { code: "protocol", message: "no handshake completed, so no authentication methods were read" } };
  }
  return { hostKeys, auth };
}

// --- 3. bench credentials -----------------------------------------------------------------------

function loadPrivateKey(c: SshCredentialEntry): { key?: Buffer; passphrase?: string; error?: string } {
  if (!c.privateKey) return {};
  try {
    const key = readFileSync(c.privateKey);
    const passphrase = c.passphrase; // resolved by the core (passphrase or passphraseEnv)
    registerSecret(passphrase);
    // parse (and decrypt) it here: ssh2 would silently skip an unusable key, and the facts would
    // then show a publickey "failure" the server never decided
    const parsed = ssh2.utils.parseKey(key, passphrase);
    if (parsed instanceof Error) return { error: `private key file could not be used (${parsed.message.slice(0, 120)})` };
    return passphrase ? { key, passphrase } : { key };
  } catch (e) {
    return { error: `cannot read private key file (${(e as NodeJS.ErrnoException).code ?? "error"})` };
  }
}

async function credentialedLogin(host: string, port: number, cred: SshCredentialEntry, ctx: ProbeContext, endpoint: string): Promise<SshCredentialed> {
  const password = cred.password;
  const { key, passphrase, error: keyError } = loadPrivateKey(cred);
  const factorsGiven: SshCredentialed["factorsGiven"] = [];
  if (password) factorsGiven.push("password");
  if (key) factorsGiven.push("publickey");
  const base = { username: cred.username, factorsGiven };
  if (keyError && !password) return { ...base, steps: [], authenticated: false, mfaObserved: false, error: { code: "config", message: keyError } };
  ctx.assertAllowed(CHECKS.credentialed);
  ctx.log.info({ action: CHECKS.credentialed.id, safety: CHECKS.credentialed.safety, endpoint, username: cred.username, factors: factorsGiven }, "ssh login with bench credentials");

  const steps: SshCredentialed["steps"] = [];
  const tried = new Set<string>();
  let last: string | undefined;
  let firstMethods: string[] | undefined;
  const authHandler = (methodsLeft: string[] | null, partial: boolean | null, next: (m: unknown) => void) => {
    if (methodsLeft === null) {
      last = "none";
      return next({ type: "none", username: cred.username });
    }
    if (last === "none") firstMethods = [...methodsLeft];
    else if (last) steps.push({ method: last, result: partial ? "partial" : "failure", next: [...methodsLeft] });
    // password first when offered: it answers "is a password alone enough?"
    if (password && methodsLeft.includes("password") && !tried.has("password")) {
      tried.add((last = "password"));
      return next({ type: "password", username: cred.username, password });
    }
    if (key && methodsLeft.includes("publickey") && !tried.has("publickey")) {
      tried.add((last = "publickey"));
      return next(passphrase ? { type: "publickey", username: cred.username, key, passphrase } : { type: "publickey", username: cred.username, key });
    }
    // the password goes out once: never again as keyboard-interactive after the password method
    // (a second failed attempt counts towards lockout; after a partial success the prompt is the
    // second factor, which the password must not answer)
    if (password && methodsLeft.includes("keyboard-interactive") && !tried.has("keyboard-interactive") && !tried.has("password")) {
      tried.add((last = "keyboard-interactive"));
      return next({
        type: "keyboard-interactive",
        username: cred.username,
        prompt: (_n: string, _i: string, _l: string, prompts: { prompt: string }[], finish: (answers: string[]) => void) => finish(prompts.map(() => password)),
      });
    }
    last = undefined;
    return next(false);
  };
  const run = await runClient({ host, port, username: cred.username, authHandler: authHandler as never }, ctx.timeoutMs, ctx.signal);
  if (run.ready && last) steps.push({ method: last, result: "success" });
  const result: SshCredentialed = {
    ...base,
    steps,
    authenticated: run.ready,
    mfaObserved: steps.some((s) => s.result === "partial"),
  };
  if (password) {
    const first = steps[0];
    if (first?.method === "password") result.passwordAloneAccepted = first.result === "success";
    else if (firstMethods && !firstMethods.includes("password")) result.passwordAloneAccepted = false;
  }
  if (keyError) result.error = { code: "config", message: keyError };
  else if (!run.ready && steps.length === 0) result.error = errorFact(run.error, "login did not complete");
  return result;
}

// --- 4. default credentials (intrusive) ---------------------------------------------------------

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

async function tryDefaultCredentials(host: string, port: number, methods: string[] | undefined, ctx: ProbeContext, endpoint: string): Promise<SshDefaultCredentials> {
  ctx.assertAllowed(CHECKS.defaultCredentials);
  const data = defaultCredentials();
  // --login-budget / --login-delay, shared by the protocols (src/plugin.ts loginPacing)
  const { budget, delayMs } = loginPacing(ctx.options, DEFAULT_CREDENTIAL_DELAY_MS);
  const planned = data.entries.slice(0, budget);
  const facts: SshDefaultCredentials = { planned: planned.map((e) => e.id), budget, delayMs, knownEntries: data.entries.length, attempts: [] };
  const method = methods?.includes("password") ? "password" : methods?.includes("keyboard-interactive") ? "keyboard-interactive" : undefined;
  if (!method) {
    facts.planned = [];
    facts.notTried = methods ? `no password-based method offered (${methods.join(", ") || "none"})` : "authentication methods unknown";
    return facts;
  }
  // say up front what will be tried (accounts and sources, never the passwords)
  ctx.log.warn({ action: CHECKS.defaultCredentials.id, safety: "intrusive", endpoint, planned: planned.map((e) => `${e.id} (${e.username})`), delayMs }, "trying factory-default credentials");
  for (const [i, entry] of planned.entries()) {
    if (ctx.signal.aborted) break;
    if (i > 0) await sleep(delayMs, ctx.signal);
    const password = entry.password;
    let sent = false;
    const run = await runClient(
      {
        host,
        port,
        username: entry.username,
        authHandler: ((methodsLeft: string[] | null, _p: boolean | null, next: (m: unknown) => void) => {
          if (sent) return next(false);
          sent = true;
          if (method === "password") return next({ type: "password", username: entry.username, password });
          return next({ type: "keyboard-interactive", username: entry.username, prompt: (_n: string, _i: string, _l: string, prompts: unknown[], finish: (a: string[]) => void) => finish(prompts.map(() => password)) });
        }) as never,
      },
      ctx.timeoutMs,
      ctx.signal,
    );
    ctx.log.info({ action: CHECKS.defaultCredentials.id, safety: "intrusive", endpoint, entry: entry.id, username: entry.username, accepted: run.ready }, "default-credential attempt");
    if (run.ready) {
      facts.attempts.push({ id: entry.id, username: entry.username, result: "accepted" });
      facts.accepted = { id: entry.id, username: entry.username, vendor: entry.vendor, source: data.sources[entry.source]?.url ?? entry.source };
      break; // stop at the first success
    }
    const rejected = sent && (run.error?.level === "client-authentication" || /authentication methods failed/i.test(run.error?.message ?? ""));
    facts.attempts.push(rejected ? { id: entry.id, username: entry.username, result: "rejected" } : { id: entry.id, username: entry.username, result: "error", error: run.error?.message ?? "no answer" });
    if (!rejected) {
      facts.error = errorFact(run.error, "attempt did not complete");
      break; // the device misbehaves: do not push on
    }
  }
  return facts;
}

// --- the probe ----------------------------------------------------------------------------------

function bannerFacts(hello: ServerHello): SshBanner {
  const id = hello.identification;
  const b: SshBanner = { raw: id.raw, protocolVersion: id.protocolVersion, software: id.software, preBannerLines: id.preBannerLines };
  if (id.comments) b.comments = id.comments;
  const prod = identifyProduct(id.software);
  if (prod.product) b.product = prod.product;
  if (prod.productVersion) b.productVersion = prod.productVersion;
  return b;
}

function algorithmFacts(hello: ServerHello): SshAlgorithms | undefined {
  const k = hello.kexInit;
  if (!k) return undefined;
  return {
    kex: k.kexAlgorithms,
    hostKey: k.serverHostKeyAlgorithms,
    cipherClientToServer: k.encryptionClientToServer,
    cipherServerToClient: k.encryptionServerToClient,
    macClientToServer: k.macClientToServer,
    macServerToClient: k.macServerToClient,
    compressionClientToServer: k.compressionClientToServer,
    compressionServerToClient: k.compressionServerToClient,
    strictKex: k.kexAlgorithms.includes(STRICT_KEX_SERVER),
  };
}

async function probeService(ep: ServiceEndpoint, ctx: ProbeContext): Promise<SshService> {
  const host = ep.host;
  ctx.assertAllowed(CHECKS.serverHello);
  ctx.log.info({ action: CHECKS.serverHello.id, safety: CHECKS.serverHello.safety, endpoint: ep.url }, "ssh banner and KEXINIT");
  const hello = await grabServerHello(host, ep.port, ctx.timeoutMs, ctx.signal);
  const service: SshService = { port: ep.port, url: ep.url, banner: bannerFacts(hello), hostKeys: [] };
  const algorithms = algorithmFacts(hello);
  if (!algorithms) return service; // SSH-1 only: nothing SSH-2 to negotiate
  service.algorithms = algorithms;
  const { hostKeys, auth } = await collectHostKeysAndMethods(host, ep.port, algorithms.hostKey, ctx, ep.url);
  service.hostKeys = hostKeys;
  service.auth = auth;
  const cred = sshCredentials(ctx.credentials)[0];
  if (cred && !ctx.signal.aborted) service.credentialed = await credentialedLogin(host, ep.port, cred, ctx, ep.url);
  if (ctx.intrusive && !ctx.signal.aborted) service.defaultCredentials = await tryDefaultCredentials(host, ep.port, auth.methods, ctx, ep.url);
  return service;
}

export async function probeSsh(ctx: ProbeContext): Promise<SshFacts> {
  const services: SshService[] = [];
  const failures: { ep: ServiceEndpoint; err: ServiceFailure }[] = [];
  for (const ep of ctx.endpoints) {
    if (ctx.signal.aborted) break;
    try {
      services.push(await probeService(ep, ctx));
    } catch (e) {
      if (!(e instanceof ServiceFailure)) throw e;
      ctx.log.info({ endpoint: ep.url, code: e.code }, e.message);
      failures.push({ ep, err: e });
      // a default port with nothing listening is not a service; anything else is an error fact
      if (e.code === "absent" && !ep.explicit) continue;
      services.push({ port: ep.port, url: ep.url, hostKeys: [], error: { code: e.code === "absent" ? "unreachable" : e.code, message: e.message } });
    }
  }
  if (services.length === 0 || services.every((s) => s.error)) {
    const f = failures[0];
    if (!f) throw new ProbeFailure("aborted", "aborted before any SSH service was probed");
    const code: ProbeFailureCode = f.err.code === "absent" ? (f.ep.explicit ? "unreachable" : "absent") : f.err.code;
    throw new ProbeFailure(code, `${f.ep.url}: ${f.err.message}`);
  }
  return { services };
}
