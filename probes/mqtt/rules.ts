// MQTT rules: pure functions over MqttFacts (no I/O). A broker that accepts CONNECT without
// credentials (CONNACK code 0, MQTT 3.1.1 §3.2.2.3 / 5.0 §3.2.2.2) lets anyone publish and
// subscribe; MQTT on plain TCP carries payloads and passwords in clear; on TLS endpoints the one
// handshake shows the negotiated version and the certificate key (deep TLS grading is the TLS
// plugin's). Only a parsed CONNACK proves an MQTT broker: silence or a closed connection is never
// read as a verdict.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { loginRunOutcome } from "../../src/knowledge/login-run.js";
import { tlsSessionOutcome } from "../../src/net/tls-session.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { MqttFacts, MqttService } from "./facts.js";

function perService(facts: MqttFacts, fn: (s: MqttService) => RuleOutcome | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (!s.anonymous) {
      out.push(error(`could not audit ${s.url}${s.error ? `: ${s.error.code}: ${s.error.message}` : ""}`, { url: s.url, error: s.error }, { port: s.port }));
      continue;
    }
    const o = fn(s);
    if (o) out.push({ ...o, port: o.port ?? s.port });
  }
  return out;
}

function connackEvidence(s: MqttService): Record<string, unknown> {
  const a = s.anonymous!;
  return {
    url: s.url,
    attempts: a.attempts.map(
      (x) =>
        `${x.protocolLevel === 5 ? "5.0" : x.protocolLevel === 4 ? "3.1.1" : "3.1"}: ${x.result === "connack" ? `CONNACK ${x.code} (${x.codeName})` : `${x.result}${x.error ? ` (${x.error})` : ""}`}`,
    ),
  };
}

/** No CONNACK at any level: nothing proves an MQTT broker, nothing to judge. */
function noConnack(s: MqttService): RuleOutcome {
  const a = s.anonymous!;
  const closed = a.attempts.length > 0 && a.attempts.every((x) => x.result === "closed");
  return undetermined(
    closed ? "connection-closed" : "no-answer",
    `${s.url}: no CONNACK to a CONNECT${closed ? " (the broker closed the connection each time)" : ""}`,
    connackEvidence(s),
  );
}

export const anonymousRule = defineRule<MqttFacts>({
  meta: {
    id: "mqtt.auth.anonymous",
    title: "MQTT broker refuses clients without credentials",
    elements: [9, 8, 6],
    iec62443: ["CR 1.1", "CR 2.1", "CR 1.2"],
    severity: "high",
    safety: "read",
    remediation:
      "Require authentication on every listener (Mosquitto: allow_anonymous false with a password_file or client certificates; other brokers: disable anonymous/guest access) and restrict topics per client with ACLs.",
    docs: "https://docs.oasis-open.org/mqtt/mqtt/v5.0/os/mqtt-v5.0-os.html#_Toc3901074",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const a = s.anonymous!;
      const evidence = connackEvidence(s);
      if (a.outcome === "accepted") {
        return fail(
          `the broker accepted a CONNECT without user name or password (CONNACK code 0 at ${a.protocolLevel === 5 ? "MQTT 5.0" : a.protocolLevel === 4 ? "MQTT 3.1.1" : "MQTT 3.1"}): anyone who reaches ${s.url} can publish and subscribe`,
          evidence,
        );
      }
      if (a.outcome === "auth-refused") {
        // the pass rests on the CONNACK that refused (MQTT 3.1.1 codes 4/5, 5.0 0x86/0x87/0x8C), not on the outcome alone
        const refusal = [...a.attempts].reverse().find((x) => x.result === "connack" && x.verdict === "auth-refused" && x.code !== undefined);
        if (!refusal) return undetermined("no-evidence", "an authentication refusal was recorded without the CONNACK (and its code) that said it", evidence);
        return pass(`the broker refused a CONNECT without credentials (${refusal.codeName ?? `CONNACK code ${refusal.code}`})`, evidence);
      }
      if (a.outcome === "refused-other")
        return undetermined(
          "unknown-value",
          `the broker refused the CONNECT for a reason other than authentication (${a.attempts.at(-1)?.codeName}): whether it requires credentials is not shown`,
          evidence,
        );
      return noConnack(s);
    }),
});

export const cleartextRule = defineRule<MqttFacts>({
  meta: {
    id: "mqtt.cleartext",
    title: "MQTT only over TLS",
    elements: [7, 5],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "read",
    remediation: "Serve MQTT only over TLS (port 8883) and close the plain-TCP listener (1883), or restrict it to loopback.",
    docs: "https://docs.oasis-open.org/mqtt/mqtt/v5.0/os/mqtt-v5.0-os.html#_Toc3901261",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const a = s.anonymous!;
      if (s.tls) {
        if (!s.tlsSession) return error(`${s.url}: the TLS handshake was not recorded`, { url: s.url });
        return pass(`MQTT over ${s.tlsSession.protocol} (${s.tlsSession.cipher})`, { url: s.url, tls: s.tlsSession.protocol, cipher: s.tlsSession.cipher });
      }
      if (a.protocolLevel === undefined) return noConnack(s);
      const carries =
        a.outcome === "auth-refused" ? "user names and passwords, payloads and topics" : "payloads and topics (and any credentials a client sends)";
      return fail(`an MQTT broker answers on plain TCP (${s.url}): ${carries} cross the network in clear`, { ...connackEvidence(s), tls: false });
    }),
});

export const tlsRule = defineRule<MqttFacts>({
  meta: {
    id: "mqtt.tls",
    title: "MQTT TLS: current protocol version and a strong certificate key",
    elements: [7],
    iec62443: ["CR 4.3", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation:
      "Allow TLS 1.2 and 1.3 only (Mosquitto: tls_version tlsv1.2) and use a certificate with an RSA key of at least 2048 bits or an EC key on P-256 or stronger.",
    docs: "https://www.rfc-editor.org/rfc/rfc8996",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      if (!s.tls) return notApplicable(`${s.url} is not a TLS endpoint (see mqtt.cleartext)`, { url: s.url });
      const t = s.tlsSession;
      if (!t) return error(`${s.url}: the TLS handshake was not recorded`, { url: s.url });
      return tlsSessionOutcome(t);
    }),
});

export const defaultCredentialsRule = defineRule<MqttFacts>({
  meta: {
    id: "mqtt.auth.default-credentials",
    title: "No factory-default MQTT broker credentials accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation:
      "Remove or change the broker's factory-default accounts (RabbitMQ: delete the guest user; ActiveMQ: change conf/users.properties) and give every client its own credentials.",
    docs: "https://www.rabbitmq.com/docs/access-control#default-state",
  },
  check: ({ facts }) => {
    const s = facts.services.find((x) => x.defaultCredentials);
    if (!s) return undetermined("not-attempted", "the default-credential check did not run (no broker answered a CONNECT)");
    return { ...loginRunOutcome(s.defaultCredentials, `the MQTT broker at ${s.url}`), port: s.port };
  },
});

export const MQTT_RULES: Rule<MqttFacts>[] = [anonymousRule, cleartextRule, tlsRule, defaultCredentialsRule];
