// record -> replay -> simulate for the three native OT plugins: each library recording's facts become
// a simulator profile (profileFromFacts); the simulator started from it, probed again, gives the same
// rule outcomes as the recording (so `otaudit simulate RECORDING` reproduces the device).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import bacnet from "../../probes/bacnet/index.js";
import dnp3 from "../../probes/dnp3/index.js";
import iec104 from "../../probes/iec104/index.js";
import type { ProtocolPlugin } from "../../src/plugin.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { scanWith, startSim } from "./helpers.js";

const CASES: [ProtocolPlugin, string][] = [
  [dnp3, "substation-rtu"],
  [dnp3, "legacy-rtu"],
  [iec104, "substation-rtu"],
  [iec104, "legacy-rtu"],
  [bacnet, "building-controller"],
  [bacnet, "legacy-bacnet-controller"],
  [bacnet, "bacnet-js-device"],
];

describe("record -> simulate -> probe gives the recorded outcomes", () => {
  for (const [plugin, name] of CASES)
    it(`${plugin.id}: ${name}`, async () => {
      const rec = JSON.parse(readFileSync(join(PACKAGE_ROOT, "fixtures", "library", name, "recording.json"), "utf8"));
      const facts = rec.devices[0].facts[plugin.id].data;
      const golden = JSON.parse(readFileSync(join(PACKAGE_ROOT, "fixtures", "library", name, "expected.json"), "utf8"));
      const want = golden.devices[0].findings
        .filter((f: { ruleId: string }) => f.ruleId.startsWith(`${plugin.id}.`))
        .map((f: { ruleId: string; status: string }) => `${f.ruleId} ${f.status}`);
      const sim = await startSim(plugin, plugin.profileFromFacts!(facts));
      try {
        // iec104: the companion port of a one-port station is looked at as when recorded (2404 refused)
        const { result } = await scanWith(plugin, sim.urls, {
          timeoutMs: 600,
          options: plugin.id === "dnp3" ? { "dnp3.addresses": String(facts.outstation ?? 10) } : {},
        });
        const got = result.findings.filter((f) => f.ruleId.startsWith(`${plugin.id}.`)).map((f) => `${f.ruleId} ${f.status}`);
        expect(got).toEqual(want);
      } finally {
        await sim.stop();
      }
    });
});
