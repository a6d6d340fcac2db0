// The v3 service for one user, in-process or, when MD5/DES need Node's legacy OpenSSL provider, in
// a child (`node --openssl-legacy-provider v3-worker`) driven over JSON lines. Window contract of
// the child: each command has its own budget (level check: levels x (2 x timeout + 100 ms) plus
// start-up; a read: 2 x timeout + 1 s); a command over budget, the run's abort or close() kill the
// child (SIGKILL), and every later command answers with an error at once.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import { PACKAGE_ROOT } from "../../src/version.js";
import type { SecurityLevel } from "./facts.js";
import type { ReadAnswer } from "./reads.js";
import { NetSnmpV3Service, levelsToTry, needsLegacyProvider, type V3CheckRequest, type V3CheckResult, type V3Service } from "./v3.js";

const STARTUP_MS = 5000;

class ChildV3Service implements V3Service {
  private child: ChildProcess | undefined;
  private dead: string | undefined;
  private readonly queue: ((line: string | undefined) => void)[] = [];
  private stderr = "";

  constructor(
    private readonly req: V3CheckRequest,
    private readonly signal: AbortSignal,
  ) {
    const here = fileURLToPath(import.meta.url);
    const fromSource = here.endsWith(".ts");
    const worker = join(dirname(here), fromSource ? "v3-worker.ts" : "v3-worker.js");
    const args = ["--openssl-legacy-provider", ...(fromSource ? ["--import", "tsx"] : []), worker];
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // vitest's or the user's loaders must not leak into the worker
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    child.on("error", (e) => this.kill(`legacy-provider worker could not start: ${e.message}`));
    child.on("exit", (code, sig) =>
      this.kill(`legacy-provider worker ended (${sig ?? `exit code ${code}`}): ${this.stderr.trim().split("\n").slice(-1)[0] ?? ""}`.slice(0, 300)),
    );
    child.stderr!.on("data", (d) => (this.stderr = (this.stderr + String(d)).slice(-2000)));
    createInterface({ input: child.stdout! }).on("line", (line) => this.queue.shift()?.(line));
    signal.addEventListener("abort", this.onAbort, { once: true });
    child.stdin!.on("error", () => undefined);
    child.stdin!.write(`${JSON.stringify(req)}\n`);
  }

  private readonly onAbort = () => this.kill("aborted");

  private kill(why: string): void {
    if (this.dead) return;
    this.dead = why;
    this.signal.removeEventListener("abort", this.onAbort);
    this.child?.kill("SIGKILL");
    for (const waiter of this.queue.splice(0)) waiter(undefined);
  }

  private command(cmd: unknown, budgetMs: number): Promise<string | { error: string }> {
    if (this.dead) return Promise.resolve({ error: this.dead });
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.kill(`killed (SIGKILL) after ${budgetMs} ms without an answer`), budgetMs);
      this.queue.push((line) => {
        clearTimeout(timer);
        resolve(line ?? { error: this.dead ?? "worker gone" });
      });
      this.child!.stdin!.write(`${JSON.stringify(cmd)}\n`);
    });
  }

  async checkLevels(): Promise<V3CheckResult> {
    const budget = levelsToTry(this.req.user).length * (2 * this.req.timeoutMs + 100) + STARTUP_MS;
    const line = await this.command({ op: "levels" }, budget);
    if (typeof line !== "string") return { attempts: [], error: `legacy-provider worker failed: ${line.error}` };
    try {
      return JSON.parse(line) as V3CheckResult;
    } catch {
      return { attempts: [], error: "legacy-provider worker answered something that is not JSON" };
    }
  }

  async read(op: "get" | "getNext", level: SecurityLevel, oids: string[]): Promise<ReadAnswer> {
    const line = await this.command({ op, level, oids }, 2 * this.req.timeoutMs + 1000);
    if (typeof line !== "string") return { ok: false, why: "error", detail: `legacy-provider worker: ${line.error}` };
    try {
      return JSON.parse(line) as ReadAnswer;
    } catch {
      return { ok: false, why: "error", detail: "legacy-provider worker answered something that is not JSON" };
    }
  }

  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.dead) return;
    const exited = new Promise<void>((r) => child.once("exit", () => r()));
    const timer = setTimeout(() => this.kill("did not exit after its input ended"), 2000);
    child.stdin!.end();
    await exited;
    clearTimeout(timer);
    this.kill("closed");
  }
}

/** A v3 service for this user: in-process, or in the legacy-provider child for MD5/DES. */
export function openV3Service(req: V3CheckRequest, signal: AbortSignal): { service: V3Service; legacy: boolean } {
  const legacy = needsLegacyProvider(req.user);
  return { service: legacy ? new ChildV3Service(req, signal) : new NetSnmpV3Service(req), legacy };
}
