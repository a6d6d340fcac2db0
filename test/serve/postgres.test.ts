// The dashboard over the PostgreSQL store (private cluster): the same generated fleet (two sweeps, a
// baseline, a hostile device) copied from SQLite into PostgreSQL answers every API view and CSV
// exactly as the SQLite store does; a running sweep is followed in COMMIT order (a device whose
// transaction started first but commits last is not stepped over); `otaudit serve --db
// postgres://...` serves it (password from PGPASSWORD, never printed) and stops on SIGTERM; a store
// older than the reader is refused with one line and left unchanged.
import { spawn } from "node:child_process";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { assessDevice } from "../../src/engine/audit.js";
import type { DeviceResult } from "../../src/model/result.js";
import { clearSecretsForTest } from "../../src/secrets.js";
import { FleetIndex } from "../../src/serve/fleet-index.js";
import { PgReader } from "../../src/serve/pg-reader.js";
import { SqliteReader } from "../../src/serve/sqlite-reader.js";
import { startServer, type RunningServer } from "../../src/serve/server.js";
import { PgStore, type PgSpec } from "../../src/store/postgres.js";
import { resolveDb, SweepStore } from "../../src/store/store.js";
import { HOSTILE_HOST, hostOf } from "../../scripts/serve-bench/fleet-store.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../../scripts/sweep-bench/pg-cluster.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { makeStore, type TestStore } from "./helpers.js";

const avail = postgresAvailable();
const PASSWORD = "serve-pg-4f1d!x";
const USER = "otaudit_serve";

function device(host: string): DeviceResult {
  return assessDevice({ host, endpoints: [] }, {}, { plugins: [], intrusive: false, credentialed: () => false });
}

