// BACnet/IP device simulator (UDP, loopback): answers Who-Is with I-Am, ReadProperty and
// ReadPropertyMultiple of its Device and Network Port objects, and (as a BBMD) Read-BDT / Read-FDT.
// Every BVLC function and every confirmed and unconfirmed service received is COUNTED: stats() let
// tests show from the device's side that the probe never sent a write, a reinitialize, a
// communication control, a time synchronisation, a foreign-device registration or a broadcast.
import dgram from "node:dgram";
import type { RunningSimulator, SimulatorOptions } from "../../src/plugin.js";
import { OBJECT, PROP, SERVICE, WILDCARD_INSTANCE } from "./apdu.js";
import { BVLC } from "./bvlc.js";
import type { BacnetSimProfile } from "./profile.js";
import { TagReader, appBits, appObject, appString, appUnsigned, closing, encodeContextObject, encodeContextUnsigned, opening } from "./tags.js";

export type BacnetSimStats = {
  datagrams: number;
  /** BVLC functions received, by code (hex) */
  bvlc: Record<string, number>;
  /** confirmed services received, by service choice */
  confirmed: Record<string, number>;
  /** unconfirmed services received, by service choice */
  unconfirmed: Record<string, number>;
  /** confirmed services other than ReadProperty (12) / ReadPropertyMultiple (14), and BVLC writes/registrations */
  stateChanging: number;
  malformed: number;
};

const ip4 = (s: string) => Buffer.from(s.split(".").map(Number));
const bvlc = (fn: number, body: Buffer) => {
  const b = Buffer.concat([Buffer.from([0x81, fn, 0, 0]), body]);
  b.writeUInt16BE(b.length, 2);
  return b;
};
const unicast = (apdu: Buffer) => bvlc(BVLC.ORIGINAL_UNICAST, Buffer.concat([Buffer.from([0x01, 0x00]), apdu]));

function propertyValue(p: BacnetSimProfile, objectType: number, instance: number, prop: number): Buffer | undefined {
  if (objectType === OBJECT.NETWORK_PORT) {
    const np = p.networkPorts.find((n) => n.instance === instance);
    if (!np) return undefined;
    if (prop === PROP.NETWORK_TYPE) return appUnsigned(np.networkType, 9);
    if (prop === PROP.OBJECT_IDENTIFIER) return appObject(OBJECT.NETWORK_PORT, instance);
    return undefined;
  }
  const str = (s: string | undefined) => (s === undefined ? undefined : appString(s));
  switch (prop) {
    case PROP.OBJECT_IDENTIFIER:
      return appObject(OBJECT.DEVICE, p.instance);
    case PROP.OBJECT_NAME:
      return appString(p.objectName);
    case PROP.VENDOR_NAME:
      return str(p.vendorName);
    case PROP.MODEL_NAME:
      return str(p.modelName);
    case PROP.FIRMWARE_REVISION:
      return str(p.firmwareRevision);
    case PROP.APPLICATION_SOFTWARE_VERSION:
      return str(p.applicationSoftwareVersion);
    case PROP.LOCATION:
      return str(p.location);
    case PROP.DESCRIPTION:
      return str(p.description);
    case PROP.SERIAL_NUMBER:
      return p.protocolRevision >= 14 ? str(p.serialNumber) : undefined;
    case PROP.VENDOR_IDENTIFIER:
      return appUnsigned(p.vendorId);
    case PROP.PROTOCOL_VERSION:
      return appUnsigned(1);
    case PROP.PROTOCOL_REVISION:
      return appUnsigned(p.protocolRevision);
    case PROP.SYSTEM_STATUS:
      return appUnsigned(0, 9);
    case PROP.MAX_APDU_LENGTH_ACCEPTED:
      return appUnsigned(1476);
    case PROP.SEGMENTATION_SUPPORTED:
      return appUnsigned(3, 9);
    case PROP.PROTOCOL_SERVICES_SUPPORTED: {
      const bits = Array.from({ length: 49 }, (_, i) => ([12, 15, 26, 34, ...(p.rpm ? [14] : [])].includes(i) ? "1" : "0")).join("");
      return appBits(bits);
    }
    case PROP.OBJECT_LIST:
      return p.protocolRevision >= 17 || p.networkPorts.length
        ? Buffer.concat([appObject(OBJECT.DEVICE, p.instance), appObject(0, 1), ...p.networkPorts.map((n) => appObject(OBJECT.NETWORK_PORT, n.instance))])
        : Buffer.concat([appObject(OBJECT.DEVICE, p.instance), appObject(0, 1)]);
    default:
      return undefined;
  }
}

