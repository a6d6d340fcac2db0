// Issue 12 §2 (SNMP) and §6 against scripted agents: each false-pass class the first wave had, as a
// peer that behaves so. Every assertion is about behaviour (what was sent, why a wait ended, the
// outcome and its reason), never about elapsed time.
import { afterEach, describe, expect, it } from "vitest";
import { PDU, TAG, encodeCommunityMessage, encodeInteger, encodeOctetString, encodePdu, tlv, type SnmpMessage } from "../../probes/snmp/ber.js";
import { SYSTEM_GROUP } from "../../probes/snmp/oids.js";
import {
  communityResponse,
  hasCommunity,
  isDiscovery,
  responseTo,
  startFakeSnmpAgent,
  v3Plain,
  v3Report,
  type FakeAgent,
  type FakeAnswer,
} from "./fake-agent.js";
import { byRule, runSnmp } from "./helpers.js";

const HOST = "127.0.0.1";
let agent: FakeAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

async function run(script: (m: SnmpMessage, raw: Buffer) => FakeAnswer, o: Parameters<typeof runSnmp>[2] = {}) {
  agent = await startFakeSnmpAgent(script);
  return runSnmp(HOST, agent.port, { timeoutMs: 600, ...o });
}
const status = (r: Awaited<ReturnType<typeof runSnmp>>, id: string) => byRule(r.findings, id).map((f) => `${f.status}${f.reason ? `/${f.reason}` : ""}`);

describe("late community answers (an agent that answers SNMPv3 at once and v1/v2c after about a second)", () => {
  it("are awaited up to --timeout: 'public' fails, the wait ended because everything answered", async () => {
    // only the community check (GET sysDescr.0) is slow; the agent answers everything else at once
    const slowCheck = (m: SnmpMessage) => (m.pdu!.varbinds.length === 1 && m.pdu!.varbinds[0]!.oid === SYSTEM_GROUP.sysDescr ? 1000 : 0);
    const r = await run((m) => v3Plain(m) ?? (hasCommunity(m, "public") ? { reply: communityResponse(m, "slow RTU"), delayMs: slowCheck(m) } : undefined), {
      timeoutMs: 3000,
    });
    expect(r.facts!.communities.waitEnded).toBe("all-answered");
    expect(r.facts!.communities.results.filter((x) => x.accepted).map((x) => x.version)).toEqual(["v1", "v2c"]);
    expect(status(r, "snmp.community.default")).toEqual(["fail"]);
    expect(status(r, "snmp.v1v2c.enabled")).toEqual(["fail"]);
  });

  it("an answer later than --timeout is not a pass either: undetermined, the wait ended at the timeout", async () => {
    const r = await run((m) => v3Plain(m) ?? (hasCommunity(m, "public") ? { reply: communityResponse(m, "slower RTU"), delayMs: 1500 } : undefined), {
      timeoutMs: 500,
    });
    expect(r.facts!.communities.waitEnded).toBe("timeout");
    expect(r.facts!.communities.results.every((x) => !x.accepted && x.waitedFull)).toBe(true);
    expect(status(r, "snmp.community.default")).toEqual(["undetermined/no-answer"]);
    expect(status(r, "snmp.v1v2c.enabled")).toEqual(["undetermined/no-answer"]);
  });
});

describe("silence to guessed communities never proves v1/v2c disabled", () => {
  it("a v3-only agent that ignores every community: undetermined (no-answer), never pass", async () => {
    const r = await run((m) => v3Plain(m));
    expect(r.envelope.status).toBe("ok");
    expect(r.facts!.communities.waitEnded).toBe("timeout");
    expect(status(r, "snmp.v1v2c.enabled")).toEqual(["undetermined/no-answer"]);
    expect(status(r, "snmp.community.default")).toEqual(["undetermined/no-answer"]);
    expect(byRule(r.findings, "snmp.v1v2c.enabled")[0]!.message).toMatch(/silence does not prove/);
  });
});

