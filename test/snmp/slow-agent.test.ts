// A slow agent (an RTU behind a cellular link, say) answers discovery in 400 ms and communities in 1 s: the community
// wait stretches to SLOW_AGENT_FACTOR x the discovery round trip, and an answer that still comes
// after the wait is counted as accepted (late), never turned into "no default community" (pass).
import dgram from "node:dgram";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PDU, TAG, decodeMessage, encodeCommunityMessage, encodeOctetString, encodePdu, encodeV3NoAuthMessage } from "../../probes/snmp/ber.js";
import { USM_UNKNOWN_ENGINE } from "../../probes/snmp/oids.js";
import { byRule, runSnmp } from "./helpers.js";

function slowAgent(delay: (m: ReturnType<typeof decodeMessage>) => number) {
  const agent = dgram.createSocket("udp4");
  agent.on("message", (buf, rinfo) => {
    let m;
    try {
      m = decodeMessage(buf);
    } catch {
      return;
    }
    let reply: Buffer | undefined;
    if (m.v3) {
      if (m.v3.engineId.length > 0) return; // only discovery is answered
      reply = encodeV3NoAuthMessage({ msgId: m.v3.msgId, engineId: Buffer.from("80001f8803525400abcdef", "hex"), engineBoots: 1, engineTime: 60, userName: "", pdu: encodePdu(PDU.REPORT, m.pdu?.requestId ?? 0, [{ oid: USM_UNKNOWN_ENGINE }]) });
    } else if (m.community?.toString() === "public" && m.pdu) {
      const varbinds = m.pdu.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.oid.startsWith("1.3.6.1.2.1.1.1") ? encodeOctetString("slow RTU") : Buffer.from([TAG.NULL, 0]) }));
      reply = encodeCommunityMessage(m.version as 0 | 1, "public", encodePdu(PDU.RESPONSE, m.pdu.requestId, varbinds));
    }
    if (reply) setTimeout(() => agent.send(reply!, rinfo.port, rinfo.address), delay(m));
  });
  return agent;
}

describe("slow SNMP agents", () => {
  let uniform: dgram.Socket;
  let lagging: dgram.Socket;
  const ports = { uniform: 0, lagging: 0 };
  beforeAll(async () => {
    // discovery in 400 ms, communities in 1000 ms: the 800 ms wait stretches to 4 x 400 ms and
    // catches 'public' inside the wait (before, it was missed and read as "no default community")
    uniform = slowAgent((m) => (m.v3 ? 400 : 1000));
    // fast discovery, but community answers 1.2 s late: after the wait, still counted
    lagging = slowAgent((m) => (m.v3 ? 5 : 1200));
    await Promise.all([uniform, lagging].map((a) => new Promise<void>((r) => a.bind(0, "127.0.0.1", () => r()))));
    ports.uniform = uniform.address().port;
    ports.lagging = lagging.address().port;
  });
  afterAll(async () => {
    await Promise.all([uniform, lagging].map((a) => new Promise<void>((r) => a.close(() => r()))));
  });

  it("stretches the community wait for an agent whose discovery round trip is slow", async () => {
    const r = await runSnmp("127.0.0.1", ports.uniform, { timeoutMs: 3000 });
    expect(r.facts!.communities.waitMs).toBeGreaterThan(800);
    const accepted = r.facts!.communities.results.filter((x) => x.accepted);
    expect(accepted.map((x) => x.label)).toContain("public");
    expect(accepted.every((x) => x.lateMs === undefined)).toBe(true); // inside the stretched wait
    expect(byRule(r.findings, "snmp.community.default")[0]!.status).toBe("fail");
  });

  it("counts a community answer that arrives after the wait as accepted (late), not as a pass", async () => {
    const r = await runSnmp("127.0.0.1", ports.lagging, { timeoutMs: 3000 });
    const late = r.facts!.communities.results.filter((x) => x.accepted && x.lateMs !== undefined);
    expect(late.length).toBeGreaterThan(0);
    expect(byRule(r.findings, "snmp.community.default").map((f) => f.status)).toContain("fail");
  });
});
