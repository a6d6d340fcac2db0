// Benchmark: the whole otaudit CLI process (`otaudit scan dnp3://...`, default mode) on our DNP3
// outstation simulator (nmap ships no DNP3 script; no peer tool is installed), median of paired runs,
// and what one run sent as the outstation counted it. Needs the compiled CLI. Not a test.
import dnp3 from "../../probes/dnp3/index.js";
import { Dnp3SimProfile } from "../../probes/dnp3/profile.js";
import type { Dnp3SimStats } from "../../probes/dnp3/simulator.js";
import { otaudit, pairedRuns } from "./otnative.js";

export default async function main(): Promise<void> {
  const sim = await dnp3.simulator!.start(Dnp3SimProfile.parse({ address: 10, attributes: { "252": "Bench", "250": "RTU", "242": "1.0" }, saVersion: 5 }), {
    host: "127.0.0.1",
    stateDir: "/tmp",
  });
  try {
    const url = sim.urls[0]!;
    await pairedRuns("DNP3 outstation (address 10)", () => otaudit(url, "dnp3"));
    const a = structuredClone(sim.stats!() as Dnp3SimStats);
    await otaudit(url, "dnp3");
    const b = sim.stats!() as Dnp3SimStats;
    const d = (x: Record<string, number>, y: Record<string, number>) =>
      Object.fromEntries(
        Object.entries(y)
          .map(([k, v]) => [k, v - (x[k] ?? 0)])
          .filter(([, v]) => v),
      );
    console.log(
      `one otaudit run sent: link functions ${JSON.stringify(d(a.linkFunctions, b.linkFunctions))}, application functions ${JSON.stringify(d(a.appFunctions, b.appFunctions))}, state-changing ${b.stateChanging - a.stateChanging}`,
    );
  } finally {
    await sim.stop();
  }
}
