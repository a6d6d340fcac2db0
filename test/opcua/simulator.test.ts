// The profile-driven OPC UA simulator: the opcua sections of the demo profiles validate, the
// simulator serves what the legacy profile says, keeps its PKI under the given stateDir, and
// counts requests by service (device-side proof that a default probe sends no Write).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { auditDevice } from "../../src/engine/audit.js";
import type { RunningSimulator } from "../../src/plugin.js";
import type { OpcuaFacts } from "../../probes/opcua/facts.js";

const profilesDir = fileURLToPath(new URL("../../fixtures/profiles/", import.meta.url));
const section = (file: string) => plugin.simulator!.profileSchema.parse((parseYaml(readFileSync(join(profilesDir, file), "utf8")) as { opcua: unknown }).opcua);
const stateDir = mkdtempSync(join(tmpdir(), "otaudit-opcua-sim-"));
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await plugin.simulator!.start(section("legacy-plc.yaml"), { host: "127.0.0.1", stateDir });
}, 60_000);
afterAll(async () => {
  await sim?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("opcua simulator", () => {
  it("both demo profiles have a valid opcua section", () => {
    expect(section("hardened-controller.yaml")).toMatchObject({ anonymous: false, securityModes: ["SignAndEncrypt"] });
    expect(section("legacy-plc.yaml")).toMatchObject({ anonymous: true, autoAcceptUnknownCertificates: true });
  });

  it("serves the legacy profile: the probe finds its weaknesses, and the device saw no Write", async () => {
    const url = sim.urls[0]!;
    const port = Number(/:(\d+)/.exec(url.slice("opc.tcp://".length))![1]);
    const r = await auditDevice(
      {
        host: "127.0.0.1",
        address: "127.0.0.1",
        endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port, transport: "tcp", url, explicit: true }],
      },
      { plugins: [plugin], timeoutMs: 4000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log: pino({ level: "silent" }) },
    );
    const failed = new Set(r.findings.filter((f) => f.status === "fail").map((f) => f.ruleId));
    for (const id of [
      "opcua.security-policy.none",
      "opcua.security-policy.deprecated",
      "opcua.user-token.anonymous",
      "opcua.trust.unknown-client-certificate",
      "opcua.auditing.disabled",
      "opcua.anonymous.writable-variables",
    ]) {
      expect(failed, id).toContain(id);
    }
    const facts = r.facts.opcua!.data as OpcuaFacts;
    expect(facts.serverInfo).toMatchObject({ productName: "LX-100 OPC UA server", softwareVersion: "2.4.1" });
    expect(facts.anonymousBrowse?.writable.map((v) => v.nodeId)).toContain("ns=1;s=Device.Setpoint");
    const stats = sim.stats!() as { requests: Record<string, number> };
    expect(stats.requests.GetEndpointsRequest).toBeGreaterThan(0);
    expect(stats.requests.WriteRequest ?? 0).toBe(0);
    expect(stats.requests.CallRequest ?? 0).toBe(0);
  }, 30_000);

  it("keeps its PKI under the stateDir it was given", () => {
    const dirs = readdirSync(stateDir);
    expect(dirs.some((d) => d.startsWith("opcua-sim-"))).toBe(true);
  });
});
