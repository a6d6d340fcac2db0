// README commands that need no device (suite "offline" of test/readme/commands.ts): reports, compare,
// RFP and evidence from stored results, replays of the fixture library, the policy walk-through
// (make a policy, scan with it, exports), and simulators started
// from profiles (served on loopback, then stopped). Run as written, in a working folder holding the
// README's file names (result.json, vendor-a.json, vendor-b.json from the report fixture). The one
// simulator on the default ports (needs root) serves a loopback address of its own instead of the
// README's 127.0.0.5, so it cannot collide with the other commands' simulators.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/version.js";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { itWithDaemon, tcpPortOpen } from "../helpers/daemons.js";
import { IS_ROOT } from "./devices.js";
import { argvOf, commandsOf, startBackground } from "./commands.js";

const at = (...p: string[]) => join(PACKAGE_ROOT, ...p);
/** the README's 127.0.0.5, for the simulator on the default ports (an address no other suite uses) */
const DEFAULT_PORTS_HOST = "127.0.134.5";
const ON_DEFAULT_PORTS = new Set(["otaudit simulate fixtures/profiles/legacy-plc.yaml --host 127.0.0.5 --default-ports --port opcua=4841"]);

describe("README commands that need no device", () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), "otaudit-readme-offline-"));
    const synthetic = at("test/report/fixtures/synthetic-result.json");
    for (const name of ["result.json", "vendor-a.json", "vendor-b.json"]) copyFileSync(synthetic, join(cwd, name));
    copyFileSync(at("fixtures/evidence/policy.yaml"), join(cwd, "policy.yaml"));
    // the policy walk-through reads the fixture library's recordings by their repository paths
    for (const name of ["hardened-controller", "legacy-plc"]) {
      mkdirSync(join(cwd, "fixtures", "library", name), { recursive: true });
      copyFileSync(at("fixtures", "library", name, "recording.json"), join(cwd, "fixtures", "library", name, "recording.json"));
    }
  });

  /** The policy walk-through's steps depend on each other: run an earlier one when its file is missing. */
  const policyStep = async (text: string, made: string) => {
    if (!existsSync(join(cwd, made))) await RUN[text]!(text);
  };
  const MAKE_HARDENED = "otaudit scan --from-facts fixtures/library/hardened-controller/recording.json --json hardened.json";
  const MAKE_POLICY = "otaudit policy make hardened.json --out golden.yaml";
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  const RUN: Record<string, (text: string) => Promise<void>> = {
    async "otaudit report result.json --format html,sarif --out reports/"(text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect([0, 1], r.stderr).toContain(r.code);
      expect(readdirSync(join(cwd, "reports")).sort()).toEqual(["report.html", "report.sarif"]);
    },
    async "otaudit compare vendor-a.json vendor-b.json --out compare/ --weights policy.yaml"(text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/hardened-controller/);
      expect(readdirSync(join(cwd, "compare")).length).toBeGreaterThan(0);
    },
    async "otaudit rfp --out rfp/"(text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(cwd, "rfp", "rfp.md"))).toBe(true);
    },
    async "otaudit evidence init --out vendor.yaml"(text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(cwd, "vendor.yaml"), "utf8")).toMatch(/1\. Configuration Management/);
    },
    async "otaudit evidence check --evidence vendor.yaml"(text) {
      // the template `evidence init` just wrote: nothing is filled in yet, and the check says what
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/--evidence vendor\.yaml: products\[0\]: not filled in: vendor, product/);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    },
    async "otaudit simulate fixtures/profiles/legacy-plc.yaml --host 127.0.0.5"(text) {
      const sim = await startBackground(BIN, argvOf(text), PACKAGE_ROOT);
      expect(sim.urls.map((u) => u.split(":")[0]).sort()).toEqual(["ftp", "modbus", "mqtt", "opc.tcp", "snmp", "ssh", "telnet", "vnc"]);
      const ssh = new URL(sim.urls.find((u) => u.startsWith("ssh:"))!);
      expect(await tcpPortOpen(Number(ssh.port), "127.0.0.5")).toBe(true);
      expect(await sim.stop()).toBe(0);
    },
    async "otaudit simulate fixtures/profiles/legacy-plc.yaml --host 127.0.0.5 --default-ports --port opcua=4841"(text) {
      const sim = await startBackground(BIN, argvOf(text.replace("127.0.0.5", DEFAULT_PORTS_HOST)), PACKAGE_ROOT);
      expect(sim.urls.sort()).toEqual(
        [
          `ftp://${DEFAULT_PORTS_HOST}:21`,
          `modbus://${DEFAULT_PORTS_HOST}:502`,
          `mqtt://${DEFAULT_PORTS_HOST}:1883`,
          `opc.tcp://${DEFAULT_PORTS_HOST}:4841`,
          `snmp://${DEFAULT_PORTS_HOST}:161`,
          `ssh://${DEFAULT_PORTS_HOST}:22`,
          `telnet://${DEFAULT_PORTS_HOST}:23`,
          `vnc://${DEFAULT_PORTS_HOST}:5900`,
        ].sort(),
      );
      expect(await tcpPortOpen(22, DEFAULT_PORTS_HOST)).toBe(true);
      expect(await tcpPortOpen(4841, DEFAULT_PORTS_HOST)).toBe(true);
      expect(await sim.stop()).toBe(0);
    },
    async "otaudit scan --from-facts fixtures/library/legacy-plc/recording.json"(text) {
      const r = await runOtaudit(argvOf(text), { cwd: PACKAGE_ROOT });
      expect(r.code, r.stderr).toBe(1); // the legacy PLC fails at high
      expect(r.stdout).toMatch(/legacy-plc/);
    },
    async [MAKE_HARDENED](text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(existsSync(join(cwd, "hardened.json"))).toBe(true);
    },
    async [MAKE_POLICY](text) {
      await policyStep(MAKE_HARDENED, "hardened.json");
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(readFileSync(join(cwd, "golden.yaml"), "utf8")).toMatch(/^otauditPolicy: 1$/m);
    },
    async "otaudit scan --from-facts fixtures/library/legacy-plc/recording.json --policy golden.yaml --format sarif,junit --out policy-reports/"(text) {
      await policyStep(MAKE_POLICY, "golden.yaml");
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(1);
      expect(readFileSync(join(cwd, "policy-reports", "junit.xml"), "utf8")).toMatch(/Policy clause ssh\.kex: /);
    },
    async "otaudit report hardened.json --policy iec62443-4-2-sl2 --format capability,defectdojo,ocsf,cyclonedx --out exports/"(text) {
      await policyStep(MAKE_HARDENED, "hardened.json");
      const r = await runOtaudit(argvOf(text), { cwd });
      expect([0, 1], r.stderr).toContain(r.code);
      expect(readdirSync(join(cwd, "exports")).sort()).toEqual(["bom.cdx.json", "capability.json", "defectdojo.json", "findings.ocsf.jsonl"]);
    },
    async "otaudit policy list"(text) {
      const r = await runOtaudit(argvOf(text), { cwd });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^sbd-baseline$/m);
    },
    async "otaudit simulate fixtures/library/legacy-plc/profile.yaml"(text) {
      const sim = await startBackground(BIN, argvOf(text), PACKAGE_ROOT);
      expect(sim.urls.length).toBeGreaterThan(0);
      for (const u of sim.urls) expect(u).toMatch(/^[a-z.+]+:\/\/127\.0\.0\.1:\d+/);
      expect(await sim.stop()).toBe(0);
    },
  };

  it("runs exactly the README commands of this suite", () => {
    expect(Object.keys(RUN).sort()).toEqual(commandsOf("offline").sort());
  });

  for (const text of Object.keys(RUN)) {
    if (ON_DEFAULT_PORTS.has(text)) itWithDaemon(text, IS_ROOT, "needs root: --default-ports listens on 22, 161 and 502", () => RUN[text]!(text), 60_000);
    else it(text, () => RUN[text]!(text), 60_000);
  }
});
