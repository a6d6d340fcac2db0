// Benchmark: `otaudit sweep` throughput (devices/s) and peak RSS on (1) 60 real devices (sshd per
// device, snmpd, pymodbus; scripts/sweep-bench/real-fleet.ts) and (2) 1,000 simulated devices (the
// plugins' simulators, scripts/sweep-bench/sim-fleet.ts), side by side with nmap running the
// equivalent scripts (ssh2-enum-algos, ssh-auth-methods, modbus-discover, snmp-info, snmp-brute) on
// the same devices. Prints issue 14's goals with each verdict (goalLine): 60 real devices at >= 5x
// nmap's throughput; 1,000 simulated at >= 150 devices/s and <= 300 MB peak RSS. Not a test: prints
// figures. Needs root (ports 22/161/502 on 127.0.x.y).
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";
import { consecutiveHosts, realFleetAvailable, startRealFleet } from "../sweep-bench/real-fleet.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const NMAP_SCRIPTS = "ssh2-enum-algos,ssh-auth-methods,modbus-discover,snmp-info,snmp-brute";
/** unset: the sweep's default (default mode = what an operator gets without flags) */
const CONCURRENCY = process.env.SWEEP_BENCH_CONCURRENCY;

export interface Timed {
  wallS: number;
  rssMb: number;
  code: number | null;
  timedOut: boolean;
}

/** Run under /usr/bin/time (GNU time: %e wall seconds, %M peak RSS in kB of the child). */
function timed(cmd: string, args: string[], timeoutMs: number): Timed {
  const r = spawnSync("/usr/bin/time", ["-f", "BENCH_TIME %e %M", cmd, ...args], { encoding: "utf8", timeout: timeoutMs, maxBuffer: 256 << 20 });
  const m = /BENCH_TIME ([\d.]+) (\d+)/.exec(r.stderr ?? "");
  return { wallS: m ? Number(m[1]) : timeoutMs / 1000, rssMb: m ? Number(m[2]) / 1024 : NaN, code: r.status, timedOut: !m };
}

function line(label: string, devices: number, t: Timed): string {
  const rate = devices / t.wallS;
  return `  ${label.padEnd(34)} ${t.wallS.toFixed(1).padStart(7)} s  ${rate.toFixed(1).padStart(7)} devices/s  peak RSS ${t.rssMb.toFixed(0).padStart(4)} MB${t.timedOut ? "  (stopped at the time cap: rate is an upper bound)" : ""}`;
}

/** Issue 14's goals: 60 real devices at >= 5x nmap's throughput; 1,000 simulated at >= 150 devices/s, <= 300 MB. */
export interface SweepGoal {
  ratio?: number;
  devicesPerS?: number;
  rssMb?: number;
}

/**
 * Each goal met, not met, or undetermined. A run stopped at its time cap gives a bound, not a
 * figure: otaudit's rate is then an upper bound (so is the ratio), nmap's a lower one (the ratio a
 * lower bound). A missing peer or RSS reading gives nothing to judge.
 */
export function goalLine(devices: number, ours: Timed, nmap: Timed | undefined, goal: SweepGoal): string {
  const parts: string[] = [];
  /** `atLeast`: the goal is value >= target (else value <= target); `bound`: what `value` is */
  const judge = (what: string, value: number, target: number, atLeast: boolean, bound: "exact" | "upper" | "lower" | "none"): void => {
    const met = atLeast ? value >= target : value <= target;
    let verdict: string;
    if (!Number.isFinite(value) || bound === "none") verdict = "undetermined (no figure)";
    else if (bound === "exact") verdict = met ? "met" : "not met";
    else if (bound === "upper") verdict = met ? "undetermined (otaudit stopped at the time cap)" : "not met";
    else verdict = met ? "met" : "undetermined (nmap stopped at the time cap)";
    parts.push(`${what}: ${verdict}`);
  };
  const rateBound = ours.timedOut ? "upper" : "exact";
  if (goal.ratio !== undefined) {
    const bound = !nmap || (ours.timedOut && nmap.timedOut) ? "none" : ours.timedOut ? "upper" : nmap.timedOut ? "lower" : "exact";
    judge(`throughput >= ${goal.ratio}x nmap`, nmap ? nmap.wallS / ours.wallS : Number.NaN, goal.ratio, true, bound);
  }
  if (goal.devicesPerS !== undefined) judge(`>= ${goal.devicesPerS} devices/s`, devices / ours.wallS, goal.devicesPerS, true, rateBound);
  if (goal.rssMb !== undefined) judge(`peak RSS <= ${goal.rssMb} MB`, ours.rssMb, goal.rssMb, false, "exact");
  return `  goal (issue 14): ${parts.join("; ")}`;
}

