// Shared plumbing of the DNP3, IEC 104, BACnet, S7, EtherNet/IP and Modbus benchmarks:
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
  timed(BIN, ["scan", url, "--protocols", protocol, "--timeout", String(timeoutMs), "--json", "/dev/null", "--no-color"]);

/** Paired runs, alternating who goes first (neither always meets a warmer target); medians and ratio. */
export async function pairedRuns(
  label: string,
  ours: () => Promise<{ ms: number }>,
  theirs?: () => Promise<{ ms: number }>,
  theirName = "nmap",
  /** printed in place of the peer's figure when `theirs` is absent (nothing when unset) */
  why?: string,
): Promise<void> {
  await ours(); // warm-up (file cache)
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (theirs && i % 2 === 1) b.push((await theirs()).ms);
    a.push((await ours()).ms);
    if (theirs && i % 2 === 0) b.push((await theirs()).ms);
  }
  const o = median(a);
  const n = theirs ? median(b) : undefined;
  const peer =
    n !== undefined ? `   ${theirName} ${n.toFixed(0).padStart(5)} ms   ratio otaudit/${theirName} ${(o / n).toFixed(2)}` : why ? `   ${theirName} ${why}` : "";
  console.log(`${label.padEnd(36)} otaudit ${o.toFixed(0).padStart(5)} ms${peer}`);
}
