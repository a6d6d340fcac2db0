// Benchmark: the whole otaudit CLI process (`otaudit scan s7://HOST`, default mode) against the whole
// `nmap --script s7-info` process on the same target, paired runs, medians and ratio. Targets listen
// on port 102 (nmap's portrule) of a loopback address of their own (needs root): snap7's S7 server
// (node-snap7) and our simulator. Needs the compiled CLI (npx tsc -p tsconfig.build.json). Prints
// figures; not a test. `npm run bench -- s7`
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import s7 from "../../probes/s7/index.js";
import { S7SimProfile } from "../../probes/s7/profile.js";
import { PACKAGE_ROOT } from "../../src/version.js";

const RUNS = 5;
const BIN = join(PACKAGE_ROOT, "src/bin/otaudit.js");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Run a command without blocking the event loop (the targets live in this process); wall time. */
export function timed(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ ms: number; out: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", () => {
      clearTimeout(t);
      resolve({ ms: performance.now() - t0, out });
    });
  });
}

export async function paired(
  label: string,
  ours: () => Promise<{ ms: number }>,
  theirs: (() => Promise<{ ms: number; out: string }>) | undefined,
  why: string,
): Promise<void> {
  const a: number[] = [];
  const b: number[] = [];
  await ours(); // warm-up (file cache)
  for (let i = 0; i < RUNS; i++) {
    a.push((await ours()).ms);
    if (theirs) b.push((await theirs()).ms);
  }
  const o = median(a);
  const n = theirs ? median(b) : undefined;
  console.log(
    `${label.padEnd(36)} otaudit ${o.toFixed(0).padStart(5)} ms   nmap ${n !== undefined ? `${n.toFixed(0).padStart(5)} ms   ratio otaudit/nmap ${(o / n).toFixed(2)}` : why}`,
  );
}

export default async function main(): Promise<void> {
  const nmapOk = existsSync("/usr/bin/nmap");
  const otaudit = (host: string) =>
    timed(process.execPath, [BIN, "scan", `s7://${host}:102`, "--protocols", "s7", "--json", "/dev/null", "--no-color", "--fail-on", "critical"]);
  const nmap = (host: string) => timed("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "s7-info", "-p", "102", host]);
  const require = createRequire(import.meta.url);
  try {
    const snap7 = require("node-snap7");
    const server = new snap7.S7Server();
    server.StartTo("127.91.0.1");
    await paired("snap7 S7 server (CPU 315 data)", () => otaudit("127.91.0.1"), nmapOk ? () => nmap("127.91.0.1") : undefined, "nmap not installed");
    server.Stop();
  } catch (e) {
    console.log(`snap7: not run (${(e as Error).message})`);
  }
  const sim = await s7.simulator!.start(S7SimProfile.parse({ pduLength: 240 }), { host: "127.91.0.2", port: 102, stateDir: "/nonexistent" });
  await paired("our simulator (PDU 240)", () => otaudit("127.91.0.2"), nmapOk ? () => nmap("127.91.0.2") : undefined, "nmap not installed");
  await sim.stop();
}
