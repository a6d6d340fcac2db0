// BACnet/IP probe against our device simulator, judged from the device's side (the simulator counts
// every BVLC function and service): unicast Who-Is, ReadProperty / ReadPropertyMultiple, Read-BDT and
// Read-FDT only; the wildcard instance when no I-Am comes; BACnet/SC from Network Port objects; the
// UDP discovery; the rules on what was seen.
import { afterAll, describe, expect, it } from "vitest";
import bacnet from "../../probes/bacnet/index.js";
import type { BacnetFacts } from "../../probes/bacnet/facts.js";
import type { BacnetSimStats } from "../../probes/bacnet/simulator.js";
import { findings, scanWith, startSim, type Sim } from "../dnp3/helpers.js";

const sims: Sim<BacnetSimStats>[] = [];
async function run(profile: unknown) {
  const s = await startSim<BacnetSimStats>(bacnet, profile);
  sims.push(s);
  const r = await scanWith<BacnetFacts>(bacnet, s.urls, { timeoutMs: 400 });
  return { ...r, stats: s.stats(), port: Number(/:(\d+)$/.exec(s.urls[0]!)![1]) };
}
afterAll(async () => void (await Promise.all(sims.map((s) => s.stop()))));
const status = (r: Awaited<ReturnType<typeof run>>["result"], id: string) => findings(r, id).map((f) => f.status);

describe("BACnet/IP probe, from the device's side", () => {
  it("sends a unicast Who-Is, ReadProperty/ReadPropertyMultiple and the two table reads: nothing that writes", async () => {
    const { stats, facts } = await run({
      vendorName: "V",
      modelName: "M",
      firmwareRevision: "1",
      protocolRevision: 22,
      networkPorts: [{ instance: 1, networkType: 5 }],
    });
    expect(stats.stateChanging).toBe(0);
    expect(Object.keys(stats.bvlc).sort()).toEqual(["0x02", "0x06", "0x0a"]); // never 0x0b (broadcast), 0x01, 0x05, 0x08, 0x09
    expect(Object.keys(stats.confirmed).sort()).toEqual(["12", "14"]);
    expect(stats.unconfirmed).toEqual({ "8": 1 });
    expect(facts!.sent).toEqual([
      "Who-Is (unicast)",
      "ReadProperty device,1234 protocol-services-supported",
      "ReadPropertyMultiple device,1234 (15 properties)",
      "ReadProperty device,1234 object-list",
      "ReadProperty network-port,1 network-type",
      "Read-Broadcast-Distribution-Table",
      "Read-Foreign-Device-Table",
    ]);
  });

  it("no I-Am: reads the wildcard Device instance 4194303 one ReadProperty at a time when RPM is not supported", async () => {
    const { facts, stats } = await run({ iAm: false, rpm: false, instance: 42, vendorName: "Old" });
    expect(facts!.addressedAs).toBe("wildcard");
    expect(facts!.deviceInstance).toBe(42);
    expect(stats.confirmed["14"]).toBeUndefined();
    expect(stats.confirmed["12"]).toBe(16); // services-supported, then the 15 identity properties
    expect(facts!.identity.vendorName).toBe("Old");
  });

  it("BACnet/SC: a secure-connect Network Port passes; only IPv4 ports fail; revision 14 is not observable", async () => {
    expect(
      status(
        (
          await run({
            protocolRevision: 22,
            networkPorts: [
              { instance: 1, networkType: 5 },
              { instance: 2, networkType: 11 },
            ],
          })
        ).result,
        "bacnet.secure-connect",
      ),
    ).toEqual(["pass"]);
    expect(status((await run({ protocolRevision: 22, networkPorts: [{ instance: 1, networkType: 5 }] })).result, "bacnet.secure-connect")).toEqual(["fail"]);
    expect(status((await run({ protocolRevision: 14 })).result, "bacnet.secure-connect")).toEqual(["undetermined"]);
  });

  it("BBMD tables: entries fail (medium with registered foreign devices), NAKs pass", async () => {
    const open = await run({ bdt: [{ address: "10.0.0.1", port: 47808, mask: "255.255.255.255" }], fdt: [{ address: "10.9.9.9", port: 47808, ttl: 60 }] });
    expect(findings(open.result, "bacnet.bbmd.tables")[0]).toMatchObject({ status: "fail", severity: "medium" });
    expect(open.facts!.bbmd.fdt.entries).toEqual([{ address: "10.9.9.9", port: 47808, ttl: 60, remaining: 30 }]);
    expect(status((await run({})).result, "bacnet.bbmd.tables")).toEqual(["pass"]);
  });

  it("a segmented answer (not accepted) is recorded and never acknowledged or reassembled", async () => {
    const { facts, stats } = await run({ fault: "segmented-ack" });
    expect(facts!.reads[0]).toMatchObject({ outcome: "segmented" });
    expect(stats.confirmed["4"]).toBeUndefined(); // no Segment-ACK PDU is a confirmed service; and none was sent at all
    expect(Object.keys(stats.confirmed).every((s) => ["12", "14"].includes(s))).toBe(true);
  });

  it("a device that aborts the ReadPropertyMultiple is read property by property", async () => {
    const { facts } = await run({ fault: "abort-rpm", vendorName: "Fallback" });
    expect(facts!.reads.find((r) => r.service === "readPropertyMultiple")?.outcome).toBe("abort");
    expect(facts!.identity.vendorName).toBe("Fallback");
  });

  it("identify() names vendor, model and firmware; the ASHRAE table names a vendor id when vendor-name is missing", async () => {
    const { facts } = await run({ vendorName: "Acme BMS", modelName: "X-1", firmwareRevision: "7.2" });
    expect(bacnet.identify!(facts!)[0]).toMatchObject({ vendor: "Acme BMS", product: "X-1", version: "7.2", source: "bacnet device object" });
    const anon = await run({ vendorId: 7, modelName: "PXC" });
    expect(anon.facts!.identity.vendorFromTable).toMatch(/^Siemens Schweiz AG/);
    expect(bacnet.identify!(anon.facts!)[0]!.vendor).toMatch(/^Siemens Schweiz AG/);
  });

  it("a bare host with nothing on udp/47808 is absent (ICMP port unreachable), not an error", async () => {
    const { result } = await scanWith<BacnetFacts>(bacnet, ["127.0.0.1"], { timeoutMs: 300 });
    expect(result.facts.bacnet?.status).toBe("absent");
  });

  it("UDP discovery: Who-Is answered; silence is a timeout", async () => {
    const s = await startSim<BacnetSimStats>(bacnet, { iAm: false });
    sims.push(s);
    const port = Number(/:(\d+)$/.exec(s.urls[0]!)![1]);
    const viaRp = await bacnet.discovery!.udp!("127.0.0.1", port, 400);
    expect(viaRp).toEqual({ state: "answered", detail: { instance: 1234 } }); // the wildcard ReadProperty
    const quiet = await startSim<BacnetSimStats>(bacnet, { fault: "silent" });
    sims.push(quiet);
    expect((await bacnet.discovery!.udp!("127.0.0.1", Number(/:(\d+)$/.exec(quiet.urls[0]!)![1]), 200)).state).toBe("timeout");
  });
  it("fleet signals: BACnet/IP is a cleartext control channel", async () => {
    const { facts } = await run({});
    expect(bacnet.signals!(facts!, [])).toEqual({
      cleartext: [{ scheme: "bacnet", port: facts!.port, carries: "control", detail: expect.stringMatching(/udp\/\d+ answered \(device 1234\)/) }],
    });
  });
});
