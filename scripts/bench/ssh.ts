// SSH benchmark (`npm run bench -- ssh`): the whole otaudit CLI process (`otaudit scan ssh://...`,
// default mode) against the whole ssh-audit process on the same target, paired runs in alternating
// order, medians and their ratio: simulator profiles and Debian's OpenSSH (default and weak
// configurations, and one serving DH group exchange). Then the peak RSS of one otaudit CLI run
// against each of the worst hostile peers of the corpus (GNU time's maximum resident set size).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SshSimProfile } from "../../probes/ssh/profile.js";
import { startSshSimulator } from "../../probes/ssh/simulator.js";
import { loadProfile } from "../../src/engine/profiles.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { PLUGINS } from "../../probes/registry.js";
import { IS_ROOT, SSHD, SSH_KEYGEN, startSshd } from "../../test/ssh/sshd.js";
import { tempStateDir } from "../../test/ssh/helpers.js";
import { ecdhReply, kexInit, kexResponder, scriptedServer, IDENT } from "../../test/ssh/peers.js";
import { encodeString, encodeUint32 } from "../../probes/ssh/wire.js";

const HOST = "127.0.0.1";
const PAIRS = 5;
const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");
const SSH_AUDIT = ["/usr/bin/ssh-audit", "/usr/local/bin/ssh-audit"].find((p) => existsSync(p));
const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

/** Run a process to its end (async: the simulators and scripted peers live in this process). */
function run(cmd: string, args: string[]): Promise<{ ms: number; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4096)));
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code, stderr });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const otaudit = (port: number) => run(BIN, ["scan", `ssh://${HOST}:${port}`, "--json", "/dev/null", "--timeout", "3000"]);
const sshAudit = (port: number) => run(SSH_AUDIT!, ["-n", "-p", String(port), HOST]);

async function paired(label: string, port: number): Promise<void> {
  await otaudit(port); // warm-up (file cache)
  const a: number[] = [];
  const b: number[] = [];
  let codes = "";
  for (let i = 0; i < PAIRS; i++) {
    const first = i % 2 === 0;
    const x = first ? await otaudit(port) : undefined;
    const y = SSH_AUDIT ? await sshAudit(port) : undefined;
    const z = first ? x! : await otaudit(port);
    a.push(z.ms);
    if (y) b.push(y.ms);
    codes = `otaudit exit ${z.code}${y ? `, ssh-audit exit ${y.code}` : ""}`;
  }
  const ma = median(a);
  const line = `${label.padEnd(34)} otaudit CLI median ${ma.toFixed(0).padStart(5)} ms`;
  if (!b.length) return console.log(`${line}  (ssh-audit not installed: apt-get install ssh-audit)`);
  const mb = median(b);
  console.log(`${line} | ssh-audit median ${mb.toFixed(0).padStart(5)} ms | ratio ${(ma / mb).toFixed(2)} (${PAIRS} paired runs; ${codes})`);
}

/** Peak RSS (KiB) of one otaudit CLI scan, via GNU time. */
async function peakRss(port: number): Promise<{ kib?: number; ms: number; code: number | null }> {
  if (!TIME) return { ms: 0, code: null };
  const r = await run(TIME, ["-f", "%M", BIN, "scan", `ssh://${HOST}:${port}`, "--json", "/dev/null", "--timeout", "3000"]);
  const kib = Number(r.stderr.trim().split("\n").pop());
  return { kib: Number.isFinite(kib) ? kib : undefined, ms: r.ms, code: r.code };
}

