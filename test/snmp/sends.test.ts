// What `otaudit rules --sends` (and the README) says the SNMP probe sends in a default run is what
// it really sends, seen from the device's side: the community strings of its v1/v2c GETs and the
// user names of its noAuthNoPriv GETs (src/plugin.ts CheckDecl.sends, issue 12 §6).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snmpPlugin from "../../probes/snmp/index.js";
import { communityResponse, hasCommunity, startFakeSnmpAgent, discoveryReport, isDiscovery, type FakeAgent } from "./fake-agent.js";
import { runSnmp } from "./helpers.js";

const HOST = "127.0.0.1";

describe("SNMP default run: the declared values are the ones on the wire", () => {
  const communities = new Set<string>();
  const userNames = new Set<string>();
  let agent: FakeAgent;
  beforeAll(async () => {
    agent = await startFakeSnmpAgent((m) => {
      if (m.v3) {
        if (isDiscovery(m)) return discoveryReport(m);
        userNames.add(m.v3.userName.toString());
        return undefined;
      }
      communities.add(m.community!.toString());
      return hasCommunity(m, "public") ? communityResponse(m, "sends test agent") : undefined;
    });
  });
  afterAll(() => agent?.close());

  it("communities and v3 user names sent equal the checks' declared values (no credentials supplied)", async () => {
    const r = await runSnmp(HOST, agent.port, { timeoutMs: 1000 });
    expect(r.envelope.status).toBe("ok");
    const declared = (id: string) => snmpPlugin.checks.find((c) => c.id === id)!.sends!();
    expect([...communities].sort()).toEqual([...declared("snmp.communities")].sort());
    const [randomPattern, ...defaults] = declared("snmp.v3.usernames");
    expect(randomPattern).toBe("otaudit-<12 random hex digits>");
    const random = [...userNames].filter((n) => /^otaudit-[0-9a-f]{12}$/.test(n));
    expect(random).toHaveLength(1);
    expect([...userNames].filter((n) => !random.includes(n)).sort()).toEqual([...defaults].sort());
  });
});
