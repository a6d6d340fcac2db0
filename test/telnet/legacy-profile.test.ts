// The demo's legacy PLC (fixtures/profiles/legacy-plc.yaml), its cleartext services audited through
// the CLI with URL targets: every weakness fails, and the simulators' own counters show that the
// default scan typed no user name or password (Telnet), sent no real password (FTP: only the RFC 1635
// anonymous token), selected no VNC security type and sent no MQTT credentials, SUBSCRIBE or PUBLISH;
// --intrusive finds the factory accounts within the budget.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile, startProfile, type RunningDevice } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runOtaudit } from "../helpers/cli.js";

type Counters = Record<string, any>;
const MINE = ["telnet", "ftp", "vnc", "mqtt"];

describe("legacy PLC: Telnet, FTP, VNC and MQTT through the CLI", () => {
  let dir: string;
  let device: RunningDevice;
  const stats = (id: string): Counters => device.simulators.get(id)!.stats!() as Counters;
  const urls = () => device.urls.filter((u) => MINE.some((m) => u.startsWith(`${m}://`)));
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-cleartext-legacy-"));
    const mine = PLUGINS.filter((p) => MINE.includes(p.id)); // only these simulators: quick to start
    device = await startProfile(loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"), PLUGINS), mine, "127.0.0.42", dir);
  });
  afterAll(async () => {
    await device?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("default scan: each weakness fails; no password, no typed line, no type selected, no SUBSCRIBE/PUBLISH", async () => {
    const out = join(dir, "default.json");
    const r = await runOtaudit(["scan", ...urls(), "--json", out], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const findings = JSON.parse(readFileSync(out, "utf8")).devices[0].findings as { ruleId: string; status: string }[];
    const failed = new Set(findings.filter((f) => f.status === "fail").map((f) => f.ruleId));
    for (const id of [
      "telnet.cleartext",
      "telnet.auth.cleartext",
      "ftp.cleartext-login",
      "ftp.auth-tls",
      "ftp.anonymous",
      "vnc.auth.none",
      "vnc.security-types",
      "mqtt.auth.anonymous",
      "mqtt.cleartext",
    ])
      expect(failed, id).toContain(id);
    expect(stats("telnet")).toMatchObject({ usernames: 0, passwords: 0, commandsTyped: 0, agreements: 0 });
    expect(stats("ftp")).toMatchObject({ nonAnonymousPasswords: 0 });
    expect(stats("vnc")).toMatchObject({ typeSelections: 0, authResponses: 0, bytesAfterVersion: 0 });
    expect(stats("mqtt")).toMatchObject({ withUsername: 0, withPassword: 0, subscribes: 0, publishes: 0 });
  });

  it("--intrusive: the factory accounts are found within the budget", async () => {
    const out = join(dir, "intrusive.json");
    const r = await runOtaudit(["scan", ...urls(), "--intrusive", "--login-delay", "1", "--json", out], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    const findings = JSON.parse(readFileSync(out, "utf8")).devices[0].findings as { ruleId: string; status: string; evidence: Record<string, unknown> }[];
    const f = (id: string) => findings.find((x) => x.ruleId === id)!;
    expect(f("telnet.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "root" } });
    expect(f("ftp.auth.default-credentials")).toMatchObject({ status: "fail", evidence: { account: "admin" } });
    expect(f("mqtt.auth.default-credentials").status).toBe("undetermined"); // anonymous broker: nothing to prove
    expect(stats("telnet").passwords).toBeLessThanOrEqual(3);
    expect(stats("ftp").nonAnonymousPasswords).toBeLessThanOrEqual(3);
    expect(stats("mqtt").withPassword).toBe(0);
  });
});
