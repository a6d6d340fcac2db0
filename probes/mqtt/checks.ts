// The checks the MQTT probe performs, each with its safety class (shown by `otaudit rules`; the probe
// calls ctx.assertAllowed before each). Safety of the anonymous CONNECT (class `read`): it opens a
// session an unauthenticated client may open and nothing more. Clean Session / Clean Start is set
// and no Will is registered (MQTT 3.1.1 §3.1.2.4-5, 5.0 §3.1.2.4-5), so the broker keeps no state
// after our DISCONNECT; the client identifier is random ("otaudit-" + 12 hex digits), so no
// device's session can be taken over (§3.1.4 disconnects an existing client with the same id);
// no SUBSCRIBE or PUBLISH is ever sent, so no retained message, command topic or $SYS value is read
// or written.
import { LOGIN_BUDGET_DEFAULT, type CheckDecl } from "../../src/plugin.js";

export const DEFAULT_CREDENTIAL_DELAY_MS = 1000;

export const CHECKS = {
  tlsHandshake: {
    id: "mqtt.tls-handshake",
    safety: "passive",
    description:
      "on MQTT-over-TLS endpoints (mqtts, 8883): one TLS handshake recording the negotiated version, suite and the server certificate (the certificate is recorded, not trusted)",
  },
  anonymousConnect: {
    id: "mqtt.anonymous-connect",
    safety: "read",
    description:
      "CONNECT without user name or password (Clean Session, no Will, a random client id), then DISCONNECT at once if accepted; MQTT 5.0 first, 3.1.1 and 3.1 only while the broker refuses the version (at most 3 connections); never SUBSCRIBE or PUBLISH",
  },
  credentialedConnect: {
    id: "mqtt.credentialed-connect",
    safety: "read",
    description:
      "with bench credentials from --credentials: one CONNECT with them (over TLS when the device has an mqtts endpoint), then DISCONNECT; never SUBSCRIBE or PUBLISH",
  },
  defaultCredentials: {
    id: "mqtt.default-credentials",
    safety: "intrusive",
    description: `try up to ${LOGIN_BUDGET_DEFAULT} (--login-budget) factory-default broker accounts from probes/mqtt/data/default-credentials.yaml on one endpoint per device (TLS when there is one), one connection per try, ${DEFAULT_CREDENTIAL_DELAY_MS} ms apart (--login-delay), stopping at the first accepted; skipped when the broker accepts anonymous clients`,
  },
} as const satisfies Record<string, CheckDecl>;
