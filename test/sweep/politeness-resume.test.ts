// Politeness and persistence, proven from the devices' side: stand-in devices (TCP listeners on
// 127.0.101.x that log every connection) see one connection at a time, clean FIN closes, a zone
// limit of 1 honoured; a sweep killed with SIGKILL mid-run and resumed with --resume ends with every
// device stored exactly once, and devices finished before the kill are not contacted again.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { silentLogger } from "../../src/log.js";
import { SweepStore } from "../../src/store/store.js";
import { surfacePorts } from "../../src/engine/surface.js";
import { runSweep } from "../../src/sweep/run.js";
import { expandSweepTargets } from "../../src/sweep/targets.js";
import { consecutiveHosts } from "../../scripts/sweep-bench/real-fleet.js";
import { startCheapFleet, type CheapFleet } from "../../scripts/sweep-bench/cheap-devices.js";
import { BIN, runOtaudit } from "../helpers/cli.js";

const snmpOnly = PLUGINS.filter((p) => p.id === "snmp");

describe("sweep politeness (device side)", () => {
  let fleet: CheapFleet;
  let dir: string;
  beforeAll(async () => {
    fleet = await startCheapFleet(consecutiveHosts("127.0.101.1", 12), [23, 80, 3389], (port) => (port === 23 ? "login: " : undefined));
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-polite-"));
  });
  afterAll(async () => {
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("one connection at a time per device, clean closes, zone limit honoured", async () => {
    const inv = join(dir, "inventory.yaml");
    writeFileSync(inv, `devices:\n${fleet.hosts.map((h, i) => `  - { host: ${h}, name: dev-${i}, zone: ${i < 6 ? "cell-a" : "cell-b"} }`).join("\n")}\n`);
    const targets = expandSweepTargets([inv], { knownProtocols: ["snmp"], maxRange: 1024, yes: false });
    const store = new SweepStore(":memory:");
    store.createSweep("s", targets, { intrusive: false, protocols: ["snmp"], failOn: "high" });
    await runSweep({
      audit: {
        plugins: snmpOnly,
        surface: surfacePorts(snmpOnly),
        timeoutMs: 2000,
        concurrency: 8,
        intrusive: false,
        credentials: [],
        failOn: "high",
        log: silentLogger(),
      },
      politeness: { concurrency: 8, zoneLimits: new Map([["cell-a", 1]]), giveUpAfter: 3, backoffBaseMs: 200 },
      discoveryTimeoutMs: 1000,
      store,
      sweepId: "s",
      targets,
    });
    expect(store.devices("s")).toHaveLength(12);
    expect(fleet.maxConcurrentPerDevice()).toBe(1);
    expect(fleet.connections).toHaveLength(12 * 3);
    expect(fleet.connections.every((c) => c.finSeen && !c.reset && c.closedAt !== undefined)).toBe(true);
    // zone cell-a (limit 1): no two of its devices were worked on at the same time
    const spans = fleet.hosts.slice(0, 6).map((h) => {
      const mine = fleet.connections.filter((c) => c.host === h);
      return [Math.min(...mine.map((c) => c.openedAt)), Math.max(...mine.map((c) => c.closedAt!))] as const;
    });
    spans.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]);
    const doc = store.devices("s").map((d) => d.result);
    const telnet = (doc[0]!.facts.discovery!.data as { ports: { port: number; state: string; service: string }[] }).ports.find((p) => p.port === 23);
    expect(telnet).toMatchObject({ state: "open", service: "telnet" });
    store.close();
  }, 30_000);
});

