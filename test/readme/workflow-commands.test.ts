// README workflow commands (suite "workflows" of test/readme/commands.ts: the acceptance test and
// CI with recordings), run as written with the host replaced by a simulated legacy PLC served on
// the default ports of 127.0.131.1 (and a hardened controller on 127.0.131.2 for the second vendor
// of `compare`), in a working folder holding the repository's example files under the README's
// names. In README order: later commands use what earlier ones wrote.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/version.js";
import { BIN, runOtaudit, type CliRun } from "../helpers/cli.js";
import { describeWithDaemon, tcpPortOpen } from "../helpers/daemons.js";
import { argvOf, commandsOf, startBackground, substituteHosts } from "./commands.js";
import { IS_ROOT, startOnDefaultPorts, type DefaultPortDevice } from "./devices.js";

const LEGACY = "127.0.131.1";
const HARDENED = "127.0.131.2";
const at = (...p: string[]) => join(PACKAGE_ROOT, ...p);

describeWithDaemon(
  "README workflow commands (acceptance test, CI with recordings)",
  IS_ROOT,
  "needs root: the simulated devices serve the protocols' default ports (22, 161, 502, 802) as bare README hosts do",
  () => {
    let cwd: string;
    const devices: DefaultPortDevice[] = [];
    const json = (f: string) => JSON.parse(readFileSync(join(cwd, f), "utf8"));
    const run = (text: string): Promise<CliRun> => runOtaudit(substituteHosts(argvOf(text), LEGACY), { cwd, timeoutMs: 60_000 });
    /** exit 0 or 1 (findings), never a usage error (2) or "could not audit" (3) */
    const ran = (r: CliRun, text: string) => expect([0, 1], `${text}\n${r.stderr}`).toContain(r.code);

    beforeAll(async () => {
      cwd = mkdtempSync(join(tmpdir(), "otaudit-readme-scan-"));
      // without OPC UA (slow to serve and audit): no command of this suite names it
      devices.push(await startOnDefaultPorts("legacy-plc", LEGACY, ["opcua"]), await startOnDefaultPorts("hardened-controller", HARDENED, ["opcua"]));
      // the README's file names, from the repository's examples
      copyFileSync(at("fixtures/profiles/bench/demo-credentials.yaml"), join(cwd, "bench.yaml"));
      copyFileSync(at("fixtures/profiles/bench/hx900-ops_ed25519"), join(cwd, "hx900-ops_ed25519"));
      copyFileSync(at("fixtures/evidence/hardened-controller.evidence.yaml"), join(cwd, "vendor-evidence.yaml"));
      copyFileSync(at("fixtures/evidence/policy.yaml"), join(cwd, "policy.yaml"));
      copyFileSync(at("fixtures/advisories/example-automation-lx100.csaf.json"), join(cwd, "vendor-csaf.json"));
    }, 60_000);
    afterAll(async () => {
      await Promise.all(devices.map((d) => d.stop()));
      rmSync(cwd, { recursive: true, force: true });
    });

    const RUN: Record<string, (text: string) => Promise<void>> = {
      async "otaudit scan 192.0.2.10 --credentials bench.yaml --intrusive --modbus-write 1:holding:40 --evidence vendor-evidence.yaml --advisories vendor-csaf.json --format html,junit --out acceptance/ --json acceptance/result.json --fail-on high"(
        text,
      ) {
        const r = await run(text);
        expect(r.code, r.stderr).toBe(1); // the legacy PLC fails at high
        const doc = json("acceptance/result.json");
        expect(doc.run.intrusive).toBe(true);
        expect(readdirSync(join(cwd, "acceptance")).sort()).toEqual(["junit.xml", "report.html", "result.json"]);
        const f = doc.devices[0].findings;
        expect(f.find((x: { ruleId: string }) => x.ruleId === "modbus.write.unauthenticated").status).not.toBe("skipped"); // the write-back ran
        expect(f.some((x: { ruleId: string; status: string }) => x.ruleId === "advisory.version-match" && x.status === "fail")).toBe(true);
      },
      async "otaudit compare vendor-a/result.json vendor-b/result.json --out compare/ --weights policy.yaml"(text) {
        // the two candidates' results: the legacy PLC (from the acceptance run) and the hardened controller
        mkdirSync(join(cwd, "vendor-a"), { recursive: true });
        copyFileSync(join(cwd, "acceptance/result.json"), join(cwd, "vendor-a/result.json"));
        const b = await runOtaudit(["scan", HARDENED, "--json", "vendor-b/result.json"], { cwd });
        ran(b, "scan of the hardened controller");
        const r = await runOtaudit(argvOf(text), { cwd });
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout.split("\n")[0]).toMatch(/^1\. 127\.0\.131\.2: /); // the hardened controller ranks first
        expect(readdirSync(join(cwd, "compare")).length).toBeGreaterThan(0);
      },
      async "otaudit record ssh://plc-7 snmp://plc-7 modbus://plc-7 --out plc-7.json"(text) {
        const r = await run(text);
        expect(r.code, r.stderr).toBe(0);
        expect(Object.keys(json("plc-7.json").devices[0].facts).sort()).toEqual(["modbus", "snmp", "ssh"]);
      },
      async "otaudit scan --from-facts plc-7.json --format junit --out reports/ --fail-on high"(text) {
        const r = await run(text);
        ran(r, text);
        expect(existsSync(join(cwd, "reports/junit.xml"))).toBe(true);
      },
      async "otaudit simulate plc-7.json --host 127.0.0.5"(text) {
        const sim = await startBackground(BIN, argvOf(text), cwd);
        expect(sim.urls.length).toBe(3);
        for (const u of sim.urls) expect(u).toMatch(/^(ssh|modbus|snmp):\/\/127\.0\.0\.5:\d+$/);
        const ssh = new URL(sim.urls.find((u) => u.startsWith("ssh:"))!);
        expect(await tcpPortOpen(Number(ssh.port), "127.0.0.5")).toBe(true);
        expect(await sim.stop()).toBe(0);
      },
      async "otaudit record ssh://plc-7 modbus://plc-7 --out plc-7.recording.json --transcripts plc-7-hex/"(text) {
        const r = await run(text);
        expect(r.code, r.stderr).toBe(0);
        expect(readdirSync(join(cwd, "plc-7-hex")).sort()).toEqual([`${LEGACY}-modbus.hex.txt`, `${LEGACY}-ssh.hex.txt`]);
      },
      async "otaudit scan --from-facts plc-7.recording.json --json result.json"(text) {
        const r = await run(text);
        ran(r, text);
        expect(json("result.json").run.source).toBe("recorded");
      },
      async "otaudit simulate plc-7.recording.json"(text) {
        const sim = await startBackground(BIN, argvOf(text), cwd);
        expect(sim.urls.map((u) => u.split(":")[0]).sort()).toEqual(["modbus", "ssh"]);
        expect(await sim.stop()).toBe(0);
      },
    };

    it("runs exactly the README commands of this suite", () => {
      expect(Object.keys(RUN).sort()).toEqual(commandsOf("workflows").sort());
    });

    // in README order: later commands use what earlier ones wrote (acceptance/result.json, plc-7.json)
    for (const text of Object.keys(RUN)) it(text, () => RUN[text]!(text), 60_000);
  },
);
