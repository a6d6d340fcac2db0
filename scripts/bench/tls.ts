// TLS benchmark (`npm run bench -- tls`): the whole otaudit CLI process (`otaudit scan tls://...`,
// default mode) against the whole nmap process running ssl-enum-ciphers on the same Debian nginx
// server, paired runs in alternating order, medians and their ratio, with the load average (the
// machine is shared). Three nginx configurations (weak, modern, legacy suites behind a sound
// certificate); then the per-tool comparison of versions, suites and grades (test/tls/nmap-crosscheck.ts).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../../src/version.js";
import tlsPlugin from "../../probes/tls/index.js";
import type { TlsService } from "../../probes/tls/facts.js";
import { audit } from "../../test/tls/helpers.js";
import { compare, explain, runNmap } from "../../test/tls/nmap-crosscheck.js";
import {
  LEGACY_SUITES_GOOD_CERT,
  MODERN_TLS,
  modernCertificate,
  NGINX_READY,
  NMAP,
  rsaCertificate,
  startNginx,
  WEAK_TLS,
  weakCertificate,
  weakDhParams,
} from "../../test/tls/nginx.js";

const PAIRS = Number(process.env.BENCH_PAIRS ?? 7);
const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");

function run(cmd: string, args: string[]): Promise<{ ms: number; code: number | null }> {
  return new Promise((resolve) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: "ignore", env: { ...process.env, NO_COLOR: "1" } });
    const kill = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("close", (code) => {
      clearTimeout(kill);
      resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, code });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const OUT = mkdtempSync(join(tmpdir(), "otaudit-bench-tls-"));
const otaudit = (port: number) => run(BIN, ["scan", `tls://127.0.0.1:${port}`, "--json", join(OUT, "r.json"), "--timeout", "3000", "-q"]);
/** the tls probe's own time (facts envelope durationMs) of the last otaudit run */
const probeMs = () =>
  (JSON.parse(readFileSync(join(OUT, "r.json"), "utf8")) as { devices: { facts: { tls?: { durationMs: number } } }[] }).devices[0]!.facts.tls?.durationMs ??
  NaN;
const nmap = (port: number) => run(NMAP!, ["-Pn", "-n", "-p", String(port), "--script", "ssl-enum-ciphers", "127.0.0.1"]);

async function paired(label: string, port: number): Promise<void> {
  await otaudit(port);
  await nmap(port); // warm-up (file cache, NSE scripts)
  const a: number[] = [];
  const b: number[] = [];
  const ratios: number[] = [];
  const probes: number[] = [];
  const load: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    load.push(loadavg()[0]!);
    let x: Awaited<ReturnType<typeof run>>;
    let y: Awaited<ReturnType<typeof run>>;
    if (i % 2 === 0) {
      x = await otaudit(port);
      y = await nmap(port);
    } else {
      y = await nmap(port);
      x = await otaudit(port);
    }
    a.push(x.ms);
    b.push(y.ms);
    probes.push(probeMs());
    ratios.push(x.ms / y.ms);
  }
  console.log(
    `${label.padEnd(36)} otaudit CLI median ${median(a).toFixed(0).padStart(5)} ms | nmap ssl-enum-ciphers median ${median(b).toFixed(0).padStart(5)} ms | median of paired ratios ${median(ratios).toFixed(2)} (${PAIRS} pairs; load average ${Math.min(...load).toFixed(1)}-${Math.max(...load).toFixed(1)}); the tls probe itself: median ${median(probes).toFixed(0)} ms`,
  );
}

export default async function bench(): Promise<void> {
  if (!NGINX_READY || !NMAP) return console.log("tls bench skipped: needs nginx, openssl and nmap");
  const nginx = await startNginx(
    3,
    (p, dir) => [WEAK_TLS(p[0]!, dir), MODERN_TLS(p[1]!, dir), LEGACY_SUITES_GOOD_CERT(p[2]!, dir)].join("\n"),
    (dir) => {
      weakCertificate(dir);
      modernCertificate(dir);
      rsaCertificate(dir);
      weakDhParams(dir);
    },
  );
  try {
    const fixed: number[] = [];
    for (let i = 0; i < PAIRS; i++) fixed.push((await run(BIN, ["scan", "tls://127.0.0.1:1", "--json", "/dev/null", "--timeout", "3000", "-q"])).ms);
    console.log(
      `${"otaudit CLI fixed cost (closed port)".padEnd(36)} median ${median(fixed).toFixed(0).padStart(5)} ms (start-up, plugin and spec loading, report: the part of every run that is not the probe)`,
    );
    const labels = ["nginx weak TLS", "nginx modern TLS", "nginx legacy suites, sound cert"];
    for (const [i, label] of labels.entries()) await paired(label, nginx.ports[i]!);
    console.log("\ncross-check (versions and suites per version must agree; grade disagreements explained):");
    for (const [i, label] of labels.entries()) {
      const r = await audit([`tls://127.0.0.1:${nginx.ports[i]}`], { plugins: [tlsPlugin], timeoutMs: 5000 });
      const n = runNmap(nginx.ports[i]!);
      const c = compare((r.result.facts.tls!.data as { services: TlsService[] }).services[0]!, n);
      const same = !c.versionsOnlyUs.length && !c.versionsOnlyNmap.length && !c.suitesOnlyUs.length && !c.suitesOnlyNmap.length;
      console.log(`  ${label}: versions and suites ${same ? "agree" : `DIFFER ${JSON.stringify(c)}`}; ${c.gradeDisagreements.length} grade disagreements`);
      for (const d of c.gradeDisagreements)
        console.log(`    ${d.version} ${d.suite}: nmap ${d.nmap}, otaudit ${d.otaudit} -- ${explain(d, n.warnings ?? []) ?? "UNEXPLAINED"}`);
    }
  } finally {
    await nginx.stop();
    rmSync(OUT, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await bench();
