// Benchmark (issue 4): OPC UA probe time per simulated server (legacy-plc and hardened-controller
// profiles), in-process and through the CLI (wall, start-up included), and the import cost that
// drove the design (our UACP client vs node-opcua-client vs node-opcua). Not a test: prints figures.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import pino from "pino";
import plugin from "../../probes/opcua/index.js";
import { probeDevice } from "../../src/engine/audit.js";
import { PACKAGE_ROOT } from "../../src/version.js";

const BIN = join(PACKAGE_ROOT, "src", "bin", "otaudit.js");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function wall(args: string[], runs: number): { ms: number; code: number | null } {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: "ignore", cwd: PACKAGE_ROOT, timeout: 60_000 });
    times.push(performance.now() - t0);
    code = r.status;
  }
  return { ms: median(times), code };
}

/** Like wall(), but asynchronous: the simulator runs in this process and must keep answering. */
async function wallAsync(args: string[], runs: number): Promise<{ ms: number; code: number | null }> {
  const times: number[] = [];
  let code: number | null = null;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, args, { stdio: "ignore", cwd: PACKAGE_ROOT });
      const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
      child.on("close", (c) => { clearTimeout(timer); resolve(c); });
    });
    times.push(performance.now() - t0);
  }
  return { ms: median(times), code };
}

export default async function bench(): Promise<void> {
  const base = wall(["-e", "0"], 3).ms;
  console.log(`import cost (median of 3, minus bare node start-up ${base.toFixed(0)} ms):`);
  const uacp = join(PACKAGE_ROOT, "dist", "probes", "opcua", "uacp.js");
  const imports: [string, string][] = [
    ["node-opcua-client", "import('node-opcua-client')"],
    ["node-opcua", "import('node-opcua')"],
  ];
  const loader = join(PACKAGE_ROOT, "dist", "probes", "opcua", "load-node-opcua.js");
  if (existsSync(loader)) imports.push(["node-opcua-client as the probe loads it (W27 skipped)", `import(${JSON.stringify(loader)}).then((m) => m.importSkippingPkcs1Diagnostic(() => import('node-opcua-client')))`]);
  if (existsSync(uacp)) imports.unshift(["our UACP client (dist/probes/opcua/uacp.js)", `import(${JSON.stringify(uacp)})`]);
  for (const [name, code] of imports) console.log(`  ${name.padEnd(46)} ${(wall(["-e", `${code}.then(() => process.exit(0))`], 3).ms - base).toFixed(0)} ms`);

  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-bench-opcua-"));
  const log = pino({ level: "silent" });
  try {
    for (const profileName of ["legacy-plc", "hardened-controller"]) {
      const raw = parseYaml(readFileSync(join(PACKAGE_ROOT, "fixtures", "profiles", `${profileName}.yaml`), "utf8")) as { opcua: unknown };
      const t0 = performance.now();
      const sim = await plugin.simulator!.start(plugin.simulator!.profileSchema.parse(raw.opcua), { host: "127.0.0.1", stateDir });
      const startMs = performance.now() - t0;
      try {
        const url = sim.urls[0]!;
        const port = Number(/:(\d+)/.exec(url.slice("opc.tcp://".length))![1]);
        const device = { host: "127.0.0.1", address: "127.0.0.1", endpoints: [{ protocol: "opcua", scheme: "opc.tcp", host: "127.0.0.1", port, transport: "tcp" as const, url, explicit: true }] };
        const times: number[] = [];
        let status = "";
        for (let i = 0; i < 5; i++) {
          const t = performance.now();
          const env = await probeDevice(device, plugin, { plugins: [plugin], timeoutMs: 3000, concurrency: 1, intrusive: false, credentials: [], failOn: "high", log });
          times.push(performance.now() - t);
          status = env.status;
        }
        console.log(`\n${profileName}: simulator start ${startMs.toFixed(0)} ms, ${url}`);
        console.log(`  probe in-process (default mode, status ${status}): median ${median(times).toFixed(0)} ms over 5 runs (min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)})`);
        if (existsSync(join(PACKAGE_ROOT, "dist"))) {
          const cli = await wallAsync([BIN, "scan", url, "--json", join(stateDir, `${profileName}.json`)], 3);
          console.log(`  otaudit scan ${url} (CLI wall incl. start-up and node-opcua import): median ${cli.ms.toFixed(0)} ms (exit ${cli.code})`);
        } else console.log("  (no dist/: run `npm run build` for the CLI figure)");
        const stats = sim.stats?.() as { requests: Record<string, number> } | undefined;
        console.log(`  requests seen by the simulator: ${JSON.stringify(stats?.requests ?? {})}`);
      } finally {
        await sim.stop();
      }
    }
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}
