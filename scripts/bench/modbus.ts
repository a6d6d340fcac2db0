// Benchmark: Modbus/TCP probe time per device (default mode, in process, median of runs) against
// our simulator (plain; plain + Modbus/TCP Security) and Debian's pymodbus server, side by side
// with `nmap --script modbus-discover` on the same server when nmap is installed (the script's
// portrule only fires on port 502, so the servers are put on 502 when it is free). Prints figures.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "../../src/log.js";
import { auditDevice } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import modbus from "../../probes/modbus/index.js";
import { ModbusSimProfile } from "../../probes/modbus/profile.js";

const RUNS = 5;
const PYMODBUS_SCRIPT = fileURLToPath(new URL("../../test/modbus/pymodbus_server.py", import.meta.url));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function probeMs(urls: string[], timeoutMs: number): Promise<{ ms: number; status: string }> {
  const [device] = parseTargetStrings(urls, [modbus]);
  const times: number[] = [];
  let status = "";
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = await auditDevice({ ...device!, address: device!.host }, {
      plugins: [modbus],
      timeoutMs,
      concurrency: 1,
      intrusive: false,
      credentials: [],
      failOn: "high",
      log: silentLogger(),
      pluginOptions: { "modbus.companions": "off" },
    });
    times.push(performance.now() - t0);
    status = r.facts.modbus?.status ?? "missing";
  }
  return { ms: median(times), status };
}

/** nmap runs as a child process without blocking the event loop (the simulator lives in this process). */
function run(cmd: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "ignore"] });
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
    const t = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", () => {
      clearTimeout(t);
      resolve(out);
    });
  });
}

async function nmapMs(port: number): Promise<string> {
  if (!existsSync("/usr/bin/nmap")) return "nmap not installed";
  if (port !== 502) return "skipped: port 502 busy (modbus-discover runs on 502 only)";
  const times: number[] = [];
  let found = "";
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const out = await run("/usr/bin/nmap", ["-Pn", "-n", "-sT", "--script", "modbus-discover", "-p", String(port), "127.0.0.1"], 120_000);
    times.push(performance.now() - t0);
    found = /sid 0x[0-9a-f]+/i.test(out) ? "found a unit" : "no unit reported";
  }
  return `${median(times).toFixed(0)} ms (${found})`;
}

function row(name: string, ours: string, nmap: string): void {
  console.log(`${name.padEnd(38)} ${ours.padEnd(26)} ${nmap}`);
}

export default async function bench(): Promise<void> {
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-modbus-"));
  const identity = { vendorName: "Example Automation", productCode: "LX-100", revision: "2.4.1", productName: "LX PLC" };
  const plainProfile = ModbusSimProfile.parse({ units: [1, 255], identity, serverId: "LX-100" });
  const plainSim = await modbus.simulator!.start(plainProfile, { host: "127.0.0.1", stateDir, port: 502 }).catch(() => modbus.simulator!.start(plainProfile, { host: "127.0.0.1", stateDir }));
  const tlsSim = await modbus.simulator!.start(ModbusSimProfile.parse({ units: [1], identity, tls: { requireClientCert: true } }), { host: "127.0.0.1", stateDir: join(stateDir, "tls") });
  let py: ChildProcess | undefined;
  try {
    console.log(`probe: default mode, median of ${RUNS} runs in process; nmap: median of 3 runs, whole process`);
    row("target", "otaudit probe", "nmap --script modbus-discover");
    const plainUrl = plainSim.urls[0]!;
    const plainPort = Number(plainUrl.split(":").pop());
    const p1 = await probeMs([plainUrl], 1000);
    row("simulator, plain Modbus/TCP", `${p1.ms.toFixed(0)} ms (${p1.status})`, await nmapMs(plainPort));
    const p2 = await probeMs(tlsSim.urls, 1000);
    row("simulator, plain + 802 (TLS, mTLS)", `${p2.ms.toFixed(0)} ms (${p2.status})`, "n/a (no TLS script)");

    await plainSim.stop(); // frees 502 for pymodbus
    if (existsSync("/usr/bin/python3") && existsSync("/usr/lib/python3/dist-packages/pymodbus")) {
      py = spawn("/usr/bin/python3", [PYMODBUS_SCRIPT, plainPort === 502 ? "502" : "0", JSON.stringify({ VendorName: "Pymodbus", ProductCode: "PM", MajorMinorRevision: "3.0.0" })], { stdio: ["ignore", "pipe", "ignore"] });
      const port = await new Promise<number>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("pymodbus did not start")), 15_000);
        py!.stdout!.setEncoding("utf8").on("data", (d: string) => {
          const m = /READY (\d+)/.exec(d);
          if (m) {
            clearTimeout(t);
            resolve(Number(m[1]));
          }
        });
      });
      // pymodbus drops requests to unknown units silently: each costs one timeout (units 0 and 255)
      const p3 = await probeMs([`modbus://127.0.0.1:${port}`], 500);
      row("pymodbus 3.0 (timeout 500 ms)", `${p3.ms.toFixed(0)} ms (${p3.status})`, await nmapMs(port));
    } else row("pymodbus", "not installed", "");
  } finally {
    py?.kill("SIGTERM");
    await plainSim.stop().catch(() => undefined);
    await tlsSim.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
