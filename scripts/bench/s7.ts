// Benchmark: the whole otaudit CLI process (`otaudit scan s7://HOST`, default mode) against the whole
// `nmap --script s7-info` process on the same target, paired runs, medians and ratio. Targets listen
// on port 102 (nmap's portrule) of a loopback address of their own (needs root): snap7's S7 server
// (node-snap7) and our simulator. Needs the compiled CLI (npx tsc -p tsconfig.build.json). Prints
// figures; not a test. `npm run bench -- s7`
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import s7 from "../../probes/s7/index.js";
import { S7SimProfile } from "../../probes/s7/profile.js";
import { BIN, pairedRuns, timed } from "./otnative.js";

export default async function main(): Promise<void> {
  const nmapOk = existsSync("/usr/bin/nmap");
  const otaudit = (host: string) => timed(BIN, ["scan", `s7://${host}:102`, "--protocols", "s7", "--json", "/dev/null", "--no-color", "--fail-on", "critical"]);
  const nmap = (host: string) => timed("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "s7-info", "-p", "102", host]);
  const require = createRequire(import.meta.url);
  try {
    const snap7 = require("node-snap7");
    const server = new snap7.S7Server();
    server.StartTo("127.91.0.1");
    await pairedRuns("snap7 S7 server (CPU 315 data)", () => otaudit("127.91.0.1"), nmapOk ? () => nmap("127.91.0.1") : undefined, "nmap", "not installed");
    server.Stop();
  } catch (e) {
    console.log(`snap7: not run (${(e as Error).message})`);
  }
  const sim = await s7.simulator!.start(S7SimProfile.parse({ pduLength: 240 }), { host: "127.91.0.2", port: 102, stateDir: "/nonexistent" });
  await pairedRuns("our simulator (PDU 240)", () => otaudit("127.91.0.2"), nmapOk ? () => nmap("127.91.0.2") : undefined, "nmap", "not installed");
  await sim.stop();
}
