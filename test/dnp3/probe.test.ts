// DNP3 probe against our outstation simulator, judged from the device's side (the simulator's
// counters): link status requests, two READs of group 0, nothing else; addressing, master address,
// Secure Authentication outcomes, IIN, and the whole run through the engine's rules.
import { afterAll, describe, expect, it } from "vitest";
import dnp3 from "../../probes/dnp3/index.js";
import type { Dnp3Facts } from "../../probes/dnp3/facts.js";
import type { Dnp3SimStats } from "../../probes/dnp3/simulator.js";
import { findings, scanWith, startSim, type Sim } from "./helpers.js";

const sims: Sim<Dnp3SimStats>[] = [];
async function run(profile: unknown, options: Record<string, string> = {}) {
  const s = await startSim<Dnp3SimStats>(dnp3, profile);
  sims.push(s);
  const r = await scanWith<Dnp3Facts>(dnp3, s.urls, { timeoutMs: 400, options });
  return { ...r, stats: s.stats() };
}
afterAll(async () => void (await Promise.all(sims.map((s) => s.stop()))));

describe("DNP3 probe, from the outstation's side", () => {
  it("sends only REQUEST_LINK_STATUS and two READs of group 0 attributes: no write, operate, restart or confirm", async () => {
    const { facts, stats } = await run({ address: 1024, attributes: { "252": "ACME", "250": "RTU-1", "242": "2.0" }, saVersion: 5 });
    expect(stats.stateChanging).toBe(0);
    expect(Object.keys(stats.appFunctions)).toEqual(["1"]);
    expect(stats.appFunctions["1"]).toBe(2);
    expect(Object.keys(stats.linkFunctions).sort()).toEqual(["4", "9"]);
    expect(stats.attributesRead).toEqual([252, 250, 242, 243, 248, 247, 246, 209]);
    expect(facts!.sent.map((s) => [s.layer, s.linkFunction, s.appFunction ?? null, s.dest])).toEqual([
      ["link", 9, null, 10],
      ["link", 9, null, 1024],
      ["app", 4, 1, 1024],
      ["app", 4, 1, 1024],
    ]);
    expect(facts!.identity).toEqual({ manufacturer: "ACME", productModel: "RTU-1", softwareVersion: "2.0" });
    expect(facts!.secureAuth).toMatchObject({ status: "version-reported", version: 5 });
  });

  it("stops at the first outstation address that answers, and never sends to a broadcast address", async () => {
    const { facts, stats } = await run({ address: 10 });
    expect(facts!.addressesTried).toEqual([10]);
    expect(facts!.sent.every((s) => s.dest < 0xfff0)).toBe(true);
    expect(stats.linkFunctions["9"]).toBe(1);
  });

  it("uses --dnp3-master and --dnp3-addresses; an outstation that only answers its master stays silent to others", async () => {
    const silent = await run({ address: 7, masterAddress: 3 }, { "dnp3.addresses": "7" });
    expect(silent.facts!.outstation).toBeUndefined();
    expect(silent.facts!.error?.code).toBe("no-answer");
    expect(findings(silent.result, "dnp3.plain.exposed")[0]!.status).toBe("undetermined");
    const ok = await run({ address: 7, masterAddress: 3 }, { "dnp3.addresses": "7", "dnp3.master": "3" });
    expect(ok.facts!.outstation).toBe(7);
    expect(ok.facts!.sent.every((s) => s.src === 3)).toBe(true);
  });

  it("Secure Authentication: a challenge to a READ passes, version 2 fails, an unknown attribute stays undetermined", async () => {
    const ch = await run({ address: 10, challengeReads: true });
    expect(ch.facts!.secureAuth.status).toBe("challenge-observed");
    expect(findings(ch.result, "dnp3.secure-authentication")[0]).toMatchObject({ status: "pass" });
    expect(ch.stats.stateChanging).toBe(0); // the challenge is never answered
    const v2 = await run({ address: 10, saVersion: 2 });
    expect(findings(v2.result, "dnp3.secure-authentication")[0]).toMatchObject({ status: "fail" });
    const none = await run({ address: 10, attributes: { "252": "X" } });
    expect(none.facts!.secureAuth.status).toBe("attribute-unknown");
    expect(findings(none.result, "dnp3.secure-authentication")[0]).toMatchObject({ status: "undetermined", reason: "unobservable" });
  });

  it("records IIN from every response and unsolicited responses, never confirming them", async () => {
    const { facts, result, stats } = await run({ address: 10, iin: ["need-time", "device-trouble"], unsolicitedOnConnect: 2, attributes: { "252": "X" } });
    expect(facts!.unsolicited).toBe(2);
    expect(facts!.iin.flags).toEqual(expect.arrayContaining(["need-time", "device-trouble"]));
    expect(stats.appFunctions["0"]).toBeUndefined();
    expect(findings(result, "dnp3.iin.anomalies")[0]).toMatchObject({ status: "fail" });
  });

  it("an answer with a bad CRC is discarded and counted, never used", async () => {
    const { facts } = await run({ address: 10, fault: "bad-crc" });
    expect(facts!.crcErrors).toBeGreaterThan(0);
    expect(facts!.outstation).toBeUndefined();
  });

  it("a link layer that answers but no application response: plain exposure fails, SA and IIN undetermined", async () => {
    const { result } = await run({ address: 10, fault: "link-only" });
    expect(findings(result, "dnp3.plain.exposed")[0]!.status).toBe("fail");
    expect(findings(result, "dnp3.secure-authentication")[0]!.status).toBe("undetermined");
    expect(findings(result, "dnp3.iin.anomalies")[0]!.status).toBe("undetermined");
  });

  it("identify() gives manufacturer, product and software version for advisories", async () => {
    const { facts } = await run({ address: 10, attributes: { "252": "Grid Co", "250": "RTU-7", "242": "5.1.2", "243": "B" } });
    expect(dnp3.identify!(facts!)).toEqual([
      {
        vendor: "Grid Co",
        product: "RTU-7",
        version: "5.1.2",
        source: "dnp3 device attributes",
        raw: "g0v252=Grid Co, g0v250=RTU-7, g0v242=5.1.2, g0v243=B",
        port: facts!.port,
      },
    ]);
  });
  it("fleet signals: DNP3 is a cleartext control channel", async () => {
    const { facts } = await run({ address: 10 });
    expect(dnp3.signals!(facts!, [])).toEqual({
      cleartext: [{ scheme: "dnp3", port: facts!.port, carries: "control", detail: expect.stringMatching(/answered \(outstation 10\)/) }],
    });
  });
});
