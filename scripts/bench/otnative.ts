// Shared plumbing of the DNP3, IEC 104 and BACnet benchmarks (scripts/bench/{dnp3,iec104,bacnet}.ts):
// run a whole process, time it; medians; a simulator started on a fixed port when it is free.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";

export const RUNS = 5;
export const BIN = join(PACKAGE_ROOT, "src/bin/otaudit.js");
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export function timed(cmd: string, args: string[], timeoutMs = 120_000): Promise<{ ms: number; out: string }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr!.resume();
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", () => {
      clearTimeout(t);
      resolve({ ms: performance.now() - t0, out });
    });
  });
}

export const otaudit = (url: string, protocol: string, timeoutMs = 2000) =>
  timed(process.execPath, [BIN, "scan", url, "--protocols", protocol, "--timeout", String(timeoutMs), "--json", "/dev/null", "--no-color"]);

export async function pairedRuns(
  label: string,
  ours: () => Promise<{ ms: number }>,
  theirs?: () => Promise<{ ms: number }>,
  theirName = "nmap",
): Promise<void> {
  await ours(); // warm-up (file cache)
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    a.push((await ours()).ms);
    if (theirs) b.push((await theirs()).ms);
  }
  const o = median(a);
  const n = theirs ? median(b) : undefined;
  console.log(
    `${label.padEnd(36)} otaudit ${o.toFixed(0).padStart(5)} ms${n !== undefined ? `   ${theirName} ${n.toFixed(0).padStart(5)} ms   ratio otaudit/${theirName} ${(o / n).toFixed(2)}` : ""}`,
  );
}
