// Benchmark: the whole otaudit CLI process (`otaudit scan iec104://127.0.0.1:2404`, default mode)
// against the whole `nmap --script iec-identify` process on our IEC 104 station simulator on tcp/2404
// (iec-identify's portrule needs that port), paired runs, medians and ratio; then what each tool SENT
// as the station counted it: ours TESTFR act only; iec-identify STARTDT and a general interrogation
// (why nmap classes it intrusive). Needs the compiled CLI. Not a test.
import { existsSync } from "node:fs";
import iec104 from "../../probes/iec104/index.js";
import { Iec104SimProfile } from "../../probes/iec104/profile.js";
import type { Iec104SimStats } from "../../probes/iec104/simulator.js";
import { otaudit, pairedRuns, timed } from "./otnative.js";

export default async function main(): Promise<void> {
  let sim;
  try {
    sim = await iec104.simulator!.start(Iec104SimProfile.parse({ plain: true }), { host: "127.0.0.1", port: 2404, stateDir: "/tmp" });
  } catch {
    console.log("tcp/2404 is busy: bench skipped");
    return;
  }
  const hasNmap = existsSync("/usr/bin/nmap");
  const nmap = () =>
    timed("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "iec-identify", "--script-args", "iec-identify.timeout=2s", "-p", "2404", "127.0.0.1"]);
  try {
    await pairedRuns("IEC 104 station (tcp/2404)", () => otaudit("iec104://127.0.0.1:2404", "iec104"), hasNmap ? nmap : undefined);
    const s0 = structuredClone(sim.stats!() as Iec104SimStats);
    await otaudit("iec104://127.0.0.1:2404", "iec104");
    const s1 = structuredClone(sim.stats!() as Iec104SimStats);
    console.log(
      `one otaudit run sent: U ${JSON.stringify(d(s0.u, s1.u))}, I-frames ${s1.iTypeIds.length - s0.iTypeIds.length}, commands ${s1.commands - s0.commands}`,
    );
    if (hasNmap) {
      await nmap();
      const s2 = sim.stats!() as Iec104SimStats;
      console.log(
        `one nmap iec-identify run sent: U ${JSON.stringify(d(s1.u, s2.u))}, I-frames ${JSON.stringify(s2.iTypeIds.slice(s1.iTypeIds.length))}, commands ${s2.commands - s1.commands}`,
      );
    }
  } finally {
    await sim.stop();
  }
}
const d = (x: Record<string, number>, y: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(y)
      .map(([k, v]) => [k, v - (x[k] ?? 0)])
      .filter(([, v]) => v),
  );
