// The Modbus/TCP plugin: plain Modbus/TCP (port 502) and Modbus/TCP Security (TLS, port 802).
// Light on purpose (zod, rules, data): the probe and the simulator are loaded on first use.
import { definePlugin } from "../../src/plugin.js";
import { ModbusFacts } from "./facts.js";
import { CHECKS } from "./options.js";
import { ModbusSimProfile, profileFromFacts } from "./profile.js";
import { RULES } from "./rules.js";

export default definePlugin<ModbusFacts>({
  id: "modbus",
  title: "Modbus/TCP",
  schemes: ["modbus", "modbus+tls"],
  transport: "tcp",
  defaultPorts: [
    { scheme: "modbus", port: 502 },
    { scheme: "modbus+tls", port: 802 },
  ],
  version: "1.0.0",
  factsSchema: ModbusFacts,
  checks: Object.values(CHECKS),
  rules: RULES,
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
});
