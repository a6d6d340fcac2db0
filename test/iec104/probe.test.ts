// IEC 60870-5-104 probe against our station simulator, judged from the station's side: exactly one
// TESTFR act per connection, never STARTDT, STOPDT, an interrogation or a command; IEC 62351-3 TLS with
// and without client authentication; the rules on what was seen.
import { afterAll, describe, expect, it } from "vitest";
import iec104 from "../../probes/iec104/index.js";
import type { Iec104Facts } from "../../probes/iec104/facts.js";
import type { Iec104SimStats } from "../../probes/iec104/simulator.js";
import { findings, scanWith, startSim, type Sim } from "../dnp3/helpers.js";

const sims: Sim<Iec104SimStats>[] = [];
async function run(profile: unknown) {
  const s = await startSim<Iec104SimStats>(iec104, profile);
  sims.push(s);
  const r = await scanWith<Iec104Facts>(iec104, s.urls, { timeoutMs: 800 });
  return { ...r, stats: s.stats() };
}
afterAll(async () => void (await Promise.all(sims.map((s) => s.stop()))));
const status = (r: Awaited<ReturnType<typeof run>>["result"], id: string) => findings(r, id).map((f) => f.status);

describe("IEC 104 probe, from the station's side", () => {
  it("plain and mutual TLS: one TESTFR act per connection, nothing else; TLS proven by the certificate alert", async () => {
    const { facts, stats, result } = await run({ tls: { requireClientCert: true } });
    expect(stats.u).toEqual({ "TESTFR act": 1 });
    expect({ s: stats.s, i: stats.iTypeIds, commands: stats.commands }).toEqual({ s: 0, i: [], commands: 0 });
    expect(facts!.plain[0]).toMatchObject({ testfr: "testfr-con", sent: ["TESTFR act"] });
    expect(facts!.tls[0]).toMatchObject({ proof: "client-certificate-alert" });
    expect(status(result, "iec104.plain.exposed")).toEqual(["fail"]);
    expect(status(result, "iec104.tls.absent")).toEqual(["pass"]);
    expect(status(result, "iec104.tls.client-auth")).toEqual(["pass"]);
  });

  it("TLS without client certificates: TESTFR act inside TLS is confirmed, client-auth fails, TLS 1.2 AEAD passes", async () => {
    const { facts, stats, result } = await run({ plain: false, tls: { requireClientCert: false, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" } });
    expect(stats.tlsSessions).toBe(1);
    expect(stats.u).toEqual({ "TESTFR act": 1 });
    expect(facts!.tls[0]).toMatchObject({ proof: "handshake-completed", protocol: "TLSv1.2", testfr: "testfr-con" });
    expect(facts!.tls[0]!.certificate?.subject).toMatch(/IEC 104 station/);
    expect(status(result, "iec104.tls.client-auth")).toEqual(["fail"]);
    expect(status(result, "iec104.tls.weak")).toEqual(["pass"]);
    expect(status(result, "iec104.plain.exposed")).toEqual(["pass"]); // 2404 refused
  });

  it("TLS 1.0 only: weak version fails", async () => {
    const { result } = await run({ plain: false, tls: { requireClientCert: false, minVersion: "TLSv1", maxVersion: "TLSv1" } });
    expect(findings(result, "iec104.tls.weak").map((f) => [f.status, f.message])).toEqual([
      ["fail", expect.stringMatching(/TLSv1 \(IEC 62351-3 requires TLS 1.2/)],
    ]);
  });

  it("a station that hangs up on TESTFR is not judged; I-frames before STARTDT are an anomaly", async () => {
    const closed = await run({ fault: "close-on-testfr" });
    expect(status(closed.result, "iec104.plain.exposed")).toEqual(["undetermined"]);
    expect(status(closed.result, "iec104.tls.absent")).toEqual(["fail"]); // 19998 refused (companion)
    const early = await run({ fault: "i-frames-before-startdt" });
    expect(early.facts!.plain[0]!.anomalies.join()).toMatch(/before STARTDT/);
    expect(early.facts!.plain[0]!.received.typeIds).toEqual([1]);
  });

  it("no identity is claimed (none is observable without STARTDT and an interrogation)", async () => {
    expect(iec104.identify).toBeUndefined();
  });
  it("fleet signals: plain IEC 104 is a cleartext control channel; the TLS certificate is a key", async () => {
    const { facts } = await run({ tls: { requireClientCert: false } });
    const s = iec104.signals!(facts!, []);
    expect(s.cleartext).toEqual([{ scheme: "iec104", port: facts!.plain[0]!.port, carries: "control", detail: expect.stringMatching(/confirmed TESTFR/) }]);
    expect(s.keys).toEqual([expect.objectContaining({ kind: "x509-certificate", scheme: "iec104+tls", fingerprint: facts!.tls[0]!.certificate!.sha256 })]);
  });
});
