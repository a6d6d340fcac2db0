// SNMP benchmark: one device's SNMP check time when every community is wrong (goal <= 1.5 s; the
// candidates go out together and the probe waits one bounded interval), against the simulator and
// against Net-SNMP snmpd, side by side with onesixtyone (which waits 5 s per host) when installed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import snmpPlugin from "../../probes/snmp/index.js";
import { loadCommunities } from "../../probes/snmp/knowledge.js";
import { SnmpProfile } from "../../probes/snmp/profile.js";
import { startSnmpSimulator } from "../../probes/snmp/simulator.js";
import { probeDevice } from "../../src/engine/audit.js";
import { freeUdpPort, waitFor } from "../../test/helpers/daemons.js";

const HOST = "127.0.0.1";
const RUNS = 5;
const GOAL_MS = 1500;
const TIMEOUT_MS = 3000; // the operator's per-operation timeout; the community wait is capped below it

async function probeOnce(port: number): Promise<{ ms: number; status: string; accepted: number }> {
  const started = Date.now();
  const env = await probeDevice(
    { host: HOST, address: HOST, endpoints: [{ protocol: "snmp", scheme: "snmp", host: HOST, port, transport: "udp", url: `snmp://${HOST}:${port}`, explicit: true }] },
    snmpPlugin,
    { plugins: [snmpPlugin], timeoutMs: TIMEOUT_MS, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log: pino({ level: "silent" }) },
  );
  const data = env.data as { communities: { results: { accepted: boolean }[] } } | undefined;
  return { ms: Date.now() - started, status: env.status, accepted: data?.communities.results.filter((r) => r.accepted).length ?? -1 };
}

async function series(label: string, port: number): Promise<void> {
  const times: number[] = [];
  let last = { status: "", accepted: 0 };
  for (let i = 0; i < RUNS; i++) {
    const r = await probeOnce(port);
    times.push(r.ms);
    last = r;
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const max = times[times.length - 1]!;
  console.log(`${label.padEnd(34)} otaudit  median ${String(median).padStart(5)} ms  max ${String(max).padStart(5)} ms  (${RUNS} runs, status ${last.status}, accepted communities ${last.accepted}) ${max <= GOAL_MS ? "OK" : "OVER GOAL"} (goal <= ${GOAL_MS} ms)`);
}

function onesixtyone(label: string, port: number): void {
  const bin = ["/usr/bin/onesixtyone", "/usr/local/bin/onesixtyone"].find((p) => existsSync(p));
  if (!bin) {
    console.log(`${label.padEnd(34)} onesixtyone not installed (apt-get install onesixtyone) - no side-by-side figure`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-161-"));
  const list = join(dir, "communities.txt");
  writeFileSync(list, loadCommunities().entries.map((c) => c.password).join("\n") + "\n");
  const started = Date.now();
  const r = spawnSync(bin, ["-c", list, "-p", String(port), HOST], { encoding: "utf8", timeout: 30_000 });
  console.log(`${label.padEnd(34)} onesixtyone ${String(Date.now() - started).padStart(5)} ms  (same ${loadCommunities().entries.length} communities, v1 only; exit ${r.status})`);
}

async function withSnmpd(fn: (port: number) => Promise<void>): Promise<void> {
  if (!existsSync("/usr/sbin/snmpd")) {
    console.log("snmpd not installed: skipping the Net-SNMP figures");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-snmpd-"));
  const port = await freeUdpPort(HOST);
  writeFileSync(join(dir, "snmpd.conf"), "createUser ops SHA-256 bench-auth-pass AES bench-priv-pass\nrouser ops priv\n");
  const log = join(dir, "snmpd.log");
  writeFileSync(log, "");
  const proc = spawn("/usr/sbin/snmpd", ["-f", "-Lf", log, "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "pid"), `udp:${HOST}:${port}`], {
    env: { PATH: process.env.PATH, SNMP_PERSISTENT_DIR: join(dir, "persist"), MIBS: "", MIBDIRS: join(dir, "none") },
    stdio: "ignore",
  });
  try {
    await waitFor(() => readFileSync(log, "utf8").includes("NET-SNMP version"), 10_000);
    await fn(port);
  } finally {
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    await exited;
  }
}

export default async function benchSnmp(): Promise<void> {
  console.log(`every community wrong; per-operation timeout ${TIMEOUT_MS} ms`);
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-snmp-"));
  const sim = await startSnmpSimulator(SnmpProfile.parse({ users: [{ name: "ops", level: "authPriv", authProtocol: "sha256", authKey: "bench-auth-key", privProtocol: "aes", privKey: "bench-priv-key" }] }), { host: HOST, stateDir });
  try {
    const port = Number(new URL(sim.urls[0]!).port);
    await series("simulator (v3 only)", port);
    onesixtyone("simulator (v3 only)", port);
  } finally {
    await sim.stop();
  }
  await withSnmpd(async (port) => {
    await series("Net-SNMP snmpd 5.9 (v3 only)", port);
    onesixtyone("Net-SNMP snmpd 5.9 (v3 only)", port);
  });
}
