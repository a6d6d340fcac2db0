// The otaudit process loads only the plugins a `scan` command line names (src/cli/plugin-choice.ts);
// what it does and prints must not change. The same command lines run through the CLI (which
// chooses) and through runCli without choosing (every plugin loaded), against the SSH and Modbus
// simulators: same exit code, stdout, stderr and result document (times aside).
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ssh from "../../probes/ssh/index.js";
import modbus from "../../probes/modbus/index.js";
import { ModbusSimProfile } from "../../probes/modbus/profile.js";
import type { RunningSimulator } from "../../src/plugin.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { runOtaudit, type CliRun } from "../helpers/cli.js";
import { LEGACY_PROFILE, tempStateDir } from "../ssh/helpers.js";

const MAIN = join(PACKAGE_ROOT, "dist", "src", "cli", "main.js");
const stateDir = tempStateDir();
let sims: RunningSimulator[] = [];
const url = (i: number) => sims[i]!.urls[0]!;

/** runCli in a child process without choosing plugins: the registry loads them all. */
function runAllPlugins(args: string[]): Promise<CliRun> {
  const code = `const m = await import(${JSON.stringify(MAIN)}); const c = await m.runCli(${JSON.stringify(args)}); process.exitCode = c;`;
  return new Promise((resolve) => {
    execFile(process.execPath, ["--input-type=module", "-e", code], { env: { ...process.env, NO_COLOR: "1" } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const TIMES = new Set(["startedAt", "finishedAt", "durationMs", "generatedAt", "at"]);
const stable = (file: string) => JSON.parse(readFileSync(file, "utf8"), (k, v) => (TIMES.has(k) ? "(time)" : v)) as unknown;

beforeAll(async () => {
  sims = [
    await ssh.simulator!.start(LEGACY_PROFILE, { host: "127.0.0.1", stateDir }),
    await modbus.simulator!.start(ModbusSimProfile.parse({}), { host: "127.0.0.1", stateDir }),
  ];
});
afterAll(async () => {
  for (const s of sims) await s.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe("loading only the plugins a scan names", () => {
  it("gives the same result, scorecard and exit code as loading every plugin", async () => {
    for (const targets of [[url(0)], [url(0), url(1)]]) {
      const a = join(stateDir, "chosen.json");
      const b = join(stateDir, "all.json");
      const chosen = await runOtaudit(["scan", ...targets, "--json", a, "--timeout", "2000"]);
      const all = await runAllPlugins(["scan", ...targets, "--json", b, "--timeout", "2000"]);
      expect(chosen.stderr).toBe(all.stderr);
      expect(chosen.stdout).toBe(all.stdout);
      expect(chosen.code).toBe(all.code);
      const doc = stable(a) as { run: { protocols: string[] }; devices: unknown[] };
      expect(doc).toEqual(stable(b));
      expect(doc.run.protocols.length).toBeGreaterThan(targets.length); // every known protocol, loaded or not
    }
  });

  it("gives the same usage errors", async () => {
    for (const args of [
      ["scan", "ssh://127.0.0.1:70000"],
      ["scan", "ssh://127.0.0.1", "--protocols", "modbus"],
      ["scan", "127.0.0.1:502", "--modbus-units", "nope"],
      ["scan", "ssh://u:p@127.0.0.1"],
    ]) {
      const [chosen, all] = await Promise.all([runOtaudit(args), runAllPlugins(args)]);
      expect(chosen.code, args.join(" ")).toBe(2);
      expect(chosen.stderr, args.join(" ")).toBe(all.stderr);
      expect(chosen.code).toBe(all.code);
    }
  });
});
