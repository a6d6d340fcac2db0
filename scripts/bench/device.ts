// Benchmark: one device with all four protocols audited in default mode, the whole otaudit CLI
// process (start-up included; goal <= 2.5 s) against the whole peer processes (ssh-audit + nmap's
// SSH, Modbus and SNMP scripts, their sum) on the same simulated device, paired runs in alternating
// order, medians and ratio; and `otaudit --help` start-up (goal < 0.3 s). Not a test: prints figures.
// The device runs in its own process (`otaudit simulate`), as a real device would.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PACKAGE_ROOT } from "../../src/version.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const HOST = "127.0.0.21";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function timeIt(cmd: string, args: string[], runs = 3): { median: number; min: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: "ignore", timeout: 120_000 });
    times.push(performance.now() - t0);
    code = r.status;
  }
  return { median: median(times), min: Math.min(...times), code };
}

function which(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
}

/** Start `otaudit simulate PROFILE` and wait for its service URLs. */
async function simulate(profile: string): Promise<{ urls: string[]; stop: () => void }> {
  // only the services the bench is about (the profile also serves Telnet, FTP, VNC and MQTT, which
  // the peers here do not cover); Modbus on 502, the one port nmap's modbus-discover portrule accepts
  const child = spawn(BIN, ["simulate", profile, "--host", HOST, "--protocols", "ssh,modbus,snmp,opcua", "--port", "modbus=502"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
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
  const help = timeIt(BIN, ["--help"], 5);
  console.log(`otaudit --help start-up: median ${help.median.toFixed(0)} ms (goal < 300 ms)`);

  const work = mkdtempSync(join(tmpdir(), "otaudit-bench-device-"));
  const device = await simulate(join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"));
  try {
    console.log(`simulated device (legacy-plc): ${device.urls.join(" ")}`);
    const port = (scheme: string) => device.urls.find((u) => u.startsWith(scheme + "://"))?.match(/:(\d+)(\/|$)/)?.[1];
    const peers: [string, string, string[]][] = [];
    const sshPort = port("ssh");
    if (sshPort && which("ssh-audit")) peers.push(["ssh-audit", "ssh-audit", ["-p", sshPort, HOST]]);
    if (which("nmap")) {
      const tcp = [sshPort, port("modbus")].filter(Boolean).join(",");
      if (tcp)
        peers.push(["nmap ssh+modbus scripts", "nmap", ["-Pn", "-n", "-sT", "-p", tcp, "--script", "ssh2-enum-algos,ssh-auth-methods,modbus-discover", HOST]]);
      const snmpPort = port("snmp");
      if (snmpPort) peers.push(["nmap snmp scripts", "nmap", ["-Pn", "-n", "-sU", "-p", snmpPort, "--script", "snmp-info,snmp-brute", HOST]]);
    }
    const scan = () => timeIt(BIN, ["scan", ...device.urls, "--json", join(work, "r.json")], 1);
    // the peers one after another (their sum): what a user runs to cover the same services
    const peerSum = () => peers.map(([, cmd, args]) => timeIt(cmd, args, 1).median);
    scan(); // warm-up (file cache)
    const ours: number[] = [];
    const theirs: number[][] = [];
    let code: number | null = null;
    for (let i = 0; i < RUNS; i++) {
      // paired runs, alternating who goes first
      if (i % 2 === 1 && peers.length) theirs.push(peerSum());
      const r = scan();
      ours.push(r.median);
      code = r.code;
      if (i % 2 === 0 && peers.length) theirs.push(peerSum());
    }
    const mo = median(ours);
    console.log(
      `otaudit scan, ${device.urls.length} services, default mode: median ${mo.toFixed(0)} ms, best ${Math.min(...ours).toFixed(0)} ms, whole CLI process incl. start-up (exit ${code}; goal <= 2500 ms)`,
    );
    if (!peers.length) console.log("peers: ssh-audit / nmap not installed (apt-get install ssh-audit nmap)");
    else {
      const mp = median(theirs.map((t) => t.reduce((a, b) => a + b, 0)));
      const each = peers.map(([label], j) => `${label} ${median(theirs.map((t) => t[j]!)).toFixed(0)} ms`).join(", ");
      console.log(
        `peers on the same device (no OPC UA equivalent), whole processes: ${each}; together median ${mp.toFixed(0)} ms; ratio otaudit/peers ${(mo / mp).toFixed(2)} (${RUNS} paired runs, medians)`,
      );
    }
  } finally {
    device.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
