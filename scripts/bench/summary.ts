// The performance table of issue 14 (`npm run bench`, or `npm run bench -- summary`): the whole
// otaudit CLI process against the whole peer process doing the same work on the same target, paired
// runs in alternating order, medians, ratio, and both peak RSS (GNU time %M, median of the runs).
// Rows: `otaudit --help` (against a bare `node -e 0`, the floor), SSH (ssh-audit on Debian's
// OpenSSH, weak configuration), Modbus (nmap modbus-discover on Debian's pymodbus, port 502 on its
// own loopback address), SNMP with wrong communities (onesixtyone, nmap snmp-info+snmp-brute on
// Net-SNMP), and one simulated device with SSH, Modbus, SNMP and OPC UA (the peers' sum; no OPC UA
// peer). Prints `uptime` first: figures from a loaded machine are not comparable. Not a test.
// BENCH_RUNS=N paired runs per row (default 7); BENCH_ROWS=ssh,device runs only those rows.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../../src/version.js";
import { findBinary, spawnDaemon, waitFor } from "../../test/helpers/daemons.js";
import { IS_ROOT, SSHD, SSH_KEYGEN, startSshd } from "../../test/ssh/sshd.js";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
/** BENCH_OTAUDIT=/other/checkout/src/bin/otaudit.js measures another build (before/after). */
const BIN = process.env.BENCH_OTAUDIT ?? join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const TIME = findBinary("/usr/bin/time");
const NMAP = findBinary("/usr/bin/nmap");
const SSH_AUDIT = findBinary("/usr/bin/ssh-audit", "/usr/local/bin/ssh-audit");
const ONESIXTYONE = findBinary("/usr/bin/onesixtyone", "/usr/local/bin/onesixtyone");
const PYMODBUS_SCRIPT = fileURLToPath(new URL("../../test/modbus/pymodbus_server.py", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type Cmd = [string, string[]];
interface Run {
  ms: number;
  rssKiB: number;
  code: number | null;
}

/** One process to its end (async: simulators live in other processes, peers may live here). */
function run([cmd, args]: Cmd): Promise<Run> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(TIME ?? cmd, TIME ? ["-f", "RSS_KIB=%M", cmd, ...args] : args, {
      stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, NO_COLOR: "1" },
    });
    let err = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      const m = /RSS_KIB=(\d+)\s*$/.exec(err);
      const exit = /Command exited with non-zero status (\d+)/.exec(err);
      resolve({ ms: performance.now() - t0, rssKiB: m ? Number(m[1]) : NaN, code: exit ? Number(exit[1]) : code });
    });
  });
}

/** Several processes one after another (the peers' sum): total time, largest peak RSS. */
async function runAll(cmds: Cmd[]): Promise<Run> {
  let ms = 0;
  let rssKiB = 0;
  for (const c of cmds) {
    const r = await run(c);
    ms += r.ms;
    rssKiB = Math.max(rssKiB, r.rssKiB);
  }
  return { ms, rssKiB, code: 0 };
}

