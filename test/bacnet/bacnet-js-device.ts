// @bacnet-js/client (3.3.2, MIT) acting as a BACnet/IP DEVICE: its own Who-Is, ReadProperty and
// ReadPropertyMultiple handlers answer with its own encoders; every service event it raises is
// counted (writes, reinitialize, communication control, time sync, registrations included), so a test
// reads from the device's side what arrived. Used by interop.test.ts and record-bacnet-js.ts.
export const DEVICE_INSTANCE = 260001;

export interface BacnetJsDevice {
  port: number;
  events: Record<string, number>;
  close(): void;
}

export async function loadBacnetJs(): Promise<any | undefined> {
  try {
    const lib: any = await import("@bacnet-js/client");
    return lib?.default?.default ?? lib?.default;
  } catch {
    return undefined;
  }
}

const PROPS: Record<number, unknown[]> = {
  75: [{ type: 12, value: { type: 8, instance: DEVICE_INSTANCE } }],
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
export const COUNTED = [
  "whoIs",
  "readProperty",
  "readPropertyMultiple",
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
  "unhandledEvent",
];

export async function startBacnetJsDevice(Client: any, port: number): Promise<BacnetJsDevice> {
  const events: Record<string, number> = {};
  const device = new Client({ port, interface: "127.0.0.1", broadcastAddress: "127.0.0.1", apduTimeout: 1000 });
  for (const name of COUNTED) device.on(name, () => (events[name] = (events[name] ?? 0) + 1));
  device.on("error", () => undefined);
  device.on("whoIs", (c: any) => device.iAmResponse(c.header.sender, DEVICE_INSTANCE, 3, 260));
  device.on("readProperty", (c: any) => {
    const { objectId, property } = c.payload;
    // protocol-services-supported: readProperty (12), readPropertyMultiple (14), i-Am (26), who-Is (34)
    const value = property.id === 97 ? [{ type: 8, value: Client.createBitstring([12, 14, 26, 34, 48]) }] : PROPS[property.id];
    if (!value) return device.errorResponse(c.header.sender, 12, c.invokeId, 2, 32);
    device.readPropertyResponse(c.header.sender, c.invokeId, { type: objectId.type, instance: objectId.instance }, property, value);
  });
  device.on("readPropertyMultiple", (c: any) => {
    const spec = c.payload.properties[0];
    const values = spec.properties.map((p: any) => ({
      property: { id: p.id, index: 0xffffffff },
      value: PROPS[p.id] ?? [{ value: { type: "BacnetError", errorClass: 2, errorCode: 32 } }],
    }));
    device.readPropertyMultipleResponse(c.header.sender, c.invokeId, [{ objectId: spec.objectId, values }]);
  });
  await new Promise((r) => setTimeout(r, 100));
  return { port, events, close: () => device.close() };
}
