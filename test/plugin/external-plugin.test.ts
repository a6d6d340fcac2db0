// A plugin that lives only under test/ (test/plugin/acme-plugin.mjs) registers itself through
// OTAUDIT_PLUGINS and gets, with no change to src/ (issue 15 "must show"): its CLI option in
// --help and validated, a credentials entry (validated, secret scrubbed), discovery in `scan HOST`
// and `sweep`, its rules in `otaudit rules`, SARIF rule metadata, fleet signals and a report.
// Everything goes through the compiled CLI, against scripted ACME devices on two loopback addresses.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOtaudit } from "../helpers/cli.js";

const PLUGIN = fileURLToPath(new URL("./acme-plugin.mjs", import.meta.url));
const PASSWORD = "canary-acme-Pw-51c9";
const KEY = "SHA256:acme-shared-device-key";
const dir = mkdtempSync(join(tmpdir(), "otaudit-acme-"));

interface Device {
  server: Server;
  lines: string[];
}

/** A scripted ACME device: banner, then answers LOGIN; records every line it receives. */
async function acmeDevice(host: string, port: number): Promise<Device> {
  const d: Device = { server: createServer(), lines: [] };
  d.server.on("connection", (s) => {
    let buf = "";
    s.on("data", (chunk) => {
      buf += chunk.toString();
      for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        d.lines.push(line);
        if (line.startsWith("LOGIN ")) s.write(line === `LOGIN bench ${PASSWORD}` ? "OK\n" : "DENIED\n");
      }
    });
    s.on("end", () => s.end());
    s.on("error", () => {});
    s.write(`ACME/1 model=AC-500 fw=2.4.1 auth=password key=${KEY}\n`);
  });
  await new Promise<void>((r) => d.server.listen(port, host, r));
  return d;
}

let devices: Device[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  const first = await acmeDevice("127.0.0.1", 0);
  const port = (first.server.address() as AddressInfo).port;
  devices = [first, await acmeDevice("127.0.0.2", port)];
  env = { OTAUDIT_PLUGINS: PLUGIN, ACME_TEST_PORT: String(port) };
});
afterAll(() => {
  for (const d of devices) d.server.close();
});

describe("a plugin from outside src/ (OTAUDIT_PLUGINS)", () => {
  it("gets its option in --help and its rules in `otaudit rules`", async () => {
    const help = await runOtaudit(["scan", "--help"], { env });
    expect(help.stdout).toMatch(/--acme-greeting <text>\s+a word the ACME probe sends/);
    expect(help.stdout).toContain("acme://h:");
    const rules = await runOtaudit(["rules", "--json"], { env });
    const ids = (JSON.parse(rules.stdout) as { id: string; protocol: string }[]).filter((r) => r.protocol === "acme").map((r) => r.id);
    expect(ids).toEqual(["acme.auth.required", "acme.auth.mfa"]);
  });

  it("validates its option and its credentials entry (exit 2, naming the flag or field)", async () => {
    const bad = await runOtaudit(["scan", "127.0.0.1", "--protocols", "acme", "--acme-greeting", "hi there"], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^otaudit: --acme-greeting: letters only/);
    const creds = join(dir, "bad.yaml");
    writeFileSync(creds, "- protocol: acme\n  password: x\n");
    const r = await runOtaudit(["scan", "127.0.0.1", "--protocols", "acme", "--credentials", creds], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[0\]\.username: /);
  });

  it("scan HOST finds it on its default port, passes its option and credential, writes SARIF and HTML", async () => {
    const creds = join(dir, "creds.yaml");
    writeFileSync(creds, "- protocol: acme\n  host: 127.0.0.1\n  username: bench\n  passwordEnv: ACME_PW\n");
    const out = join(dir, "scan");
    const r = await runOtaudit(
      [
        "scan",
        "127.0.0.1",
        "--protocols",
        "acme",
        "--no-surface",
        "--credentials",
        creds,
        "--acme-greeting",
        "hello",
        "--json",
        join(dir, "scan.json"),
        "--format",
        "sarif,html",
        "--out",
        out,
      ],
      { env: { ...env, ACME_PW: PASSWORD } },
    );
    expect(r.code).toBe(0); // acme.auth.mfa fails, but it is medium: below --fail-on high
    const doc = JSON.parse(readFileSync(join(dir, "scan.json"), "utf8"));
    const d = doc.devices[0];
    expect(d.facts.acme).toMatchObject({
      status: "ok",
      endpoints: [{ protocol: "acme", explicit: false }],
      data: { model: "AC-500", auth: "password", greetingSent: "hello", login: { username: "bench", result: "ok" } },
    });
    expect(
      d.findings.filter((f: { protocol: string }) => f.protocol === "acme").map((f: { ruleId: string; status: string }) => `${f.ruleId}:${f.status}`),
    ).toEqual(["acme.auth.required:pass", "acme.auth.mfa:fail"]);
    expect(devices[0]!.lines).toContain("HELLO hello");
    expect(devices[0]!.lines).toContain(`LOGIN bench ${PASSWORD}`); // the device got it; nothing we write does
    const sarif = readFileSync(join(out, "report.sarif"), "utf8");
    const driver = JSON.parse(sarif).runs[0].tool.driver;
    expect(driver.rules.map((x: { id: string }) => x.id)).toEqual(expect.arrayContaining(["acme.auth.required", "acme.auth.mfa"]));
    const html = readFileSync(join(out, "report.html"), "utf8");
    expect(html).toContain("acme.auth.mfa");
    for (const text of [JSON.stringify(doc), sarif, html, r.stdout, r.stderr]) expect(text).not.toContain(PASSWORD);
  });

  it("sweep discovers it on both devices and the fleet rules read its signals", async () => {
    const out = join(dir, "sweep.json");
    const r = await runOtaudit(
      ["sweep", "127.0.0.1", "127.0.0.2", "--protocols", "acme", "--no-surface", "--no-progress", "--discovery-timeout", "1000", "--json", out],
      { env },
    );
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    for (const d of doc.devices) {
      expect(d.facts.discovery.data.ports).toEqual([
        expect.objectContaining({ service: "acme", plugin: "acme", state: "open", cleartext: true, transport: "tcp" }),
      ]);
      expect(d.facts.acme.status).toBe("ok");
    }
    const by = (id: string) => doc.fleet.findings.find((f: { ruleId: string }) => f.ruleId === id);
    expect(by("fleet.host-key.shared")).toMatchObject({
      status: "fail",
      devices: ["127.0.0.1", "127.0.0.2"],
      evidence: { fingerprint: KEY, protocol: "acme" },
    });
    expect(by("fleet.remote-access.no-mfa")).toMatchObject({ status: "fail", devices: ["127.0.0.1", "127.0.0.2"] });
    expect(by("fleet.cleartext.per-zone")).toMatchObject({ status: "fail", evidence: { services: { acme: ["127.0.0.1", "127.0.0.2"] } } });
    expect(doc.fleet.gaps.map((g: { host: string }) => g.host)).toEqual(["127.0.0.1", "127.0.0.2"]);
  });
});