/** Broken answers to 'public', each a framing the probe must drop (and count). */
const DROPPED: [string, (m: SnmpMessage) => FakeAnswer][] = [
  ["another request id", (m) => responseTo(m, [{ oid: SYSTEM_GROUP.sysDescr, raw: encodeOctetString("x") }], { requestId: m.pdu!.requestId + 1 })],
  ["another source port", (m) => ({ reply: communityResponse(m, "multi-homed"), fromOtherPort: true })],
  ["a Report where a Response was expected", (m) => responseTo(m, [{ oid: SYSTEM_GROUP.sysDescr, raw: encodeOctetString("x") }], { pduType: PDU.REPORT })],
  [
    "an OID arc above 2^32 (RFC 2578 §3.5)",
    (m) => rawResponse(m, tlv(0x30, Buffer.concat([tlv(TAG.OID, Buffer.from("2b06010201010181808080808000", "hex")), encodeOctetString("x")]))),
  ],
  [
    "an indefinite length (X.690 §8.1.3.6, not allowed in SNMP)",
    (m) => {
      const ok = communityResponse(m, "x");
      return Buffer.concat([Buffer.from([0x30, 0x80]), ok.subarray(2), Buffer.from([0, 0])]);
    },
  ],
  ["a truncated datagram", (m) => communityResponse(m, "truncated answer").subarray(0, 20)],
];

describe("answers that are dropped make the outcome undetermined (answer-dropped)", () => {
  for (const [what, broken] of DROPPED) {
    it(`'public' answered with ${what}`, async () => {
      const r = await run((m) => v3Plain(m) ?? (hasCommunity(m, "public") ? broken(m) : undefined));
      const f = r.facts!;
      expect(f.wire.malformedDatagrams + f.wire.unmatchedResponses + (f.wire.foreignDatagrams ?? 0)).toBeGreaterThan(0);
      expect(status(r, "snmp.community.default")).toEqual(["undetermined/answer-dropped"]);
      expect(status(r, "snmp.v1v2c.enabled")).toEqual(["undetermined/answer-dropped"]);
    });
  }
});

describe("SNMPv3 user-name enumeration", () => {
  it("usmStatsUnsupportedSecLevels for a name where unknown names get usmStatsUnknownUserNames reveals it", async () => {
    const r = await run((m) => {
      if (m.v3 && !isDiscovery(m) && m.v3.userName.toString() === "templateSHA") return v3Report(m, "1.3.6.1.6.3.15.1.1.1.0");
      return v3Plain(m);
    });
    const f = byRule(r.findings, "snmp.v3.user-enumeration")[0]!;
    expect(f.status).toBe("fail");
    expect(f.message).toMatch(/templateSHA.*usmStatsUnsupportedSecLevels/);
  });

  it("every tested name answered as unknown covers only the guessed names: undetermined, not pass", async () => {
    const r = await run((m) => v3Plain(m));
    expect(status(r, "snmp.v3.user-enumeration")).toEqual(["undetermined/unobservable"]);
  });
});

describe("write access needs proof (intrusive write-back)", () => {
  const LOCATION = encodeOctetString("hall 3");
  /** 'public' answers GETs; the SET is answered by `onSet`. */
  const writer = (onSet: (m: SnmpMessage) => Buffer) => (m: SnmpMessage) => {
    if (m.v3) return v3Plain(m);
    if (!hasCommunity(m, "public")) return undefined;
    if (m.pdu!.type === PDU.SET) return onSet(m);
    return responseTo(
      m,
      m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.oid === SYSTEM_GROUP.sysLocation ? LOCATION : encodeOctetString("plc") })),
    );
  };
  const writeStatus = async (onSet: (m: SnmpMessage) => Buffer) => {
    const r = await run(writer(onSet), { intrusive: true, pluginOptions: { "login.delayMs": "0", "login.budget": "1" } });
    return byRule(r.findings, "snmp.community.write").map((f) => `${f.status}${f.reason ? `/${f.reason}` : ""}`);
  };

  it("noError with noSuchInstance in place of the value is a refusal, not write access", async () => {
    expect(await writeStatus((m) => responseTo(m, [{ oid: SYSTEM_GROUP.sysLocation, raw: Buffer.from([TAG.NO_SUCH_INSTANCE, 0]) }]))).toEqual(["pass"]);
  });
  it("v1 noSuchName is a refusal", async () => {
    expect(
      await writeStatus((m) =>
        responseTo(
          m,
          m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.raw })),
          { errorStatus: 2, errorIndex: 1 },
        ),
      ),
    ).toEqual(["pass"]);
  });
  it("noError that echoes another value proves nothing: undetermined", async () => {
    expect(await writeStatus((m) => responseTo(m, [{ oid: SYSTEM_GROUP.sysLocation, raw: encodeOctetString("changed") }]))).toEqual(["undetermined/unparsed"]);
  });
  it("noError echoing the value written is write access", async () => {
    expect(
      await writeStatus((m) =>
        responseTo(
          m,
          m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.raw })),
        ),
      ),
    ).toEqual(["fail"]);
  });
});

