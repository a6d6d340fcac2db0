// SSH benchmark: time of one device's whole SSH audit in default mode (banner + KEXINIT, every host
// key, auth methods; goal well under 1 s), against the simulator's legacy and hardened profiles and
// against Debian's OpenSSH sshd, side by side with ssh-audit when it is installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import sshPlugin from "../../probes/ssh/index.js";
import type { SshFacts } from "../../probes/ssh/facts.js";
import type { SshSimProfile } from "../../probes/ssh/profile.js";
import { startSshSimulator } from "../../probes/ssh/simulator.js";
import { probeDevice } from "../../src/engine/audit.js";
import { loadProfile } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { PLUGINS } from "../../probes/registry.js";
import { IS_ROOT, SSHD, SSH_KEYGEN, startSshd } from "../../test/ssh/sshd.js";
import { tempStateDir } from "../../test/ssh/helpers.js";

const HOST = "127.0.0.1";
const RUNS = 7;
const GOAL_MS = 1000;

async function probeOnce(port: number): Promise<{ ms: number; status: string; keys: number; connections: string }> {
  const started = process.hrtime.bigint();
  const env = await probeDevice(
    { host: HOST, address: HOST, endpoints: [{ protocol: "ssh", scheme: "ssh", host: HOST, port, transport: "tcp", url: `ssh://${HOST}:${port}`, explicit: true }] },
    sshPlugin,
    { plugins: [sshPlugin], timeoutMs: 3000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log: pino({ level: "silent" }) },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const s = (env.data as SshFacts | undefined)?.services[0];
  const keys = s?.hostKeys.filter((k) => k.status === "collected").length ?? 0;
  return { ms, status: env.status, keys, connections: `1 raw + ${s?.hostKeys.filter((k) => k.status !== "unsupported").length ?? 0} ssh2` };
}

async function series(label: string, port: number): Promise<void> {
  await probeOnce(port); // warm-up: module loading, JIT
  const times: number[] = [];
  let last = await probeOnce(port);
  for (let i = 0; i < RUNS; i++) {
    last = await probeOnce(port);
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const max = times[times.length - 1]!;
  console.log(
    `${label.padEnd(30)} otaudit   median ${median.toFixed(0).padStart(5)} ms  max ${max.toFixed(0).padStart(5)} ms  (${RUNS} runs; ${last.connections} connections, ${last.keys} host keys; status ${last.status}) ${max < GOAL_MS ? "OK" : "OVER GOAL"} (goal < ${GOAL_MS} ms)`,
  );
}

function sshAudit(label: string, port: number): void {
  const bin = ["/usr/bin/ssh-audit", "/usr/local/bin/ssh-audit"].find((p) => existsSync(p));
  if (!bin) {
    console.log(`${label.padEnd(30)} ssh-audit not installed (apt-get install ssh-audit) - no side-by-side figure`);
    return;
  }
  const times: number[] = [];
  let status: number | null = null;
  for (let i = 0; i < 3; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(bin, ["-n", "-p", String(port), HOST], { encoding: "utf8", timeout: 60_000 });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
    status = r.status;
  }
  times.sort((a, b) => a - b);
  console.log(`${label.padEnd(30)} ssh-audit median ${times[1]!.toFixed(0).padStart(5)} ms  (3 runs, exit ${status}; host keys and algorithms, no auth methods)`);
}

export default async function bench(): Promise<void> {
  const stateDir = tempStateDir();
  for (const name of ["legacy-plc", "hardened-controller"]) {
    const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", `${name}.yaml`), PLUGINS);
    const sim = await startSshSimulator(profile.sections.get("ssh") as SshSimProfile, { host: HOST, stateDir });
    const port = Number(sim.urls[0]!.split(":").pop());
    try {
      await series(`simulator ${name}`, port);
      sshAudit(`simulator ${name}`, port);
    } finally {
      await sim.stop();
    }
  }
  if (!(SSHD && SSH_KEYGEN && IS_ROOT)) {
    console.log("OpenSSH sshd figures skipped: needs /usr/sbin/sshd, ssh-keygen and root");
    return;
  }
  const configs: [string, { type: string; bits?: number }[], string[]][] = [
    ["OpenSSH 9.2 default config", [{ type: "ed25519" }, { type: "ecdsa" }, { type: "rsa", bits: 3072 }], []],
    ["OpenSSH 9.2 weak config", [{ type: "rsa", bits: 1024 }, { type: "dsa" }], ["KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1", "Ciphers 3des-cbc,aes128-cbc", "MACs hmac-md5,hmac-sha1", "HostKeyAlgorithms ssh-rsa,ssh-dss"]],
  ];
  for (const [label, keys, options] of configs) {
    const sshd = await startSshd(keys, options);
    try {
      await series(label, sshd.port);
      sshAudit(label, sshd.port);
    } finally {
      await sshd.stop();
    }
  }
}
