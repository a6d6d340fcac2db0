// IPv6 loopback targets: `ssh://[::1]:PORT` and a bare `::1` parse, connect and report the device
// under its IPv6 host.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import { loadProfile, startProfile, type RunningDevice } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runOtaudit } from "../helpers/cli.js";

describe("IPv6 targets", () => {
  it("a named service replaces a single-endpoint protocol's default port", () => {
    const [d] = parseTargetStrings(["::1", "snmp://[::1]:1161"], PLUGINS);
    expect(d!.endpoints.filter((e) => e.protocol === "snmp").map((e) => e.port)).toEqual([1161]);
    expect(d!.endpoints.filter((e) => e.protocol === "ssh").map((e) => e.port)).toEqual([22]);
  });

  it("parses bracketed URLs and bare addresses into one device", () => {
    const [d, ...rest] = parseTargetStrings(["ssh://[::1]:2222", "snmp://[::1]", "::1"], PLUGINS);
    expect(rest).toHaveLength(0);
    expect(d!.host).toBe("::1");
    expect(d!.endpoints.find((e) => e.scheme === "ssh" && e.port === 2222)!.url).toBe("ssh://[::1]:2222");
    expect(d!.endpoints.find((e) => e.scheme === "snmp")!.port).toBe(161);
  });

  let dir: string;
  let device: RunningDevice;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "otaudit-ipv6-"));
    const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", "hardened-controller.yaml"), PLUGINS);
    profile.sections = new Map([["ssh", profile.sections.get("ssh")]]);
    device = await startProfile(profile, PLUGINS, "::1", dir);
  });
  afterAll(async () => {
    await device?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("audits an SSH service on [::1]", async () => {
    const url = device.urls[0]!;
    expect(url).toMatch(/^ssh:\/\/\[::1\]:\d+$/);
    const out = join(dir, "r.json");
    const r = await runOtaudit(["scan", url, "--json", out]);
    expect(r.stderr).toBe("");
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.devices[0].host).toBe("::1");
    expect(doc.devices[0].facts.ssh.status).toBe("ok");
    expect([0, 1]).toContain(r.code);
  });
});