describe("sweep killed with SIGKILL and resumed", () => {
  let fleet: CheapFleet;
  let dir: string;
  beforeAll(async () => {
    fleet = await startCheapFleet(consecutiveHosts("127.0.101.21", 30), [23]);
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-resume-"));
  });
  afterAll(async () => {
    await fleet?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ends with every device exactly once; finished devices are not contacted again", async () => {
    const inv = join(dir, "plant.csv");
    writeFileSync(inv, `host,name,zone\n${fleet.hosts.map((h, i) => `${h},"rtu ${i}",substation-${i % 3}`).join("\n")}\n`);
    const db = join(dir, "sweep.db");
    const rows = () => {
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        try {
          return d.prepare("SELECT host FROM devices").pluck().all() as string[];
        } finally {
          d.close();
        }
      } catch {
        return [];
      }
    };
    const child = spawn(
      process.execPath,
      [BIN, "sweep", inv, "--db", db, "--protocols", "snmp", "--device-rate", "20", "--concurrency", "3", "--sweep-id", "plant-1"],
      { stdio: "ignore" },
    );
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once("exit", (_c, s) => r(s)));
    const deadline = Date.now() + 20_000;
    while (rows().length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    const before = rows();
    expect(before.length).toBeGreaterThanOrEqual(6);
    expect(before.length).toBeLessThan(30);
    fleet.reset();

    const json = join(dir, "result.json");
    const r = await runOtaudit(["sweep", "--resume", "--db", db, "--protocols", "snmp", "--device-rate", "50", "--json", json, "--no-progress"], {
      timeoutMs: 60_000,
    });
    expect(r.stderr).toBe("");
    expect([0, 1]).toContain(r.code);
    const after = rows();
    expect(after).toHaveLength(30);
    expect(new Set(after).size).toBe(30);
    expect(new Set(after)).toEqual(new Set(fleet.hosts));
    // devices stored before the kill were not contacted by the resumed run
    const contacted = new Set(fleet.connections.map((c) => c.host));
    for (const h of before) expect(contacted.has(h), h).toBe(false);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expect(doc.devices.map((d: { host: string }) => d.host)).toEqual(fleet.hosts); // inventory order
    expect(doc.run.interrupted).toBe(false);
    expect(doc.devices[4].name).toBe("rtu 4");
    const cleartext = doc.fleet.findings.filter((f: { ruleId: string; status: string }) => f.ruleId === "fleet.cleartext.per-zone" && f.status === "fail");
    expect(cleartext.map((f: { zone: string }) => f.zone)).toEqual(["substation-0", "substation-1", "substation-2"]);

    // `otaudit report` reads the store as well as JSON: the same devices, once each
    const out = join(dir, "from-store");
    const rep = await runOtaudit(["report", db, "--sweep", "plant-1", "--format", "json,csv", "--out", out]);
    expect(rep.stderr).toBe("");
    expect(rep.code).toBe(0);
    const fromStore = JSON.parse(readFileSync(join(out, "result.json"), "utf8"));
    expect(fromStore.devices.map((d: { host: string }) => d.host).sort()).toEqual([...fleet.hosts].sort());

    // --evidence applies to sweeps as to scans: attestation-only elements become `attested`
    const evidence = join(dir, "evidence.yaml");
    writeFileSync(evidence, readFileSync("fixtures/evidence/hardened-controller.evidence.yaml", "utf8").replace(/devices: \[.*\]/, 'devices: ["*"]'));
    const json2 = join(dir, "with-evidence.json");
    const r2 = await runOtaudit(["sweep", inv, "--protocols", "snmp", "--device-rate", "50", "--evidence", evidence, "--json", json2, "--no-progress"], {
      timeoutMs: 60_000,
    });
    expect(r2.stderr).toBe("");
    const withEvidence = JSON.parse(readFileSync(json2, "utf8"));
    for (const d of withEvidence.devices) expect(d.elements.find((e: { id: number }) => e.id === 10).verdict).toBe("attested");
  }, 60_000);
});

describe("sweep input errors (exit 2, nothing written)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-input-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("names the inventory field and refuses a large range without --yes", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "devices:\n  - { host: 10.0.0.1, zone: ok }\n  - { host: 10.0.0.2, zone: 'bad zone', protocols: [ssh, telnet] }\n");
    const r1 = await runOtaudit(["sweep", bad, "--db", join(dir, "x.db")]);
    expect(r1.code).toBe(2);
    expect(r1.stderr).toContain(`${bad}: devices[1].zone: letters, digits and _ . : - only`);
    const r2 = await runOtaudit(["sweep", "10.0.0.0/16"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain("65534 addresses is more than --max-range 1024; add --yes");
    const r3 = await runOtaudit(["sweep", "--resume"]);
    expect(r3.code).toBe(2);
    expect(r3.stderr).toContain("--resume: needs --db FILE");
  }, 30_000);
});
