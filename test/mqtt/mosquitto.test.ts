// Interop against Debian's Mosquitto 2 on loopback: a listener with anonymous access (fail), one
// with a password file (pass, and with --intrusive the factory-default guest/guest account it holds
// is found), and a TLS listener with an openssl-generated certificate and authentication (the
// hardened configuration: no failure). Mosquitto's own log shows a default run sends no user name
// or password and never SUBSCRIBE or PUBLISH, and every accepted session ends with DISCONNECT.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import mqtt from "../../probes/mqtt/index.js";
import type { MqttFacts } from "../../probes/mqtt/facts.js";
import { describeWithDaemon, findBinary, freeTcpPort, spawnDaemon, tcpPortOpen, waitFor, type DaemonProcess } from "../helpers/daemons.js";
import { auditUrls, finding } from "../vnc/kit.js";

const MOSQUITTO = findBinary("/usr/sbin/mosquitto");
const PASSWD = findBinary("/usr/bin/mosquitto_passwd");
const OPENSSL = findBinary("/usr/bin/openssl");

describeWithDaemon("Mosquitto interop", Boolean(MOSQUITTO && PASSWD && OPENSSL), "needs mosquitto, mosquitto_passwd (mosquitto) and openssl", () => {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-mosquitto-"));
  const log = join(dir, "mosquitto.log");
  let daemon: DaemonProcess;
  let open: number, locked: number, tls: number;
  const read = () => readFileSync(log, "utf8");

  beforeAll(async () => {
    [open, locked, tls] = [await freeTcpPort(), await freeTcpPort(), await freeTcpPort()];
    execFileSync(PASSWD!, ["-c", "-b", join(dir, "passwd"), "guest", "guest"]);
    execFileSync(PASSWD!, ["-b", join(dir, "passwd"), "bench", "Bench-pw-1"]);
    execFileSync(OPENSSL!, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "2", "-subj", "/CN=otaudit-mosquitto", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
    const conf = [
      ...(process.getuid?.() === 0 ? ["user root"] : []),
      "per_listener_settings true",
      `log_dest file ${log}`,
      "log_type all",
      "connection_messages true",
      `listener ${open} 127.0.0.1`,
      "allow_anonymous true",
      `listener ${locked} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${join(dir, "passwd")}`,
      `listener ${tls} 127.0.0.1`,
      "allow_anonymous false",
      `password_file ${join(dir, "passwd")}`,
      `certfile ${join(dir, "cert.pem")}`,
      `keyfile ${join(dir, "key.pem")}`,
      "tls_version tlsv1.2",
    ];
    writeFileSync(join(dir, "mosquitto.conf"), conf.join("\n") + "\n");
    daemon = spawnDaemon(MOSQUITTO!, ["-c", join(dir, "mosquitto.conf")], { dir, logFile: log });
    await waitFor(async () => {
      if (daemon.exited()) throw new Error(`mosquitto exited: ${daemon.log().slice(-400)}`);
      return (await tcpPortOpen(open)) && (await tcpPortOpen(locked)) && (await tcpPortOpen(tls));
    }, 10_000);
  });
  afterAll(() => daemon?.stop());

  it("allow_anonymous true: failing finding naming anonymous access, and cleartext", async () => {
    const d = await auditUrls(mqtt, [`mqtt://127.0.0.1:${open}`]);
    expect((d.facts.mqtt!.data as MqttFacts).services[0]!.anonymous).toMatchObject({ outcome: "accepted", protocolLevel: 5, disconnected: true, properties: { receiveMaximum: 20 } });
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
    expect((d.facts.mqtt!.data as MqttFacts).services[0]!.tlsSession).toMatchObject({ protocol: "TLSv1.3", verified: false, verifyError: "DEPTH_ZERO_SELF_SIGNED_CERT" });
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
