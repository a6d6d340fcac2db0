// Probe + rules against the Telnet simulator on loopback: a legacy device with a login and a
// factory-default account, a password-only device, and a console without any login. The
// simulator's counters prove a default run types nothing and refuses every option, and that
// --intrusive stays within the budget and types no command after a login; record -> simulate; CLI.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import telnet from "../../probes/telnet/index.js";
import type { TelnetFacts } from "../../probes/telnet/facts.js";
import { TelnetSimProfile } from "../../probes/telnet/profile.js";
import type { TelnetSimulatorStats } from "../../probes/telnet/simulator.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { runOtaudit } from "../helpers/cli.js";
import { auditUrls, finding } from "../vnc/kit.js";

const stateDir = mkdtempSync(join(tmpdir(), "otaudit-telnet-sim-"));
const running: RunningSimulator[] = [];
const start = async (p: unknown) => {
  const sim = await telnet.simulator!.start(TelnetSimProfile.parse(p), { host: "127.0.0.1", stateDir });
  running.push(sim);
  return sim;
};
const stats = (s: RunningSimulator) => s.stats!() as TelnetSimulatorStats;
const FAST = { timeoutMs: 1500, options: { "login.delayMs": "0" } };
let legacy: RunningSimulator, pinOnly: RunningSimulator, console_: RunningSimulator;

beforeAll(async () => {
  legacy = await start({
    banner: ["", "Example Automation LX-100 (firmware 2.4.1)", ""],
    loginPrompt: "lx100 login: ",
    commandPrompt: "lx100# ",
    accounts: [{ username: "root", password: "root" }],
  });
  pinOnly = await start({
    negotiate: [{ verb: "WILL", option: 1 }],
    passwordOnly: true,
    passwordPrompt: "Password: ",
    accounts: [{ username: "-", password: "4711" }],
  });
  console_ = await start({ negotiate: [], banner: ["RTU-7 maintenance console"], loginPrompt: null, commandPrompt: "RTU-7> " });
});
afterAll(() => Promise.all(running.map((s) => s.stop())));

describe("legacy device with a login prompt", () => {
  it("default mode: cleartext and cleartext-login failures; nothing typed, every option refused", async () => {
    const d = await auditUrls(telnet, legacy.urls, FAST);
    expect(finding(d, "telnet.cleartext").status).toBe("fail");
    expect(finding(d, "telnet.auth.cleartext").message).toMatch(/login prompt \("lx100 login: "\)/);
    expect(telnet.identify!(d.facts.telnet!.data as TelnetFacts)[0]!.text).toBe("Example Automation LX-100 (firmware 2.4.1)");
    expect(stats(legacy)).toMatchObject({ connections: 1, usernames: 0, passwords: 0, commandsTyped: 0, refusals: 3, agreements: 0 });
  });

  it("--intrusive: the second entry (root/root) is found; two passwords sent, no command typed", async () => {
    const d = await auditUrls(telnet, legacy.urls, { ...FAST, intrusive: true });
    expect(finding(d, "telnet.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "root", entry: "generic-root-root" } });
    expect(stats(legacy)).toMatchObject({ passwords: 2, logins: 1, commandsTyped: 0 });
  });
});

describe("password-only device and a console without login", () => {
  it("password-only: the budget of 3 is rejected cleanly: pass; each try sent one password, no user name", async () => {
    const d = await auditUrls(telnet, pinOnly.urls, { ...FAST, intrusive: true });
    expect(finding(d, "telnet.auth.default-credentials")).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/3 known default credentials rejected/),
    });
    expect(stats(pinOnly)).toMatchObject({ passwords: 3, usernames: 0, logins: 0 });
  });

  it("a console without login: critical, and --intrusive tries nothing", async () => {
    const d = await auditUrls(telnet, console_.urls, { ...FAST, intrusive: true });
    expect(finding(d, "telnet.auth.cleartext")).toMatchObject({ status: "fail", severity: "critical" });
    expect(finding(d, "telnet.auth.default-credentials")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(stats(console_)).toMatchObject({ commandsTyped: 0, usernames: 0, passwords: 0 });
  });
});

describe("record -> simulate, and the CLI", () => {
  it("profileFromFacts reproduces the same findings", async () => {
    for (const sim of [legacy, pinOnly, console_]) {
      const first = await auditUrls(telnet, sim.urls, FAST);
      const replica = await start(telnet.profileFromFacts!(first.facts.telnet!.data as TelnetFacts));
      const second = await auditUrls(telnet, replica.urls, FAST);
      expect(second.findings.map((f) => [f.ruleId, f.status, f.message.replace(/\d{4,5}/g, "PORT")])).toEqual(
        first.findings.map((f) => [f.ruleId, f.status, f.message.replace(/\d{4,5}/g, "PORT")]),
      );
    }
  });

  it("otaudit scan telnet://... exits 1", async () => {
    const out = join(stateDir, "telnet.json");
    const r = await runOtaudit(["scan", legacy.urls[0]!, "--json", out, "--timeout", "1500"]);
    expect(r.code).toBe(1);
    expect(JSON.parse(readFileSync(out, "utf8")).devices[0].findings.find((f: { ruleId: string }) => f.ruleId === "telnet.cleartext").status).toBe("fail");
  });
});
