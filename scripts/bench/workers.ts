// Benchmark: a distributed sweep of 1,000 simulated devices (the plugins' SSH, SNMP and Modbus
// simulators on 127.0.140.1-127.0.143.232, scripts/sweep-bench/sim-fleet.ts, in their own process)
// through a private PostgreSQL cluster (durable settings: fsync and synchronous_commit on), with 1,
// 2 and 4 workers (each --concurrency 32) in one zone, beside a local sweep into SQLite and into
// PostgreSQL (--concurrency 128). Whole CLI processes, wall time from the coordinator's start to its
// exit. Per run: devices/s, CPU seconds of otaudit (coordinator + workers), of PostgreSQL and of the
// simulated devices, the share of the machine's cores that adds up to, the database's
// transactions, rows and bytes per device, peak RSS, and the load average (the machine is shared).
// Not a test (`npm run bench -- workers`). Needs root (ports 22/161/502 on 127.0.x.y).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { PACKAGE_ROOT } from "../../src/version.js";
import { consecutiveHosts } from "../sweep-bench/real-fleet.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../sweep-bench/pg-cluster.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const COUNT = Number(process.env.WORKERS_BENCH_DEVICES ?? 1000);
const PER_WORKER = Number(process.env.WORKERS_BENCH_CONCURRENCY ?? 32);
const PASSWORD = "bench-pw";
const CLK_TCK = 100;

interface Proc {
  wallS: number;
  rssMb: number;
  cpuS: number;
  code: number | null;
}

/** Run a CLI process under GNU time (%e wall, %M peak RSS kB, %U + %S CPU seconds). */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  return new Promise((resolve) => {
    const child = spawn("/usr/bin/time", ["-f", "BENCH_TIME %e %M %U %S", BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr!.on("data", (d) => (err += d));
    child.once("exit", (code) => {
      const m = /BENCH_TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(err);
      if (!m || (code !== 0 && code !== 1)) process.stderr.write(`bench: ${args.slice(0, 2).join(" ")} exited ${code}: ${err.slice(-600)}\n`);
      resolve({ wallS: m ? Number(m[1]) : NaN, rssMb: m ? Number(m[2]) / 1024 : NaN, cpuS: m ? Number(m[3]) + Number(m[4]) : NaN, code });
    });
  });
}

/** CPU seconds used so far by a process and its reaped children (/proc/PID/stat utime stime cutime cstime). */
function cpuOf(pid: number, withChildren: boolean): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    const [ut, st, cut, cst] = [f[11], f[12], f[13], f[14]].map(Number) as [number, number, number, number];
    return (ut + st + (withChildren ? cut + cst : 0)) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** PostgreSQL's CPU: the postmaster with its reaped backends, plus the backends still alive. */
function postgresCpu(postmaster: number): number {
  let total = cpuOf(postmaster, true);
  for (const d of readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1]!.split(" ")[1]);
      if (ppid === postmaster) total += cpuOf(Number(d), false);
    } catch {
      /* gone */
    }
  }
  return total;
}

interface DbCounters {
  xacts: number;
  inserted: number;
  updated: number;
  deleted: number;
  walBytes: number;
}

async function dbCounters(c: pg.Client, db: string): Promise<DbCounters> {
  const s = (await c.query("SELECT xact_commit + xact_rollback AS x, tup_inserted, tup_updated, tup_deleted FROM pg_stat_database WHERE datname = $1", [db]))
    .rows[0];
  const wal = (await c.query("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn AS b")).rows[0];
  return { xacts: Number(s.x), inserted: Number(s.tup_inserted), updated: Number(s.tup_updated), deleted: Number(s.tup_deleted), walBytes: Number(wal.b) };
}

async function sizes(url: string): Promise<{ devicesBytes: number; queueBytes: number; devices: number }> {
  const c = new pg.Client({ connectionString: url, password: PASSWORD });
  await c.connect();
  try {
    const r = (
      await c.query(
        `SELECT coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = 'otaudit' AND c.relname = 'devices'), 0) AS dev,
                coalesce(sum(pg_total_relation_size(c.oid)) FILTER (WHERE n.nspname = 'otaudit_queue' AND c.relkind = 'r'), 0) AS q
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')`,
      )
    ).rows[0];
    const n = (await c.query("SELECT count(*) AS n FROM otaudit.devices")).rows[0].n;
    return { devicesBytes: Number(r.dev), queueBytes: Number(r.q), devices: Number(n) };
  } finally {
    await c.end();
  }
}

const fmt = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : "-");

