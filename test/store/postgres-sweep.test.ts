// A local sweep into PostgreSQL keeps the SQLite guarantees: killed with SIGKILL mid-run and resumed
// with --resume, every device is stored exactly once and devices finished before the kill are not
// contacted again; report, baseline save and baseline drift read the PostgreSQL store; `sweep
// status` reads a SQLite store too. Scripted devices on 127.0.123.x (TCP listeners that log every
// connection), a private PostgreSQL cluster.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon, waitFor } from "../helpers/daemons.js";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../../scripts/sweep-bench/pg-cluster.js";
import { startCheapFleet, type CheapFleet } from "../../scripts/sweep-bench/cheap-devices.js";
import { consecutiveHosts } from "../../scripts/sweep-bench/real-fleet.js";

const avail = postgresAvailable();
const PASSWORD = "sweep-pw-2b7f";

describeWithDaemon("local sweep into PostgreSQL: resume, report, baselines", avail.ok, avail.reason, () => {
  let cluster: PgCluster;
  let fleet: CheapFleet;
  let dir: string;
  let url: string;
  const env = { PGPASSWORD: PASSWORD };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-pg-sweep-"));
    [cluster, fleet] = await Promise.all([startPgCluster({ fsync: false }), startCheapFleet(consecutiveHosts("127.0.123.1", 16), [23])]);
    url = await cluster.createDatabase("plant", "otaudit_plant", PASSWORD);
  }, 60_000);
  afterAll(async () => {
    await fleet?.stop();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL and --resume: every device once, finished ones not contacted again; report and baselines read it", async () => {
    const inv = join(dir, "plant.csv");
    writeFileSync(inv, `host,name,zone\n${fleet.hosts.map((h, i) => `${h},"rtu ${i}",sub-${i % 2}`).join("\n")}\n`);
    const admin = new pg.Client({ connectionString: cluster.adminUrl("plant") });
    await admin.connect();
    const stored = async () =>
      ((await admin.query("SELECT host FROM otaudit.devices WHERE sweep_id = 'p1'").catch(() => ({ rows: [] }))).rows as { host: string }[]).map((r) => r.host);
    try {
      const child = spawn(
        process.execPath,
        [BIN, "sweep", inv, "--db", url, "--protocols", "snmp", "--device-rate", "20", "--concurrency", "2", "--sweep-id", "p1"],
        { stdio: "ignore", env: { ...process.env, ...env } },
      );
      const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_c, s) => r(s)));
      await waitFor(async () => (await stored()).length >= 4, 30_000, 20);
      child.kill("SIGKILL");
      expect(await exited).toBe("SIGKILL");
      const before = await stored();
      expect(before.length).toBeLessThan(16);
      fleet.reset();

      const json = join(dir, "p1.json");
      const r = await runOtaudit(["sweep", "--resume", "--db", url, "--protocols", "snmp", "--device-rate", "50", "--json", json, "--no-progress"], {
        env,
        timeoutMs: 60_000,
      });
      expect(r.stderr).toBe("");
      expect([0, 1]).toContain(r.code);
      const after = await stored();
      expect(after.length).toBe(16);
      expect(new Set(after)).toEqual(new Set(fleet.hosts));
      const contacted = new Set(fleet.connections.map((c) => c.host));
      for (const h of before) expect(contacted.has(h), h).toBe(false);
      const doc = JSON.parse(readFileSync(json, "utf8"));
      expect(doc.devices.map((d: { host: string }) => d.host)).toEqual(fleet.hosts);
      expect(doc.run.interrupted).toBe(false);
      expect((await admin.query("SELECT status FROM otaudit.sweeps WHERE id = 'p1'")).rows[0].status).toBe("done");
    } finally {
      await admin.end();
    }

    const [rep, saved] = await Promise.all([
      runOtaudit(["report", "--db", url, "--format", "json,csv", "--out", join(dir, "rep")], { env }),
      runOtaudit(["baseline", "save", "--db", url, "--name", "q4"], { env }),
    ]);
    expect([rep.code, rep.stderr]).toEqual([0, ""]);
    expect(JSON.parse(readFileSync(join(dir, "rep", "result.json"), "utf8")).devices).toHaveLength(16);
    expect([saved.code, saved.stderr]).toEqual([0, ""]);
    expect(saved.stdout).toContain("baseline 'q4' saved from sweep p1 (16 devices)");
    const drift = await runOtaudit(["baseline", "drift", "--db", url, "--name", "q4", "--json", "-"], { env });
    expect([drift.code, drift.stderr]).toEqual([0, ""]);
    expect(JSON.parse(drift.stdout).summary).toEqual({ changed: 0, unchanged: 16, new: 0, missing: 0 });
    const again = await runOtaudit(["sweep", "--resume", "--db", url], { env });
    expect([again.code, again.stderr]).toEqual([2, `otaudit: --resume: no unfinished sweep in ${url}\n`]);
  }, 90_000);

  it("sweep status reads a SQLite store (stored devices per zone)", async () => {
    const db = join(dir, "small.db");
    const inv = join(dir, "small.csv");
    writeFileSync(
      inv,
      `host,zone\n${fleet.hosts
        .slice(0, 3)
        .map((h, i) => `${h},z${i % 2}`)
        .join("\n")}\n`,
    );
    const r = await runOtaudit(["sweep", inv, "--db", db, "--protocols", "snmp", "--sweep-id", "small", "--no-progress", "-q"]);
    expect([0, 1]).toContain(r.code);
    const st = await runOtaudit(["sweep", "status", "--db", db, "--json", "-"]);
    expect([st.code, st.stderr]).toEqual([0, ""]);
    const s = JSON.parse(st.stdout);
    expect([s.sweepId, s.status, s.distributed, s.devices]).toEqual(["small", "done", false, 3]);
    expect(s.zones).toEqual({
      z0: { devices: 2, queued: 0, active: 0, done: 2, failed: 0, notQueued: 0 },
      z1: { devices: 1, queued: 0, active: 0, done: 1, failed: 0, notQueued: 0 },
    });
  }, 60_000);
});
