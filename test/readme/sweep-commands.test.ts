// README fleet-sweep commands (suite "sweep" of test/readme/commands.ts), run as written with the
// range 10.20.0.0/24 replaced by 127.0.132.0/30, where a simulated legacy PLC (.1) and hardened
// controller (.2) serve their default ports, and the inventories naming them. Plus the claims
// `sweep --resume` (of a sweep a --deadline cut short), `baseline save` and `sweep --baseline`
// (drift as fleet findings of element 1); `report --db` renders the store's latest sweep.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runOtaudit, type CliRun } from "../helpers/cli.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { SweepStore } from "../../src/store/store.js";
import { argvOf, commandsOf, substituteHosts } from "./commands.js";
import { IS_ROOT, startOnDefaultPorts, type DefaultPortDevice } from "./devices.js";

const LEGACY = "127.0.132.1";
const HARDENED = "127.0.132.2";
/** an SSH port that accepts and says nothing: keeps a sweep busy until its --deadline */
const SILENT = "127.0.132.3";
const RANGE = "127.0.132.0/30";

describeWithDaemon("README fleet-sweep commands", IS_ROOT, "needs root: the simulated devices serve the protocols' default ports (22, 161, 502, 802)", () => {
  let cwd: string;
  const devices: DefaultPortDevice[] = [];
  let silent: Server;
  let silentHangsUp = false;
  const sockets: Socket[] = [];
  const json = (f: string) => JSON.parse(readFileSync(join(cwd, f), "utf8"));
  const run = (args: string[]): Promise<CliRun> => runOtaudit(substituteHosts(args, LEGACY, RANGE), { cwd, timeoutMs: 90_000 });
  const ran = (r: CliRun, what: string) => expect([0, 1], `${what}\n${r.stderr}`).toContain(r.code);
  const sweeps = () => {
    const store = new SweepStore(join(cwd, "plant.db"), { mustExist: true, readonly: true });
    try {
      return store.db
        .prepare("SELECT id, status, (SELECT COUNT(*) FROM devices d WHERE d.sweep_id = s.id) AS devices FROM sweeps s ORDER BY created_at")
        .all() as { id: string; status: string; devices: number }[];
    } finally {
      store.close();
    }
  };

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), "otaudit-readme-sweep-"));
    // without OPC UA (slow to serve and audit, and noisy for drift): no command of this suite names it
    devices.push(await startOnDefaultPorts("legacy-plc", LEGACY, ["opcua"]), await startOnDefaultPorts("hardened-controller", HARDENED, ["opcua"]));
    // silent until the resume step is done; then it hangs up at once (a quick SSH error, no long wait)
    silent = createServer((s) => (silentHangsUp ? s.destroy() : void sockets.push(s)));
    await new Promise<void>((r) => silent.listen(22, SILENT, () => r()));
    const csv = `host,name,zone\n${LEGACY},legacy-plc,cell-1\n${HARDENED},hardened-controller,cell-2\n`;
    writeFileSync(join(cwd, "plant-inventory.csv"), csv);
    writeFileSync(join(cwd, "plant.csv"), `host,name,zone\n${HARDENED},hardened-controller,cell-2\n`);
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    silent?.close();
    await Promise.all(devices.map((d) => d.stop()));
    rmSync(cwd, { recursive: true, force: true });
  });

  const RUN: Record<string, (text: string) => Promise<void>> = {
    async "otaudit sweep plant-inventory.csv --db plant.db --json fleet.json --format html,csv --out fleet/"(text) {
      const r = await run(argvOf(text));
      ran(r, text);
      const doc = json("fleet.json");
      expect(doc.devices.map((d: { name: string }) => d.name).sort()).toEqual(["hardened-controller", "legacy-plc"]);
      expect(doc.fleet.findings.length).toBeGreaterThan(0);
      expect(readdirSync(join(cwd, "fleet")).sort()).toEqual(["findings.csv", "report.html"]);
    },
    async "otaudit sweep 10.20.0.0/24 plant.csv --db plant.db --json fleet.json"(text) {
      const r = await run(argvOf(text));
      ran(r, text);
      const doc = json("fleet.json");
      expect(doc.devices.map((d: { host: string }) => d.host).sort()).toEqual([LEGACY, HARDENED]);
      expect(sweeps().map((s) => s.status)).toEqual(["done", "done"]);
    },
    async "otaudit sweep --resume --db plant.db"(text) {
      // a sweep cut short by its --deadline while the silent device holds an SSH probe
      const cut = await run([
        "sweep",
        RANGE,
        SILENT,
        "--db",
        "plant.db",
        "--sweep-id",
        "cut-short",
        "--deadline",
        "1",
        "--timeout",
        "30000",
        "--concurrency",
        "1",
        "--no-progress",
      ]);
      expect([0, 1, 3], cut.stderr).toContain(cut.code);
      const before = sweeps().find((s) => s.id === "cut-short")!;
      expect(before.status).toBe("interrupted");
      expect(before.devices).toBeLessThan(3);
      const r = await run(argvOf(text));
      ran(r, text);
      const after = sweeps().find((s) => s.id === "cut-short")!;
      expect(after).toMatchObject({ status: "done", devices: 3 }); // every device once, none redone twice
      silentHangsUp = true;
    },
    async "otaudit baseline save --db plant.db --name 2026-q4"(text) {
      const r = await run(argvOf(text));
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/baseline '2026-q4' saved from sweep cut-short \(3 devices\)/);
      // the README's "then: otaudit sweep ... --baseline 2026-q4": drift against a baseline, as fleet
      // findings. Baseline and comparison are made here over TCP protocols with a generous
      // --timeout: drift.ts counts a step or service that did not answer in time as a change, and
      // on a loaded machine the SNMP simulator can miss the probe's 800 ms community window (the
      // devices serve no OPC UA either: node-opcua numbers its per-session diagnostics nodes anew
      // each session and the legacy simulator lists them as writable, which drifts every sweep).
      const steadyArgs = ["--timeout", "15000", "--protocols", "ssh,modbus", "--no-progress"];
      const steady = await run(["sweep", RANGE, "--db", "plant.db", "--sweep-id", "steady", ...steadyArgs]);
      ran(steady, "sweep for the baseline");
      const save = await run(["baseline", "save", "--db", "plant.db", "--name", "steady"]);
      expect(save.stdout).toMatch(/baseline 'steady' saved from sweep steady \(2 devices\)/);
      const s = await run(["sweep", RANGE, SILENT, "--db", "plant.db", "--json", "drift.json", "--baseline", "steady", ...steadyArgs]);
      ran(s, "sweep --baseline steady");
      const fleet = json("drift.json").fleet;
      expect(fleet.drift.baseline).toBe("steady");
      expect(fleet.drift.summary, JSON.stringify(fleet.drift.devices).slice(0, 3000)).toMatchObject({ unchanged: 2, new: 1, changed: 0, missing: 0 });
      const drift = fleet.findings.filter((f: { ruleId: string }) => f.ruleId === "fleet.config.drift");
      expect(drift.map((f: { status: string; devices: string[] }) => [f.status, f.devices.sort()])).toEqual([
        ["fail", [SILENT]], // a device not in the baseline: was it commissioned on purpose?
        ["pass", [LEGACY, HARDENED]],
      ]);
      for (const f of drift) expect(f.elements).toEqual([1]);
    },
    async "otaudit report --db plant.db --format html --out reports/"(text) {
      // the latest sweep of the store (the drift sweep above: the two devices and the silent one)
      const r = await run(argvOf(text));
      ran(r, text);
      expect(readdirSync(join(cwd, "reports"))).toEqual(["report.html"]);
      const html = readFileSync(join(cwd, "reports", "report.html"), "utf8");
      for (const host of [LEGACY, HARDENED, SILENT]) expect(html, host).toContain(host);
    },
  };

  it("runs exactly the README commands of this suite", () => {
    expect(Object.keys(RUN).sort()).toEqual(commandsOf("sweep").sort());
  });

  // in README order: later commands use the store earlier ones wrote
  for (const text of Object.keys(RUN)) it(text, () => RUN[text]!(text), 120_000);
});
