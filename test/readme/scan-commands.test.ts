// README scanning and report commands (suite "scan" of test/readme/commands.ts), run as written with
// the host replaced by a simulated legacy PLC served on the default ports of 127.0.133.1, in a
// working folder holding the repository's example files under the README's names. Plus the claim
// `--deadline` (a whole-run deadline; what was gathered is still written).
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runOtaudit, type CliRun } from "../helpers/cli.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { argvOf, commandsOf, substituteHosts } from "./commands.js";
import { IS_ROOT, startOnDefaultPorts, type DefaultPortDevice } from "./devices.js";

const LEGACY = "127.0.133.1";
const at = (...p: string[]) => join(PACKAGE_ROOT, ...p);

describeWithDaemon(
  "README scanning and report commands",
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
      devices.push(await startOnDefaultPorts("legacy-plc", LEGACY));
      // the README's IPv6 OPC UA server ([fd00::7]:4840), on the IPv6 loopback
      devices.push(await startOnDefaultPorts("legacy-plc", "::1", ["ssh", "snmp", "modbus"]));
      // the README's file names, from the repository's examples
      copyFileSync(at("fixtures/evidence/hardened-controller.evidence.yaml"), join(cwd, "vendor.yaml"));
      copyFileSync(at("fixtures/evidence/waivers.yaml"), join(cwd, "waivers.yaml"));
      copyFileSync(at("fixtures/advisories/example-automation-lx100.csaf.json"), join(cwd, "vendor-csaf.json"));
      mkdirSync(join(cwd, "fixtures"));
      cpSync(at("fixtures/advisories"), join(cwd, "fixtures/advisories"), { recursive: true });
    }, 60_000);
    afterAll(async () => {
      await Promise.all(devices.map((d) => d.stop()));
      rmSync(cwd, { recursive: true, force: true });
    });

    const RUN: Record<string, (text: string) => Promise<void>> = {
      async "otaudit scan 10.0.5.20"(text) {
        const r = await run(text);
        ran(r, text);
        expect(r.stdout).toMatch(/127\.0\.133\.1/);
      },
      async "otaudit scan 10.0.5.20:502 [fd00::7]:4840"(text) {
        // host:port picks the protocol whose default port it is: Modbus on the IPv4 device, OPC UA
        // on the IPv6 one (the README's fd00::7 is served here on [::1], OPC UA only)
        const r = await runOtaudit(
          substituteHosts(argvOf(text), LEGACY)
            .map((a) => a.replace("[fd00::7]", "[::1]"))
            .concat(["--json", "hostport.json"]),
          { cwd, timeoutMs: 60_000 },
        );
        ran(r, text);
        const protocols = (host: string) =>
          Object.entries(json("hostport.json").devices.find((d: { host: string }) => d.host === host).facts as Record<string, { status: string }>)
            .filter(([, f]) => f.status === "ok")
            .map(([p]) => p);
        expect(protocols(LEGACY)).toEqual(["modbus"]);
        expect(protocols("::1")).toEqual(["opcua"]);
      },
      async "otaudit scan ssh://10.0.5.20:22 opc.tcp://10.0.5.20:4840/UA/Server --json result.json"(text) {
        const r = await run(text);
        ran(r, text);
        const facts = json("result.json").devices[0].facts;
        expect(Object.keys(facts).sort()).toEqual(["opcua", "ssh"]);
        expect(facts.ssh.status).toBe("ok");
        expect(facts.opcua.status).toBe("ok");
      },
      async "otaudit scan modbus://plc-7 modbus+tls://plc-7:802 snmp://plc-7 --fail-on medium"(text) {
        const r = await run(text);
        expect(r.code, r.stderr).toBe(1); // the legacy PLC fails at medium
      },
      async "otaudit scan 10.0.5.20 --advisories vendor-csaf.json,fixtures/advisories/openssh.advisories.yaml"(text) {
        const r = await run(text);
        ran(r, text);
        expect(r.stdout).toMatch(/advisory\.version-match|EXA-SA-2025-001|version-based/);
      },
      async "otaudit scan 10.0.5.20 --format html,sarif,junit,csv,md --out reports/ --evidence vendor.yaml --waivers waivers.yaml"(text) {
        const r = await run(text);
        ran(r, text);
        for (const f of ["report.html", "report.sarif", "junit.xml", "findings.csv", "report.md"]) expect(existsSync(join(cwd, "reports", f)), f).toBe(true);
      },
    };

    it("runs exactly the README commands of this suite", () => {
      expect(Object.keys(RUN).sort()).toEqual(commandsOf("scan").sort());
    });

    // in README order: later commands use what earlier ones wrote (acceptance/result.json, plc-7.json)
    for (const text of Object.keys(RUN)) it(text, () => RUN[text]!(text), 60_000);
  },
);

describe("--deadline from the CLI", () => {
  let server: Server;
  const sockets: Socket[] = [];
  let cwd: string;
  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), "otaudit-deadline-"));
    // an SSH port that accepts and then says nothing: each probe waits for a banner
    server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  it("ends the run at the deadline, writes what was gathered, marks it interrupted; the wait in flight ends for the deadline", async () => {
    const port = (server.address() as { port: number }).port;
    const targets = [`ssh://127.0.0.1:${port}`, `ssh://127.0.0.2:${port}`];
    const r = await runOtaudit(["scan", ...targets, "--deadline", "1", "--timeout", "30000", "--concurrency", "1", "--json", "r.json"], { cwd });
    expect(r.code, r.stderr).toBe(3); // nothing could be audited
    const doc = JSON.parse(readFileSync(join(cwd, "r.json"), "utf8"));
    expect(doc.run.interrupted).toBe(true);
    // the first device was in flight: its SSH wait ended because of the deadline, not its 30 s timeout
    expect(doc.devices.map((d: { host: string }) => d.host)).toEqual(["127.0.0.1"]);
    expect(doc.devices[0].facts.ssh.error.code).not.toBe("timeout");
    expect(JSON.stringify(doc)).not.toMatch(/"status":\s*"pass"/);
  });
});