const WORST: [string, Parameters<typeof scriptedServer>[0]][] = [
  [
    "KEXINIT: 50,000 unknown host-key names",
    (s) => s.write(Buffer.concat([Buffer.from(IDENT), kexInit({ serverHostKeyAlgorithms: Array.from({ length: 50_000 }, (_, i) => i.toString(36)) })])),
  ],
  [
    "KEXINIT: one name repeated 120,000 times",
    (s) => s.write(Buffer.concat([Buffer.from(IDENT), kexInit({ serverHostKeyAlgorithms: Array.from({ length: 120_000 }, () => "x") })])),
  ],
  [
    "host certificate with 40,000 principals",
    kexResponder(
      kexInit({ serverHostKeyAlgorithms: ["ssh-ed25519-cert-v01@openssh.com"] }),
      ecdhReply(
        Buffer.concat([
          encodeString("ssh-ed25519-cert-v01@openssh.com"),
          encodeString(Buffer.alloc(32)),
          encodeString(Buffer.alloc(32, 2)),
          Buffer.alloc(8),
          encodeUint32(2),
          encodeString("x"),
          encodeString(Buffer.concat(Array.from({ length: 40_000 }, () => encodeString("p")))),
          Buffer.alloc(8),
          Buffer.alloc(8, 0xff),
          encodeString(""),
          encodeString(""),
          encodeString(""),
          encodeString(Buffer.concat([encodeString("ssh-ed25519"), encodeString(Buffer.alloc(32))])),
          encodeString(Buffer.concat([encodeString("ssh-ed25519"), encodeString(Buffer.alloc(64))])),
        ]),
      ),
    ),
  ],
  [
    "10 MB flood after KEXINIT",
    (s) => {
      s.write(Buffer.concat([Buffer.from(IDENT), kexInit()]));
      let sent = 0;
      const t = setInterval(
        () => (s.writable && sent < 10 << 20 && s.writableLength < 1 << 20 ? ((sent += 65536), s.write(Buffer.alloc(65536, 0x41))) : undefined),
        1,
      );
      s.on("close", () => clearInterval(t));
    },
  ],
];

export default async function bench(): Promise<void> {
  const stateDir = tempStateDir();
  for (const name of ["legacy-plc", "hardened-controller"]) {
    const profile = loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", `${name}.yaml`), PLUGINS);
    const sim = await startSshSimulator(profile.sections.get("ssh") as SshSimProfile, { host: HOST, stateDir });
    try {
      await paired(`simulator ${name}`, Number(sim.urls[0]!.split(":").pop()));
    } finally {
      await sim.stop();
    }
  }
  if (SSHD && SSH_KEYGEN && IS_ROOT) {
    const configs: [string, { type: string; bits?: number }[], string[]][] = [
      ["OpenSSH 9.2 default config", [{ type: "ed25519" }, { type: "ecdsa" }, { type: "rsa", bits: 3072 }], []],
      [
        "OpenSSH 9.2 weak config",
        [{ type: "rsa", bits: 1024 }, { type: "dsa" }],
        [
          "KexAlgorithms diffie-hellman-group1-sha1,diffie-hellman-group14-sha1",
          "Ciphers 3des-cbc,aes128-cbc",
          "MACs hmac-md5,hmac-sha1",
          "HostKeyAlgorithms ssh-rsa,ssh-dss",
        ],
      ],
      ["OpenSSH 9.2 group exchange", [{ type: "ed25519" }], ["KexAlgorithms diffie-hellman-group-exchange-sha256,curve25519-sha256"]],
    ];
    for (const [label, keys, options] of configs) {
      const sshd = await startSshd(keys, options);
      try {
        await paired(label, sshd.port);
      } finally {
        await sshd.stop();
      }
    }
  } else console.log("OpenSSH sshd figures skipped: needs /usr/sbin/sshd, ssh-keygen and root");

  if (!TIME) return console.log("peak RSS skipped: needs GNU time (/usr/bin/time)");
  const sim = await startSshSimulator(
    loadProfile(join(PACKAGE_ROOT, "fixtures", "profiles", "hardened-controller.yaml"), PLUGINS).sections.get("ssh") as SshSimProfile,
    { host: HOST, stateDir },
  );
  const base = await peakRss(Number(sim.urls[0]!.split(":").pop()));
  await sim.stop();
  console.log(`${"peak RSS, hardened simulator (baseline)".padEnd(52)} ${String(base.kib).padStart(7)} KiB  ${base.ms.toFixed(0)} ms, exit ${base.code}`);
  for (const [label, behave] of WORST) {
    const srv = await scriptedServer(behave);
    try {
      const r = await peakRss(srv.port);
      console.log(`${`peak RSS, ${label}`.padEnd(52)} ${String(r.kib).padStart(7)} KiB  ${r.ms.toFixed(0)} ms, exit ${r.code}`);
    } finally {
      await srv.close();
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