describeWithDaemon("dashboard over PostgreSQL", avail.ok, avail.reason, () => {
  let cluster: PgCluster;
  let lite: TestStore;
  const dbs: Record<string, string> = {};
  const spec = (name: string) => resolveDb({ db: dbs[name] }) as PgSpec;

  beforeAll(async () => {
    lite = makeStore(12, 2);
    cluster = await startPgCluster({ fsync: false });
    for (const name of ["fleet", "live", "old"]) dbs[name] = await cluster.createDatabase(name, USER, PASSWORD);
    process.env.PGPASSWORD = PASSWORD;
    // the generated SQLite fleet copied through the Store interface, timestamps kept
    const src = new SweepStore(lite.file, { mustExist: true, readonly: true });
    const dst = await PgStore.open(spec("fleet"));
    try {
      for (const s of [...src.listSweeps()].reverse()) {
        const row = src.getSweep(s.id)!;
        await dst.createSweep(row.id, row.targets, row.settings);
        for (const d of src.devices(s.id)) await dst.saveDevice(s.id, d.seq, d.zone ?? undefined, d.result);
        await dst.finishSweep(s.id, row.status === "running" ? "done" : row.status);
        await dst.q("UPDATE otaudit.sweeps SET created_at = $2, finished_at = $3, status = $4 WHERE id = $1", [
          row.id,
          row.createdAt,
          row.finishedAt,
          row.status,
        ]);
      }
      for (const b of src.listBaselines()) {
        await dst.saveBaseline(b.name, b.sweepId, src.getBaseline(b.name)!.snapshot);
        await dst.q("UPDATE otaudit.baselines SET created_at = $2 WHERE name = $1", [b.name, b.createdAt]);
      }
    } finally {
      src.close();
      await dst.close();
    }
  }, 120_000);
  afterAll(async () => {
    delete process.env.PGPASSWORD;
    clearSecretsForTest();
    await cluster?.stop();
    lite?.cleanup();
  });

  it("answers every view and CSV exactly as over the same fleet in SQLite", async () => {
    const servers: RunningServer[] = [];
    try {
      servers.push(await startServer({ reader: new SqliteReader(lite.file), plugins: PLUGINS, host: "127.0.0.1", port: 0 }));
      servers.push(await startServer({ reader: await PgReader.open(spec("fleet")), plugins: PLUGINS, host: "127.0.0.1", port: 0 }));
      const paths = [
        "api/meta",
        "api/overview",
        "api/overview?sweep=sweep-01",
        "api/devices?zone=dmz&sort=host",
        "api/devices?verdict=fail&element=9&page=1",
        "api/devices.csv",
        `api/device?host=${HOSTILE_HOST}`,
        `api/device?host=${hostOf(0)}&sweep=sweep-01`,
        `api/device.csv?host=${hostOf(0)}`,
        "api/drift",
        "api/drift/changes?from=sweep-01&to=sweep-02",
        "api/drift.csv?from=sweep-01&to=sweep-02",
        `api/device-drift?host=${hostOf(0)}`,
      ];
      // the store's name (file or URL) and the server's own timings differ, nothing else
      const label = /"(source)":"[^"]*"|"(\w+Ms)":[\d.]+/g;
      for (const p of paths) {
        const [a, b] = await Promise.all(
          servers.map(async (s) => {
            const r = await fetch(`${s.url}${p}`);
            return `${r.status} ${(await r.text()).replace(label, (_m, a: string | undefined, b: string | undefined) => `"${a ?? b}":-`)}`;
          }),
        );
        expect(b, p).toBe(a);
        expect(a.startsWith("200 "), `${p}: ${a.slice(0, 200)}`).toBe(true);
      }
    } finally {
      for (const s of servers) await s.close();
      for (const s of servers) await s.index.reader.close();
    }
  }, 60_000);

  it("follows a running sweep in commit order: a device committed late below the cursor is not skipped", async () => {
    const store = await PgStore.open(spec("live"));
    const early = new pg.Client({ connectionString: dbs.live, password: PASSWORD });
    await early.connect();
    const reader = await PgReader.open(spec("live"));
    try {
      await store.createSweep("live", [{ host: "10.1.0.1" }, { host: "10.1.0.2" }, { host: "10.1.0.3" }], { intrusive: false, protocols: [], failOn: "high" });
      expect(await store.saveDevice("live", 0, "a", device("10.1.0.1"))).toBe(true);
      // a worker's transaction stores 10.1.0.2 and has not committed yet; a later one stores 10.1.0.3
      await early.query("BEGIN");
      await PgStore.insertDevice((t, v) => early.query(t, v as unknown[]), "live", 1, "a", device("10.1.0.2"), {});
      expect(await store.saveDevice("live", 2, "b", device("10.1.0.3"))).toBe(true);
      const fi = new FleetIndex(reader, PLUGINS);
      const first = (await fi.index("live"))!;
      // 10.1.0.3 committed, but its transaction is newer than one still running: held back, not read past
      expect(first.rows.map((r) => r.host)).toEqual(["10.1.0.1"]);
      expect((await reader.sweeps())[0]!.devices).toBe(2);
      await early.query("COMMIT");
      const next = (await fi.index("live"))!;
      expect(next.rows.map((r) => r.host)).toEqual(["10.1.0.1", "10.1.0.2", "10.1.0.3"]);
      // from the start, a page at a time: every device once
      const seen: string[] = [];
      let cursor: number | null = null;
      for (;;) {
        const page = await reader.devicePage("live", cursor, 1);
        seen.push(...page.rows.map((r) => r.host));
        cursor = page.cursor;
        if (!page.more) break;
      }
      expect(seen).toEqual(["10.1.0.1", "10.1.0.2", "10.1.0.3"]);
    } finally {
      await early.end().catch(() => {});
      await reader.close();
      await store.close();
    }
  }, 60_000);

  it("otaudit serve --db postgres://... serves the store read-only, never prints the password, stops on SIGTERM", async () => {
    const before = (
      await cluster.sql("SELECT n_tup_ins + n_tup_upd + n_tup_del AS w FROM pg_stat_user_tables WHERE schemaname = 'otaudit' AND relname = 'devices'", "fleet")
    ).rows[0].w;
    const child = spawn(process.execPath, [BIN, "serve", "--db", dbs.fleet!, "--port", "0"], {
      env: { ...process.env, NO_COLOR: "1", PGPASSWORD: PASSWORD },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
    try {
      await expect.poll(() => /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1], { timeout: 30_000 }).toBeTruthy();
      const url = /on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)![1]!;
      expect(stdout).toContain(`${dbs.fleet} (2 sweeps)`);
      const meta = (await (await fetch(`${url}api/meta`)).json()) as { sweeps: { id: string }[]; readOnly: boolean };
      expect(meta.sweeps.map((s) => s.id)).toEqual(["sweep-02", "sweep-01"]);
      expect(meta.readOnly).toBe(true);
      const dev = (await (await fetch(`${url}api/device?host=${HOSTILE_HOST}`)).json()) as { host: string };
      expect(dev.host).toBe(HOSTILE_HOST);
    } finally {
      child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
    expect(stdout + stderr).not.toContain(PASSWORD);
    const after = (
      await cluster.sql("SELECT n_tup_ins + n_tup_upd + n_tup_del AS w FROM pg_stat_user_tables WHERE schemaname = 'otaudit' AND relname = 'devices'", "fleet")
    ).rows[0].w;
    expect(after).toBe(before);
  }, 60_000);

  it("bad stores: one line, exit 2 (older than the reader, unchanged) or 3 (unreachable); the password never shown", async () => {
    const v2 = await PgStore.open(spec("old"), { migrateTo: 2 });
    await v2.close();
    const r = await runOtaudit(["serve", "--db", dbs.old!, "--port", "0"], { env: { PGPASSWORD: PASSWORD } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([
      `otaudit: --db ${dbs.old}: store version 2 predates the dashboard's reader (version 3); any read-write command migrates it (a worker, otaudit sweep, otaudit baseline save)`,
    ]);
    expect((await cluster.sql("SELECT max(version) AS v FROM otaudit.migrations", "old")).rows[0].v).toBe(2);
    const u = await runOtaudit(["serve", "--db", `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:1/fleet`, "--port", "0"]);
    expect(u.code).toBe(3);
    expect(u.stderr).toMatch(/--db postgres:\/\/otaudit_serve@127\.0\.0\.1:1\/fleet: cannot reach the database/);
    expect(u.stderr).toContain("the URL carries a password");
    expect(u.stderr).not.toContain(PASSWORD);
    expect(u.stderr).not.toContain(encodeURIComponent(PASSWORD));
  }, 60_000);
});
