// A legacy SNMP agent that speaks only v1/v2c ignores the SNMPv3 engine discovery of the sweep's
// discovery step; the sweep must still audit it (and find its default community), as `scan HOST`
// does. Two tests of the same claim: (1) without root, the sweep's own code (runSweep: discovery,
// endpoint choice, probes, store) with the SNMP plugin's default port moved to an ephemeral one;
// (2) the built CLI against an agent on 127.0.121.1:161, which needs root (skipUnless: a visible
// reason locally, a failure under CI=true).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snmpPlugin from "../../probes/snmp/index.js";
import { silentLogger } from "../../src/log.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { ProtocolPlugin } from "../../src/plugin.js";
import { SweepStore } from "../../src/store/store.js";
import { runSweep } from "../../src/sweep/run.js";
import { communityResponse, hasCommunity, startFakeSnmpAgent, type FakeAgent } from "../snmp/fake-agent.js";
import { runOtaudit } from "../helpers/cli.js";
import { describeWithDaemon } from "../helpers/daemons.js";

const IS_ROOT = process.getuid?.() === 0;

/** An old v1/v2c-only stack: SNMPv3 is silently dropped, a wrong community gets no answer. */
async function v2cOnlyAgent(host: string, port: number, seen: { v3: number; community: number }): Promise<FakeAgent> {
  return startFakeSnmpAgent(
    (m) => {
      if (m.v3) {
        seen.v3++;
        return undefined;
      }
      seen.community++;
      return hasCommunity(m, "public") ? communityResponse(m, "Legacy RTU v1/v2c only") : undefined;
    },
    { host, port },
  );
}

function expectAuditedWithDefaultCommunity(device: DeviceResult, seen: { v3: number; community: number }): void {
  const discovery = device.facts.discovery?.data as { snmpEngine?: { state?: string } };
  expect(discovery.snmpEngine?.state).not.toBe("answered");
  expect(device.facts.snmp?.status).toBe("ok");
  const community = device.findings.find((f) => f.ruleId === "snmp.community.default" && f.status === "fail");
  expect(community?.message).toMatch(/'public'/);
  expect(seen.v3).toBeGreaterThan(0); // the engine discovery was sent, and ignored
  expect(seen.community).toBeGreaterThan(0);
}

describe("sweep finds a v1/v2c-only SNMP agent on a non-default port (no root needed)", () => {
  const HOST = "127.0.0.1";
  const seen = { v3: 0, community: 0 };
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await v2cOnlyAgent(HOST, 0, seen);
  });
  afterAll(() => agent?.close());

  it("runSweep audits SNMP although the engine discovery got no answer, and names the default community", async () => {
    const plugin: ProtocolPlugin = { ...snmpPlugin, defaultPorts: [{ scheme: "snmp", port: agent.port }] };
    const store = new SweepStore(":memory:");
    try {
      const sweep = store.createSweep("v2c-only", [{ host: HOST, source: "test" }], { intrusive: false, protocols: ["snmp"], failOn: "high" });
      const done: DeviceResult[] = [];
      await runSweep({
        audit: { plugins: [plugin], timeoutMs: 1000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log: silentLogger() },
        politeness: { concurrency: 1, zoneLimits: new Map(), giveUpAfter: 3, backoffBaseMs: 100 },
        discoveryTimeoutMs: 500,
        store,
        sweepId: sweep.id,
        targets: [{ host: HOST, source: "test" }],
        onDeviceDone: (d) => done.push(d),
      });
      expect(done).toHaveLength(1);
      expectAuditedWithDefaultCommunity(done[0]!, seen);
      expect(store.devices(sweep.id)).toHaveLength(1); // committed to the store as it completed
    } finally {
      store.close();
    }
  });
});

describeWithDaemon("sweep CLI finds a v1/v2c-only SNMP agent on port 161", IS_ROOT, "needs root to bind 127.0.121.1:161", () => {
  const HOST = "127.0.121.1";
  const seen = { v3: 0, community: 0 };
  let agent: FakeAgent;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-v2c-"));
    agent = await v2cOnlyAgent(HOST, 161, seen);
  });
  afterAll(async () => {
    await agent?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("audits SNMP although the engine discovery got no answer, and names the default community", async () => {
    const json = join(dir, "r.json");
    const r = await runOtaudit(["sweep", HOST, "--protocols", "snmp", "--json", json, "--no-progress", "--timeout", "1000"], { timeoutMs: 60_000 });
    expect([0, 1]).toContain(r.code);
    const doc = JSON.parse(readFileSync(json, "utf8"));
    expectAuditedWithDefaultCommunity(doc.devices[0], seen);
  });
});
