// The Modbus/TCP plugin: plain Modbus/TCP (port 502) and Modbus/TCP Security (TLS, port 802).
// Light on purpose (zod, rules, data): the probe and the simulator are loaded on first use.
import { definePlugin } from "../../src/plugin.js";
import { ModbusFacts } from "./facts.js";
import { CHECKS } from "./options.js";
import { ModbusSimProfile, profileFromFacts } from "./profile.js";
import { RULES } from "./rules.js";
import type { ObservedProduct } from "../../src/plugin.js";
import { MODBUS_CREDENTIALS, MODBUS_DISCOVERY, MODBUS_OPTIONS } from "./declarations.js";
import { modbusSignals } from "./signals.js";
import { MODBUS_POLICY_SETS, modbusPolicyFacts } from "./policy.js";

export default definePlugin<ModbusFacts>({
  id: "modbus",
  title: "Modbus/TCP",
  schemes: ["modbus", "modbus+tls"],
  transport: "tcp",
  defaultPorts: [
    { scheme: "modbus", port: 502 },
    { scheme: "modbus+tls", port: 802 },
  ],
  version: "2.0.0",
  factsSchema: ModbusFacts,
  checks: Object.values(CHECKS),
  rules: RULES,
  // plugin contract v2 (declarations.ts, signals.ts)
  options: MODBUS_OPTIONS,
  credentials: MODBUS_CREDENTIALS,
  discovery: MODBUS_DISCOVERY,
  signals: (facts) => modbusSignals(facts),
  // policies (src/policy): variants, TLS versions and suites as named sets (policy.ts)
  policySets: MODBUS_POLICY_SETS,
  policyFacts: modbusPolicyFacts,
  async probe(ctx) {
    const { probeModbus } = await import("./probe.js");
    return probeModbus(ctx);
  },
  simulator: {
    profileSchema: ModbusSimProfile,
    async start(profile, opts) {
      const { startModbusSimulator } = await import("./simulator.js");
      return startModbusSimulator(profile as ModbusSimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
  // Read Device Identification (Modbus Application Protocol 1.1b §6.21): VendorName (0x00),
  // ProductCode (0x01), MajorMinorRevision (0x02), ProductName (0x04); one entry per distinct identity
  identify: (facts) => {
    const seen = new Map<string, ObservedProduct>();
    for (const e of facts.plain)
      for (const u of e.units) {
        const id = u.deviceId?.status === "ok" ? u.deviceId.identity : undefined;
        if (!id || !(id.productName || id.productCode)) continue;
        const raw = [
          `VendorName=${id.vendorName ?? ""}`,
          `ProductCode=${id.productCode ?? ""}`,
          `MajorMinorRevision=${id.revision ?? ""}`,
          ...(id.productName ? [`ProductName=${id.productName}`] : []),
        ].join(", ");
        if (!seen.has(raw))
          seen.set(raw, {
            vendor: id.vendorName,
            product: id.productName ?? id.productCode,
            model: id.productName ? id.productCode : undefined,
            version: id.revision,
            source: "modbus device identification",
            raw,
            port: e.port,
          });
      }
    return [...seen.values()];
  },
});
