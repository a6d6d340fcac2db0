// Interop with an independent BACnet stack from npm (@bacnet-js/client 3.3.2, MIT):
// 1. @bacnet-js/client ACTING AS A DEVICE (its own Who-Is, ReadProperty and ReadPropertyMultiple
//    handlers answering with its own encoders) audited by our probe; the device's own event counters
//    show that only Who-Is, ReadProperty and ReadPropertyMultiple arrived (no write, no reinitialize,
//    no communication control, no time sync, no foreign-device registration).
// 2. @bacnet-js/client AS A CLIENT against our simulator: its Who-Is, ReadProperty and
//    ReadPropertyMultiple decode our answers to the profile's values.
import { afterAll, beforeAll, expect, it } from "vitest";
import bacnet from "../../probes/bacnet/index.js";
import type { BacnetFacts } from "../../probes/bacnet/facts.js";
import { describeWithDaemon, freeUdpPort } from "../helpers/daemons.js";
import { findings, scanWith, startSim } from "../dnp3/helpers.js";
import { DEVICE_INSTANCE, loadBacnetJs, startBacnetJsDevice, type BacnetJsDevice } from "./bacnet-js-device.js";

const Client = await loadBacnetJs();

describeWithDaemon("BACnet interop with @bacnet-js/client", Boolean(Client), "@bacnet-js/client not installed (npm ci installs it: devDependency)", () => {
  const DEVICE = DEVICE_INSTANCE;
  let dev: BacnetJsDevice;
  let port = 0;

  beforeAll(async () => {
    port = await freeUdpPort();
    dev = await startBacnetJsDevice(Client, port);
  });
  afterAll(() => dev?.close());

  it("our probe audits @bacnet-js/client acting as a device: I-Am, RPM identity, and only reads arrived", async () => {
    const { facts, result } = await scanWith<BacnetFacts>(bacnet, [`bacnet://127.0.0.1:${port}`], { timeoutMs: 800 });
    expect(facts!.whoIs).toMatchObject({ answered: true, instance: DEVICE, vendorId: 260 });
    expect(facts!.identity).toMatchObject({
      vendorName: "bacnet-js vendor",
      modelName: "JS-1",
      firmwareRevision: "3.3.2",
      applicationSoftwareVersion: "app 1.0",
      objectName: "bacnet-js device",
      protocolRevision: 14,
    });
    expect(facts!.deviceInstance).toBe(DEVICE);
    expect(facts!.reads.find((r) => r.service === "readPropertyMultiple")?.outcome).toBe("ack");
    expect(findings(result, "bacnet.ip.unauthenticated")[0]!.status).toBe("fail");
    // the device's own counters: Who-Is once, reads only
    expect(dev.events).toMatchObject({ whoIs: 1, readProperty: 1, readPropertyMultiple: 1 });
    for (const w of [
      "writeProperty",
      "writePropertyMultiple",
      "reinitializeDevice",
      "deviceCommunicationControl",
      "timeSync",
      "timeSyncUTC",
      "registerForeignDevice",
      "createObject",
      "deleteObject",
      "atomicWriteFile",
    ])
      expect(dev.events[w], w).toBeUndefined();
  });

  it("@bacnet-js/client as a client reads our simulator: Who-Is/I-Am, ReadProperty, ReadPropertyMultiple", async () => {
    const sim = await startSim(bacnet, { instance: 777, vendorId: 8, vendorName: "Sim Vendor", modelName: "SIM-2", firmwareRevision: "9.9" });
    const simPort = Number(/:(\d+)$/.exec(sim.urls[0]!)![1]);
    const client = new Client({ port: await freeUdpPort(), interface: "127.0.0.1", broadcastAddress: "127.0.0.1", apduTimeout: 1500 });
    client.on("error", () => undefined);
    try {
      const iAm = new Promise<any>((resolve) => client.on("iAm", (c: any) => resolve(c.payload)));
      client.whoIs({ address: `127.0.0.1:${simPort}` });
      expect(await iAm).toMatchObject({ deviceId: 777, vendorId: 8 });
      const rp = await client.readProperty({ address: `127.0.0.1:${simPort}` }, { type: 8, instance: 777 }, 121);
      expect(rp.values[0].value).toBe("Sim Vendor");
      const rpm = await client.readPropertyMultiple({ address: `127.0.0.1:${simPort}` }, [
        {
          objectId: { type: 8, instance: 777 },
          properties: [
            { id: 70, index: 0xffffffff },
            { id: 44, index: 0xffffffff },
            { id: 120, index: 0xffffffff },
          ],
        },
      ]);
      const got = Object.fromEntries(rpm.values[0].values.map((v: any) => [v.id, v.value[0].value]));
      expect(got).toEqual({ 70: "SIM-2", 44: "9.9", 120: 8 });
      const err = await client.readProperty({ address: `127.0.0.1:${simPort}` }, { type: 8, instance: 777 }, 58).catch((e: Error) => e);
      expect(String(err)).toMatch(/UNKNOWN_PROPERTY|32/i);
    } finally {
      client.close();
      await sim.stop();
    }
  });
});
