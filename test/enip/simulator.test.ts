// EtherNet/IP probe vs our simulator, judged from the device's side (its counters): a default run
// sends ListIdentity (TCP and UDP), ListServices, RegisterSession, Get_Attribute_Single reads of the
// CIP Security object and UnRegisterSession, nothing else (no Set, no Forward_Open, no write); the
// verdicts follow the CIP Security state and what answers on 2221/2222.
import { afterAll, describe, expect, test } from "vitest";
import { scan, startSim, statuses, type Sim } from "./helpers.js";

const sims: Sim[] = [];
afterAll(() => Promise.all(sims.map((s) => s.stop())));
const start = async (p: unknown, o: { port?: number } = {}) => {
  const s = await startSim(p, o);
  sims.push(s);
  return s;
};

function onlyReads(sim: Sim): void {
  const st = sim.stats();
  expect(st.nonReadServices).toBe(0);
  expect(Object.keys(st.commands).every((c) => ["0x0063", "0x0004", "0x0065", "0x006f", "0x0066"].includes(c))).toBe(true);
  expect(Object.keys(st.cipRequests).every((k) => k.startsWith("0xe/93/1/"))).toBe(true);
  expect(st.sessionsUnregistered).toBe(st.sessionsRegistered);
}

describe.concurrent("EtherNet/IP against the simulator", () => {
  test("a controller without CIP Security: identity decoded bit by bit, CIP Security fails with the object's and 2221's answers in evidence", async () => {
    const sim = await start({
      identity: {
        vendorId: 1,
        deviceType: 14,
        productCode: 55,
        revision: "20.11",
        status: 0x0f65,
        serialNumber: "c0ffee01",
        productName: "1756-L61/B LOGIX5561",
        state: 3,
      },
    });
    const { result, facts } = await scan([sim.url]);
    const id = facts!.listIdentity.identity!;
    expect(id).toMatchObject({
      vendorName: "Rockwell Automation/Allen-Bradley",
      deviceTypeName: "Programmable Logic Controller",
      productCode: 55,
      revision: "20.11",
      serialNumber: "c0ffee01",
      productName: "1756-L61/B LOGIX5561",
      stateName: "operational",
    });
    expect(id.statusBits).toEqual({
      owned: true,
      configured: true,
      extendedStatus: 6,
      extendedStatusName: "at least one I/O connection in run mode",
      minorRecoverableFault: true,
      minorUnrecoverableFault: true,
      majorRecoverableFault: true,
      majorUnrecoverableFault: true,
      extendedStatus2: 0,
    });
    expect(facts!.listServices.services[0]).toMatchObject({ name: "Communications", capabilityNames: ["CIP over TCP", "class 0/1 I/O over UDP"] });
    expect(facts!.udp.status).toBe("answered");
    expect(statuses(result)).toEqual({ "enip.plain.exposed": "fail", "enip.cip-security.absent": "fail", "enip.identity.disclosed": "fail" });
    expect(facts!.sent).toEqual([
      "ListIdentity (TCP)",
      "ListServices",
      "RegisterSession",
      "Get_Attribute_Single class 0x5d instance 1 attribute 1",
      "UnRegisterSession",
      "ListIdentity (UDP unicast)",
      "TLS ClientHello tcp/2221",
      "DTLS ClientHello udp/2222",
    ]);
    onlyReads(sim);
    expect(sim.stats()).toMatchObject({ connections: 1, udpListIdentity: 1, sessionsRegistered: 1 });
  });

  test("CIP Security configured: pass on the state byte; the TLS and DTLS answers are recorded", async () => {
    const sim = await start({ cipSecurity: { present: true, state: 2, profiles: 6, configured: 2 }, tls: true, dtls: true });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.cipSecurity).toMatchObject({
      status: "present",
      state: 2,
      stateName: "configured",
      profiles: ["EtherNet/IP Confidentiality Profile", "CIP Authorization Profile"],
      profilesConfigured: ["EtherNet/IP Confidentiality Profile"],
    });
    expect(facts!.tls).toMatchObject({ status: "offered", version: "TLSv1.3" });
    expect(facts!.dtls).toMatchObject({ status: "offered" });
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")).toMatchObject({ status: "pass", evidence: { stateByte: "02" } });
    expect(sim.stats()).toMatchObject({ tlsHellos: 1, dtlsHellos: 1 });
    onlyReads(sim);
  });

  test("a TLS 1.2 service on 2221 shows its certificate: fingerprint and subject become a key signal", async () => {
    const sim = await start({ tls: true, tlsMaxVersion: "TLSv1.2" });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.tls).toMatchObject({
      status: "offered",
      version: "TLSv1.2",
      certificate: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/), subject: expect.stringContaining("enip-simulator") },
    });
    const { default: enip } = await import("../../probes/enip/index.js");
    expect(enip.signals!(facts!, []).keys).toEqual([
      { kind: "x509-certificate", fingerprint: facts!.tls.certificate!.sha256, scheme: "enip", port: 2221, label: expect.stringContaining("enip-simulator") },
    ]);
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")).toMatchObject({ status: "pass" });
  });

  test("CIP Security supported but in factory-default state: fail", async () => {
    const sim = await start({ cipSecurity: { present: true, state: 0, profiles: 2, configured: 0 } });
    const { result } = await scan([sim.url]);
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")).toMatchObject({ status: "fail" });
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")!.message).toMatch(/factory default/);
  });

  test("no CIP Security object but TLS on 2221: pass on the TLS version the server chose", async () => {
    const sim = await start({ tls: true });
    const { result } = await scan([sim.url]);
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")).toMatchObject({
      status: "pass",
      evidence: { secure: [{ port: 2221, transport: "tcp", version: "TLSv1.3" }] },
    });
  });

  test("a refused session: CIP Security undetermined (never a pass), identity still read", async () => {
    const sim = await start({ refuseSession: true });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.session.status).toBe("refused");
    expect(result.findings.find((f) => f.ruleId === "enip.cip-security.absent")).toMatchObject({ status: "undetermined" });
    expect(sim.stats().commands["0x006f"]).toBeUndefined();
  });

  test("a UDP-only device (TCP 44818 closed) is found and identified by the UDP ListIdentity", async () => {
    const sim = await start({ tcp: false });
    const { result, facts } = await scan([sim.url]);
    expect(result.facts.enip!.status).toBe("ok");
    expect(facts!.reachability).toBe("closed");
    expect(facts!.udp.identity!.productName).toBe("1756-L61/B LOGIX5561");
    expect(result.findings.find((f) => f.ruleId === "enip.plain.exposed")).toMatchObject({ status: "fail" });
    expect(sim.stats().udpListIdentity).toBe(1);
  });

  test("nothing on TCP or UDP of a named port: unreachable", async () => {
    const sim = await start({});
    const url = sim.url;
    await sim.stop();
    const { result } = await scan([url], { timeoutMs: 500 });
    expect(result.facts.enip!.status).toBe("unreachable");
  });
});
