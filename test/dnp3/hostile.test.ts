// Hostile DNP3 outstations (test/dnp3/hostile-peers.ts, 30+ cases): every case must give a
// schema-valid result, no pass the case does not warrant, a probe that ended on its own inside its
// budget (the core's cap never fired), bounded facts, and, from the peer's side, nothing but link
// status requests and READs (never a confirm, a write, an operate, a broadcast).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import dnp3 from "../../probes/dnp3/index.js";
import type { Dnp3Facts } from "../../probes/dnp3/facts.js";
import { safeText } from "../../src/report/safe-text.js";
import { DeviceResult } from "../../src/model/result.js";
import { findings, scanWith } from "./helpers.js";
import { CONTROL, HOSTILE_CASES, startHostile } from "./hostile-peers.js";

const closers: (() => Promise<void>)[] = [];
afterAll(() => Promise.all(closers.map((c) => c())));
beforeAll(async () => void (await import("../../probes/dnp3/probe.js")));

type Check = (f: Dnp3Facts | undefined, r: DeviceResult) => void;
const checks: Record<string, Check> = {
  "header CRC wrong on the link status answer": (f) => expect({ crc: f!.crcErrors, out: f!.outstation }).toEqual({ crc: 1, out: undefined }),
  "data block CRC wrong on the response": (f) => expect(f!.crcErrors).toBeGreaterThan(0),
  "link status from another outstation address": (f) => expect(f!.outstation).toBeUndefined(),
  "link status to another master address": (f) => expect(f!.anomalies.join()).toMatch(/addressed to 99/),
  "NACK instead of LINK_STATUS": (f) => expect(f!.linkStatus[0]).toMatchObject({ outcome: "nack", function: 1 }),
  "NOT_SUPPORTED instead of LINK_STATUS": (f) => expect(f!.linkStatus[0]).toMatchObject({ outcome: "not-supported" }),
  "endless transport segments, never FIN": (f) => expect(f!.requests[0]!.outcome).toBe("protocol-error"),
  "a fragment larger than 4 KiB": (f) => expect(f!.requests[0]!.detail).toMatch(/larger than 4096/),
  "transport segments out of sequence": (f) => expect(f!.anomalies.join()).toMatch(/out of sequence/),
  "response with another application sequence": (f) => expect(f!.attributes).toEqual([]),
  "IIN flood: 400 unsolicited responses instead of the answer": (f) => expect(f!.unsolicited).toBeLessThanOrEqual(512),
  "attribute length longer than the fragment": (f) => expect(f!.attributes).toEqual([]),
  "object range claims 256 attributes, carries one": (f) => expect(f!.attributes).toEqual([]),
  "control characters, escapes and bidi overrides in every attribute": (f, r) => {
    expect(Buffer.from(f!.identity.manufacturer!, "latin1")).toEqual(Buffer.from(CONTROL, "latin1")); // exact device bytes
    expect(safeText(f!.identity.manufacturer!)).not.toMatch(/[\x00\x07\x1b\u202e]/);
    expect(findings(r, "dnp3.identity.disclosed")[0]!.status).toBe("fail");
  },
  "100 tiny attributes (more than the object bound)": (f) => expect(f!.attributes.length).toBeLessThanOrEqual(32),
  "reset right after connect": (f, r) => expect({ facts: f, status: r.facts.dnp3!.status }).toEqual({ facts: undefined, status: "unreachable" }),
  "FIN after the link status answer": (f) => expect(f!.requests[0]!.outcome).toBe("closed"),
  "drip: the response one byte every 40 ms": (f) => expect(f!.requests[0]!.outcome).toBe("timeout"),
  "authentication error object (g120v7) to a READ": (f, r) => {
    expect(f!.secureAuth.status).toBe("auth-error");
    expect(findings(r, "dnp3.secure-authentication")[0]!.status).toBe("undetermined");
  },
  "g120v1 challenge too short to hold its fields": (f) => expect(f!.secureAuth.status).toBe("auth-error"),
  "response asks for an application confirm": (f) => expect(f!.requests[0]!.confirmRequested).toBe(true),
  "unsolicited response before the link status answer": (f) => expect({ u: f!.unsolicited, out: f!.outstation }).toEqual({ u: 1, out: 10 }),
  "the outstation sends its own link status request": (f) => expect(f!.outstation).toBeUndefined(),
  "SA version as a visible string '5' (not a UINT)": (f) => expect(f!.secureAuth.status).toBe("attribute-unknown"),
  "SA version attribute with no value bytes": (f) => expect(f!.secureAuth.status).toBe("attribute-unknown"),
  "a class 0 object the probe never asked for (g30v1), then attributes": (f) => expect(f!.requests[0]!.stoppedAt).toBe("g30v1 q0x00"),
};
/** passes a case legitimately shows (positive evidence was sent) */
const allowedPasses: Record<string, string[]> = {
  "response asks for an application confirm": ["dnp3.iin.anomalies"],
  "a class 0 object the probe never asked for (g30v1), then attributes": ["dnp3.iin.anomalies"],
  "SA version as a visible string '5' (not a UINT)": ["dnp3.iin.anomalies"],
  "SA version attribute with no value bytes": ["dnp3.iin.anomalies"],
  "control characters, escapes and bidi overrides in every attribute": ["dnp3.iin.anomalies"],
  "response with another application sequence": [],
  "authentication error object (g120v7) to a READ": ["dnp3.iin.anomalies"],
  "g120v1 challenge too short to hold its fields": ["dnp3.iin.anomalies"],
};

describe.concurrent("hostile DNP3 outstations", () => {
  test("the corpus has at least 25 cases", () => expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(25));
  test.each(HOSTILE_CASES)("$name", async (c) => {
    const peer = await startHostile(c);
    closers.push(() => peer.stop());
    const { result, facts } = await scanWith<Dnp3Facts>(dnp3, [`dnp3://127.0.0.1:${peer.port}`], { timeoutMs: 400, options: { "dnp3.addresses": "10" } });
    expect(() => DeviceResult.parse(result)).not.toThrow();
    expect(result.findings.filter((f) => f.status === "pass").map((f) => f.ruleId)).toEqual(allowedPasses[c.name] ?? []);
    const env = result.facts.dnp3!;
    expect(env.error?.message ?? "").not.toMatch(/did not finish within/);
    expect(env.incomplete).toBeUndefined();
    expect(JSON.stringify(result).length).toBeLessThan(200_000);
    // from the peer's side: link status requests and READs only, never a reserved address
    for (const f of peer.received) {
      expect(f.dest).toBeLessThan(0xfff0);
      expect([9, 4]).toContain(f.func);
      if (f.func === 4) expect(f.data[2]).toBe(1);
    }
    checks[c.name]?.(facts, result);
  });
});
