// Benchmark: one device with all four protocols audited in default mode, wall time including
// start-up (goal <= 2.5 s), side by side with ssh-audit + nmap's SSH, Modbus and SNMP scripts on the
// same simulated device; and `otaudit --help` start-up (goal < 0.3 s). Not a test: prints figures.
// The device runs in its own process (`otaudit simulate`), as a real device would.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PACKAGE_ROOT } from "../../src/version.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const HOST = "127.0.0.21";

function timeIt(cmd: string, args: string[], runs = 3): { median: number; min: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 120_000 });
    times.push(performance.now() - t0);
    code = r.status;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, min: times[0]!, code };
}

function which(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
}

/** Start `otaudit simulate PROFILE` and wait for its service URLs. */
async function simulate(profile: string): Promise<{ urls: string[]; stop: () => void }> {
  const child = spawn(process.execPath, [BIN, "simulate", profile, "--host", HOST], { stdio: ["ignore", "pipe", "inherit"] });
  const urls: string[] = [];
  const rl = createInterface({ input: child.stdout });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("simulator did not start in 60 s")), 60_000);
    child.once("exit", (c) => reject(new Error(`simulator exited ${c}`)));
    rl.on("line", (line) => {
      if (/^[a-z.+]+:\/\//.test(line.trim())) urls.push(line.trim());
      // the simulator prints its URLs at once; give it a moment to finish the list
      setTimeout(() => {
        clearTimeout(timer);
        resolve();
      }, 300);
    });
  });
  return { urls, stop: () => child.kill("SIGTERM") };
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist"))) execFileSync("npm", ["run", "build"], { stdio: "inherit" });
  const help = timeIt(process.execPath, [BIN, "--help"], 5);
  console.log(`otaudit --help start-up: median ${help.median.toFixed(0)} ms (goal < 300 ms)`);

  const work = mkdtempSync(join(tmpdir(), "otaudit-bench-device-"));
  const device = await simulate(join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"));
  try {
    console.log(`simulated device (legacy-plc): ${device.urls.join(" ")}`);
    const ours = timeIt(process.execPath, [BIN, "scan", ...device.urls, "--json", join(work, "r.json")], 5);
    console.log(
      `otaudit scan, ${device.urls.length} services, default mode: median ${ours.median.toFixed(0)} ms, best ${ours.min.toFixed(0)} ms wall incl. start-up (exit ${ours.code}; goal <= 2500 ms)`,
    );
    const port = (scheme: string) => device.urls.find((u) => u.startsWith(scheme + "://"))?.match(/:(\d+)(\/|$)/)?.[1];
    let peerTotal = 0;
    const peers: string[] = [];
    const sshPort = port("ssh");
    if (sshPort && which("ssh-audit")) {
      const t = timeIt("ssh-audit", ["-p", sshPort, HOST], 1);
      peerTotal += t.median;
      peers.push(`ssh-audit ${t.median.toFixed(0)} ms`);
    }
    if (which("nmap")) {
      const tcp = [sshPort, port("modbus")].filter(Boolean).join(",");
      if (tcp) {
        const t = timeIt("nmap", ["-Pn", "-n", "-sT", "-p", tcp, "--script", "ssh2-enum-algos,ssh-auth-methods,modbus-discover", HOST], 1);
        peerTotal += t.median;
        peers.push(`nmap ssh+modbus scripts ${t.median.toFixed(0)} ms`);
      }
      const snmpPort = port("snmp");
      if (snmpPort) {
        const t = timeIt("nmap", ["-Pn", "-n", "-sU", "-p", snmpPort, "--script", "snmp-info,snmp-brute", HOST], 1);
        peerTotal += t.median;
        peers.push(`nmap snmp scripts ${t.median.toFixed(0)} ms`);
      }
    }
    if (peers.length) console.log(`peers on the same device (no OPC UA equivalent): ${peers.join(", ")}; together ${peerTotal.toFixed(0)} ms`);
    else console.log("peers: ssh-audit / nmap not installed (apt-get install ssh-audit nmap)");
  } finally {
    device.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