function compare(devices: number, hostsFile: string, csv: string, dir: string, nmapCapMs: number, goal: SweepGoal): void {
  const db = join(dir, `sweep-${devices}.db`);
  const ours = timed(
    BIN,
    ["sweep", csv, "--db", db, "--json", join(dir, `sweep-${devices}.json`), ...(CONCURRENCY ? ["--concurrency", CONCURRENCY] : []), "--no-progress", "--yes"],
    600_000,
  );
  console.log(line(`otaudit sweep (default mode${CONCURRENCY ? `, c=${CONCURRENCY}` : ""})`, devices, ours));
  const hasNmap = spawnSync("sh", ["-c", "command -v nmap"]).status === 0;
  if (!hasNmap) {
    console.log("  nmap: not installed (apt-get install nmap)");
    console.log(goalLine(devices, ours, undefined, goal));
    return;
  }
  // same coverage: SSH algorithms and auth methods, Modbus identification, SNMP info and community guessing
  const nmap = timed(
    "nmap",
    ["-Pn", "-n", "-sT", "-sU", "-p", "T:22,502,U:161", "--script", NMAP_SCRIPTS, "-iL", hostsFile, "-oX", join(dir, `nmap-${devices}.xml`)],
    nmapCapMs,
  );
  console.log(line(`nmap ${NMAP_SCRIPTS.split(",").length} scripts`, devices, nmap));
  const ratio = devices / ours.wallS / (devices / nmap.wallS);
  console.log(`  => otaudit/nmap throughput: ${ratio.toFixed(1)}x${nmap.timedOut ? " (nmap capped: at least this)" : ""}`);
  console.log(goalLine(devices, ours, nmap, goal));
}

function writeTargets(dir: string, name: string, hosts: string[]): { csv: string; list: string } {
  const csv = join(dir, `${name}.csv`);
  const list = join(dir, `${name}.txt`);
  writeFileSync(csv, `host\n${hosts.join("\n")}\n`);
  writeFileSync(list, `${hosts.join("\n")}\n`);
  return { csv, list };
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist"))) execFileSync("npm", ["run", "build"], { stdio: "inherit" });
  const avail = realFleetAvailable();
  if (!avail.ok) {
    console.log(`sweep bench skipped: ${avail.reason}`);
    return;
  }
  console.log(`${cpus().length} cores; otaudit sweep --concurrency ${CONCURRENCY ?? "default"}; nmap ${NMAP_SCRIPTS}`);
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-sweep-"));
  try {
    // (1) 60 real devices
    const fleet = await startRealFleet({ count: 60, first: "127.0.100.1" });
    try {
      console.log(`\n60 real devices (sshd x60, snmpd, pymodbus) on 127.0.100.1-60:`);
      const t = writeTargets(dir, "real60", fleet.hosts);
      compare(60, t.list, t.csv, dir, 600_000, { ratio: 5 });
    } finally {
      await fleet.stop();
    }
    // (2) 1,000 simulated devices in a child process (the plugins' simulators)
    const hosts = consecutiveHosts("127.0.104.1", 1000);
    const stateDir = join(dir, "sim-state");
    const sim = spawn(process.execPath, ["--import", "tsx", join(PACKAGE_ROOT, "scripts", "sweep-bench", "sim-fleet.ts"), "1000", hosts[0]!, stateDir], {
      stdio: ["pipe", "pipe", "inherit"],
      cwd: PACKAGE_ROOT,
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error("simulated fleet did not start within 120 s")), 120_000);
        sim.stdout!.on("data", (d) => {
          out += d;
          if (/ready \d+/.test(out)) {
            clearTimeout(timer);
            resolve();
          }
        });
        sim.once("exit", (code) => reject(new Error(`simulated fleet exited (${code})`)));
      });
      console.log(`\n1,000 simulated devices (plugin simulators: ssh, snmp, modbus) on 127.0.104.1-127.0.107.232:`);
      const t = writeTargets(dir, "sim1000", hosts);
      compare(1000, t.list, t.csv, dir, Number(process.env.SWEEP_BENCH_NMAP_CAP_S ?? 600) * 1000, { devicesPerS: 150, rssMb: 300 });
    } finally {
      sim.stdin!.end();
      sim.kill("SIGTERM");
      await new Promise((r) => (sim.exitCode !== null ? r(null) : sim.once("exit", r)));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
