// ssh2 client connections for the steps that need a full SSH client: bench-credential logins,
// intrusive default-credential attempts, and the `none` request (RFC 4252 §5.2) when our own
// transport (transport-auth.ts) cannot carry it. One connection at a time; each resolves only after
// it has closed, with a hard limit (the caller's deadline) whatever the server does. ssh2 is
// required on first use (loading it costs ~40-85 ms of CPU): preloadSsh2() loads it while the probe
// waits on the network, and only when it will be needed (probe.ts).
import { createRequire } from "node:module";
import type ssh2 from "ssh2";
import type { CheckError } from "./facts.js";
import { CLIENT_IDENT } from "./raw-session.js";

let lib: typeof ssh2 | undefined;

/** The ssh2 module (CommonJS; `import ssh2 from "ssh2"` semantics), required once. */
export function ssh2Lib(): typeof ssh2 {
  return (lib ??= createRequire(import.meta.url)("ssh2") as typeof ssh2);
}

/**
 * Load ssh2 at the next turn of the event loop: called once the server's KEXINIT arrived, so the
 * load overlaps with the host-key exchanges' network waits instead of delaying the auth phase.
 */
export function preloadSsh2(): void {
  if (lib) return;
  setImmediate(() => {
    try {
      ssh2Lib();
    } catch {
      // the auth phase requires it again and reports the failure there
    }
  });
}

/** Host-key algorithms ssh2 1.17.0 can negotiate (lib/protocol/constants.js SUPPORTED_SERVER_HOST_KEY). */
export const SSH2_HOST_KEY_ALGORITHMS = [
  "ssh-ed25519",
  "ecdsa-sha2-nistp256",
  "ecdsa-sha2-nistp384",
  "ecdsa-sha2-nistp521",
  "rsa-sha2-512",
  "rsa-sha2-256",
  "ssh-rsa",
  "ssh-dss",
];
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

/** Client algorithms, host keys restricted to those the server offers (ssh2 negotiates from these). */
export function clientAlgorithms(serverHostKeys?: readonly string[]): ssh2.Algorithms {
  const offered = serverHostKeys ? new Set(serverHostKeys) : undefined;
  const hostKeys = offered ? SSH2_HOST_KEY_ALGORITHMS.filter((a) => offered.has(a)) : SSH2_HOST_KEY_ALGORITHMS;
  return {
    kex: CLIENT_KEX,
    serverHostKey: hostKeys.length ? hostKeys : SSH2_HOST_KEY_ALGORITHMS,
    cipher: { append: [/./] },
    hmac: { append: [/./] },
    compress: ["none", "zlib@openssh.com", "zlib"],
  } as unknown as ssh2.Algorithms;
}

export interface ClientRun {
  ready: boolean;
  error?: Error & { level?: string };
}

/** One ssh2 connection; resolves after it has closed, or at `timeoutMs` at the latest. */
export function runClient(cfg: ssh2.ConnectConfig, timeoutMs: number, signal: AbortSignal): Promise<ClientRun> {
  return new Promise((resolve) => {
    const client = new (ssh2Lib().Client)();
    const result: ClientRun = { ready: false };
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(hard);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const limit = Math.max(1, timeoutMs);
    const hard = setTimeout(() => {
      result.error ??= Object.assign(new Error(`no answer within ${limit} ms`), { level: "client-timeout" });
      client.destroy();
      finish();
    }, limit);
    const onAbort = () => {
      result.error ??= new Error("aborted");
      client.destroy();
      finish();
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    client.on("ready", () => {
      result.ready = true;
      client.end(); // SSH_MSG_DISCONNECT then FIN
    });
    client.on("error", (e) => {
      result.error ??= e;
    });
    client.on("close", finish);
    try {
      client.connect({ ident: CLIENT_IDENT, readyTimeout: limit, keepaliveInterval: 0, algorithms: clientAlgorithms(), ...cfg });
      client.setNoDelay(true); // small handshake packets: no Nagle delay between round trips
    } catch (e) {
      result.error ??= e as Error;
      client.destroy();
      finish();
    }
  });
}

export function errorFact(e: Error | undefined, fallback: string): CheckError {
  const err = e as (Error & { level?: string }) | undefined;
  const code = err?.level === "client-timeout" || /timed out/i.test(err?.message ?? "") ? "timeout" : err?.level === "client-socket" ? "network" : "protocol";
  return { code, message: err?.message ?? fallback };
}

/** ssh2 reports a definite rejection of the credentials (RFC 4252 §5.1 SSH_MSG_USERAUTH_FAILURE). */
export function wasRejected(run: ClientRun): boolean {
  return !run.ready && (run.error?.level === "client-authentication" || /authentication methods failed/i.test(run.error?.message ?? ""));
}
