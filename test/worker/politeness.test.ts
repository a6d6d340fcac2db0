// Politeness across workers, proven from the devices' side: scripted devices (TCP listeners on
// 127.0.122.x ports 23, 80 and 502 that log every connection: opened, closed, FIN or reset) in three
// zones, five workers (two share zone a, two share zone b), zone limits a=1, b=2, c=3 and a global
// limit of 4 devices at once. The devices see: never more devices of a zone busy at once than its
// limit, never more than 4 in all, one connection at a time per device, clean closes. A worker
// stopped with SIGTERM mid-run gives its device back (not stored) and exits 0; the other worker of
// its zone redoes it, and every device is stored exactly once.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon, waitFor } from "../helpers/daemons.js";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../../scripts/sweep-bench/pg-cluster.js";
import { startCheapFleet, type CheapFleet } from "../../scripts/sweep-bench/cheap-devices.js";
import { consecutiveHosts } from "../../scripts/sweep-bench/real-fleet.js";
import { canBindPrivileged, maxBusyAtOnce } from "./zone-fleet.js";

const avail = postgresAvailable();
const PASSWORD = "polite-pw-41aa";
const LIMITS: Record<string, number> = { a: 1, b: 2, c: 3 };
const GLOBAL = 4;

function worker(
  url: string,
  zone: string,
  name: string,
  concurrency: number,
): { child: ChildProcess; stderr: () => string; exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [BIN, "worker", "-v", "--db", url, "--zone", zone, "--concurrency", String(concurrency), "--exit-when-idle", "--name", name],
    {
      env: { ...process.env, PGPASSWORD: PASSWORD, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  return { child, stderr: () => stderr, exit: new Promise((r) => child.once("exit", (code) => r({ code, stderr }))) };
}

describeWithDaemon(
  "politeness across zone workers (device side)",
  avail.ok && canBindPrivileged(),
  avail.ok ? "binding port 502 on 127.0.x.y needs root" : avail.reason,
  () => {
    let cluster: PgCluster;
    let fleet: CheapFleet;
    let dir: string;
    let url: string;
    const hosts = consecutiveHosts("127.0.122.1", 12);
    const zoneOf = (i: number) => ["a", "b", "c"][Math.floor(i / 4)]!;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "otaudit-polite-"));
      // 502 accepts and stays silent: the Modbus probe waits out its timeouts, so a device stays busy a while
      [cluster, fleet] = await Promise.all([
        startPgCluster({ fsync: false }),
        startCheapFleet(hosts, [23, 80, 502], (p) => (p === 23 ? "login: " : undefined)),
      ]);
      url = await cluster.createDatabase("polite", "otaudit_polite", PASSWORD);
    }, 60_000);
    afterAll(async () => {
      await fleet?.stop();
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("holds the zone and global limits across workers, one connection per device, clean closes", async () => {
      const inv = join(dir, "zones.csv");
      writeFileSync(inv, `host,zone\n${hosts.map((h, i) => `${h},${zoneOf(i)}`).join("\n")}\n`);
      const sweep = runOtaudit(
        [
          "sweep",
          inv,
          "--db",
          url,
          "--distribute",
          "--protocols",
          "modbus",
          "--timeout",
          "300",
          "--concurrency",
          String(GLOBAL),
          "--zone-limit",
          "a=1,b=2,*=3",
          "--sweep-id",
          "polite",
          "--json",
          join(dir, "r.json"),
          "--no-progress",
        ],
        { env: { PGPASSWORD: PASSWORD }, timeoutMs: 90_000 },
      );
      const workers = [worker(url, "a", "a1", 2), worker(url, "a", "a2", 2), worker(url, "b", "b1", 1), worker(url, "b", "b2", 1), worker(url, "c", "c1", 4)];
      // SIGTERM b2 while it audits a device: the device goes back to the queue
      const admin = new pg.Client({ connectionString: cluster.adminUrl("polite") });
      await admin.connect();
      try {
        // the first worker of zone b seen auditing a device is stopped (a silent Modbus port keeps a
        // device busy for a few timeouts: it is still on it)
        const auditing = (w: number) => /: auditing \(sweep polite\)/.test(workers[w]!.stderr());
        const victim = await waitFor(() => (auditing(2) ? 2 : auditing(3) ? 3 : undefined), 60_000, 20).catch(async (e) => {
          // what the workers said and what the queue and the slots hold, to read a failure
          for (const w of workers) process.stderr.write(`worker exit=${w.child.exitCode}: ${w.stderr()}\n`);
          process.stderr.write(`jobs: ${JSON.stringify((await admin.query("SELECT name, state, count(*) FROM otaudit_queue.job GROUP BY 1, 2")).rows)}\n`);
          process.stderr.write(`slots held: ${JSON.stringify((await admin.query("SELECT * FROM otaudit.leases WHERE worker IS NOT NULL")).rows)}\n`);
          throw e;
        });
        workers[victim]!.child.kill("SIGTERM");
        const r = await sweep;
        expect(r.stderr).toBe("");
        expect([0, 1]).toContain(r.code);
        const stopped = await workers[victim]!.exit;
        expect(stopped.code, stopped.stderr).toBe(0);
        expect(stopped.stderr).toMatch(/SIGTERM: giving the devices in flight back/);
        expect(stopped.stderr).toMatch(/[1-9]\d* jobs? given back/);
        for (const w of [0, 1, 2, 3, 4].filter((x) => x !== victim)) {
          const e = await workers[w]!.exit;
          expect(e.code, e.stderr).toBe(0);
        }
        const rows = (await admin.query("SELECT host, worker FROM otaudit.devices WHERE sweep_id = 'polite' ORDER BY seq")).rows as {
          host: string;
          worker: string;
        }[];
        expect(rows.map((x) => x.host)).toEqual(hosts);
        const redone = (
          await admin.query("SELECT count(*) AS n FROM otaudit_queue.job WHERE data->>'sweepId' = 'polite' AND retry_count > 0 AND state = 'completed'")
        ).rows[0].n;
        expect(Number(redone)).toBeGreaterThanOrEqual(1);
      } finally {
        await admin.end();
      }

      // from the devices' side
      for (const [zone, limit] of Object.entries(LIMITS)) {
        const mine = new Set(hosts.filter((_, i) => zoneOf(i) === zone));
        expect(maxBusyAtOnce(fleet.connections, mine), `zone ${zone}`).toBeLessThanOrEqual(limit);
      }
      const all = maxBusyAtOnce(fleet.connections, new Set(hosts));
      expect(all).toBeLessThanOrEqual(GLOBAL);
      expect(all).toBeGreaterThanOrEqual(2); // the workers did run side by side
      expect(fleet.maxConcurrentPerDevice()).toBe(1);
      expect(fleet.connections.length).toBeGreaterThanOrEqual(12 * 3);
      expect(fleet.connections.filter((c) => c.closedAt === undefined || c.reset || !c.finSeen)).toEqual([]);
    }, 120_000);
  },
);
