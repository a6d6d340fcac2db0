// The dashboard's sweep index: the fleet section from light devices equals the store's own (the
// fleet rules over full results), identity comes from the plugins' identify(), a baseline hashes as
// the sweep it was taken of, drift between sweeps finds exactly the updated devices, and a running
// sweep is followed from the index's cursor as devices arrive.
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { loadResultFromStore } from "../../src/store/store.js";
import { FleetIndex } from "../../src/serve/fleet-index.js";
import { SqliteReader } from "../../src/serve/sqlite-reader.js";
import { hostOf } from "../../scripts/serve-bench/fleet-store.js";
import { makeStore, type TestStore } from "./helpers.js";

describe("dashboard sweep index", () => {
  let store: TestStore;
  beforeAll(() => {
    store = makeStore(24, 2);
  }, 60_000);
  afterAll(() => store?.cleanup());

  it("the fleet section equals the store's own (fleet rules over the full results)", async () => {
    const reader = new SqliteReader(store.file);
    const fi = new FleetIndex(reader, PLUGINS);
    const idx = (await fi.index("sweep-02"))!;
    const doc = loadResultFromStore(store.file, "sweep-02");
    expect(idx.fleet).toEqual(doc.fleet);
    expect(idx.rows).toHaveLength(doc.devices.length);
    await reader.close();
  });

  it("identity from the plugins' identify(); drift by hash; the baseline hashes as its sweep", async () => {
    const reader = new SqliteReader(store.file);
    const fi = new FleetIndex(reader, PLUGINS);
    const [a, b] = [(await fi.index("sweep-01"))!, (await fi.index("sweep-02"))!];
    const plc = b.byHost.get(hostOf(0))!;
    expect(plc.identity).toMatchObject({ vendor: "Example Automation", model: "LX-100", firmware: "2.4.7" });
    expect(a.byHost.get(hostOf(0))!.identity.firmware).toBe("2.4.1");
    const drift = (await fi.driftBetween("sweep-01", "sweep-02"))!;
    // sweep 2: devices with i % 10 < 1 got the update; one new device; none missing (2 sweeps: the last drops every 97th from 50 on)
    const updated = Array.from({ length: 24 }, (_, i) => i)
      .filter((i) => i % 10 === 0)
      .map(hostOf);
    expect(drift.changed.sort()).toEqual(updated.sort());
    expect(drift.added).toEqual([hostOf(24)]);
    const base = (await fi.baselineHashes("commissioning"))!;
    expect(base.info.sweepId).toBe("sweep-01");
    for (const s of a.rows) expect(base.hashes.get(s.host), s.host).toBe(s.driftHash);
    await reader.close();
  });

  it("a running sweep is followed: devices stored after the index was built are added", async () => {
    const db = new Database(store.file);
    db.prepare("UPDATE sweeps SET status = 'running' WHERE id = 'sweep-02'").run();
    const reader = new SqliteReader(store.file);
    const fi = new FleetIndex(reader, PLUGINS, { sweepsTtlMs: 0 });
    const first = (await fi.index("sweep-02"))!.rows.length;
    db.prepare(
      "INSERT INTO devices (sweep_id, host, seq, zone, completed_at, result) SELECT sweep_id, '10.99.0.1', 999, 'late', completed_at, json_set(result, '$.host', '10.99.0.1') FROM devices WHERE sweep_id = 'sweep-02' AND host = ?",
    ).run(hostOf(1));
    const idx = (await fi.index("sweep-02"))!;
    expect(idx.rows.length).toBe(first + 1);
    expect(idx.byHost.get("10.99.0.1")?.zone).toBe("late");
    expect(idx.zones.map((z) => z.zone)).toContain("late");
    db.prepare("DELETE FROM devices WHERE host = '10.99.0.1'").run();
    db.prepare("UPDATE sweeps SET status = 'done' WHERE id = 'sweep-02'").run();
    db.close();
    await reader.close();
  });

  it("full indexes are bounded (least recently used dropped); drift reads the digests kept", async () => {
    const reader = new SqliteReader(store.file);
    const fi = new FleetIndex(reader, PLUGINS, { maxFullIndexes: 1 });
    const full = new FleetIndex(reader, PLUGINS);
    await fi.index("sweep-01");
    await fi.index("sweep-02");
    expect(fi.fullIndexes).toEqual(["sweep-02"]);
    const drift = await fi.driftBetween("sweep-01", "sweep-02");
    expect(drift).toEqual(await full.driftBetween("sweep-01", "sweep-02"));
    expect(fi.fullIndexes).toHaveLength(1);
    // a dropped index is built again when asked for
    expect((await fi.index("sweep-01"))!.rows.length).toBe((await full.index("sweep-01"))!.rows.length);
    await reader.close();
  });
});
