// Interop against Debian's Mosquitto 2 on loopback: a listener with anonymous access (fail), one
// with a password file (pass, and with --intrusive the factory-default guest/guest account it holds
// is found), and a TLS listener with an openssl-generated certificate and authentication (the
// hardened configuration: no failure). Mosquitto's own log shows a default run sends no user name
// or password and never SUBSCRIBE or PUBLISH, and every accepted session ends with DISCONNECT.
import { afterAll, beforeAll, expect, it } from "vitest";
import mqtt from "../../probes/mqtt/index.js";
import type { MqttFacts } from "../../probes/mqtt/facts.js";
import { describeWithDaemon, waitFor } from "../helpers/daemons.js";
import { auditUrls, finding } from "../vnc/kit.js";
import { MOSQUITTO, OPENSSL, PASSWD, startMosquitto, type Mosquitto } from "./mosquitto.js";

describeWithDaemon("Mosquitto interop", Boolean(MOSQUITTO && PASSWD && OPENSSL), "needs mosquitto, mosquitto_passwd (mosquitto) and openssl", () => {
  let m: Mosquitto;
  let open: number, locked: number, tls: number;
  const read = () => m.log();

  beforeAll(async () => {
    m = await startMosquitto();
    ({ open, locked, tls } = m);
  });
  afterAll(() => m?.stop());

  it("allow_anonymous true: failing finding naming anonymous access, and cleartext", async () => {
    const d = await auditUrls(mqtt, [`mqtt://127.0.0.1:${open}`]);
    expect((d.facts.mqtt!.data as MqttFacts).services[0]!.anonymous).toMatchObject({
      outcome: "accepted",
      protocolLevel: 5,
      disconnected: true,
      properties: { receiveMaximum: 20 },
    });
    expect(finding(d, "mqtt.auth.anonymous").status).toBe("fail");
    expect(finding(d, "mqtt.cleartext").status).toBe("fail");
  });

  it("allow_anonymous false: anonymous refused (Not authorized), cleartext still fails", async () => {
    const d = await auditUrls(mqtt, [`mqtt://127.0.0.1:${locked}`]);
    expect(finding(d, "mqtt.auth.anonymous")).toMatchObject({ status: "pass", message: expect.stringMatching(/Not authorized/) });
    expect(finding(d, "mqtt.cleartext").message).toMatch(/user names and passwords/);
  });

  it("hardened TLS listener with authentication: no failure; the certificate is recorded", async () => {
    const d = await auditUrls(mqtt, [`mqtts://127.0.0.1:${tls}`]);
    expect(d.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(finding(d, "mqtt.tls")).toMatchObject({ status: "pass", evidence: { key: "RSA 2048 bits", certificate: "CN=otaudit-mosquitto" } });
    expect((d.facts.mqtt!.data as MqttFacts).services[0]!.tlsSession).toMatchObject({
      protocol: "TLSv1.3",
      verified: false,
      verifyError: "DEPTH_ZERO_SELF_SIGNED_CERT",
    });
  });

  it("mosquitto's log: the default runs sent no user name, no SUBSCRIBE or PUBLISH; accepted sessions ended with DISCONNECT", () => {
    const text = read();
    const ours = [...text.matchAll(/New client connected from 127\.0\.0\.1:\d+ as (otaudit-[0-9a-f]{12}) \(p\d, c1, k30(, u'[^']*')?\)/g)];
    expect(ours.length).toBeGreaterThan(0);
    for (const m of ours) expect(m[2]).toBeUndefined(); // no u'<user>'
    expect(text).not.toMatch(/Received (SUBSCRIBE|PUBLISH)/);
    for (const m of ours) expect(text).toContain(`Received DISCONNECT from ${m[1]}`);
  });

  it("--intrusive: the guest/guest account is found on the TLS listener, one password sent", async () => {
    const before = (read().match(/u'guest'/g) ?? []).length;
    const d = await auditUrls(mqtt, [`mqtt://127.0.0.1:${locked}`, `mqtts://127.0.0.1:${tls}`], { intrusive: true, options: { "login.delayMs": "0" } });
    expect(finding(d, "mqtt.auth.default-credentials")).toMatchObject({ status: "fail", port: tls, evidence: { account: "guest", entry: "rabbitmq-guest" } });
    await waitFor(() => (read().match(/u'guest'/g) ?? []).length > before, 3000);
    expect((read().match(/u'guest'/g) ?? []).length - before).toBe(1);
  });
});
