// SNMP benchmark (`npm run bench -- snmp`): the whole otaudit CLI process (`otaudit scan
// snmp://...`, default mode) against the whole peer process on the same Net-SNMP snmpd, paired
// runs, medians and ratio: nmap -sU --script snmp-info,snmp-sysdescr (engine data and sysDescr
// with 'public', what a default otaudit run sends) and onesixtyone with 'public'. Two agents:
// "public" (rocommunity public, trap destinations) and "v3-only" (no community: every request is
// awaited its whole --timeout). Then the peak RSS of one CLI scan against each hostile agent of
// test/snmp/hostile-cases.ts (/usr/bin/time -f %M), the worst named.
import { execFile, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../../src/version.js";
import { findBinary, freeUdpPort, spawnDaemon, waitFor, type DaemonProcess } from "../../test/helpers/daemons.js";
import { startFakeSnmpAgent } from "../../test/snmp/fake-agent.js";
import { HOSTILE_CASES } from "../../test/snmp/hostile-cases.js";

const HOST = "127.0.0.1";
const RUNS = 5;
const TIMEOUT_MS = 3000; // --timeout (the CLI default)
const OTAUDIT = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const TIME = findBinary("/usr/bin/time");
const NMAP = findBinary("/usr/bin/nmap");
const ONESIXTYONE = findBinary("/usr/bin/onesixtyone", "/usr/local/bin/onesixtyone");

function timed(cmd: string, args: string[]): { ms: number; status: number | null; out: string } {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 120_000 });
  return { ms: Number((process.hrtime.bigint() - started) / 1_000_000n), status: r.status, out: `${r.stdout}${r.stderr}` };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function otauditScan(port: number, timeoutMs = TIMEOUT_MS): string[] {
  return [OTAUDIT, "scan", `snmp://${HOST}:${port}`, "--timeout", String(timeoutMs), "--json", "/dev/null", "--fail-on", "critical"];
}

/** Paired runs: otaudit, peer, otaudit, peer, ... ; medians and the ratio. */
function paired(label: string, port: number, peerName: string, peer: [string, string[]] | undefined): void {
  if (!peer) {
    console.log(`${label.padEnd(28)} ${peerName} not installed: no side-by-side figure`);
    return;
  }
  const ours: number[] = [];
  const theirs: number[] = [];
  let lastStatus: number | null = null;
  for (let i = 0; i < RUNS; i++) {
    const o = timed(otauditScan(port)[0]!, otauditScan(port).slice(1));
    lastStatus = o.status;
    ours.push(o.ms);
    theirs.push(timed(peer[0], peer[1]).ms);
  }
  const a = median(ours);
  const b = median(theirs);
  console.log(
    `${label.padEnd(28)} otaudit ${String(a).padStart(5)} ms (exit ${lastStatus})  ${peerName.padEnd(34)} ${String(b).padStart(5)} ms  ratio ${(a / b).toFixed(2)}  (medians of ${RUNS} paired runs)`,
  );
}

async function startSnmpd(conf: string): Promise<{ port: number; d: DaemonProcess }> {
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-snmpd-"));
  const port = await freeUdpPort(HOST);
  writeFileSync(join(dir, "snmpd.conf"), conf);
  const logFile = join(dir, "snmpd.log");
  writeFileSync(logFile, "");
  const d = spawnDaemon("/usr/sbin/snmpd", ["-f", "-Lf", logFile, "-C", "-c", join(dir, "snmpd.conf"), "-p", join(dir, "pid"), `udp:${HOST}:${port}`], {
    env: { SNMP_PERSISTENT_DIR: join(dir, "persist"), MIBS: "", MIBDIRS: join(dir, "none") },
    dir,
    logFile,
  });
  await waitFor(() => d.log().includes("NET-SNMP version"), 10_000);
  return { port, d };
}

function peers(port: number, dir: string): { nmap?: [string, string[]]; onesixtyone?: [string, string[]] } {
  const list = join(dir, "communities.txt");
  writeFileSync(list, "public\n");
  return {
    ...(NMAP ? { nmap: [NMAP, ["-sU", "-Pn", "-n", "-p", String(port), "--script", "snmp-info,snmp-sysdescr", HOST]] as [string, string[]] } : {}),
    ...(ONESIXTYONE ? { onesixtyone: [ONESIXTYONE, ["-c", list, "-p", String(port), HOST]] as [string, string[]] } : {}),
  };
}

async function speed(): Promise<void> {
  if (!existsSync("/usr/sbin/snmpd")) {
    console.log("snmpd not installed: skipping the Net-SNMP figures");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "otaudit-bench-snmp-"));
  const agents = [
    { label: "snmpd, 'public' readable", conf: `rocommunity public ${HOST}\ntrap2sink ${HOST}:9 trapcomm\nauthtrapenable 1\n` },
    { label: "snmpd, v3 only (silence)", conf: "createUser ops SHA-256 bench-auth-pass AES bench-priv-pass\nrouser ops priv\n" },
  ];
  console.log(`otaudit CLI (default mode, --timeout ${TIMEOUT_MS}) vs peers, same agent, loopback:`);
  for (const a of agents) {
    const { port, d } = await startSnmpd(a.conf);
    try {
      const p = peers(port, dir);
      paired(a.label, port, "nmap snmp-info,snmp-sysdescr", p.nmap);
      paired(a.label, port, "onesixtyone ('public')", p.onesixtyone);
    } finally {
      await d.stop();
    }
  }
}

async function peakRss(): Promise<void> {
  if (!TIME) {
    console.log("/usr/bin/time not installed: no peak-RSS figure");
    return;
  }
  console.log(`\npeak RSS of one 'otaudit scan snmp://...' (CLI process, --timeout 1000) per hostile agent (test/snmp/hostile-cases.ts):`);
  const rows: { name: string; kb: number }[] = [];
  for (const [name, script] of HOSTILE_CASES) {
    const agent = await startFakeSnmpAgent(script);
    try {
      // the agent lives in this process: run the CLI asynchronously so it can answer
      const kb = await new Promise<number>((resolve) => {
        execFile(TIME, ["-f", "%M", ...otauditScan(agent.port, 1000)], { encoding: "utf8", timeout: 60_000 }, (_err, _stdout, stderr) => {
          const lines = String(stderr).trim().split("\n");
          resolve(Number(lines[lines.length - 1]) || -1);
        });
      });
      rows.push({ name, kb });
    } finally {
      await agent.close();
    }
  }
  rows.sort((a, b) => b.kb - a.kb);
  for (const r of rows.slice(0, 6)) console.log(`  ${String(Math.round(r.kb / 1024)).padStart(4)} MB  ${r.name}`);
  console.log(
    `  worst: ${rows[0]!.name}, ${Math.round(rows[0]!.kb / 1024)} MB; median over ${rows.length} cases ${Math.round(median(rows.map((r) => r.kb)) / 1024)} MB`,
  );
}

export default async function benchSnmp(): Promise<void> {
  if (!existsSync(join(PACKAGE_ROOT, "dist", "src", "cli", "main.js"))) console.log("(dist/ missing: run `npx tsc -p tsconfig.build.json` first)");
  await speed();
  await peakRss();
}
