// MQTT rules on facts: anonymous acceptance fails, a refusal for authentication passes, other
// refusals and silence stay undetermined; plain TCP fails only with a CONNACK as proof; the TLS
// rule judges one handshake; the default-credential outcome; signals; every pass carries evidence.
import { describe, expect, it } from "vitest";
import mqtt from "../../probes/mqtt/index.js";
import type { MqttFacts, MqttService } from "../../probes/mqtt/facts.js";
import { hasEvidence } from "../../src/rule-kit.js";
import { runRules } from "../vnc/kit.js";

const connack = (code: number, verdict: "accepted" | "auth-refused" | "version-refused" | "other", codeName: string) => ({
  protocolLevel: 5 as const,
  result: "connack" as const,
  code,
  codeName,
  verdict,
});
const svc = (outcome: "accepted" | "auth-refused" | "refused-other" | "no-answer", extra: Partial<MqttService> = {}): MqttService => ({
  port: 1883,
  url: "mqtt://192.0.2.1:1883",
  tls: false,
  anonymous: {
    clientId: "otaudit-x",
    attempts:
      outcome === "accepted"
        ? [connack(0, "accepted", "Success")]
        : outcome === "auth-refused"
          ? [connack(0x87, "auth-refused", "Not authorized")]
          : outcome === "refused-other"
            ? [connack(0x89, "other", "Server busy")]
            : [
                { protocolLevel: 5, result: "closed" },
                { protocolLevel: 4, result: "closed" },
                { protocolLevel: 3, result: "closed" },
              ],
    outcome,
    ...(outcome !== "no-answer" ? { protocolLevel: 5 as const } : {}),
  },
  ...extra,
});
const tlsSession = (protocol = "TLSv1.3", keyType = "ec", keyBits?: number, curve = "prime256v1") => ({
  protocol,
  cipher: "TLS_AES_256_GCM_SHA384",
  chainLength: 1,
  verified: false,
  certificate: {
    subject: "CN=broker",
    issuer: "CN=broker",
    serialNumber: "01",
    notBefore: "2024-01-01T00:00:00.000Z",
    notAfter: "2099-01-01T00:00:00.000Z",
    selfSigned: true,
    keyType,
    ...(keyBits ? { keyBits } : {}),
    ...(keyType === "ec" ? { curve } : {}),
    signatureAlgorithm: "ECDSA with SHA-256",
    sha256: "ab".repeat(32),
    subjectAltNames: [],
  },
});
const run = (services: MqttService[], id: string) => runRules(mqtt, { services } as MqttFacts, { intrusive: true }).filter((o) => o.ruleId === id);

describe("mqtt.auth.anonymous", () => {
  it("CONNACK 0 without credentials: fail naming the protocol level", () => {
    const [o] = run([svc("accepted")], "mqtt.auth.anonymous");
    expect(o!.status).toBe("fail");
    expect(o!.message).toMatch(/CONNACK code 0 at MQTT 5\.0/);
    expect(o!.evidence!.attempts).toEqual(["5.0: CONNACK 0 (Success)"]);
  });
  it("Not authorized: pass; Server busy: undetermined; no CONNACK: undetermined connection-closed", () => {
    expect(run([svc("auth-refused")], "mqtt.auth.anonymous")[0]!.status).toBe("pass");
    expect(run([svc("refused-other")], "mqtt.auth.anonymous")[0]).toMatchObject({ status: "undetermined", reason: "unknown-value" });
    expect(run([svc("no-answer")], "mqtt.auth.anonymous")[0]).toMatchObject({ status: "undetermined", reason: "connection-closed" });
  });
  it("a refusal outcome without the CONNACK that said it: undetermined no-evidence, never pass", () => {
    const s = svc("auth-refused");
    expect(run([{ ...s, anonymous: { ...s.anonymous!, attempts: [] } }], "mqtt.auth.anonymous")[0]).toMatchObject({
      status: "undetermined",
      reason: "no-evidence",
    });
    expect(run([{ ...s, anonymous: { ...s.anonymous!, attempts: [{ protocolLevel: 5, result: "closed" }] } }], "mqtt.auth.anonymous")[0]).toMatchObject({
      status: "undetermined",
      reason: "no-evidence",
    });
  });

  it("a refusing CONNACK recorded without its code: undetermined no-evidence (the code is the broker's answer), never pass", () => {
    const s = svc("auth-refused");
    const { code: _code, ...noCode } = s.anonymous!.attempts[0]!;
    expect(run([{ ...s, anonymous: { ...s.anonymous!, attempts: [noCode] } }], "mqtt.auth.anonymous")[0]).toMatchObject({
      status: "undetermined",
      reason: "no-evidence",
    });
  });
  it("a service that failed: error", () => {
    expect(run([{ port: 1883, url: "mqtt://192.0.2.1:1883", tls: false, error: { code: "timeout", message: "x" } }], "mqtt.auth.anonymous")[0]!.status).toBe(
      "error",
    );
  });
});

