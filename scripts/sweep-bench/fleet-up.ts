// Keeps the 60-device real fleet of the sweep benchmark up until stdin closes, and prints its
// hosts file: for measuring `otaudit sweep` by hand (profiles, other builds) against the same fleet.
// `npx tsx scripts/sweep-bench/fleet-up.ts [COUNT] [FIRST]`
import { writeFileSync } from "node:fs";
import { realFleetAvailable, startRealFleet } from "./real-fleet.js";

const avail = realFleetAvailable();
if (!avail.ok) {
  console.error(`fleet-up: ${avail.reason}`);
  process.exit(2);
}
const fleet = await startRealFleet({ count: Number(process.argv[2] ?? 60), first: process.argv[3] ?? "127.0.100.1" });
const csv = "/tmp/otaudit-fleet.csv";
writeFileSync(csv, `host\n${fleet.hosts.join("\n")}\n`);
console.log(`ready ${fleet.hosts.length} devices; targets in ${csv}; close stdin (Ctrl-D) to stop`);
process.stdin.resume();
process.stdin.on("end", async () => {
  await fleet.stop();
  process.exit(0);
});