const ROWS: string[] = [];
const mb = (kib: number) => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MB` : "n/a");

/** Paired runs (order alternating), medians, ratio; one table row. */
async function paired(label: string, ours: Cmd, peerLabel: string, peer: Cmd[] | undefined, goal: string): Promise<void> {
  if (!peer) {
    ROWS.push(`| ${label} | not measured: ${peerLabel} not installed | | | | | ${goal} |`);
    return;
  }
  await run(ours); // warm the file cache
  const a: Run[] = [];
  const b: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (i % 2 === 0) {
      a.push(await run(ours));
      b.push(await runAll(peer));
    } else {
      b.push(await runAll(peer));
      a.push(await run(ours));
    }
  }
  const ma = median(a.map((r) => r.ms));
  const mp = median(b.map((r) => r.ms));
  const row = `| ${label} | ${ma.toFixed(0)} ms | ${peerLabel} ${mp.toFixed(0)} ms | ${(ma / mp).toFixed(2)} | ${mb(median(a.map((r) => r.rssKiB)))} | ${mb(median(b.map((r) => r.rssKiB)))} | ${goal} |`;
  ROWS.push(row);
  console.log(`${row}  (otaudit exit ${a[0]!.code})`);
}

const scan = (...args: string[]): Cmd => [BIN, ["scan", ...args, "--json", "/dev/null"]];

async function helpRow(): Promise<void> {
  // the floor: node itself started as the launcher starts it (NODE_EXTRA_CA_CERTS emptied, src/bin/otaudit.js)
  await paired("`otaudit --help`", [BIN, ["--help"]], "`node -e 0`", [["/usr/bin/env", ["NODE_EXTRA_CA_CERTS=", process.execPath, "-e", "0"]]], "≤ 100 ms");
}

async function sshRow(): Promise<void> {
  if (!(SSHD && SSH_KEYGEN && IS_ROOT)) return void ROWS.push("| SSH only | not measured: needs /usr/sbin/sshd, ssh-keygen and root | | | | | |");
  const weak = [
    "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1,curve25519-sha256",
    "Ciphers 3des-cbc,aes128-cbc,aes128-ctr",
    "MACs hmac-md5,hmac-sha1,hmac-sha2-256",
    "HostKeyAlgorithms ssh-rsa,ssh-ed25519",
  ];
  const sshd = await startSshd([{ type: "rsa", bits: 1024 }, { type: "ed25519" }], weak);
  try {
    await paired(
      "SSH only, weak OpenSSH 9.2",
      scan(`ssh://127.0.0.1:${sshd.port}`),
      "ssh-audit",
      SSH_AUDIT ? [[SSH_AUDIT, ["-n", "-p", String(sshd.port), "127.0.0.1"]]] : undefined,
      "ratio ≤ 0.8",
    );
  } finally {
    await sshd.stop();
  }
}

/** pymodbus on HOST:502 (nmap's modbus-discover runs on port 502 only). */
async function startPymodbus(host: string): Promise<ChildProcess | undefined> {
  if (!existsSync("/usr/bin/python3") || !existsSync("/usr/lib/python3/dist-packages/pymodbus")) return undefined;
  const py = spawn("/usr/bin/python3", [PYMODBUS_SCRIPT, "502", JSON.stringify({ VendorName: "Pymodbus", ProductCode: "PM", MajorMinorRevision: "3.0.0" })], {
    stdio: ["ignore", "pipe", "ignore"],
    env: { ...process.env, PYMODBUS_HOST: host },
  });
  const ok = await new Promise<boolean>((resolve) => {
    const t = setTimeout(() => resolve(false), 15_000);
    createInterface({ input: py.stdout! }).on("line", (l) => l.startsWith("READY") && (clearTimeout(t), resolve(true)));
    py.once("exit", () => (clearTimeout(t), resolve(false)));
  });
  if (!ok) py.kill();
  return ok ? py : undefined;
}

async function modbusRow(): Promise<void> {
  const host = "127.0.0.61";
  const py = await startPymodbus(host);
  if (!py) return void ROWS.push("| Modbus only | not measured: pymodbus missing or 502 busy | | | | | |");
  try {
    const nmap: Cmd[] | undefined = NMAP ? [[NMAP, ["-Pn", "-n", "-sT", "-p", "502", "--script", "modbus-discover", host]]] : undefined;
    await paired("Modbus only, pymodbus 3.0", scan(`modbus://${host}:502`), "nmap modbus-discover", nmap, "ratio ≤ 0.8");
  } finally {
    py.kill();
  }
}

