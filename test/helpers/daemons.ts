// Interop-test plumbing: find real daemons (Debian packages), skip with a visible reason when one
// is missing locally, fail when CI=true (.ci/run installs them); skipUnless is the only skip of the
// suite. Loopback only.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer } from "node:net";
import { createSocket } from "node:dgram";
import { describe, it } from "vitest";

export const IN_CI = process.env.CI === "true";

/** Returns the first existing path, or undefined. */
export function findBinary(...paths: string[]): string | undefined {
  return paths.find((p) => existsSync(p));
}

/**
 * THE one way a test may be skipped (issue 22): when `available` is false, the reason goes to
 * stderr and into the test's name, and under CI=true this throws, so a CI run reports 0 skipped and
 * cannot go green without what the test needs (.ci/run installs it). Returns whether to run.
 * Never use it.skip / skipIf / runIf / todo / only directly (test/unit/test-honesty.test.ts).
 */
export function skipUnless(available: boolean, name: string, reason: string): boolean {
  if (available) return true;
  if (IN_CI) throw new Error(`${name}: ${reason} (CI=true: everything a test needs must be installed by .ci/run)`);
  process.stderr.write(`[skip] ${name}: ${reason}\n`);
  return false;
}

/** describe() when `available`, else a skipped describe whose name says why (see skipUnless). */
export function describeWithDaemon(name: string, available: boolean, reason: string, fn: () => void): void {
  if (skipUnless(available, name, reason)) describe(name, fn);
  else describe.skipIf(true)(`${name} [skipped: ${reason}]`, fn); // the reason is in the suite's name and on stderr
}

/** it() when `available`, else a skipped test whose name says why (see skipUnless). */
export function itWithDaemon(name: string, available: boolean, reason: string, fn: () => unknown, timeoutMs?: number): void {
  if (skipUnless(available, name, reason)) it(name, fn, timeoutMs);
  else it.skipIf(true)(`${name} [skipped: ${reason}]`, fn); // the reason is in the test's name and on stderr
}

/** A free TCP port on loopback (bind to 0, read, close). */
export async function freeTcpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function freeUdpPort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket("udp4");
    s.once("error", reject);
    s.bind(0, host, () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  });
}

/** Poll until fn() resolves truthy or the time runs out. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`waitFor timed out${last ? `: ${(last as Error).message}` : ""}`);
}

/** Is a TCP port on loopback accepting connections? (connect, then a clean close) */
export function tcpPortOpen(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once("connect", () => {
      s.end();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

export interface DaemonProcess {
  child: ChildProcess;
  /** what the daemon wrote to stdout/stderr (and to `logFile`, when given) */
  log(): string;
  exited(): boolean;
  /** SIGTERM, SIGKILL after 3 s; then remove `dir` */
  stop(): Promise<void>;
}

/** Start a real daemon in the foreground for an interop test (loopback only; the caller picks args). */
export function spawnDaemon(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; dir?: string; logFile?: string } = {}): DaemonProcess {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  let exited = false;
  child.once("exit", () => (exited = true));
  const log = () => {
    if (!opts.logFile) return out;
    try {
      return readFileSync(opts.logFile, "utf8") + out;
    } catch {
      return out;
    }
  };
  return {
    child,
    log,
    exited: () => exited,
    async stop() {
      if (!exited) {
        const gone = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        const t = setTimeout(() => child.kill("SIGKILL"), 3000);
        await gone;
        clearTimeout(t);
      }
      if (opts.dir) rmSync(opts.dir, { recursive: true, force: true });
    },
  };
}
