// The tls plugin: any TLS service (HTTPS 443/8443, OPC UA HTTPS 4843, syslog over TLS 6514, IEC
// 62351-3, or any tls://host:port): protocol versions, cipher suites, key exchange, compression,
// renegotiation and the certificate chain, graded with THE TLS knowledge (probes/tls/data/tls.yaml,
// shared with Modbus/TCP Security). MQTT over TLS (8883) and Modbus/TCP Security (802) belong to
// their protocols' plugins, which grade with the same library (judge.ts, hello-plan.ts, wire/).
// Light module: zod, rules and data only; the probe and the simulator load lazily.
import { definePlugin } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { TlsFacts } from "./facts.js";
import { profileFromFacts, TlsSimProfile } from "./profile.js";
import { TLS_RULES } from "./rules.js";
import { tlsSignals } from "./signals.js";

export default definePlugin<TlsFacts>({
  id: "tls",
  title: "TLS",
  schemes: ["tls"],
  transport: "tcp",
  // HTTPS, HTTPS (alternate), OPC UA HTTPS (OPC 10000-6 §7.4), syslog over TLS (RFC 5425 §4.1)
  defaultPorts: [
    { scheme: "tls", port: 443 },
    { scheme: "tls", port: 8443 },
    { scheme: "tls", port: 4843 },
    { scheme: "tls", port: 6514 },
  ],
  version: "1.0.0",
  factsSchema: TlsFacts,
  checks: Object.values(CHECKS),
  rules: TLS_RULES,
  discovery: {},
  signals: (facts) => tlsSignals(facts),
  async probe(ctx) {
    const { probeTls } = await import("./probe.js");
    return probeTls(ctx);
  },
  simulator: {
    profileSchema: TlsSimProfile,
    async start(profile, opts) {
      const { startTlsSimulator } = await import("./simulator.js");
      return startTlsSimulator(profile as TlsSimProfile, opts);
    },
  },
  profileFromFacts,
});
