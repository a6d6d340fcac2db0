// A slow agent (an RTU behind a cellular link, say) answers discovery in 400 ms and communities in 1 s: the community
// wait stretches to SLOW_AGENT_FACTOR x the discovery round trip, and an answer that still comes
// after the wait is counted as accepted (late), never turned into "no default community" (pass).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { communityResponse, discoveryReport, hasCommunity, isDiscovery, startFakeSnmpAgent, type FakeAgent } from "./fake-agent.js";
import { byRule, runSnmp } from "./helpers.js";

/** Answers discovery after `discoveryMs` and community 'public' after `communityMs`; nothing else. */
function slowAgent(discoveryMs: number, communityMs: number): Promise<FakeAgent> {
  return startFakeSnmpAgent((m) => {
    if (isDiscovery(m)) return { reply: discoveryReport(m), delayMs: discoveryMs };
    if (hasCommunity(m, "public")) return { reply: communityResponse(m, "slow RTU"), delayMs: communityMs };
    return undefined;
  });
}

describe("slow SNMP agents", () => {
  let uniform: FakeAgent;
  let lagging: FakeAgent;
  beforeAll(async () => {
    // discovery in 400 ms, communities in 1000 ms: the 800 ms wait stretches to 4 x 400 ms and
    // catches 'public' inside the wait (before, it was missed and read as "no default community")
    uniform = await slowAgent(400, 1000);
    // fast discovery, but community answers 1.2 s late: after the wait, still counted
    lagging = await slowAgent(5, 1200);
  });
  afterAll(() => Promise.all([uniform?.close(), lagging?.close()]));

  it("stretches the community wait for an agent whose discovery round trip is slow", async () => {
    const r = await runSnmp("127.0.0.1", uniform.port, { timeoutMs: 3000 });
    expect(r.facts!.communities.waitMs).toBeGreaterThan(800);
    const accepted = r.facts!.communities.results.filter((x) => x.accepted);
    expect(accepted.map((x) => x.label)).toContain("public");
    expect(accepted.every((x) => x.lateMs === undefined)).toBe(true); // inside the stretched wait
    expect(byRule(r.findings, "snmp.community.default")[0]!.status).toBe("fail");
  });

  it("counts a community answer that arrives after the wait as accepted (late), not as a pass", async () => {
    const r = await runSnmp("127.0.0.1", lagging.port, { timeoutMs: 3000 });
    const late = r.facts!.communities.results.filter((x) => x.accepted && x.lateMs !== undefined);
    expect(late.length).toBeGreaterThan(0);
    expect(byRule(r.findings, "snmp.community.default").map((f) => f.status)).toContain("fail");
  });
});
