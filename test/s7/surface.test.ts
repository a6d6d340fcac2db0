// The S7comm (102) and EtherNet/IP (44818) plugins take their ports off the surface list (they were
// indicator ports while no plugin audited them): a `scan HOST` of a device with both services gives
// the plugins' findings for tcp/102 and tcp/44818 and no surface finding for them. The simulators
// listen on the real default ports of a loopback address of their own (root, as CI runs).
import { afterAll, beforeAll, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import { surfacePorts } from "../../src/engine/surface.js";
import { runOtaudit } from "../helpers/cli.js";
import { describeWithDaemon } from "../helpers/daemons.js";
import { loopbackHost, startSim as startEnip, type Sim as EnipSim } from "../enip/helpers.js";
import s7 from "../../probes/s7/index.js";
import { S7SimProfile } from "../../probes/s7/profile.js";
import type { RunningSimulator } from "../../src/plugin.js";

it("102 and 44818 are no longer surface ports once the plugins declare them", () => {
  const ports = surfacePorts(PLUGINS, {}).map((s) => s.port);
  expect(ports).not.toContain(102);
  expect(ports).not.toContain(44818);
  expect(PLUGINS.find((p) => p.id === "s7")!.defaultPorts).toEqual([{ scheme: "s7", port: 102 }]);
  expect(PLUGINS.find((p) => p.id === "enip")!.defaultPorts).toEqual([{ scheme: "enip", port: 44818 }]);
});

describeWithDaemon("scan HOST with S7comm and EtherNet/IP on their default ports", process.getuid?.() === 0, "binding port 102 needs root", () => {
  const host = loopbackHost();
  let s7sim: RunningSimulator;
  let enip: EnipSim;
  beforeAll(async () => {
    s7sim = await s7.simulator!.start(S7SimProfile.parse({}), { host, port: 102, stateDir: "/nonexistent" });
    enip = await startEnip({}, { host, port: 44818 });
  });
  afterAll(async () => {
    await s7sim?.stop();
    await enip?.stop();
  });

  it("the plugins' findings on 102 and 44818, no surface finding for them", async () => {
    const r = await runOtaudit(["scan", host, "--json", "-", "--timeout", "1500", "--fail-on", "critical"]);
    const doc = JSON.parse(r.stdout);
    const d = doc.devices[0];
    expect(d.facts.s7.status).toBe("ok");
    expect(d.facts.enip.status).toBe("ok");
    const ids = d.findings.map((f: { ruleId: string; port: number }) => `${f.ruleId}@${f.port}`);
    expect(ids).toEqual(expect.arrayContaining(["s7.plain.exposed@102", "enip.plain.exposed@44818"]));
    expect(d.findings.filter((f: { ruleId: string; port: number }) => f.ruleId.startsWith("surface.") && (f.port === 102 || f.port === 44818))).toEqual([]);
  }, 60_000);
});
