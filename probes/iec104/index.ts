// The IEC 60870-5-104 plugin: plain IEC 104 (tcp/2404) and IEC 62351-3 TLS (tcp/19998), TESTFR only.
// The station's identity is not observable read-only (no STARTDT, no interrogation): no identify().
// Light on purpose: the probe and the simulator load on first use.
import { definePlugin } from "../../src/plugin.js";
import { IEC104_CHECKS, IEC104_DISCOVERY } from "./declarations.js";
import { Iec104Facts } from "./facts.js";
import { Iec104SimProfile, profileFromFacts } from "./profile.js";
import { IEC104_RULES } from "./rules.js";
import { iec104Signals } from "./signals.js";

export default definePlugin<Iec104Facts>({
  id: "iec104",
  title: "IEC 60870-5-104",
  schemes: ["iec104", "iec104+tls"],
  transport: "tcp",
  defaultPorts: [
    { scheme: "iec104", port: 2404 },
    { scheme: "iec104+tls", port: 19998 },
  ],
  version: "1.0.0",
  factsSchema: Iec104Facts,
  checks: Object.values(IEC104_CHECKS),
  rules: IEC104_RULES,
  discovery: IEC104_DISCOVERY,
  signals: (facts) => iec104Signals(facts),
  async probe(ctx) {
    const { probeIec104 } = await import("./probe.js");
    return probeIec104(ctx);
  },
  simulator: {
    profileSchema: Iec104SimProfile,
    async start(profile, opts) {
      const { startIec104Simulator } = await import("./simulator.js");
      return startIec104Simulator(profile as Iec104SimProfile, opts);
    },
  },
  profileFromFacts: (facts) => profileFromFacts(facts),
});
