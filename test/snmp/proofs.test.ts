// What can prove a negative, and the legacy-provider child's lifecycle: the agent's own counters
// read with a working credential prove that unanswered community requests were rejected; counters
// that do not move prove nothing; a v1/v2c-disabled agent proves it through snmpInBadVersions; the
// MD5/DES child is killed when the run is aborted (checked from the process table).
import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { describeWithDaemon } from "../helpers/daemons.js";
import { encodeInteger, TAG, type SnmpMessage } from "../../probes/snmp/ber.js";
import { startSnmpSimulator } from "../../probes/snmp/simulator.js";
import { SnmpProfile } from "../../probes/snmp/profile.js";
import { communityResponse, hasCommunity, isDiscovery, responseTo, startFakeSnmpAgent, v3Plain, type FakeAgent } from "./fake-agent.js";
import { byRule, runSnmp } from "./helpers.js";

const HOST = "127.0.0.1";
const COUNTERS = { "1.3.6.1.2.1.11.3.0": "badVersions", "1.3.6.1.2.1.11.4.0": "badCommunityNames" } as const;
let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** An agent that answers the operator's community 'ops-secret' (with its counters) and drops every other. */
function countingAgent(counts: boolean) {
  const c = { badVersions: 0, badCommunityNames: 0 };
  return (m: SnmpMessage) => {
    if (m.v3) return v3Plain(m);
    if (!hasCommunity(m, "ops-secret")) {
      if (counts) c.badCommunityNames++; // RFC 3418 §2: a message with an unknown community is counted and dropped
      return undefined;
    }
    const vbs = m.pdu!.varbinds.map((vb) => {
      const name = COUNTERS[vb.oid as keyof typeof COUNTERS];
      return { oid: vb.oid, raw: name ? encodeInteger(c[name], TAG.COUNTER32) : Buffer.from([TAG.NO_SUCH_OBJECT, 0]) };
    });
    return vbs.some((v) => v.raw[0] === TAG.COUNTER32) ? responseTo(m, vbs) : communityResponse(m, "counting agent");
  };
}

describe("rejection proofs from the agent's counters", () => {
  it("snmpInBadCommunityNames rising by every unanswered default-community request: default community passes", async () => {
    agent = await startFakeSnmpAgent(countingAgent(true));
    const r = await runSnmp(HOST, agent.port, { timeoutMs: 400, credentials: [{ protocol: "snmp", community: "ops-secret" }] });
    expect(r.facts!.communities.proof).toMatchObject({
      via: "v2c community supplied #1",
      unansweredSent: 2,
      before: { snmpInBadCommunityNames: 0 },
      after: { snmpInBadCommunityNames: 2 },
    });
    expect(byRule(r.findings, "snmp.community.default")[0]).toMatchObject({ status: "pass", evidence: { snmpInBadCommunityNamesDelta: 2 } });
    expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]!.status).toBe("fail"); // the operator's own community works
  });

  it("counters that do not move prove nothing: undetermined, not pass", async () => {
    agent = await startFakeSnmpAgent(countingAgent(false));
    const r = await runSnmp(HOST, agent.port, { timeoutMs: 400, credentials: [{ protocol: "snmp", community: "ops-secret" }] });
    expect(r.facts!.communities.proof).toMatchObject({ unansweredSent: 2, before: { snmpInBadCommunityNames: 0 }, after: { snmpInBadCommunityNames: 0 } });
    expect(byRule(r.findings, "snmp.community.default")[0]).toMatchObject({ status: "undetermined", reason: "no-answer" });
  });

  it("an agent with v1/v2c disabled proves it through snmpInBadVersions (read with a v3 user)", async () => {
    const sim = await startSnmpSimulator(
      SnmpProfile.parse({
        versions: ["v3"],
        communities: [{ community: "public" }],
        users: [{ name: "ops", level: "authPriv", authProtocol: "sha256", authKey: "ops-auth-key", privProtocol: "aes", privKey: "ops-priv-key" }],
      }),
      { host: HOST, stateDir: mkdtempSync(join(tmpdir(), "otaudit-snmp-proof-")) },
    );
    try {
      const r = await runSnmp(HOST, Number(new URL(sim.urls[0]!).port), {
        timeoutMs: 400,
        credentials: [{ protocol: "snmp", username: "ops", authProtocol: "sha256", authKey: "ops-auth-key", privProtocol: "aes", privKey: "ops-priv-key" }],
      });
      expect(r.facts!.communities.results.every((x) => !x.accepted)).toBe(true); // 'public' exists but v1/v2c are off
      expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]).toMatchObject({ status: "pass", evidence: { snmpInBadVersionsDelta: 2, unansweredSent: 2 } });
      expect(byRule(r.findings, "snmp.community.default")[0]!.status).toBe("pass");
    } finally {
      await sim.stop();
    }
  });
});

/** Child processes of this process whose command line names the v3 worker. */
function workerChildren(): number[] {
  const out: number[] = [];
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("v3-worker")) out.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

describeWithDaemon("the MD5/DES legacy-provider child", process.platform === "linux", "finds the child process through /proc (Linux only)", () => {
  it("is killed when the run is aborted while it waits, and the probe keeps what it learned", async () => {
    // answers discovery (so the user check starts) and nothing else: the child waits on its requests
    agent = await startFakeSnmpAgent((m) => (isDiscovery(m) ? v3Plain(m) : undefined));
    const abort = new AbortController();
    const seen: number[][] = [];
    const poll = setInterval(() => {
      const w = workerChildren();
      if (w.length) {
        seen.push(w);
        abort.abort();
      }
    }, 50);
    try {
      const r = await runSnmp(HOST, agent.port, {
        timeoutMs: 2000,
        signal: abort.signal,
        credentials: [{ protocol: "snmp", username: "old", authProtocol: "md5", authKey: "old-auth-key", privProtocol: "des", privKey: "old-priv-key" }],
      });
      expect(seen.length).toBeGreaterThan(0); // the child ran
      expect(r.envelope.incomplete?.code ?? r.envelope.error?.code).toBe("aborted");
      expect(r.findings.some((f) => f.status === "pass")).toBe(false);
      // the child is gone (killed, reaped)
      await new Promise((res) => setTimeout(res, 200));
      expect(workerChildren()).toEqual([]);
    } finally {
      clearInterval(poll);
    }
  });
});
