// `otaudit simulate`: start the simulators of a profile (or of a recording's derived profile) on a
// loopback address, print one service URL per line on stdout once all listen, and stop cleanly on
// SIGINT/SIGTERM (a second signal exits at once). Simulator state lives in a temporary folder.
import { mkdtempSync, rmSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CannotAuditError, EXIT, UsageError } from "../errors.js";
import { startProfile, type RunningDevice } from "../engine/profiles.js";
import { loadSimulationSource } from "../fixtures/simulate.js";
import { PLUGINS } from "../../probes/registry.js";
import { selectPlugins } from "./audit-setup.js";
import type { SimulateOptions } from "./option-types.js";

export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || /^(0{0,4}:){7}0{0,3}1$/.test(host);
  return false;
}

export async function runSimulate(file: string, opts: SimulateOptions): Promise<number> {
  if (!isLoopback(opts.host)) throw new UsageError(`--host: '${opts.host}' is not a loopback address (127.0.0.0/8 or ::1); simulators only serve loopback`);
  const plugins = selectPlugins(opts.protocols);
  const { profile, notes } = loadSimulationSource(file, PLUGINS, opts.device);
  for (const n of notes) process.stderr.write(`otaudit: simulate: ${n}\n`);
  const servable = plugins.filter((p) => profile.sections.has(p.id) && p.simulator);
  if (servable.length === 0) throw new UsageError(`${file}: nothing to simulate (no protocol section this otaudit can serve${opts.protocols ? " among --protocols" : ""})`);

  let stopRequested: () => void = () => {};
  const stopped = new Promise<void>((r) => (stopRequested = r));
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) process.exit(sig === "SIGINT" ? 130 : 143);
    stopRequested();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-simulate-"));
  let running: RunningDevice | undefined;
  try {
    try {
      running = await startProfile(profile, servable, opts.host, stateDir);
    } catch (e) {
      throw new CannotAuditError(`simulate: a simulator could not start: ${(e as Error).message}`);
    }
    process.stdout.write(running.urls.map((u) => u + "\n").join(""));
    process.stderr.write(`otaudit: simulating ${profile.header.name} on ${opts.host}; stop with Ctrl-C or SIGTERM\n`);
    if (signals === 0) await stopped;
    return EXIT.OK;
  } finally {
    await running?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
