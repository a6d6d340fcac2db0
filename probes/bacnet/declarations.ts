// What the BACnet/IP plugin declares to the core (plugin contract v2): its checks with safety classes,
// the cleartext scheme (BACnet/IP has no authentication or encryption of its own; BACnet/SC is a
// separate TLS datalink) and its UDP discovery (a unicast Who-Is, then ReadProperty of the wildcard
// Device instance for devices that answer Who-Is only by broadcast).
import type { CheckDecl, PluginDiscoveryDecl } from "../../src/plugin.js";

export const BACNET_CHECKS = {
  whoIs: {
    id: "bacnet.who-is",
    safety: "passive",
    description: "one Who-Is sent UNICAST to the device (Original-Unicast-NPDU, ASHRAE 135 clause 16.10): never a broadcast",
  },
  readDevice: {
    id: "bacnet.read-device",
    safety: "read",
    description:
      "ReadProperty / ReadPropertyMultiple (clauses 15.5, 15.7) of the Device object: services supported, names, vendor, model, firmware and software versions, protocol version and revision, location, description, system status, max APDU, segmentation, serial number; unsegmented answers only",
  },
  networkPorts: {
    id: "bacnet.network-ports",
    safety: "read",
    description:
      "with protocol revision 17 or later: ReadProperty of the object-list and of the network-type of at most 4 Network Port objects (a secure-connect port shows BACnet/SC)",
  },
  bbmd: {
    id: "bacnet.bbmd-tables",
    safety: "read",
    description:
      "Read-Broadcast-Distribution-Table and Read-Foreign-Device-Table (BVLC functions 0x02 and 0x06, Annex J): read-only; never Write-BDT or Register-Foreign-Device",
  },
} as const satisfies Record<string, CheckDecl>;

export const BACNET_DISCOVERY: PluginDiscoveryDecl = {
  cleartextSchemes: ["bacnet"],
  async udp(host, port, timeoutMs, signal) {
    const { discoverBacnet } = await import("./discovery.js");
    return discoverBacnet(host, port, timeoutMs, signal);
  },
};
