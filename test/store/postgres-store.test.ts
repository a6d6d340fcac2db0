// The store interface against both backends (the same contract on SQLite and on a private
// PostgreSQL cluster), PostgreSQL migrations (from version 1, concurrent first opens), and what a
// database that is not ours gets: refused with exit 2 and one line naming --db, nothing created or
// changed. Bad connections: unreachable (exit 3), wrong or missing password (exit 2), never the
// password in any message.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { assessDevice } from "../../src/engine/audit.js";
import type { DeviceResult } from "../../src/model/result.js";
import { clearSecretsForTest, registerSecret } from "../../src/secrets.js";
import { MIGRATIONS, STORE_VERSION } from "../../src/store/migrations.js";
import { PgStore } from "../../src/store/postgres.js";
import { ensureQueues, openQueue } from "../../src/worker/queue.js";
import { resolveDb, SweepStore, type Store } from "../../src/store/store.js";
import { describeWithDaemon, freeTcpPort } from "../helpers/daemons.js";
import { runOtaudit } from "../helpers/cli.js";
import { postgresAvailable, startPgCluster, type PgCluster } from "../../scripts/sweep-bench/pg-cluster.js";

const avail = postgresAvailable();
const PASSWORD = "store-pw-9c2e!@";
const USER = "otaudit_store";

function device(host: string, name?: string): DeviceResult {
  const r = assessDevice({ host, endpoints: [] }, {}, { plugins: [], intrusive: false, credentialed: () => false });
  if (name !== undefined) r.name = name;
  return r;
}

/** What every backend promises (src/store/types.ts). */
async function contract(store: Store): Promise<void> {
  const settings = { intrusive: false, protocols: ["ssh", "snmp"], failOn: "high" as const };
  await store.createSweep("s-1", [{ host: "10.0.0.1" }, { host: "10.0.0.2" }, { host: "10.0.0.3" }], settings);
  expect((await store.latestSweep(true))!.id).toBe("s-1");
  expect(await store.saveDevice("s-1", 2, "z2", device("10.0.0.3"))).toBe(true);
  expect(await store.saveDevice("s-1", 0, "z1", device("10.0.0.1"))).toBe(true);
  expect(await store.saveDevice("s-1", 0, "z1", device("10.0.0.1", "again"))).toBe(false); // never stored twice
  // hostile device strings come back exactly: NUL, a lone surrogate, escape sequences, 512 KB
  const hostile = `a\u0000b\ud800c\x1b[31md\u202ee${"x".repeat(512 * 1024)}`;
  registerSecret("store-secret-77");
  expect(await store.saveDevice("s-1", 1, undefined, device("10.0.0.2", `${hostile} store-secret-77`))).toBe(true);
  expect(await store.doneHosts("s-1")).toEqual(new Set(["10.0.0.1", "10.0.0.2", "10.0.0.3"]));
  const all = await store.devices("s-1");
  expect(all.map((d) => [d.host, d.seq, d.zone])).toEqual([
    ["10.0.0.1", 0, "z1"],
    ["10.0.0.2", 1, null],
    ["10.0.0.3", 2, "z2"],
  ]);
  expect(all[1]!.result.name).toBe(`${hostile} [redacted]`); // scrubbed as stored
  expect(all[0]!.result.name).toBeUndefined();
  expect((await store.devicePage("s-1", 1, 5)).map((d) => d.host)).toEqual(["10.0.0.2", "10.0.0.3"]);
  expect(await store.deviceCount("s-1")).toBe(3);
  expect((await store.getDevice("s-1", "10.0.0.3"))!.zone).toBe("z2");
  await store.finishSweep("s-1", "done");
  expect(await store.latestSweep(true)).toBeUndefined();
  const s = (await store.getSweep("s-1"))!;
  expect([s.status, s.settings, s.targets.length, typeof s.finishedAt]).toEqual(["done", settings, 3, "string"]);
  expect((await store.listSweeps()).map((x) => [x.id, x.targetCount, x.deviceCount])).toEqual([["s-1", 3, 3]]);
  await store.saveBaseline("q4", "s-1", { devices: { a: 1 } });
  await store.saveBaseline("q4", "s-1", { devices: { a: 2 } });
  expect((await store.getBaseline("q4"))!.snapshot).toEqual({ devices: { a: 2 } });
  expect((await store.listBaselines()).map((b) => b.name)).toEqual(["q4"]);
}

