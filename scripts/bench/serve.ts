// Benchmark: `otaudit serve` on a generated 10,000-device store (two sweeps a week apart, a baseline;
// scripts/serve-bench/fleet-store.ts: the fixture library's devices replayed and cloned). The real
// CLI serves it (a child process); requests come from here. Reported per page: the server time
// (its Server-Timing header) and the round trip, medians and p95 of repeated warm requests, plus the
// one-time cost of indexing a sweep (the first request that needs it). Target: first page <= 300 ms
// server time. Not a test: prints figures, with the load average (the machine is shared).
// SERVE_BENCH_DEVICES (default 10000), SERVE_BENCH_DB (reuse a store file), SERVE_BENCH_RUNS (15).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";
import { buildFleetStore } from "../serve-bench/fleet-store.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const DEVICES = Number(process.env.SERVE_BENCH_DEVICES ?? 10_000);
const RUNS = Number(process.env.SERVE_BENCH_RUNS ?? 15);

interface Sample {
  server: number;
  total: number;
  bytes: number;
}

async function timedGet(url: string): Promise<Sample> {
  const t = performance.now();
  const r = await fetch(url);
  const body = await r.arrayBuffer();
  const total = performance.now() - t;
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status} ${Buffer.from(body).toString("utf8").slice(0, 200)}`);
  const m = /dur=([\d.]+)/.exec(r.headers.get("server-timing") ?? "");
  return { server: m ? Number(m[1]) : NaN, total, bytes: body.byteLength };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const rss = (pid: number) => {
  const s = readFileSync(`/proc/${pid}/status`, "utf8");
  return `RSS ${(Number(/VmRSS:\s+(\d+)/.exec(s)?.[1]) / 1024).toFixed(0)} MB, peak ${(Number(/VmHWM:\s+(\d+)/.exec(s)?.[1]) / 1024).toFixed(0)} MB`;
};

export default async function main(): Promise<void> {
  console.log(`load average at start: ${load()}`);
  const dir = mkdtempSync(join(tmpdir(), "otaudit-serve-bench-"));
  const db = process.env.SERVE_BENCH_DB ?? join(dir, "fleet.db");
  try {
    if (!existsSync(db)) {
      const t = performance.now();
      console.log(`generating ${DEVICES} devices x 2 sweeps + a baseline into ${db} ...`);
      buildFleetStore(db, { devices: DEVICES, sweeps: 2, baseline: "commissioning", hostile: true, log: (l) => console.log(l) });
      console.log(`  generated in ${((performance.now() - t) / 1000).toFixed(1)} s, ${(statSync(db).size / 2 ** 20).toFixed(0)} MB`);
    }
    const child = spawn(BIN, ["serve", "--db", db, "--port", "0"], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    try {
      const started = performance.now();
      while (!/on (http:\/\/\S+\/)/.test(out)) {
        if (performance.now() - started > 60_000) throw new Error(`serve did not start: ${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const base = /on (http:\/\/\S+\/)/.exec(out)![1]!.replace(/\/$/, "");
      // cold: the first request waits for the index of the latest sweep (started when serve started)
      const cold = await timedGet(`${base}/api/devices`);
      console.log(`index of the latest sweep (${DEVICES + 2} devices), first request: ${(cold.total / 1000).toFixed(1)} s after start (one-time, at start)`);
      const list = (await (await fetch(`${base}/api/devices?size=1`)).json()) as { rows: { host: string }[] };
      const worst = encodeURIComponent(list.rows[0]!.host);
      const coldDrift = await timedGet(`${base}/api/drift`);
      console.log(`index of the earlier sweep + fleet drift, first request: ${(coldDrift.total / 1000).toFixed(1)} s (one-time)`);
      const pages: [string, string][] = [
        ["overview", "/api/overview"],
        ["device list, page 1 (worst first)", "/api/devices"],
        ["device list, page 100", "/api/devices?page=100"],
        ["device list, filtered (zone+element+verdict)", "/api/devices?zone=dmz&element=7&verdict=fail"],
        ["device list, search vendor text", "/api/devices?vendor=automation&sort=host"],
        ["device page", `/api/device?host=${worst}`],
        ["device drift (2 sweeps + baseline)", `/api/device-drift?host=${worst}`],
        ["fleet drift timeline", "/api/drift"],
        ["drift: changed devices, page 1", "/api/drift/changes?from=sweep-01&to=sweep-02"],
        ["CSV export, filtered view", "/api/devices.csv?zone=dmz"],
      ];
      console.log(`warm requests, ${RUNS} runs each: server time (Server-Timing) and round trip, median / p95`);
      for (const [label, path] of pages) {
        const s: Sample[] = [];
        for (let i = 0; i < RUNS; i++) s.push(await timedGet(base + path));
        const sv = s.map((x) => x.server);
        const rt = s.map((x) => x.total);
        console.log(
          `  ${label.padEnd(46)} server ${median(sv).toFixed(1).padStart(7)} / ${p95(sv).toFixed(1).padStart(7)} ms   round trip ${median(rt).toFixed(1).padStart(7)} / ${p95(rt).toFixed(1).padStart(7)} ms   ${(s[0]!.bytes / 1024).toFixed(0)} KB`,
        );
      }
      console.log(`server process: ${rss(child.pid!)}`);
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("close", r));
    }
    console.log(`load average at end: ${load()} (2 cores, shared)`);
  } finally {
    if (!process.env.SERVE_BENCH_DB) rmSync(dir, { recursive: true, force: true });
  }
}