export async function startBacnetSimulator(profile: BacnetSimProfile, opts: SimulatorOptions): Promise<RunningSimulator & { stats(): BacnetSimStats }> {
  const stats: BacnetSimStats = { datagrams: 0, bvlc: {}, confirmed: {}, unconfirmed: {}, stateChanging: 0, malformed: 0 };
  const sock = dgram.createSocket(opts.host.includes(":") ? "udp6" : "udp4");
  const reply = (b: Buffer, port: number, address: string) => {
    if (profile.fault === "lying-bvlc-length") b.writeUInt16BE(b.length + 7, 2);
    sock.send(b, port, address);
  };
  const handle = (d: Buffer, port: number, address: string) => {
    stats.datagrams++;
    if (d.length < 4 || d[0] !== 0x81) return void stats.malformed++;
    const fn = d[1]!;
    const key = `0x${fn.toString(16).padStart(2, "0")}`;
    stats.bvlc[key] = (stats.bvlc[key] ?? 0) + 1;
    if ([BVLC.WRITE_BDT, BVLC.REGISTER_FOREIGN_DEVICE, BVLC.DELETE_FDT_ENTRY, BVLC.DISTRIBUTE_BROADCAST, BVLC.ORIGINAL_BROADCAST].includes(fn as never))
      stats.stateChanging++;
    if (profile.fault === "silent") return;
    if ((fn === BVLC.READ_BDT || fn === BVLC.READ_FDT) && profile.tableReads === "silent") return;
    if (fn === BVLC.READ_BDT)
      return reply(
        profile.bdt
          ? bvlc(
              BVLC.READ_BDT_ACK,
              Buffer.concat(profile.bdt.map((e) => Buffer.concat([ip4(e.address), Buffer.from([e.port >> 8, e.port & 0xff]), ip4(e.mask)]))),
            )
          : bvlc(BVLC.RESULT, Buffer.from([0x00, 0x20])),
        port,
        address,
      );
    if (fn === BVLC.READ_FDT)
      return reply(
        profile.fdt
          ? bvlc(
              BVLC.READ_FDT_ACK,
              Buffer.concat(
                profile.fdt.map((e) => Buffer.concat([ip4(e.address), Buffer.from([e.port >> 8, e.port & 0xff, e.ttl >> 8, e.ttl & 0xff, 0, 30])])),
              ),
            )
          : bvlc(BVLC.RESULT, Buffer.from([0x00, 0x40])),
        port,
        address,
      );
    if (fn !== BVLC.ORIGINAL_UNICAST && fn !== BVLC.ORIGINAL_BROADCAST) return;
    const npdu = d.subarray(4);
    if (npdu.length < 3 || npdu[0] !== 1 || npdu[1]! & 0xa8) return void stats.malformed++; // local APDUs only
    const apdu = npdu.subarray(2);
    const type = apdu[0]! >> 4;
    if (type === 1) {
      stats.unconfirmed[apdu[1]!] = (stats.unconfirmed[apdu[1]!] ?? 0) + 1;
      if (apdu[1] === SERVICE.WHO_IS && profile.iAm)
        reply(
          unicast(
            Buffer.concat([
              Buffer.from([0x10, SERVICE.I_AM]),
              appObject(OBJECT.DEVICE, profile.instance),
              appUnsigned(1476),
              appUnsigned(3, 9),
              appUnsigned(profile.vendorId),
            ]),
          ),
          port,
          address,
        );
      return;
    }
    if (type !== 0 || apdu.length < 4) return;
    const [invoke, service] = [apdu[2]!, apdu[3]!];
    stats.confirmed[service] = (stats.confirmed[service] ?? 0) + 1;
    if (service !== SERVICE.READ_PROPERTY && service !== SERVICE.READ_PROPERTY_MULTIPLE) {
      stats.stateChanging++;
      return reply(unicast(Buffer.from([0x60, invoke, 9])), port, address); // Reject: unrecognized-service
    }
    const error = (cls: number, code: number) => unicast(Buffer.concat([Buffer.from([0x50, invoke, service]), appUnsigned(cls, 9), appUnsigned(code, 9)]));
    try {
      const r = new TagReader(apdu, 4);
      const obj = r.contextObject(0, "object");
      const inst = obj.objectType === OBJECT.DEVICE && obj.instance === WILDCARD_INSTANCE ? profile.instance : obj.instance;
      const known =
        (obj.objectType === OBJECT.DEVICE && inst === profile.instance) ||
        (obj.objectType === OBJECT.NETWORK_PORT && profile.networkPorts.some((n) => n.instance === inst));
      if (profile.fault === "segmented-ack") return reply(unicast(Buffer.from([0x3c, invoke, 0, 4, service, 0x0c])), port, address);
      if (service === SERVICE.READ_PROPERTY) {
        const prop = r.contextUnsigned(1, "property");
        if (!known) return reply(error(1, 31), port, address);
        const v = propertyValue(profile, obj.objectType, inst, prop);
        if (!v) return reply(error(2, 32), port, address);
        return reply(
          unicast(
            Buffer.concat([
              Buffer.from([0x30, invoke, service]),
              encodeContextObject(0, obj.objectType, inst),
              encodeContextUnsigned(1, prop),
              opening(3),
              v,
              closing(3),
            ]),
          ),
          port,
          address,
        );
      }
      if (!profile.rpm) return reply(unicast(Buffer.from([0x60, invoke, 9])), port, address);
      if (profile.fault === "abort-rpm") return reply(unicast(Buffer.from([0x71, invoke, 4])), port, address);
      r.expectOpening(1, "list");
      const parts: Buffer[] = [Buffer.from([0x30, invoke, service]), encodeContextObject(0, obj.objectType, inst), opening(1)];
      for (let n = 0; n < 64 && !(r.peek().closing && r.peek().number === 1); n++) {
        const prop = r.contextUnsigned(0, "property");
        const v = known ? propertyValue(profile, obj.objectType, inst, prop) : undefined;
        parts.push(encodeContextUnsigned(2, prop), ...(v ? [opening(4), v, closing(4)] : [opening(5), appUnsigned(2, 9), appUnsigned(32, 9), closing(5)]));
      }
      parts.push(closing(1));
      if (profile.fault === "flood") for (let i = 0; i < 40; i++) sock.send(unicast(Buffer.from([0x10, 0x08])), port, address);
      return reply(unicast(Buffer.concat(parts)), port, address);
    } catch {
      stats.malformed++;
      return reply(unicast(Buffer.from([0x60, invoke, 0])), port, address);
    }
  };
  sock.on("message", (m, rinfo) => handle(m, rinfo.port, rinfo.address));
  sock.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    sock.once("error", reject);
    sock.bind(opts.ports?.bacnet ?? opts.port ?? 0, opts.host, () => resolve());
  });
  const port = sock.address().port;
  const host = opts.host.includes(":") ? `[${opts.host}]` : opts.host;
  return {
    urls: [`bacnet://${host}:${port}`],
    stats: () => structuredClone(stats),
    async stop() {
      await new Promise<void>((resolve) => sock.close(() => resolve()));
    },
  };
}
