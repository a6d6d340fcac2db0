// Benchmark: one device with all four protocols audited in default mode, wall time including
// start-up (goal <= 2.5 s), side by side with ssh-audit + nmap's SSH, Modbus and SNMP scripts on the
// same simulated device; and `otaudit --help` start-up (goal < 0.3 s). Not a test: prints figures.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { loadProfile, startProfile } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");

function timeIt(cmd: string, args: string[], runs = 3): { median: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 120_000 });
    times.push(performance.now() - t0);
    code = r.status;
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)]!, code };
}

function which(bin: string): string | undefined {
  try {
    return execFileSync("sh", ["-c", `command -v ${bin}`], { encoding: "utf8" }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist"))) execFileSync("npm", ["run", "build"], { stdio: "inherit" });
  const help = timeIt(process.execPath, [BIN, "--help"], 5);
  console.log(`otaudit --help start-up: ${help.median.toFixed(0)} ms (goal < 300 ms)`);

  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-device-"));
  const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"), PLUGINS);
  const device = await startProfile(profile, PLUGINS, "127.0.0.21", stateDir);
  try {
    console.log(`simulated device: ${device.urls.join(" ")}`);
    const ours = timeIt(process.execPath, [BIN, "scan", ...device.urls, "--json", join(stateDir, "r.json")], 3);
    console.log(`otaudit scan, ${device.urls.length} services, default mode: ${ours.median.toFixed(0)} ms wall incl. start-up (exit ${ours.code}; goal <= 2500 ms)`);
    const port = (scheme: string) => device.urls.find((u) => u.startsWith(scheme + "://"))?.split(":").pop()?.split("/")[0];
    let peerTotal = 0;
    const peers: string[] = [];
    const sshPort = port("ssh");
    if (sshPort && which("ssh-audit")) {
      const t = timeIt("ssh-audit", ["-p", sshPort, "127.0.0.21"], 1);
      peerTotal += t.median;
      peers.push(`ssh-audit ${t.median.toFixed(0)} ms`);
    }
    if (which("nmap")) {
      const tcp = [sshPort, port("modbus")].filter(Boolean).join(",");
      if (tcp) {
        const t = timeIt("nmap", ["-Pn", "-n", "-sT", "-p", tcp, "--script", "ssh2-enum-algos,ssh-auth-methods,modbus-discover", "127.0.0.21"], 1);
        peerTotal += t.median;
        peers.push(`nmap ssh+modbus scripts ${t.median.toFixed(0)} ms`);
      }
      const snmpPort = port("snmp");
      if (snmpPort) {
        const t = timeIt("nmap", ["-Pn", "-n", "-sU", "-p", snmpPort, "--script", "snmp-info,snmp-brute", "127.0.0.21"], 1);
        peerTotal += t.median;
        peers.push(`nmap snmp scripts ${t.median.toFixed(0)} ms`);
      }
    }
    if (peers.length) console.log(`peers on the same device: ${peers.join(", ")}; together ${peerTotal.toFixed(0)} ms`);
    else console.log("peers: ssh-audit / nmap not installed (apt-get install ssh-audit nmap)");
  } finally {
    await device.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
