// Review regressions for the SNMP probe (honesty, secrets):
// (1) an agent that answers discovery but never the random user name cannot show whether names are
//     revealed: undetermined (no-answer; second wave: silence is undetermined, not error), not pass; (2) an intrusive run whose write test did not run (or left an
//     accepted community untested) is an error, not "needs --intrusive"/not applicable;
// (3) net-snmp's digest-mismatch message (an HMAC computed with the user's key) never reaches facts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import snmpPlugin from "../../probes/snmp/index.js";
import { SnmpFacts } from "../../probes/snmp/facts.js";
import { netSnmpReason } from "../../probes/snmp/v3.js";
import { runRules } from "../../src/engine/rules.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import { byRule, runSnmp } from "../snmp/helpers.js";
import { discoveryReport, isDiscovery, startFakeSnmpAgent, type FakeAgent } from "../snmp/fake-agent.js";

function facts(over: Partial<SnmpFacts> = {}): SnmpFacts {
  return SnmpFacts.parse({
    endpoint: "snmp://192.0.2.1:161",
    engine: { answered: true, engineId: "80001f8803525400123456", enterprise: 8072 },
    communities: { ran: true, candidates: 7, waitMs: 800, results: [{ label: "public", source: "default", version: "v2c", accepted: true }] },
    v3Users: [],
    userNames: { ran: true, unknownNameReport: true, names: [] },
    wire: { malformedDatagrams: 0, unmatchedResponses: 0, portUnreachable: false },
    ...over,
  });
}

function rule(data: SnmpFacts, id: string, intrusive = false) {
  const envelope: FactsEnvelope = {
    protocol: "snmp",
    status: "ok",
    endpoints: [],
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    probeVersion: snmpPlugin.version,
    data,
  };
  return runRules(snmpPlugin, envelope, { host: "192.0.2.1", intrusive, credentialed: false }).filter((f) => f.ruleId === id);
}

describe("review: SNMPv3 user-name check without an answer for the random name", () => {
  let agent: FakeAgent;
  let port = 0;
  const seen = { discovery: 0, names: 0 };
  beforeAll(async () => {
    agent = await startFakeSnmpAgent((m) => {
      if (!m.v3) return undefined; // communities: silently dropped (all wrong)
      if (!isDiscovery(m)) {
        seen.names++; // user-name probes: never answered
        return undefined;
      }
      seen.discovery++;
      return discoveryReport(m, "80001f8803525400abcdef");
    });
    port = agent.port;
  });
  afterAll(() => agent.close());

  it("records the missing answer and the rule says undetermined (could not tell), never pass", async () => {
    const r = await runSnmp("127.0.0.1", port, { timeoutMs: 400 });
    expect(r.envelope.status).toBe("ok");
    expect(seen.discovery).toBe(1);
    expect(seen.names).toBeGreaterThan(1); // the random name and the default names were asked
    expect(r.facts!.userNames.unknownNameReport).toBe(false);
    expect(r.facts!.userNames.error).toMatch(/no answer for a random user name/);
    expect(byRule(r.findings, "snmp.v3.user-enumeration")[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
  });
});

describe("review: SNMP write test honesty (intrusive runs)", () => {
  it("no write test in an intrusive run -> error, not 'needs --intrusive'", () => {
    expect(rule(facts(), "snmp.community.write", true)[0]).toMatchObject({ status: "error" });
  });
  it("a community accepted late (after the wait) and so never write-tested -> error, not pass", () => {
    const f = facts({
      communities: { ran: true, candidates: 7, waitMs: 800, results: [{ label: "public", source: "default", version: "v2c", accepted: true, lateMs: 1200 }] },
      writeTests: [],
    });
    expect(rule(f, "snmp.community.write", true).map((x) => x.status)).toEqual(["error"]);
  });
  it("an accepted community left untested (run aborted) -> error for it", () => {
    const f = facts({
      writeTests: [{ label: "public", source: "default", version: "v2c", oid: "1.3.6.1.2.1.1.6.0", outcome: "not-tested", detail: "not tried: run aborted" }],
    });
    expect(rule(f, "snmp.community.write", true)[0]).toMatchObject({ status: "error" });
  });
});

describe("review: SNMPv3 error texts carry no key-derived material", () => {
  it("the digest-mismatch message is replaced; long hex runs are elided", () => {
    const digestError = Object.assign(
      new Error("Authentication digest 0a1b2c3d4e5f60718293a4b5 received in message does not match digest ffeeddccbbaa998877665544 calculated for message"),
      { name: "ResponseInvalidError" },
    );
    const text = netSnmpReason(digestError);
    expect(text).not.toMatch(/[0-9a-f]{16,}/i);
    expect(text).toMatch(/digest does not match/);
    expect(netSnmpReason(new Error("Failed to decrypt PDU: 00112233445566778899aabbccddeeff"))).toBe("Failed to decrypt PDU: <hex>");
    expect(netSnmpReason(new Error("Wrong digests"))).toBe("Wrong digests");
  });
});
