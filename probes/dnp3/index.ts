// The DNP3 plugin (IEEE 1815-2012 over TCP, port 20000): link status, device attributes (group 0)
// and what Secure Authentication shows, read-only. Light on purpose: the probe and the simulator load
// on first use.
import { definePlugin, type ObservedProduct } from "../../src/plugin.js";
import { DNP3_CHECKS, DNP3_DISCOVERY, DNP3_OPTIONS } from "./declarations.js";
import { Dnp3Facts } from "./facts.js";
import { Dnp3SimProfile, profileFromFacts } from "./profile.js";
import { DNP3_RULES } from "./rules.js";
import { dnp3Signals } from "./signals.js";

export default definePlugin<Dnp3Facts>({
  id: "dnp3",
  title: "DNP3",
  schemes: ["dnp3"],
  transport: "tcp",
  defaultPorts: [{ scheme: "dnp3", port: 20000 }],
  maxEndpoints: 1, // one outstation connection per device and run
  version: "1.0.0",
  factsSchema: Dnp3Facts,
  checks: Object.values(DNP3_CHECKS),
  rules: DNP3_RULES,
  options: DNP3_OPTIONS,
  discovery: DNP3_DISCOVERY,
  signals: (facts) => dnp3Signals(facts),
  async probe(ctx) {
    const { probeDnp3 } = await import("./probe.js");
    return probeDnp3(ctx);
  },
  simulator: {
    profileSchema: Dnp3SimProfile,
    async start(profile, opts) {
      const { startDnp3Simulator } = await import("./simulator.js");
      return startDnp3Simulator(profile as Dnp3SimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // device attributes (IEEE 1815-2012 §11.9.1): g0v252 manufacturer, g0v250 product and model,
  // g0v242 software version (g0v243 hardware version kept in raw)
  identify: (facts): ObservedProduct[] => {
    const id = facts.identity;
    if (!id.manufacturer && !id.productModel) return [];
    const raw = [
      `g0v252=${id.manufacturer ?? ""}`,
      `g0v250=${id.productModel ?? ""}`,
      `g0v242=${id.softwareVersion ?? ""}`,
      ...(id.hardwareVersion ? [`g0v243=${id.hardwareVersion}`] : []),
    ].join(", ");
    return [{ vendor: id.manufacturer, product: id.productModel, version: id.softwareVersion, source: "dnp3 device attributes", raw, port: facts.port }];
  },
});