describe("what a default run sends (issue 12 §6)", () => {
  const sentCommunities = () => [...new Set(agent!.received.filter((m) => !m.v3).map((m) => m.community!.toString()))];

  it("default mode: only the documented read community 'public' and the supplied ones; no GET other than sysDescr/system", async () => {
    await run((m) => v3Plain(m), { credentials: [{ protocol: "snmp", community: "operator-secret" }] });
    expect(sentCommunities().sort()).toEqual(["operator-secret", "public"]);
    expect(agent!.received.every((m) => m.pdu!.type !== PDU.SET)).toBe(true);
  });

  it("--intrusive: further defaults one at a time within --login-budget, stopping at the first accepted", async () => {
    const r = await run((m) => v3Plain(m) ?? (hasCommunity(m, "admin") ? communityResponse(m, "plc") : undefined), {
      intrusive: true,
      timeoutMs: 300,
      pluginOptions: { "login.delayMs": "0" },
    });
    expect(sentCommunities()).toEqual(["public", "private", "admin"]); // budget 3; 'admin' accepted, nothing after it
    expect(r.facts!.communities.results.filter((x) => x.accepted).map((x) => `${x.label}/${x.mode}`)).toContain("admin/intrusive");
    expect(r.facts!.communities.notTried).toEqual(expect.arrayContaining([{ label: "manager", why: expect.stringMatching(/accepted|budget/) }]));
    expect(status(r, "snmp.community.default")).toEqual(["fail"]);
  });
});

describe("data without a key", () => {
  it("a random user name that gets data at noAuthNoPriv: noauth fails", async () => {
    const r = await run((m) => {
      if (!m.v3) return undefined;
      if (isDiscovery(m)) return v3Plain(m);
      return v3Response(m);
    });
    expect(byRule(r.findings, "snmp.v3.noauth").some((f) => f.status === "fail")).toBe(true);
  });
});

/** A v1/v2c Response to `m` whose varbind list holds one raw varbind TLV. */
export function rawResponse(m: SnmpMessage, varbind: Buffer): Buffer {
  return encodeCommunityMessage(
    m.version as 0 | 1,
    m.community!,
    tlv(PDU.RESPONSE, Buffer.concat([encodeInteger(m.pdu!.requestId), encodeInteger(0), encodeInteger(0), tlv(0x30, varbind)])),
  );
}

/** A v3 noAuthNoPriv Response with a sysDescr value to a v3 request (RFC 3412 §6). */
function v3Response(m: SnmpMessage): Buffer {
  const engineId = encodeOctetString(Buffer.from("80001f8803525400abcdef", "hex"));
  const scoped = tlv(
    0x30,
    Buffer.concat([
      engineId,
      encodeOctetString(""),
      encodePdu(PDU.RESPONSE, m.pdu!.requestId, [{ oid: SYSTEM_GROUP.sysDescr, raw: encodeOctetString("open agent") }]),
    ]),
  );
  const usm = tlv(
    0x30,
    Buffer.concat([engineId, encodeInteger(1), encodeInteger(60), encodeOctetString(m.v3!.userName), encodeOctetString(""), encodeOctetString("")]),
  );
  const header = tlv(0x30, Buffer.concat([encodeInteger(m.v3!.msgId), encodeInteger(65507), encodeOctetString(Buffer.from([0])), encodeInteger(3)]));
  return tlv(0x30, Buffer.concat([encodeInteger(3), header, encodeOctetString(usm), scoped]));
}