export default async function bench(): Promise<void> {
  const avail = postgresAvailable();
  if (!avail.ok) return console.log(`workers bench skipped: ${avail.reason}`);
  if (process.getuid?.() !== 0) return console.log("workers bench skipped: binding ports 22/161/502 on 127.0.x.y needs root");
  if (!existsSync(join(PACKAGE_ROOT, "dist"))) execFileSync("npm", ["run", "build"], { stdio: "inherit" });
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-workers-"));
  const cluster: PgCluster = await startPgCluster({ maxConnections: 400, settings: { shared_buffers: "128MB" } });
  const postmaster = cluster.pid();
  const admin = new pg.Client({ connectionString: cluster.adminUrl("postgres") });
  await admin.connect();
  const hosts = consecutiveHosts("127.0.140.1", COUNT);
  const stateDir = join(dir, "sim-state");
  const sim = spawn(process.execPath, ["--import", "tsx", join(PACKAGE_ROOT, "scripts", "sweep-bench", "sim-fleet.ts"), String(COUNT), hosts[0]!, stateDir], {
    stdio: ["pipe", "pipe", "inherit"],
    cwd: PACKAGE_ROOT,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error("simulated fleet did not start within 300 s")), 300_000);
      sim.stdout!.on("data", (d) => {
        out += d;
        if (/ready \d+/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      sim.once("exit", (code) => reject(new Error(`simulated fleet exited (${code})`)));
    });
    const csv = join(dir, "fleet.csv");
    writeFileSync(csv, `host,zone\n${hosts.map((h) => `${h},plant`).join("\n")}\n`);
    console.log(
      `${COUNT} simulated devices (ssh, snmp, modbus simulators, one process), one zone; ${cpus().length} cores; PostgreSQL ${cluster.port} (fsync on)`,
    );
    console.log(
      "  run                                  wall s  devices/s  CPU s: otaudit postgres devices  cores busy  peak RSS MB  xacts/dev  rows/dev  WAL KB/dev  table KB/dev  load avg",
    );
    const configs: { label: string; workers: number; mode: "sqlite" | "pg-local" | "distributed" }[] = [
      { label: "local sweep, SQLite (c=128)", workers: 0, mode: "sqlite" },
      { label: "local sweep, PostgreSQL (c=128)", workers: 0, mode: "pg-local" },
      ...[1, 2, 4].map((w) => ({ label: `distributed, ${w} worker${w > 1 ? "s" : ""} x c=${PER_WORKER}`, workers: w, mode: "distributed" as const })),
    ];
    for (const [i, cfg] of configs.entries()) {
      const dbName = `bench${i}`;
      const url = await cluster.createDatabase(dbName, "otaudit_bench", PASSWORD);
      const env = { PGPASSWORD: PASSWORD };
      const load0 = loadavg()[0]!;
      const before = await dbCounters(admin, dbName);
      const pgCpu0 = postgresCpu(postmaster);
      const simCpu0 = cpuOf(sim.pid!, true);
      const t0 = performance.now();
      let procs: Proc[];
      if (cfg.mode === "sqlite")
        procs = [await run(["sweep", csv, "--db", join(dir, `local${i}.db`), "--json", join(dir, `r${i}.json`), "--no-progress", "-q"])];
      else if (cfg.mode === "pg-local") procs = [await run(["sweep", csv, "--db", url, "--json", join(dir, `r${i}.json`), "--no-progress", "-q"], env)];
      else {
        const coordinator = run(
          [
            "sweep",
            csv,
            "--db",
            url,
            "--distribute",
            "--concurrency",
            String(cfg.workers * PER_WORKER),
            "--json",
            join(dir, `r${i}.json`),
            "--no-progress",
            "-q",
          ],
          env,
        );
        const workers = Array.from({ length: cfg.workers }, (_, w) =>
          run(["worker", "--db", url, "--zone", "plant", "--concurrency", String(PER_WORKER), "--exit-when-idle", "--name", `w${w}`, "-q"], env),
        );
        procs = [await coordinator, ...(await Promise.all(workers))];
      }
      const wall = (performance.now() - t0) / 1000;
      const pgCpu = postgresCpu(postmaster) - pgCpu0;
      const simCpu = cpuOf(sim.pid!, true) - simCpu0;
      const after = await dbCounters(admin, dbName);
      const load1 = loadavg()[0]!;
      const otCpu = procs.reduce((a, p) => a + p.cpuS, 0);
      const busy = (otCpu + pgCpu + simCpu) / (wall * cpus().length);
      const rss = Math.max(...procs.map((p) => p.rssMb));
      const sz = cfg.mode === "sqlite" ? undefined : await sizes(url.replace("otaudit_bench@", `otaudit_bench:${PASSWORD}@`));
      const per = (n: number) => (sz?.devices ? n / sz.devices : NaN);
      console.log(
        `  ${cfg.label.padEnd(36)} ${fmt(wall).padStart(6)} ${fmt(COUNT / wall).padStart(10)}  ${fmt(otCpu).padStart(13)} ${fmt(pgCpu).padStart(8)} ${fmt(simCpu).padStart(7)}  ${fmt(busy * 100, 0).padStart(9)}%  ${fmt(rss, 0).padStart(11)}  ${fmt(per(after.xacts - before.xacts)).padStart(9)}  ${fmt(per(after.inserted + after.updated + after.deleted - before.inserted - before.updated - before.deleted)).padStart(8)}  ${fmt(per((after.walBytes - before.walBytes) / 1024)).padStart(10)}  ${fmt(per((sz?.devicesBytes ?? NaN) / 1024)).padStart(12)}  ${fmt(load0)} -> ${fmt(load1)}`,
      );
      if (sz) console.log(`  ${"".padEnd(36)} queue tables ${fmt(sz.queueBytes / 1024 / 1024)} MB after the run (pg-boss keeps completed jobs for an hour)`);
    }
  } finally {
    sim.stdin!.end();
    sim.kill("SIGTERM");
    await new Promise((r) => (sim.exitCode !== null ? r(null) : sim.once("exit", r)));
    await admin.end().catch(() => {});
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
