// The BACnet/IP plugin (ASHRAE 135 Annex J, UDP 47808): unicast Who-Is, Device object reads, network
// ports (BACnet/SC) and BBMD tables, read-only. Light on purpose: the probe and the simulator load on
// first use.
import { definePlugin, type ObservedProduct } from "../../src/plugin.js";
import { BACNET_CHECKS, BACNET_DISCOVERY } from "./declarations.js";
import { BacnetFacts } from "./facts.js";
import { BacnetSimProfile, profileFromFacts } from "./profile.js";
import { BACNET_RULES } from "./rules.js";
import { bacnetSignals } from "./signals.js";

export default definePlugin<BacnetFacts>({
  id: "bacnet",
  title: "BACnet/IP",
  schemes: ["bacnet"],
  transport: "udp",
  defaultPorts: [{ scheme: "bacnet", port: 47808 }],
  maxEndpoints: 1, // one BACnet/IP device per address and run
  version: "1.0.0",
  factsSchema: BacnetFacts,
  checks: Object.values(BACNET_CHECKS),
  rules: BACNET_RULES,
  discovery: BACNET_DISCOVERY,
  signals: (facts) => bacnetSignals(facts),
  async probe(ctx) {
    const { probeBacnet } = await import("./probe.js");
    return probeBacnet(ctx);
  },
  simulator: {
    profileSchema: BacnetSimProfile,
    async start(profile, opts) {
      const { startBacnetSimulator } = await import("./simulator.js");
      return startBacnetSimulator(profile as BacnetSimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // Device object (clause 12.11): vendor-name (or ASHRAE's name for the vendor id), model-name,
  // firmware-revision; application-software-version kept in raw
  identify: (facts): ObservedProduct[] => {
    const id = facts.identity;
    const vendor = id.vendorName ?? id.vendorFromTable;
    if (!vendor && !id.modelName) return [];
    const raw = [
      `vendor-name=${id.vendorName ?? ""}`,
      `vendor-identifier=${id.vendorId ?? ""}`,
      `model-name=${id.modelName ?? ""}`,
      `firmware-revision=${id.firmwareRevision ?? ""}`,
      `application-software-version=${id.applicationSoftwareVersion ?? ""}`,
    ].join(", ");
    return [
      { vendor, product: id.modelName, version: id.firmwareRevision ?? id.applicationSoftwareVersion, source: "bacnet device object", raw, port: facts.port },
    ];
  },
});
