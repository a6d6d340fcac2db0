// Nothing overwritten (issue 13), inputs side: an output that is an input of the run is refused
// (same inode, on every command); a --db that is not an otaudit store is refused and never
// modified; `report --db` reads a store; a --log that cannot be opened stops the run before any
// network work or file creation, and one that fails later exits 2 with one line.
import { createHash } from "node:crypto";
import { existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { runOtaudit } from "../helpers/cli.js";
import { SweepStore } from "../../src/store/store.js";
import { syntheticResult } from "../report/helpers.js";

const RECORDING = "fixtures/library/legacy-plc/recording.json";
const dir = mkdtempSync(join(tmpdir(), "otaudit-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);
const sha = (p: string) => createHash("sha256").update(readFileSync(p)).digest("hex");

function syntheticPath(): string {
  const p = at("synthetic.json");
  if (!existsSync(p)) writeFileSync(p, JSON.stringify(syntheticResult()));
  return p;
}

describe("output = input is refused on every command", () => {
  it("scan --from-facts r.json --json r.json (also through a hard link): exit 2, the recording untouched", async () => {
    const rec = at("rec.json");
    writeFileSync(rec, readFileSync(RECORDING));
    linkSync(rec, at("rec-hardlink.json"));
    const before = sha(rec);
    for (const out of [rec, at("rec-hardlink.json")]) {
      const r = await runOtaudit(["scan", "--from-facts", rec, "--json", out]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--json: .* is the --from-facts input of this run/);
      expect(sha(rec)).toBe(before);
    }
  });

  it("report, compare, --log: the same refusal; --log naming another output is refused too", async () => {
    const input = syntheticPath();
    const before = sha(input);
    mkdirSync(at("same"), { recursive: true });
    writeFileSync(at("same", "result.json"), readFileSync(input));
    const cases = [
      ["report", at("same", "result.json"), "--format", "json", "--out", at("same")],
      ["compare", at("same", "compare.md"), "--out", at("same"), "--format", "md"],
      ["scan", "--from-facts", RECORDING, "--log", RECORDING],
    ];
    writeFileSync(at("same", "compare.md"), readFileSync(input));
    cases.push(["scan", "--from-facts", RECORDING, "--json", at("same", "new.json"), "--log", at("same", "new.json")]);
    for (const args of cases) {
      const r = await runOtaudit(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toMatch(/input of this run|--log: .* is also --json; give each output its own file/);
    }
    expect(sha(input)).toBe(before);
  });
});

describe("--db that is not an otaudit store", () => {
  it("a foreign SQLite database: exit 2, one line, the file never modified (baseline, sweep, report)", async () => {
    const db = at("foreign.db");
    const d = new Database(db);
    d.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('acme');");
    d.close();
    const before = sha(db);
    for (const args of [
      ["baseline", "save", "--db", db],
      ["baseline", "drift", "--db", db],
      ["sweep", "127.0.0.1", "--db", db],
      ["report", "--db", db, "--format", "md", "--out", at("foreign-out")],
    ]) {
      const r = await runOtaudit(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toEqual([
        expect.stringMatching(/--db .*foreign\.db: not an otaudit store \(SQLite database with tables customers/),
      ]);
      expect(sha(db)).toBe(before);
      expect(existsSync(`${db}-wal`)).toBe(false);
    }
  });

  it("a file that is not SQLite at all: exit 2, unchanged", async () => {
    writeFileSync(at("notes.db"), "these are my notes\n");
    const r = await runOtaudit(["baseline", "save", "--db", at("notes.db")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not an otaudit store \(not a SQLite database\); nothing was changed/);
    expect(readFileSync(at("notes.db"), "utf8")).toBe("these are my notes\n");
  });

  it("report --db reads a sweep store, as its help says", async () => {
    const db = at("store.db");
    const store = new SweepStore(db);
    store.createSweep("s1", [{ host: "127.0.0.11" }], { intrusive: false, protocols: ["ssh"], failOn: "high" });
    store.saveDevice("s1", 0, undefined, syntheticResult().devices[0]!);
    store.finishSweep("s1", "done");
    store.close();
    const r = await runOtaudit(["report", "--db", db, "--format", "json,md", "--out", at("from-store")]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(at("from-store", "result.json"), "utf8")).devices).toHaveLength(1);
  });
});

describe("--log that cannot be opened", () => {
  it("exit 2 with one line before any network work or file creation (sweep's --db is not created)", async () => {
    for (const log of ["/proc/otaudit-nope/x.log", dir]) {
      const db = at("never.db");
      const r = await runOtaudit(["sweep", "127.0.0.1", "--db", db, "--log", log]);
      expect(r.code, log).toBe(2);
      expect(r.stderr.trim().split("\n"), log).toEqual([expect.stringMatching(/^otaudit: --log /)]);
      expect(existsSync(db)).toBe(false);
    }
  });

  it("a log that fails during the run (/dev/full): one line, exit 2", async () => {
    const r = await runOtaudit(["scan", "ssh://127.0.0.1:1", "--timeout", "500", "--log", "/dev/full", "--log-level", "info", "-q"]);
    expect(r.code).toBe(2);
    expect(r.stderr.match(/--log \/dev\/full: cannot write \(ENOSPC/g)).toHaveLength(1);
    expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
  });
});
