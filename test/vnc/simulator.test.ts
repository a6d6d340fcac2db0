// Probe + rules against the VNC simulator on loopback (None, VNC Authentication, RFB 3.3, a
// refusal): findings, the simulator's own counters (no type selected, no auth response, nothing
// after our ProtocolVersion), record -> replay -> simulate, and the CLI with a URL target.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import vnc from "../../probes/vnc/index.js";
import type { VncFacts } from "../../probes/vnc/facts.js";
import { VncSimProfile } from "../../probes/vnc/profile.js";
import type { VncSimulatorStats } from "../../probes/vnc/simulator.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { runOtaudit } from "../helpers/cli.js";
import { auditUrls, finding } from "./kit.js";

const stateDir = mkdtempSync(join(tmpdir(), "otaudit-vnc-sim-"));
const running: RunningSimulator[] = [];
afterAll(() => Promise.all(running.map((s) => s.stop())));

async function start(profile: unknown): Promise<RunningSimulator> {
  const sim = await vnc.simulator!.start(VncSimProfile.parse(profile), { host: "127.0.0.1", stateDir });
  running.push(sim);
  return sim;
}
const stats = (s: RunningSimulator) => s.stats!() as VncSimulatorStats;

describe("VNC simulator", () => {
  it("None and VNC Authentication offered: both fail, and the device saw only our version", async () => {
    const sim = await start({ version: "RFB 003.008", securityTypes: [1, 2] });
    const d = await auditUrls(vnc, sim.urls);
    expect(finding(d, "vnc.auth.none")).toMatchObject({ status: "fail", severity: "critical" });
    expect(finding(d, "vnc.security-types")).toMatchObject({ status: "fail", evidence: { weak: ["VNC Authentication (2)"] } });
    expect(d.elements.find((e) => e.id === 9)!.verdict).toBe("fail");
    expect(stats(sim)).toMatchObject({ connections: 1, clientVersions: { "RFB 003.008": 1 }, typeSelections: 0, authResponses: 0, bytesAfterVersion: 0 });
  });

  it("RFB 3.3 server choosing VNC Authentication: we answer 3.3, the challenge is never answered", async () => {
    const sim = await start({ version: "RFB 003.003", securityTypes: [2] });
    const d = await auditUrls(vnc, sim.urls);
    expect((d.facts.vnc!.data as VncFacts).services[0]).toMatchObject({ clientVersion: "3.3", security: { types: [2], serverChosen: true } });
    expect(finding(d, "vnc.auth.none").status).toBe("pass");
    expect(finding(d, "vnc.security-types").status).toBe("fail");
    expect(stats(sim)).toMatchObject({ authResponses: 0, bytesAfterVersion: 0 });
  });

  it("VeNCrypt only: no failure, undetermined security types", async () => {
    const sim = await start({ securityTypes: [19] });
    const d = await auditUrls(vnc, sim.urls);
    expect(d.findings.filter((f) => f.status === "fail")).toEqual([]);
    expect(finding(d, "vnc.security-types")).toMatchObject({ status: "undetermined", reason: "unobservable" });
  });

  it("a refusal (too many failures) is undetermined, not a pass", async () => {
    const sim = await start({ securityTypes: [2], failureReason: "Too many security failures" });
    const d = await auditUrls(vnc, sim.urls);
    expect(d.findings.map((f) => f.status)).toEqual(["undetermined", "undetermined"]);
  });

  it("record -> simulate: profileFromFacts reproduces the same findings", async () => {
    const sim = await start({ version: "RFB 003.007", securityTypes: [2, 1, 16] });
    const first = await auditUrls(vnc, sim.urls);
    const replica = await start(vnc.profileFromFacts!(first.facts.vnc!.data as VncFacts));
    const second = await auditUrls(vnc, replica.urls);
    const shape = (d: typeof first) => d.findings.map((f) => [f.ruleId, f.status, f.message]);
    expect(shape(second)).toEqual(shape(first));
  });

  it("the CLI audits a vnc:// URL target and exits 1 on the critical finding", async () => {
    const sim = await start({ securityTypes: [1] });
    const out = join(stateDir, "vnc.json");
    const r = await runOtaudit(["scan", sim.urls[0]!, "--json", out]);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(1);
    const doc = JSON.parse(readFileSync(out, "utf8"));
    expect(doc.devices[0].findings.find((f: { ruleId: string }) => f.ruleId === "vnc.auth.none").status).toBe("fail");
  });
});