describe("mqtt.cleartext and mqtt.tls", () => {
  it("plain TCP with a CONNACK: fail, saying passwords cross in clear when the broker wants them", () => {
    const [o] = run([svc("auth-refused")], "mqtt.cleartext");
    expect(o!.status).toBe("fail");
    expect(o!.message).toMatch(/user names and passwords/);
    expect(run([svc("no-answer")], "mqtt.cleartext")[0]!.status).toBe("undetermined");
  });
  it("a TLS endpoint passes cleartext with its version and suite; TLS 1.3 and P-256 pass the TLS rule", () => {
    const s = svc("auth-refused", { tls: true, port: 8883, url: "mqtts://192.0.2.1:8883", tlsSession: tlsSession() });
    expect(run([s], "mqtt.cleartext")[0]).toMatchObject({ status: "pass", evidence: { tls: "TLSv1.3" } });
    expect(run([s], "mqtt.tls")[0]).toMatchObject({ status: "pass" });
  });
  it("TLS 1.0 negotiated or an RSA-1024 certificate: fail naming it; an unknown key type: undetermined", () => {
    expect(run([svc("auth-refused", { tls: true, tlsSession: tlsSession("TLSv1") })], "mqtt.tls")[0]!.message).toMatch(
      /negotiated TLSv1 although TLS 1.3 was offered/,
    );
    expect(run([svc("auth-refused", { tls: true, tlsSession: tlsSession("TLSv1.2", "rsa", 1024) })], "mqtt.tls")[0]!.message).toMatch(
      /weak certificate key: RSA 1024 bits/,
    );
    expect(run([svc("auth-refused", { tls: true, tlsSession: tlsSession("TLSv1.3", "sm2") })], "mqtt.tls")[0]).toMatchObject({
      status: "undetermined",
      reason: "unknown-value",
    });
    expect(run([svc("auth-refused")], "mqtt.tls")[0]!.status).toBe("not_applicable");
  });
});

describe("mqtt.auth.default-credentials", () => {
  const base = { budget: 2, delayMs: 0, knownEntries: 2, planned: ["rabbitmq-guest", "activemq-admin"] };
  it("an accepted entry fails naming the account, never the password", () => {
    const d = {
      ...base,
      attempts: [{ id: "rabbitmq-guest", username: "guest", result: "accepted" as const }],
      accepted: { id: "rabbitmq-guest", username: "guest", vendor: "Broadcom / VMware", source: "https://example.org" },
      complete: true,
    };
    const [o] = run([svc("auth-refused", { defaultCredentials: d })], "mqtt.auth.default-credentials");
    expect(o).toMatchObject({ status: "fail", evidence: { account: "guest", entry: "rabbitmq-guest" } });
    expect(JSON.stringify(o)).not.toMatch(/"guest" *: *"guest"|password/);
  });
  it("all planned rejected passes; a cut-short run is undetermined; a run never started is undetermined", () => {
    const rejected = (id: string, username: string) => ({ id, username, result: "rejected" as const });
    expect(
      run(
        [
          svc("auth-refused", {
            defaultCredentials: { ...base, attempts: [rejected("rabbitmq-guest", "guest"), rejected("activemq-admin", "admin")], complete: true },
          }),
        ],
        "mqtt.auth.default-credentials",
      )[0]!.status,
    ).toBe("pass");
    expect(
      run(
        [
          svc("auth-refused", {
            defaultCredentials: {
              ...base,
              attempts: [rejected("rabbitmq-guest", "guest"), { id: "activemq-admin", username: "admin", result: "error", detail: "timeout" }],
              complete: false,
            },
          }),
        ],
        "mqtt.auth.default-credentials",
      )[0],
    ).toMatchObject({ status: "undetermined", reason: "incomplete" });
    expect(
      run(
        [svc("accepted", { defaultCredentials: { ...base, planned: [], attempts: [], complete: false, notTried: "anonymous accepted" } })],
        "mqtt.auth.default-credentials",
      )[0],
    ).toMatchObject({ status: "undetermined", reason: "not-attempted" });
  });
});

describe("evidence and signals", () => {
  it("every pass carries evidence", () => {
    const all = [svc("auth-refused"), svc("accepted"), svc("auth-refused", { tls: true, tlsSession: tlsSession() })];
    for (const o of runRules(mqtt, { services: all })) if (o.status === "pass") expect(hasEvidence(o.evidence), o.ruleId).toBe(true);
  });
  it("signals: anonymous = no authentication; plain TCP = a cleartext channel; the TLS certificate as a key", () => {
    const s = mqtt.signals!({ services: [svc("accepted"), svc("auth-refused", { tls: true, port: 8883, tlsSession: tlsSession() })] }, []);
    expect(s.remoteAccess!.map((r) => r.factors)).toEqual(["none", "single-factor"]);
    expect(s.cleartext).toEqual([{ scheme: "mqtt", port: 1883, carries: "data", detail: "MQTT on plain TCP" }]);
    expect(s.keys).toEqual([{ kind: "x509-certificate", fingerprint: `sha256:${"ab".repeat(32)}`, scheme: "mqtts", port: 8883, label: "CN=broker" }]);
  });
});
