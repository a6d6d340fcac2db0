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

let lib: any;
try {
  lib = await import("@bacnet-js/client");
} catch {
  lib = undefined;
}
const Client = lib?.default?.default ?? lib?.default;
const T = lib?.ApplicationTag ?? {};

describeWithDaemon("BACnet interop with @bacnet-js/client", Boolean(Client), "@bacnet-js/client not installed (npm ci installs it: devDependency)", () => {
  const DEVICE = 260001;
  let device: any;
  let port = 0;
  const events: Record<string, number> = {};
  const props: Record<number, any[]> = {
    75: [{ type: 12, value: { type: 8, instance: DEVICE } }],
    77: [{ type: 7, value: "bacnet-js device" }],
    121: [{ type: 7, value: "bacnet-js vendor" }],
    120: [{ type: 2, value: 260 }],
    70: [{ type: 7, value: "JS-1" }],
    44: [{ type: 7, value: "3.3.2" }],
    12: [{ type: 7, value: "app 1.0" }],
    98: [{ type: 2, value: 1 }],
    139: [{ type: 2, value: 14 }],
    112: [{ type: 9, value: 0 }],
    62: [{ type: 2, value: 1476 }],
    107: [{ type: 9, value: 3 }],
  };

  beforeAll(async () => {
    port = await freeUdpPort();
    device = new Client({ port, interface: "127.0.0.1", broadcastAddress: "127.0.0.1", apduTimeout: 1000 });
    for (const name of ["whoIs", "readProperty", "readPropertyMultiple", "writeProperty", "writePropertyMultiple", "reinitializeDevice", "deviceCommunicationControl", "timeSync", "timeSyncUTC", "registerForeignDevice", "createObject", "deleteObject", "atomicWriteFile", "unhandledEvent"]) device.on(name, () => (events[name] = (events[name] ?? 0) + 1));
    device.on("error", () => undefined);
    device.on("whoIs", (c: any) => device.iAmResponse(c.header.sender, DEVICE, 3, 260));
    device.on("readProperty", (c: any) => {
      const { objectId, property } = c.payload;
      // services supported: readProperty (12), readPropertyMultiple (14), i-Am (26), who-Is (34)
      const value = property.id === 97 ? [{ type: T.BIT_STRING ?? 8, value: Client.createBitstring([12, 14, 26, 34, 48]) }] : props[property.id];
      if (!value) return device.errorResponse(c.header.sender, 12, c.invokeId, 2, 32);
      device.readPropertyResponse(c.header.sender, c.invokeId, { type: objectId.type, instance: objectId.instance }, property, value);
    });
    device.on("readPropertyMultiple", (c: any) => {
      const spec = c.payload.properties[0];
      const values = spec.properties.map((p: any) => ({ property: { id: p.id, index: 0xffffffff }, value: props[p.id] ?? [{ value: { type: "BacnetError", errorClass: 2, errorCode: 32 } }] }));
      device.readPropertyMultipleResponse(c.header.sender, c.invokeId, [{ objectId: spec.objectId, values }]);
    });
    await new Promise((r) => setTimeout(r, 100));
  });
  afterAll(() => device?.close());

  it("our probe audits @bacnet-js/client acting as a device: I-Am, RPM identity, and only reads arrived", async () => {
    const { facts, result } = await scanWith<BacnetFacts>(bacnet, [`bacnet://127.0.0.1:${port}`], { timeoutMs: 800 });
    expect(facts!.whoIs).toMatchObject({ answered: true, instance: DEVICE, vendorId: 260 });
    expect(facts!.identity).toMatchObject({ vendorName: "bacnet-js vendor", modelName: "JS-1", firmwareRevision: "3.3.2", applicationSoftwareVersion: "app 1.0", objectName: "bacnet-js device", protocolRevision: 14 });
    expect(facts!.deviceInstance).toBe(DEVICE);
    expect(facts!.reads.find((r) => r.service === "readPropertyMultiple")?.outcome).toBe("ack");
    expect(findings(result, "bacnet.ip.unauthenticated")[0]!.status).toBe("fail");
    // the device's own counters: Who-Is once, reads only
    expect(events).toMatchObject({ whoIs: 1, readProperty: 1, readPropertyMultiple: 1 });
    for (const w of ["writeProperty", "writePropertyMultiple", "reinitializeDevice", "deviceCommunicationControl", "timeSync", "timeSyncUTC", "registerForeignDevice", "createObject", "deleteObject", "atomicWriteFile"]) expect(events[w], w).toBeUndefined();
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
      const rpm = await client.readPropertyMultiple({ address: `127.0.0.1:${simPort}` }, [{ objectId: { type: 8, instance: 777 }, properties: [{ id: 70, index: 0xffffffff }, { id: 44, index: 0xffffffff }, { id: 120, index: 0xffffffff }] }]);
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
