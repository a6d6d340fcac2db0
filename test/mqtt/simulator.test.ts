// Probe + rules against the MQTT simulator on loopback: an anonymous plain+TLS broker and an
// authenticating 3.1.1-only broker with a factory-default account. The broker's own counters show
// that a default run sends no user name or password and never SUBSCRIBE or PUBLISH, and that
// --intrusive stays within the budget on the TLS endpoint; bench credentials; record -> simulate;
// the CLI with URL targets.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import mqtt from "../../probes/mqtt/index.js";
import type { MqttFacts } from "../../probes/mqtt/facts.js";
import { MqttSimProfile } from "../../probes/mqtt/profile.js";
import type { MqttSimulatorStats } from "../../probes/mqtt/simulator.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { runOtaudit } from "../helpers/cli.js";
import { auditUrls, finding, findings } from "../vnc/kit.js";

const stateDir = mkdtempSync(join(tmpdir(), "otaudit-mqtt-sim-"));
const running: RunningSimulator[] = [];
const start = async (p: unknown) => {
  const sim = await mqtt.simulator!.start(MqttSimProfile.parse(p), { host: "127.0.0.1", stateDir });
  running.push(sim);
  return sim;
};
const stats = (s: RunningSimulator) => s.stats!() as MqttSimulatorStats;
let open: RunningSimulator;
let locked: RunningSimulator;

beforeAll(async () => {
  open = await start({ levels: [4, 5], anonymous: true, tls: {}, properties: { maximumQoS: 1, retainAvailable: false } });
  locked = await start({ levels: [4], anonymous: false, accounts: [{ username: "guest", password: "guest" }], tls: { keyType: "rsa-2048" } });
});
afterAll(() => Promise.all(running.map((s) => s.stop())));

describe("anonymous broker (plain + TLS)", () => {
  it("fails anonymous access on both endpoints and cleartext on 1883; TLS facts from the handshake", async () => {
    const d = await auditUrls(mqtt, open.urls);
    expect(findings(d, "mqtt.auth.anonymous").map((f) => [f.port, f.status])).toEqual(open.urls.map((u) => [Number(u.split(":").pop()), "fail"]));
    const clear = findings(d, "mqtt.cleartext");
    expect(clear.map((f) => f.status)).toEqual(["fail", "pass"]);
    const tls = (d.facts.mqtt!.data as MqttFacts).services[1]!.tlsSession!;
    expect(tls).toMatchObject({
      protocol: "TLSv1.3",
      certificate: { subject: "CN=otaudit-mqtt-simulator", keyType: "ec", curve: "prime256v1" },
      verified: false,
    });
    expect(findings(d, "mqtt.tls").map((f) => f.status)).toEqual(["not_applicable", "pass"]);
    expect((d.facts.mqtt!.data as MqttFacts).services[0]!.anonymous!.properties).toMatchObject({ maximumQoS: 1, retainAvailable: false });
  });

  it("the broker saw CONNECT and DISCONNECT only: no credentials, no SUBSCRIBE, no PUBLISH", () => {
    expect(stats(open)).toMatchObject({ connects: 2, accepted: 2, disconnects: 2, withUsername: 0, withPassword: 0, subscribes: 0, publishes: 0 });
    for (const id of stats(open).clientIds) expect(id).toMatch(/^otaudit-[0-9a-f]{12}$/);
  });

  it("--intrusive on an anonymous broker tries no default (an accepted default would prove nothing)", async () => {
    const before = stats(open).withPassword;
    const d = await auditUrls(mqtt, open.urls, { intrusive: true });
    expect(finding(d, "mqtt.auth.default-credentials")).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    expect(stats(open).withPassword).toBe(before);
  });
});

describe("authenticating 3.1.1 broker with guest/guest", () => {
  it("default mode: refuses anonymous after a 5.0 version refusal, and saw no password", async () => {
    const d = await auditUrls(mqtt, locked.urls);
    const a = (d.facts.mqtt!.data as MqttFacts).services[0]!.anonymous!;
    expect(a.attempts.map((x) => [x.protocolLevel, x.verdict])).toEqual([
      [5, "version-refused"],
      [4, "auth-refused"],
    ]);
    expect(finding(d, "mqtt.auth.anonymous").status).toBe("pass");
    expect(finding(d, "mqtt.auth.default-credentials").status).toBe("skipped");
    expect(stats(locked)).toMatchObject({ withUsername: 0, withPassword: 0 });
  });

  it("--intrusive: the default account is found on the TLS endpoint, within the budget", async () => {
    const before = stats(locked).withPassword;
    const d = await auditUrls(mqtt, locked.urls, { intrusive: true, options: { "login.delayMs": "0" } });
    const f = finding(d, "mqtt.auth.default-credentials");
    expect(f).toMatchObject({ status: "fail", evidence: { account: "guest", entry: "rabbitmq-guest" } });
    expect(f.port).toBe(Number(locked.urls[1]!.split(":").pop())); // the mqtts endpoint: no password in clear
    expect(stats(locked).withPassword - before).toBe(1); // stopped at the first accepted
    expect(JSON.stringify(d)).not.toMatch(/"password"\s*:\s*"guest"/);
  });

  it("bench credentials from the credentials file: one CONNECT with them, accepted", async () => {
    const d = await auditUrls(mqtt, locked.urls, { credentials: [{ protocol: "mqtt", username: "guest", password: "guest" }] as never });
    expect((d.facts.mqtt!.data as MqttFacts).services[1]!.credentialed).toEqual({
      username: "guest",
      outcome: "accepted",
      code: 0,
      codeName: "Connection Accepted",
    });
  });
});

describe("record -> simulate, and the CLI", () => {
  it("profileFromFacts reproduces the same findings", async () => {
    const first = await auditUrls(mqtt, open.urls);
    const replica = await start(mqtt.profileFromFacts!(first.facts.mqtt!.data as MqttFacts));
    const second = await auditUrls(mqtt, replica.urls);
    const shape = (d: typeof first) => d.findings.map((f) => [f.ruleId, f.status]);
    expect(shape(second)).toEqual(shape(first));
  });

  it("otaudit scan mqtt://... mqtts://... exits 1 and names the anonymous broker", async () => {
    const out = join(stateDir, "mqtt.json");
    const r = await runOtaudit(["scan", ...open.urls, "--json", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.devices[0].findings.filter((f: { ruleId: string; status: string }) => f.ruleId === "mqtt.auth.anonymous" && f.status === "fail")).toHaveLength(
      2,
    );
  });
});
