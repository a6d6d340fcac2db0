// Must-show of issue 18: a sweep distributed to three zone workers (child processes running the
// CLI) over simulated devices in three zones, one worker SIGKILLed while it holds a device: its
// replacement (as systemd or Kubernetes would restart it) takes the zone over, the device the dead
// worker held comes back when its lease runs out, every device is stored exactly once, and the
// result document equals a single-machine SQLite sweep of the same devices (modulo times,
// durations and the sweep id; the reference sweep runs while the dead worker's lease runs out). A
// private PostgreSQL cluster (Debian's binaries) is started and stopped by the test. One connection
// at a time per device across workers is shown from the devices' side in politeness.test.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { describeWithDaemon, waitFor } from "../helpers/daemons.js";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../../scripts/sweep-bench/pg-cluster.js";
import { canBindPrivileged, comparable, startZoneFleet, type ZoneFleet } from "./zone-fleet.js";

const avail = postgresAvailable();
const root = canBindPrivileged();
const PASSWORD = "fleet-pw-7d1c";
const ZONES = ["north", "south", "east"];
// paced (15 discovery connects at 30/s, then the Modbus probe) so a worker is caught holding a device
const AUDIT = ["--protocols", "modbus", "--device-rate", "30", "--timeout", "2000"];

function startWorker(
  url: string,
  zone: string,
  name: string,
): { child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  const child = spawn(process.execPath, [BIN, "worker", "--db", url, "--zone", zone, "--concurrency", "1", "--exit-when-idle", "--name", name], {
    env: { ...process.env, PGPASSWORD: PASSWORD, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (d) => (stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((r) =>
    child.once("exit", (code, signal) => r({ code, signal, stderr })),
  );
  return { child, exit };
}

describeWithDaemon(
  "distributed sweep: three zone workers, one SIGKILLed",
  avail.ok && root,
  avail.ok ? "binding port 502 on 127.0.x.y needs root" : avail.reason,
  () => {
    let cluster: PgCluster;
    let fleet: ZoneFleet;
    let dir: string;
    let url: string;
    let admin: pg.Client;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "otaudit-distributed-"));
      [cluster, fleet] = await Promise.all([startPgCluster({ fsync: false }), startZoneFleet("127.0.121.1", ZONES, 4, dir)]);
      url = await cluster.createDatabase("fleet", "otaudit_fleet", PASSWORD);
      admin = new pg.Client({ connectionString: cluster.adminUrl("fleet") });
      await admin.connect();
    }, 60_000);
    afterAll(async () => {
      await admin?.end().catch(() => {});
      await fleet?.stop();
      await cluster?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("stores every device exactly once and gives the single-machine SQLite result", async () => {
      // the coordinator and the three workers start together (a worker waits for a sweep to enqueue)
      const distJson = join(dir, "distributed.json");
      const coordinator = runOtaudit(
        [
          "sweep",
          fleet.inventory,
          "--db",
          url,
          "--distribute",
          ...AUDIT,
          "--lease",
          "12",
          "--zone-limit",
          "*=2",
          "--sweep-id",
          "plant-d",
          "--json",
          distJson,
          "--no-progress",
        ],
        {
          env: { PGPASSWORD: PASSWORD },
          timeoutMs: 90_000,
        },
      );
      const workers = { north: startWorker(url, "north", "w-north"), south: startWorker(url, "south", "w-south"), east: startWorker(url, "east", "w-east") };
      const count = async (sql: string, params: unknown[] = []) =>
        Number((await admin.query(sql, params).catch(() => ({ rows: [] as { n?: string }[] }))).rows[0]?.n ?? 0);
      const south = fleet.hosts.filter((h) => fleet.zoneOf.get(h) === "south");
      // kill the south worker once it stored its first device and holds the job of its second
      const holding = "SELECT count(*) AS n FROM otaudit_queue.job WHERE data->>'sweepId' = 'plant-d' AND state = 'active' AND data->>'host' = $1";
      await waitFor(
        async () =>
          (await count("SELECT count(*) AS n FROM otaudit.devices WHERE sweep_id = 'plant-d' AND host = $1", [south[0]])) === 1 &&
          (await count(holding, [south[1]])) === 1,
        30_000,
        20,
      );
      workers.south.child.kill("SIGKILL");
      expect((await workers.south.exit).signal).toBe("SIGKILL");
      expect(await count(holding, [south[1]])).toBe(1); // held by the dead worker until its lease runs out
      const restarted = startWorker(url, "south", "w-south-2");
      // the reference, while the dead worker's lease runs out: the same devices swept by one machine
      // into SQLite (Modbus reads and connects answer the same whoever asks at the same time)
      const localJson = join(dir, "local.json");
      const local = await runOtaudit(["sweep", fleet.inventory, "--db", join(dir, "local.db"), ...AUDIT, "--json", localJson, "--no-progress"], {
        timeoutMs: 60_000,
      });
      expect(local.stderr).toBe("");
      expect([0, 1]).toContain(local.code);

      const r = await coordinator;
      expect(r.stderr).toBe("");
      expect([0, 1]).toContain(r.code);
      for (const w of [workers.north, workers.east, restarted]) {
        const e = await w.exit;
        expect(e.code, e.stderr).toBe(0);
      }

      // every device stored exactly once; the device the dead worker held was stored by its replacement
      const rows = (await admin.query("SELECT host, worker FROM otaudit.devices WHERE sweep_id = 'plant-d' ORDER BY seq")).rows as {
        host: string;
        worker: string;
      }[];
      expect(rows.map((x) => x.host)).toEqual(fleet.hosts);
      expect(rows.find((x) => x.host === south[0])!.worker).toBe("w-south");
      expect(rows.find((x) => x.host === south[1])!.worker).toBe("w-south-2");
      const retried = await count(
        "SELECT max(retry_count) AS n FROM (SELECT retry_count, data FROM otaudit_queue.job UNION ALL SELECT retry_count, data FROM otaudit_queue.archive) j WHERE j.data->>'sweepId' = 'plant-d' AND j.data->>'host' = $1",
        [south[1]],
      );
      expect(retried).toBeGreaterThanOrEqual(1);

      const dist = JSON.parse(readFileSync(distJson, "utf8"));
      const single = JSON.parse(readFileSync(localJson, "utf8"));
      expect(dist.run.interrupted).toBe(false);
      expect(dist.devices.map((d: { host: string }) => d.host)).toEqual(fleet.hosts);
      expect(comparable(dist)).toEqual(comparable(single));

      // status from any machine: all done, nothing failed; `report --db postgres://` reads the same sweep
      const st = await runOtaudit(["sweep", "status", "--db", url, "--sweep-id", "plant-d", "--json", "-"], { env: { PGPASSWORD: PASSWORD } });
      expect(st.code, st.stderr).toBe(0);
      const status = JSON.parse(st.stdout);
      for (const z of ZONES) expect(status.zones[z]).toEqual({ devices: 4, queued: 0, active: 0, done: 4, failed: 0, notQueued: 0 });
      const out = join(dir, "report");
      const rep = await runOtaudit(["report", "--db", url, "--sweep", "plant-d", "--format", "json", "--out", out], { env: { PGPASSWORD: PASSWORD } });
      expect(rep.code, rep.stderr).toBe(0);
      expect(comparable(JSON.parse(readFileSync(join(out, "result.json"), "utf8")))).toEqual(comparable(dist));
    }, 120_000);
  },
);
