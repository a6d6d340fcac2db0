// A legacy SNMP agent that speaks only v1/v2c ignores the SNMPv3 engine discovery of the sweep's
// discovery step; the sweep must still audit it (and find its default community), as `scan HOST`
// does. Runs a tiny v2c-only agent on 127.0.121.1:161 (root on loopback).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communityResponse, hasCommunity, startFakeSnmpAgent, type FakeAgent } from "../snmp/fake-agent.js";
import { runOtaudit } from "../helpers/cli.js";

const HOST = "127.0.121.1";
const IS_ROOT = process.getuid?.() === 0;

describe.skipIf(!IS_ROOT)("sweep finds a v1/v2c-only SNMP agent [needs root for port 161]", () => {
  let agent: FakeAgent;
  let dir: string;
  const seen = { v3: 0, community: 0 };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-sweep-v2c-"));
    agent = await startFakeSnmpAgent(
      (m) => {
        if (m.v3) {
          seen.v3++; // an old v1/v2c-only stack: SNMPv3 is silently dropped
          return undefined;
        }
        seen.community++;
        return hasCommunity(m, "public") ? communityResponse(m, "Legacy RTU v1/v2c only") : undefined; // wrong community: no answer
      },
      { host: HOST, port: 161 },
    );
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
    const device = doc.devices[0];
    expect(device.facts.discovery.data.snmpEngine?.state).not.toBe("answered");
    expect(device.facts.snmp.status).toBe("ok");
    const community = device.findings.find((f: { ruleId: string; status: string }) => f.ruleId === "snmp.community.default" && f.status === "fail");
    expect(community?.message).toMatch(/'public'/);
    expect(seen.v3).toBeGreaterThan(0);
  });
});
