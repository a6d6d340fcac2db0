// Benchmark: the whole otaudit CLI process (`otaudit scan bacnet://127.0.0.1:47808`, default mode)
// against the whole `nmap -sU --script bacnet-info` process on our BACnet simulator on udp/47808
// (bacnet-info's portrule needs that port), paired runs, medians and ratio; then what each tool SENT,
// as the simulator counted it (services and BVLC functions). Needs the compiled CLI. Not a test.
import { existsSync } from "node:fs";
import bacnet from "../../probes/bacnet/index.js";
import { BacnetSimProfile } from "../../probes/bacnet/profile.js";
import type { BacnetSimStats } from "../../probes/bacnet/simulator.js";
import { otaudit, pairedRuns, timed } from "./otnative.js";

export default async function main(): Promise<void> {
  const profile = BacnetSimProfile.parse({
    vendorName: "Bench Vendor",
    modelName: "B-1",
    firmwareRevision: "1.0",
    bdt: [{ address: "10.0.0.1", port: 47808, mask: "255.255.255.255" }],
  });
  let sim;
  try {
    sim = await bacnet.simulator!.start(profile, { host: "127.0.0.1", port: 47808, stateDir: "/tmp" });
  } catch {
    console.log("udp/47808 is busy: bench skipped");
    return;
  }
  const hasNmap = existsSync("/usr/bin/nmap");
  const nmap = () => timed("/usr/bin/nmap", ["-Pn", "-n", "-sU", "--script", "bacnet-info", "-p", "47808", "127.0.0.1"]);
  try {
    await pairedRuns("BACnet simulator (udp/47808)", () => otaudit("bacnet://127.0.0.1:47808", "bacnet"), hasNmap ? nmap : undefined);
    const before = sim.stats!() as BacnetSimStats;
    await otaudit("bacnet://127.0.0.1:47808", "bacnet");
    const mid = sim.stats!() as BacnetSimStats;
    console.log(`one otaudit run sent: ${JSON.stringify(diff(before, mid))}`);
    if (hasNmap) {
      await nmap();
      console.log(`one nmap bacnet-info run sent: ${JSON.stringify(diff(mid, sim.stats!() as BacnetSimStats))}`);
    }
  } finally {
    await sim.stop();
  }
}

function diff(a: BacnetSimStats, b: BacnetSimStats): Record<string, unknown> {
  const d = (x: Record<string, number>, y: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(y)
        .map(([k, v]) => [k, v - (x[k] ?? 0)])
        .filter(([, v]) => v),
    );
  return {
    bvlc: d(a.bvlc, b.bvlc),
    confirmed: d(a.confirmed, b.confirmed),
    unconfirmed: d(a.unconfirmed, b.unconfirmed),
    stateChanging: b.stateChanging - a.stateChanging,
  };
}
