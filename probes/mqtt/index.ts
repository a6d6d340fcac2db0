// The MQTT plugin: does the broker accept CONNECT without credentials (CONNACK 0), is it reachable
// on plain TCP, what one TLS handshake on 8883 shows; --intrusive: factory-default broker accounts.
// Never SUBSCRIBE or PUBLISH. Light module: zod, rules and data only; the probe and the simulator
// load lazily.
import { z } from "zod";
import { definePlugin, type FleetSignals } from "../../src/plugin.js";
import { CHECKS } from "./checks.js";
import { MqttFacts } from "./facts.js";
import { MqttSimProfile, profileFromFacts } from "./profile.js";
import { MQTT_RULES } from "./rules.js";

function signals(facts: MqttFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "cleartext" | "defaultCredentials" | "keys">> = {
    remoteAccess: [],
    cleartext: [],
    defaultCredentials: [],
    keys: [],
  };
  for (const s of facts.services) {
    const scheme = s.tls ? "mqtts" : "mqtt";
    const a = s.anonymous;
    if (a?.protocolLevel !== undefined) {
      const verified = s.credentialed?.outcome === "accepted";
      const factors = a.outcome === "accepted" ? "none" : a.outcome === "auth-refused" ? "single-factor" : "unknown";
      out.remoteAccess.push({
        scheme,
        port: s.port,
        factors,
        detail:
          a.outcome === "accepted"
            ? "broker accepts clients without credentials"
            : `broker requires a user name and password${verified ? " (bench credentials accepted)" : ""}`,
      });
      if (!s.tls) out.cleartext.push({ scheme, port: s.port, carries: a.outcome === "auth-refused" ? "credentials" : "data", detail: "MQTT on plain TCP" });
    }
    const acc = s.defaultCredentials?.accepted;
    if (acc)
      out.defaultCredentials.push({ scheme, port: s.port, key: `mqtt:${acc.id}`, label: `${acc.username} (${acc.vendor ?? acc.id})`, source: acc.source });
    const cert = s.tlsSession?.certificate;
    if (cert) out.keys.push({ kind: "x509-certificate", fingerprint: `sha256:${cert.sha256}`, scheme, port: s.port, label: cert.subject });
  }
  return out;
}

export default definePlugin<MqttFacts>({
  id: "mqtt",
  title: "MQTT",
  schemes: ["mqtt", "mqtts"],
  transport: "tcp",
  defaultPorts: [
    { scheme: "mqtt", port: 1883 },
    { scheme: "mqtts", port: 8883 },
  ],
  version: "1.0.0",
  factsSchema: MqttFacts,
  checks: Object.values(CHECKS),
  rules: MQTT_RULES,
  async probe(ctx) {
    const { probeMqtt } = await import("./probe.js");
    return probeMqtt(ctx);
  },
  simulator: {
    profileSchema: MqttSimProfile,
    async start(profile, opts) {
      const { startMqttSimulator } = await import("./simulator.js");
      return startMqttSimulator(profile as MqttSimProfile, opts);
    },
  },
  profileFromFacts,
  signals,
  // bench credentials: one CONNECT with them, to verify the broker's authentication (never SUBSCRIBE/PUBLISH)
  credentials: { kinds: ["mqtt"], fields: { username: z.string().min(1), password: z.string() }, secrets: ["password"] },
  discovery: { cleartextSchemes: ["mqtt"] },
  // the random client id differs per run: not part of what a recording proves
  redactFacts: (facts) => ({ services: facts.services.map((s) => (s.anonymous ? { ...s, anonymous: { ...s.anonymous, clientId: "otaudit-recorded" } } : s)) }),
});
