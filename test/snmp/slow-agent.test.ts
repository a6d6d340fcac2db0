// A slow agent (an RTU behind a cellular link, say) answers discovery in 400 ms and communities in
// 1 s: every request is listened for up to --timeout (udp.ts window contract), so a slow answer is
// an answer, and an agent answering SNMPv3 at once and v1/v2c late is not read as "no default
// community" (the first wave's false pass). Assertions are about why the wait ended, not time.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communityResponse, hasCommunity, isDiscovery, startFakeSnmpAgent, v3Plain, type FakeAgent } from "./fake-agent.js";
import { byRule, runSnmp } from "./helpers.js";

/** Answers discovery after `discoveryMs`, other v3 at once, the community check with 'public' after `communityMs`. */
function slowAgent(discoveryMs: number, communityMs: number): Promise<FakeAgent> {
  return startFakeSnmpAgent((m) => {
    if (isDiscovery(m)) return { reply: v3Plain(m)!, delayMs: discoveryMs };
    if (m.v3) return v3Plain(m);
    // the community check (GET sysDescr.0 alone) is slow; later reads are answered at once
    const check = m.pdu!.varbinds.length === 1 && m.pdu!.varbinds[0]!.oid === "1.3.6.1.2.1.1.1.0";
    if (hasCommunity(m, "public")) return { reply: communityResponse(m, "slow RTU"), delayMs: check ? communityMs : 0 };
    return undefined;
  });
}

describe("slow SNMP agents", () => {
  let uniform: FakeAgent;
  let lagging: FakeAgent;
  beforeAll(async () => {
    uniform = await slowAgent(400, 1000);
    lagging = await slowAgent(5, 1200);
  });
  afterAll(() => Promise.all([uniform?.close(), lagging?.close()]));

  it("waits for a slow agent's community answers: accepted inside the wait, which ended because all answered", async () => {
    const r = await runSnmp("127.0.0.1", uniform.port, { timeoutMs: 3000 });
    expect(r.facts!.communities.waitEnded).toBe("all-answered");
    const accepted = r.facts!.communities.results.filter((x) => x.accepted);
    expect(accepted.map((x) => x.label)).toContain("public");
    expect(accepted.every((x) => x.lateMs === undefined)).toBe(true);
    expect(byRule(r.findings, "snmp.community.default")[0]!.status).toBe("fail");
  });

  it("v3 answered at once and v1/v2c 1.2 s later: still awaited (the user-name Reports do not end the wait)", async () => {
    const r = await runSnmp("127.0.0.1", lagging.port, { timeoutMs: 3000 });
    expect(r.facts!.userNames.unknownNameReport).toBe(true); // v3 answered quickly
    expect(r.facts!.communities.waitEnded).toBe("all-answered");
    expect(byRule(r.findings, "snmp.community.default").map((f) => f.status)).toEqual(["fail"]);
  });
});
