// Store versions on the SQLite side: a store file written before versioned migrations (user_version
// 1, three tables) is read as it is by read-only commands (not one byte changed) and migrated to the
// current version on its next read-write open, its sweeps intact; a store from a newer otaudit is
// refused unchanged. The migration list itself: numbered from 1 without gaps, released texts
// pinned (a migration is never edited, the next one is added).
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { MIGRATIONS, STORE_VERSION } from "../../src/store/migrations.js";
import { SweepStore, loadResultFromStore } from "../../src/store/store.js";
import { assessDevice } from "../../src/engine/audit.js";
import { runOtaudit } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-store-sqlite-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 16);
const fileHash = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");

/** A store exactly as otaudit wrote it before versioned migrations (schema of migration 1, user_version 1). */
function versionOneStore(file: string): void {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.exec(MIGRATIONS[0]!.sqlite);
  db.pragma("user_version = 1");
  const result = assessDevice({ host: "10.9.0.1", endpoints: [] }, {}, { plugins: [], intrusive: false, credentialed: () => false });
  db.prepare("INSERT INTO sweeps (id, created_at, status, targets, settings) VALUES (?, ?, 'done', ?, ?)").run(
    "old-1",
    "2026-01-02T03:04:05.000Z",
    JSON.stringify([{ host: "10.9.0.1", source: "argument" }]),
    JSON.stringify({ intrusive: false, protocols: ["ssh"], failOn: "high" }),
  );
  db.prepare("INSERT INTO devices (sweep_id, host, seq, zone, completed_at, result) VALUES (?, ?, ?, ?, ?, ?)").run(
    "old-1",
    "10.9.0.1",
    0,
    "cell-1",
    "2026-01-02T03:04:06.000Z",
    JSON.stringify(result),
  );
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

describe("migration list", () => {
  it("is numbered from 1 without gaps; released migrations are never edited", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(STORE_VERSION).toBe(MIGRATIONS.length);
    // pinned: change these only by adding a migration, never by editing one
    expect(MIGRATIONS.flatMap((m) => [sha(m.sqlite), sha(m.postgres)])).toEqual(PINNED);
  });
});

/** sha256 prefixes of the released migration texts (1: sqlite, postgres; 2: sqlite, postgres; 3: ...). */
const PINNED = ["4ab11cfdb59f2c0d", "37359d6614431a04", "cbdf8b9fa18df351", "b26a432f45d8e4d0", "ed3fd558c23445b3", "d23e441589b60c3e"];

describe("a store written before versioned migrations (user_version 1)", () => {
  it("reads unchanged with report, then migrates on a read-write open, its sweep intact", async () => {
    const file = join(dir, "v1.db");
    versionOneStore(file);
    const before = fileHash(file);

    const out = join(dir, "reports");
    const r = await runOtaudit(["report", "--db", file, "--format", "json", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, "result.json"), "utf8")).devices.map((d: { host: string }) => d.host)).toEqual(["10.9.0.1"]);
    expect(loadResultFromStore(file, "old-1").devices).toHaveLength(1);
    expect(fileHash(file)).toBe(before); // read-only: not one byte changed

    const store = new SweepStore(file);
    try {
      expect(store.version()).toBe(STORE_VERSION);
      expect(store.db.prepare("SELECT version FROM migrations ORDER BY version").pluck().all()).toEqual(MIGRATIONS.map((m) => m.version));
      expect(store.getSweep("old-1")!.status).toBe("done");
      expect(store.devices("old-1").map((d) => [d.host, d.zone])).toEqual([["10.9.0.1", "cell-1"]]);
      // the new column works for new devices, the old rows read as before
      const result = assessDevice({ host: "10.9.0.2", endpoints: [] }, {}, { plugins: [], intrusive: false, credentialed: () => false });
      expect(store.saveDevice("old-1", 1, "cell-1", result, { worker: "w1" })).toBe(true);
      expect(store.saveDevice("old-1", 1, "cell-1", result, { worker: "w2" })).toBe(false);
      expect([...store.workersOf("old-1")]).toEqual([
        ["10.9.0.1", null],
        ["10.9.0.2", "w1"],
      ]);
    } finally {
      store.close();
    }
    // a second open finds nothing to do
    const again = new SweepStore(file);
    expect(again.db.prepare("SELECT count(*) FROM migrations").pluck().get()).toBe(STORE_VERSION);
    again.close();
  }, 30_000);

  it("a store from a newer otaudit is refused (exit 2) and left unchanged", async () => {
    const file = join(dir, "newer.db");
    versionOneStore(file);
    new SweepStore(file).close(); // current version
    const db = new Database(file);
    db.pragma(`user_version = ${STORE_VERSION + 1}`);
    db.pragma("wal_checkpoint(TRUNCATE)");
    db.close();
    const before = fileHash(file);
    for (const args of [
      ["report", "--db", file, "--format", "json", "--out", join(dir, "x")],
      ["sweep", "--resume", "--db", file],
      ["baseline", "save", "--db", file],
    ]) {
      const r = await runOtaudit(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n")).toEqual([
        `otaudit: --db ${file}: written by a newer otaudit (store version ${STORE_VERSION + 1}); nothing was changed`,
      ]);
    }
    expect(fileHash(file)).toBe(before);
  }, 30_000);
});