async function snmpRow(): Promise<void> {
  if (!existsSync("/usr/sbin/snmpd")) return void ROWS.push("| SNMP | not measured: snmpd missing | | | | | |");
  const host = "127.0.0.62";
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-summary-"));
  writeFileSync(join(dir, "snmpd.conf"), `rocommunity n0t-guessable ${host}\n`);
  writeFileSync(join(dir, "communities.txt"), "public\nprivate\n");
  const logFile = join(dir, "snmpd.log");
  writeFileSync(logFile, "");
  const d = spawnDaemon("/usr/sbin/snmpd", ["-f", "-Lf", logFile, "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "pid"), `udp:${host}:161`], {
    env: { SNMP_PERSISTENT_DIR: join(dir, "persist"), MIBS: "", MIBDIRS: join(dir, "none") },
    dir,
    logFile,
  });
  try {
    await waitFor(() => d.log().includes("NET-SNMP version"), 10_000);
    const ours = scan(`snmp://${host}`);
    await paired(
      "SNMP, wrong communities",
      ours,
      "onesixtyone",
      ONESIXTYONE ? [[ONESIXTYONE, ["-c", join(dir, "communities.txt"), host]]] : undefined,
      "ahead",
    );
    await paired(
      "SNMP, wrong communities",
      ours,
      "nmap snmp-info+snmp-brute",
      NMAP ? [[NMAP, ["-sU", "-Pn", "-n", "-p", "161", "--script", "snmp-info,snmp-brute", host]]] : undefined,
      "ahead",
    );
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `otaudit simulate` in its own process (as a real device would be); resolves with its URLs. */
async function simulate(host: string, args: string[]): Promise<{ urls: string[]; child: ChildProcess }> {
  const child = spawn(BIN, ["simulate", join(PACKAGE_ROOT, "fixtures", "profiles", "legacy-plc.yaml"), "--host", host, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const urls: string[] = [];
  createInterface({ input: child.stdout! }).on("line", (l) => /^[a-z.+]+:\/\//.test(l.trim()) && urls.push(l.trim()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("simulator did not start in 60 s")), 60_000);
    child.stderr!.on("data", (d) => String(d).includes("otaudit: simulating") && (clearTimeout(t), resolve()));
    child.once("exit", (c) => (clearTimeout(t), reject(new Error(`simulator exited ${c}`))));
  });
  return { urls, child };
}

async function deviceRow(): Promise<void> {
  const host = "127.0.0.63";
  const sim = await simulate(host, ["--protocols", "ssh,modbus,snmp,opcua", "--port", "modbus=502"]).catch((e: Error) => e);
  if (sim instanceof Error) return void ROWS.push(`| one device, 4 protocols | not measured: ${sim.message} | | | | | |`);
  try {
    const port = (scheme: string) => sim.urls.find((u) => u.startsWith(`${scheme}://`))?.match(/:(\d+)(\/|$)/)?.[1];
    const peers: Cmd[] = [];
    if (SSH_AUDIT && port("ssh")) peers.push([SSH_AUDIT, ["-n", "-p", port("ssh")!, host]]);
    if (NMAP && port("modbus")) peers.push([NMAP, ["-Pn", "-n", "-sT", "-p", port("modbus")!, "--script", "modbus-discover", host]]);
    if (NMAP && port("snmp")) peers.push([NMAP, ["-sU", "-Pn", "-n", "-p", port("snmp")!, "--script", "snmp-info,snmp-brute", host]]);
    await paired(
      "one device: SSH, Modbus, SNMP, OPC UA",
      scan(...sim.urls),
      "ssh-audit + nmap modbus + nmap snmp (sum)",
      peers.length === 3 ? peers : undefined,
      "ratio ≤ 0.5",
    );
  } finally {
    sim.child.kill("SIGTERM");
  }
}

export default async function bench(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist", "src", "cli", "main.js"))) execFileSync("npm", ["run", "build"], { stdio: "inherit" });
  const load = execFileSync("uptime", { encoding: "utf8" }).trim();
  console.log(`otaudit: ${BIN}\nload: ${load}\n${RUNS} paired runs per row (alternating order), medians; peak RSS = median of GNU time %M\n`);
  console.log("| work | otaudit CLI | peer CLI | ratio | otaudit peak RSS | peer peak RSS | goal |\n|---|---|---|---|---|---|---|");
  // BENCH_ROWS=help,ssh,modbus,snmp,device: only these rows (default all)
  const only = process.env.BENCH_ROWS?.split(",");
  for (const row of [helpRow, sshRow, modbusRow, snmpRow, deviceRow]) if (!only || only.includes(row.name.replace(/Row$/, ""))) await row();
  console.log(`\n${ROWS.join("\n")}\n\nload after: ${execFileSync("uptime", { encoding: "utf8" }).trim()}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
