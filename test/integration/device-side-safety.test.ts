// Do no harm, proven from the device's side: a default-mode `otaudit scan` of the legacy PLC
// (all four protocols, default credentials on the device) sends no password, no Modbus write or
// diagnostics code, no SNMP SET and no OPC UA Write or Call; then the same scan with --intrusive
// does try logins, which shows the counters would have seen them.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile, startProfile, type RunningDevice } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runOtaudit } from "../helpers/cli.js";

type Counters = Record<string, any>;
const READ_ONLY_MODBUS = new Set(["1", "2", "3", "4", "17", "43"]);

describe("device-side safety of a default scan (legacy PLC, four protocols)", () => {
  let dir: string;
  let device: RunningDevice;
  const stats = (id: string): Counters => device.simulators.get(id)!.stats!() as Counters;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-safety-"));
    device = await startProfile(loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"), PLUGINS), PLUGINS, "127.0.0.41", dir);
  });
  afterAll(async () => {
    await device?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("default mode: no password, no write, no SET, no Write/Call reached the device", async () => {
    const r = await runOtaudit(["scan", ...device.urls, "--json", join(dir, "default.json")], { timeoutMs: 60_000 });
    expect(r.code).toBe(1); // the legacy PLC fails, which is the point
    const ssh = stats("ssh");
    expect(ssh.connections).toBeGreaterThan(0);
    expect(ssh.authAttempts.password).toBe(0);
    expect(ssh.authAttempts["keyboard-interactive"]).toBe(0);
    const modbus = stats("modbus");
    expect(modbus.requests).toBeGreaterThan(0);
    expect(Object.keys(modbus.byFunctionCode).filter((fc) => !READ_ONLY_MODBUS.has(fc))).toEqual([]);
    expect(modbus.writes).toBe(0);
    const snmp = stats("snmp");
    expect(snmp.datagrams).toBeGreaterThan(0);
    expect(snmp.sets).toEqual([]);
    const opcua = stats("opcua");
    expect(opcua.requests.GetEndpointsRequest).toBeGreaterThan(0);
    for (const service of ["WriteRequest", "CallRequest", "AddNodesRequest", "DeleteNodesRequest", "HistoryUpdateRequest"])
      expect(opcua.requests[service] ?? 0, service).toBe(0);
    expect(opcua.auth.activateOk + opcua.auth.activateFailed).toBe(0); // no username was tried
  });

  it("--intrusive: the same counters see the paced login attempts (and still no write without --modbus-write)", async () => {
    const r = await runOtaudit(["scan", ...device.urls, "--intrusive", "--login-delay", "50", "--json", join(dir, "intrusive.json")], { timeoutMs: 90_000 });
    expect(r.stderr).toMatch(/--intrusive/);
    expect([0, 1]).toContain(r.code);
    expect(stats("ssh").authAttempts.password).toBeGreaterThan(0);
    expect(stats("ssh").authAttempts.password).toBeLessThanOrEqual(3); // the login budget
    expect(stats("modbus").writes).toBe(0);
  });
});
