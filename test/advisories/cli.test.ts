// End to end with the built CLI: `otaudit scan` of simulated devices (the legacy PLC's Modbus
// identity and an SSH banner of a Debian build) with --advisories; replay with a comma list; bad
// advisory files exit 2 before any packet reaches the device (simulator counters) and write nothing.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile, startProfile, type RunningDevice } from "../../src/engine/profiles.js";
import { ResultDocument } from "../../src/model/result.js";
import { runOtaudit } from "../helpers/cli.js";

const CSAF = "fixtures/advisories/example-automation-lx100.csaf.json";
const YAML = "fixtures/advisories/openssh.advisories.yaml";
const dir = mkdtempSync(join(tmpdir(), "otaudit-adv-cli-"));
let device: RunningDevice;
let urls: { modbus: string; ssh: string };

beforeAll(async () => {
  // the legacy PLC's Modbus identity (LX-100, revision 2.4.1) and an SSH server announcing a Debian build
  const profile = loadProfile("fixtures/profiles/legacy-plc.yaml", PLUGINS);
  for (const id of [...profile.sections.keys()]) if (id !== "modbus" && id !== "ssh") profile.sections.delete(id);
  profile.sections.set("ssh", { ...(profile.sections.get("ssh") as object), software: "OpenSSH_9.2p1", comments: "Debian-2+deb12u3" });
  device = await startProfile(profile, PLUGINS, "127.0.0.1", dir);
  urls = { modbus: device.urls.find((u) => u.startsWith("modbus://"))!, ssh: device.urls.find((u) => u.startsWith("ssh://"))! };
});
afterAll(async () => {
  await device?.stop();
});

describe("otaudit scan --advisories", () => {
  it("reports version-based matches from a live scan; distribution builds are capped and marked", async () => {
    const out = join(dir, "live.json");
    const r = await runOtaudit(["scan", urls.modbus, urls.ssh, "--advisories", CSAF, "--advisories", YAML, "--json", out, "--timeout", "3000"]);
    expect(r.code, r.stderr).toBe(1);
    const doc = ResultDocument.parse(JSON.parse(readFileSync(out, "utf8")));
    const d = doc.devices[0]!;
    const matches = d.findings.filter((f) => f.ruleId === "advisory.version-match");
    const lx = matches.find((f) => f.protocol === "modbus")!;
    expect(lx).toMatchObject({ status: "fail", severity: "critical", elements: [11, 12], port: Number(urls.modbus.split(":").pop()) });
    expect(lx.message).toMatch(/^version-based: EXA-SA-2025-001 .* observed 2\.4\.1 from modbus device identification; fixed in 2\.4\.2$/);
    expect(lx.evidence).toMatchObject({ advisory: "EXA-SA-2025-001", observedVersion: "2.4.1", fixedVersion: "2.4.2", source: "modbus device identification" });
    const terrapin = matches.find((f) => f.protocol === "ssh")!;
    expect(terrapin).toMatchObject({ status: "fail", severity: "medium" });
    expect(terrapin.message).toMatch(/^version-based, distribution build: verify: Debian-2\+deb12u3 .*OPENSSH-9\.6-TERRAPIN \(CVE-2023-48795\)/);
    expect(matches).toHaveLength(2); // 9.2p1 is not below 7.8
    expect(d.elements.filter((e) => e.id >= 11).map((e) => e.verdict)).toEqual(["fail", "fail"]);
    // the scorecard on stdout shows it too
    expect(r.stdout).toMatch(/CRITICAL\s+modbus\/\d+\s+advisory\.version-match: version-based/);
  });

  it("replays recorded facts through the same matching (comma list)", async () => {
    const out = join(dir, "replay.json");
    const r = await runOtaudit([
      "scan",
      "--from-facts",
      "fixtures/library/hardened-controller/recording.json",
      "--advisories",
      `${CSAF},${YAML}`,
      "--json",
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const d = ResultDocument.parse(JSON.parse(readFileSync(out, "utf8"))).devices[0]!;
    const f = d.findings.find((x) => x.ruleId === "advisory.version-match")!;
    expect(f).toMatchObject({ status: "pass" });
    expect(f.message).toMatch(/^version-based: no supplied advisory affects OpenSSH 9\.6 \(ssh banner\)/);
    expect(d.elements.filter((e) => e.id >= 11).map((e) => e.verdict)).toEqual(["pass", "pass"]);
  });

  it("a broken advisory file exits 2 naming file and field, writes nothing and sends nothing", async () => {
    const broken = join(dir, "broken.csaf.json");
    const doc = JSON.parse(readFileSync(CSAF, "utf8"));
    doc.vulnerabilities[0].product_status.known_affected = ["CSAFPID-0404"];
    writeFileSync(broken, JSON.stringify(doc));
    const badYaml = join(dir, "bad.yaml");
    writeFileSync(badYaml, "advisories:\n  - { id: A, title: t, product: P, affected: ['< two'], source: s }\n");
    const before = { ...(device.simulators.get("modbus")!.stats!() as { connections: number }) };
    const out = join(dir, "never.json");
    const r = await runOtaudit(["scan", urls.modbus, "--advisories", `${broken},${badYaml}`, "--json", out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `otaudit: ${broken}: vulnerabilities[0].product_status.known_affected[0]: unknown product id 'CSAFPID-0404' (not in product_tree)`,
    );
    expect(r.stderr).toContain(`otaudit: ${badYaml}: advisories[0].affected[0]: '< two': 'two' is not a version`);
    expect(existsSync(out)).toBe(false);
    expect((device.simulators.get("modbus")!.stats!() as { connections: number }).connections).toBe(before.connections);

    // a sweep checks them before it opens its store
    const db = join(dir, "sweep.db");
    const s = await runOtaudit(["sweep", "127.0.0.1", "--advisories", badYaml, "--db", db]);
    expect(s.code).toBe(2);
    expect(existsSync(db)).toBe(false);
  });
});
