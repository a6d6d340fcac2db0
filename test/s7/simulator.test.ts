// S7comm probe vs our simulator, judged from the device's side (the simulator's counters): a
// default run sends COTP CRs, one Setup communication and the four SZL reads, nothing else (no
// write, no PLC control, no block transfer); the TSAP plan is followed one connection at a time;
// fragmented SZL lists are reassembled; protection levels and the S7comm-plus variant give the
// verdicts they should.
import { afterAll, describe, expect, test } from "vitest";
import { scan, startSim, statuses, type Sim } from "./helpers.js";

const sims: Sim[] = [];
afterAll(() => Promise.all(sims.map((s) => s.stop())));
const start = async (p: unknown) => {
  const s = await startSim(p);
  sims.push(s);
  return s;
};

function onlyReads(sim: Sim): void {
  const st = sim.stats();
  expect(st.writes).toBe(0);
  expect(st.controls).toBe(0);
  expect(st.blockTransfers).toBe(0);
  expect(st.otherJobs).toEqual({});
  expect(st.otherUserdata).toBe(0);
  expect(st.resets).toBe(0);
  expect(Object.keys(st.szlReads).sort()).toEqual(["0x0011/0x0000", "0x001c/0x0000", "0x0232/0x0004", "0x0424/0x0000"]);
}

describe.concurrent("S7comm against the simulator", () => {
  test("an unprotected S7-300: identity read field by field, every protection rule fails, only reads reach the CPU", async () => {
    const sim = await start({
      identity: {
        orderNumber: "6ES7 315-2EH14-0AB0",
        firmware: "V3.2.6",
        asName: "LINE-3",
        moduleName: "CPU 315-2 PN/DP",
        moduleTypeName: "CPU 315-2 PN/DP",
        plantId: "FILL-3",
        copyright: "Original Siemens Equipment",
        serialNumber: "S C-C2UR28922012",
      },
    });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.identity).toEqual({
      orderNumber: "6ES7 315-2EH14-0AB0",
      firmwareVersion: "V3.2.6",
      hardwareVersion: "1",
      asName: "LINE-3",
      moduleName: "CPU 315-2 PN/DP",
      moduleTypeName: "CPU 315-2 PN/DP",
      plantId: "FILL-3",
      copyright: "Original Siemens Equipment",
      serialNumber: "S C-C2UR28922012",
    });
    expect(facts!.protection).toMatchObject({ effectiveLevel: 1, parameterizedLevel: 0, modeSelectorName: "RUN-P" });
    expect(facts!.cpuMode).toEqual({ code: 8, name: "RUN" });
    expect(statuses(result)).toEqual({ "s7.plain.exposed": "fail", "s7.protection.none": "fail", "s7.password.none": "fail", "s7.identity.disclosed": "fail" });
    expect(facts!.sent).toEqual([
      "COTP CR called TSAP 0x0102 calling 0x0100",
      "S7 setup communication",
      "SZL read 0x0011/0x0000",
      "SZL read 0x001c/0x0000",
      "SZL read 0x0232/0x0004",
      "SZL read 0x0424/0x0000",
    ]);
    onlyReads(sim);
    expect(sim.stats()).toMatchObject({ connections: 1, cotpRequests: 1, setups: 1, cleanCloses: 1 });
  });

  test("a protected CPU with a password passes the protection and password rules, with the record in evidence", async () => {
    const sim = await start({ protection: { keySwitch: 2, parameterized: 3, effective: 3, modeSelector: 1 }, cpuMode: "stop" });
    const { result, facts } = await scan([sim.url]);
    expect(statuses(result)).toMatchObject({ "s7.protection.none": "pass", "s7.password.none": "pass", "s7.plain.exposed": "fail" });
    const f = result.findings.find((x) => x.ruleId === "s7.protection.none")!;
    expect(f.evidence).toMatchObject({ effectiveLevel: 3, record: expect.stringMatching(/^02320004/) });
    expect(facts!.cpuMode).toEqual({ code: 4, name: "STOP (internal)" });
    onlyReads(sim);
  });

  test("TSAP plan: refused TSAPs (COTP DR) are closed before the next is tried, one connection at a time, up to the accepted one", async () => {
    const sim = await start({ tsaps: [0x0100] });
    const { facts } = await scan([sim.url]);
    expect(facts!.tsapAttempts.map((a) => [a.calledTsap, a.outcome])).toEqual([
      [0x0102, "disconnect"],
      [0x0101, "disconnect"],
      [0x0100, "accepted"],
    ]);
    expect(sim.stats()).toMatchObject({ connections: 3, calledTsaps: [0x0102, 0x0101, 0x0100] });
    onlyReads(sim);
  });

  test("--s7-tsap is tried first", async () => {
    const sim = await start({ tsaps: [0x0103] });
    const { facts } = await scan([sim.url], { options: { "s7.tsap": "0103" } });
    expect(facts!.tsapAttempts).toEqual([{ calledTsap: 0x0103, callingTsap: 0x0100, outcome: "accepted" }]);
  });

  test("a CPU with a small PDU splits SZL 0x001C into fragments: the follow-ups are SZL reads too, the list is whole", async () => {
    const sim = await start({
      pduLength: 240,
      fragmentBytes: 64,
      identity: {
        asName: "A".repeat(32),
        moduleName: "B".repeat(32),
        moduleTypeName: "C".repeat(32),
        plantId: "D".repeat(32),
        copyright: "E".repeat(32),
        serialNumber: "F".repeat(32),
      },
    });
    const { facts } = await scan([sim.url]);
    const r = facts!.szl.find((x) => x.id === 0x001c)!;
    expect(r.status).toBe("ok");
    expect(r.fragments).toBeGreaterThan(1);
    expect(r.recordsRead).toBe(6);
    expect(facts!.identity!.serialNumber).toBe("F".repeat(32));
    expect(sim.stats().szlFollowUps).toBe(facts!.szl.reduce((n, x) => n + x.fragments - 1, 0));
    onlyReads(sim);
  });

  test("an S7comm-plus-only CPU: COTP accepted, setup answered with 0x72; no SZL read is sent; nothing passes", async () => {
    const sim = await start({ variant: "s7plus" });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.setup.status).toBe("s7plus");
    expect(facts!.s7plus.indications[0]).toMatch(/0x72/);
    expect(statuses(result)).toEqual({
      "s7.plain.exposed": "undetermined",
      "s7.protection.none": "undetermined",
      "s7.password.none": "undetermined",
      "s7.identity.disclosed": "not_applicable",
    });
    expect(sim.stats().szlReads).toEqual({});
  });

  test("a CPU that refuses SZL 0x0232: protection undetermined (never a pass), the rest read", async () => {
    const sim = await start({ deniedSzl: [0x0232], protection: { keySwitch: 2, parameterized: 3, effective: 3, modeSelector: 1 } });
    const { result, facts } = await scan([sim.url]);
    expect(facts!.szl.find((r) => r.id === 0x0232)).toMatchObject({ status: "refused", returnCode: 0x0a });
    expect(result.findings.find((f) => f.ruleId === "s7.protection.none")).toMatchObject({ status: "undetermined", reason: "unobservable" });
    expect(facts!.identity!.orderNumber).toBeDefined();
  });

  test("nothing listening on a default port of a bare host: absent; a named port: unreachable", async () => {
    const sim = await start({});
    const port = sim.port;
    await sim.stop();
    const { result } = await scan([`s7://127.0.0.1:${port}`]);
    expect(result.facts.s7!.status).toBe("unreachable");
  });
});
