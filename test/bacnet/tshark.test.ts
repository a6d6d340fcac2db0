// Independent cross-check with Wireshark's BVLC / BACnet / BACapp dissectors (tshark): the datagrams
// our probe sent and our simulator answered (a recording UDP proxy between them) dissect as the
// services we meant: a unicast Who-Is (BVLC 0x0a), ReadProperty / ReadPropertyMultiple of the Device
// object, Read-BDT / Read-FDT and their answers, and the values we put in.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import bacnet from "../../probes/bacnet/index.js";
import type { BacnetFacts } from "../../probes/bacnet/facts.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { scanWith, startSim } from "../dnp3/helpers.js";
import { TSHARK, tsharkFields, tsharkJson, udpPcap, writePcap } from "../dnp3/pcap.js";
import { udpRecordingProxy } from "../dnp3/proxy.js";

const dir = mkdtempSync(join(tmpdir(), "otaudit-bacnet-pcap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithDaemon("BACnet/IP bytes on the wire, dissected by Wireshark (tshark)", Boolean(TSHARK), "tshark not installed (apt-get install tshark)", () => {
  it("our requests and the simulator's answers dissect as the intended BVLC functions and services", async () => {
    const sim = await startSim(bacnet, {
      instance: 4711,
      vendorName: "Wire Vendor",
      modelName: "W-1",
      firmwareRevision: "2.0",
      bdt: [{ address: "10.1.2.3", port: 47808, mask: "255.255.255.255" }],
    });
    const port = Number(/:(\d+)$/.exec(sim.urls[0]!)![1]);
    const proxy = await udpRecordingProxy("127.0.0.1", port);
    try {
      const { facts } = await scanWith<BacnetFacts>(bacnet, [`bacnet://127.0.0.1:${proxy.port}`], { timeoutMs: 500 });
      expect(facts!.whoIs.instance).toBe(4711);
    } finally {
      await proxy.close();
      await sim.stop();
    }
    const file = writePcap(join(dir, "probe.pcap"), udpPcap(47808, proxy.packets));
    const rows = tsharkFields(file, ["udp.srcport", "bvlc.function", "bacapp.type", "bacapp.confirmed_service", "bacapp.unconfirmed_service"], ["-Y", "bvlc"]);
    expect(rows).toEqual([
      ["47809", "0x0a", "1", "", "8"], // Who-Is, unicast
      ["47808", "0x0a", "1", "", "0"], // I-Am
      ["47809", "0x0a", "0", "12", ""], // ReadProperty
      ["47808", "0x0a", "3", "12", ""],
      ["47809", "0x0a", "0", "14", ""], // ReadPropertyMultiple
      ["47808", "0x0a", "3", "14", ""],
      ["47809", "0x02", "", "", ""], // Read-BDT
      ["47808", "0x03", "", "", ""], // Read-BDT-Ack
      ["47809", "0x06", "", "", ""], // Read-FDT
      ["47808", "0x00", "", "", ""], // BVLC-Result (NAK)
    ]);
    expect(tsharkFields(file, ["bacapp.instance_number"], ["-Y", "bacapp.unconfirmed_service == 0"])[0]![0]).toBe("4711");
    const acks = JSON.stringify(tsharkJson(file, ["-Y", "bacapp.type == 3"]));
    expect(acks).toContain("Wire Vendor");
    expect(acks).toContain("W-1");
    expect(tsharkFields(file, ["bvlc.bdt_ip", "bvlc.bdt_port"], ["-Y", "bvlc.function == 0x03"])[0]).toEqual(["10.1.2.3", "47808"]);
    // our requests never ask for a segmented response (the SA bit of the PDU header)
    expect(
      tsharkFields(file, ["bacapp.SA"], ["-Y", "bacapp.type == 0"])
        .flat()
        .every((v) => v === "False" || v === "0"),
    ).toBe(true);
  });
});