describeWithDaemon("store backends and PostgreSQL migrations", avail.ok, avail.reason, () => {
  let cluster: PgCluster;
  let dir: string;
  const dbs: Record<string, string> = {};
  const env = { PGPASSWORD: PASSWORD };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-store-pg-"));
    cluster = await startPgCluster({ fsync: false });
    for (const name of ["contract", "migrate", "race", "foreign", "queue", "newer", "empty"]) dbs[name] = await cluster.createDatabase(name, USER, PASSWORD);
    process.env.PGPASSWORD = PASSWORD;
  }, 60_000);
  afterAll(async () => {
    delete process.env.PGPASSWORD;
    clearSecretsForTest();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  const spec = (name: string) => resolveDb({ db: dbs[name] }) as Extract<ReturnType<typeof resolveDb>, { kind: "postgres" }>;
  const tables = async (db: string) =>
    (
      await cluster.sql(
        "SELECT n.nspname || '.' || c.relname AS t FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname LIKE 'otaudit%' AND c.relkind IN ('r','p','v') ORDER BY 1",
        db,
      )
    ).rows.map((r) => r.t);

  it("the same contract on SQLite and on PostgreSQL", async () => {
    const lite = new SweepStore(join(dir, "contract.db"));
    try {
      await contract(lite);
    } finally {
      lite.close();
    }
    const store = await PgStore.open(spec("contract"));
    try {
      await contract(store);
    } finally {
      await store.close();
    }
  });

  it("migrates a version-1 schema forward; concurrent first opens create the store and the queues once", async () => {
    const v1 = await PgStore.open(spec("migrate"), { migrateTo: 1 });
    await v1.createSweep("old", [], { intrusive: false, protocols: [], failOn: "high" });
    await v1.close();
    expect(await tables("migrate")).not.toContain("otaudit.leases");
    const now = await PgStore.open(spec("migrate"));
    expect(now.version).toBe(STORE_VERSION);
    expect((await now.q("SELECT version FROM otaudit.migrations ORDER BY version")).rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect((await now.getSweep("old"))!.id).toBe("old");
    await now.close();
    // six processes' worth of first starts: the store, the queue schema and a new zone's queue
    // (pg-boss alone races into a duplicate key and a deadlock there)
    const opened = await Promise.all(Array.from({ length: 6 }, () => PgStore.open(spec("race"))));
    const queues = await Promise.all(
      opened.map(async (s) => {
        const boss = await openQueue(s, { supervise: false });
        await ensureQueues(s, boss, ["cell-a", "cell-b"]);
        return boss;
      }),
    );
    await Promise.all(queues.map((b) => b.stop({ close: false, graceful: false })));
    await Promise.all(opened.map((s) => s.close()));
    expect((await cluster.sql("SELECT count(*)::int AS n FROM otaudit.migrations", "race")).rows[0].n).toBe(STORE_VERSION);
    expect((await cluster.sql("SELECT name FROM otaudit_queue.queue ORDER BY name", "race")).rows.map((r) => r.name)).toEqual([
      "otaudit-zone-cell-a",
      "otaudit-zone-cell-b",
    ]);
  });

  it("refuses a database whose otaudit schemas are not ours, with one line naming --db; nothing changed", async () => {
    await cluster.sql(
      `CREATE SCHEMA otaudit AUTHORIZATION ${USER}; CREATE TABLE otaudit.customers (id int); GRANT ALL ON otaudit.customers TO ${USER}`,
      "foreign",
    );
    await cluster.sql(`CREATE SCHEMA otaudit_queue AUTHORIZATION ${USER}; CREATE TABLE otaudit_queue.jobs (id int)`, "queue");
    await cluster.sql(
      `CREATE SCHEMA otaudit AUTHORIZATION ${USER}; SET ROLE ${USER}; CREATE TABLE otaudit.migrations (version int, name text, applied_at timestamptz, tool_version text); INSERT INTO otaudit.migrations VALUES (99, 'future', now(), '9.9.9')`,
      "newer",
    );
    const before = { foreign: await tables("foreign"), queue: await tables("queue"), newer: await tables("newer"), empty: await tables("empty") };
    const label = (name: string) => dbs[name]!;
    const cases: [string, string[], string][] = [
      [
        "foreign",
        ["sweep", "127.0.0.1", "--db", label("foreign")],
        `--db ${label("foreign")}: not an otaudit store (schema otaudit holds tables customers); nothing was changed`,
      ],
      [
        "foreign",
        ["worker", "--db", label("foreign")],
        `--db ${label("foreign")}: not an otaudit store (schema otaudit holds tables customers); nothing was changed`,
      ],
      [
        "foreign",
        ["report", "--db", label("foreign"), "--format", "json", "--out", join(dir, "r1")],
        `--db ${label("foreign")}: not an otaudit store (schema otaudit holds tables customers); nothing was changed`,
      ],
      [
        "queue",
        ["worker", "--db", label("queue")],
        `--db ${label("queue")}: not an otaudit store (schema otaudit_queue holds tables that are not a pg-boss queue); nothing was changed`,
      ],
      ["newer", ["baseline", "save", "--db", label("newer")], `--db ${label("newer")}: written by a newer otaudit (store version 99); nothing was changed`],
      [
        "empty",
        ["report", "--db", label("empty"), "--format", "json", "--out", join(dir, "r2")],
        `--db ${label("empty")}: no otaudit store in this database (schema otaudit is missing)`,
      ],
      ["empty", ["sweep", "status", "--db", label("empty")], `--db ${label("empty")}: no otaudit store in this database (schema otaudit is missing)`],
    ];
    const runs = await Promise.all(cases.map(([, args]) => runOtaudit(args, { env })));
    for (const [i, [, args, line]] of cases.entries()) expect([runs[i]!.code, runs[i]!.stderr], args.join(" ")).toEqual([2, `otaudit: ${line}\n`]);
    for (const name of ["foreign", "queue", "newer", "empty"] as const) expect(await tables(name), name).toEqual(before[name]);
    // the queue schema holds pg-boss or nothing: the store schema was not created either
    expect(before.queue).toEqual(["otaudit_queue.jobs"]);
  }, 60_000);

  it("bad connections: one line naming --db, exit 3 unreachable, exit 2 credentials; the password never shown", async () => {
    const closed = await freeTcpPort();
    const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
      [
        ["report", "--db", `postgres://${USER}@127.0.0.1:${closed}/x`, "--format", "json", "--out", join(dir, "r3")],
        env,
        3,
        new RegExp(`^otaudit: --db postgres://${USER}@127\\.0\\.0\\.1:${closed}/x: cannot reach the database \\(ECONNREFUSED\\)\\n$`),
      ],
      [
        ["sweep", "status", "--db", dbs.contract!],
        { PGPASSWORD: "wrong-password-123" },
        2,
        new RegExp(
          `^otaudit: --db ${dbs.contract}: authentication failed \\(password authentication failed for user "${USER}"\\); check the user and PGPASSWORD / PGPASSFILE\\n$`,
        ),
      ],
      [
        ["sweep", "status", "--db", dbs.contract!],
        { PGPASSWORD: "", PGPASSFILE: "/nonexistent" },
        2,
        /^otaudit: --db .*: the server asks for a password; set PGPASSWORD or PGPASSFILE, or use --db-env VAR\n$/,
      ],
      [
        ["sweep", "status", "--db", `postgres://${USER}@127.0.0.1:${cluster.port}/nosuchdb`],
        env,
        2,
        /^otaudit: --db .*nosuchdb: database "nosuchdb" does not exist\n$/,
      ],
      [
        ["sweep", "status", "--db-env", "OTAUDIT_TEST_NO_SUCH_VAR"],
        env,
        2,
        /^otaudit: --db-env OTAUDIT_TEST_NO_SUCH_VAR: the environment variable is not set\n$/,
      ],
      [["worker", "--db", join(dir, "file.db")], env, 2, /^otaudit: --db .*file\.db: a worker needs a PostgreSQL store/],
      [["sweep", "127.0.0.1", "--db", join(dir, "f.db"), "--distribute"], env, 2, /^otaudit: --distribute: needs --db postgres:\/\/\.\.\. /],
    ];
    const runs = await Promise.all(cases.map(([args, e]) => runOtaudit(args, { env: { ...e } })));
    for (const [i, [args, , code, re]] of cases.entries()) {
      expect(runs[i]!.code, `${args.join(" ")}: ${runs[i]!.stderr}`).toBe(code);
      expect(runs[i]!.stderr).toMatch(re);
    }
    // a password in the URL works but draws a warning; the wrong one is never echoed
    const secretUrl = (pw: string) => dbs.contract!.replace(`${USER}@`, `${USER}:${encodeURIComponent(pw)}@`);
    const pgpass = join(dir, "pgpass");
    writeFileSync(pgpass, `127.0.0.1:${cluster.port}:contract:${USER}:${PASSWORD.replace(/[:\\]/g, "\\$&")}\n`, { mode: 0o600 });
    const [ok, bad, viaEnv, viaPassfile] = await Promise.all([
      runOtaudit(["sweep", "status", "--db", secretUrl(PASSWORD)], { env: { PGPASSWORD: "" } }),
      runOtaudit(["sweep", "status", "--db", secretUrl("Leaky-Pw-0451"), "-v"], { env: { PGPASSWORD: "" } }),
      // --db-env with a URL that holds the password: no warning (not on the command line)
      runOtaudit(["sweep", "status", "--db-env", "MY_DB_URL"], { env: { PGPASSWORD: "", MY_DB_URL: secretUrl(PASSWORD) } }),
      // a libpq password file (PGPASSFILE), as the systemd unit in docs/deploy uses
      runOtaudit(["sweep", "status", "--db", dbs.contract!], { env: { PGPASSWORD: undefined, PGPASSFILE: pgpass } }),
    ]);
    expect([viaPassfile.code, viaPassfile.stderr]).toEqual([0, ""]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("the URL carries a password, which other local users can read in the process list");
    expect(bad.code).toBe(2);
    expect(bad.stderr + bad.stdout).not.toContain("Leaky-Pw-0451");
    expect(bad.stderr).toContain(`--db ${dbs.contract}: authentication failed`);
    expect([viaEnv.code, viaEnv.stderr]).toEqual([0, ""]);
    expect(viaEnv.stdout).toContain("otaudit sweep s-1: done");
  }, 60_000);
});
