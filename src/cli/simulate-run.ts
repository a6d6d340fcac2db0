// `otaudit simulate`: start the simulators of a profile (or of a recording's derived profile) on a
// loopback address, print one service URL per line on stdout once all listen, and stop cleanly on
// SIGINT/SIGTERM/SIGHUP or when its parent goes away (npx under sh -c; a second signal exits at
// once). Ephemeral ports, or --port scheme=port / --default-ports so sweeps find the device.
// Simulator state lives in a temporary folder.
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
import type { ProtocolPlugin } from "../plugin.js";
import { note } from "./ui.js";

export function isLoopback(host: string): boolean {
  if (isIP(host) === 4) return host.startsWith("127.");
  if (isIP(host) === 6) return host === "::1" || /^(0{0,4}:){7}0{0,3}1$/.test(host);
  return false;
}

/**
 * --default-ports and --port scheme=port (a plugin id names its first scheme: opcua=4841) -> scheme -> port.
 * With `served` (the plugins the profile has simulators for), a --port for any other protocol is an error.
 */
export function simulatorPorts(
  opts: Pick<SimulateOptions, "port" | "defaultPorts">,
  plugins: readonly ProtocolPlugin[],
  served?: { file: string; plugins: readonly ProtocolPlugin[] },
): Record<string, number> {
  const ports: Record<string, number> = {};
  if (opts.defaultPorts) for (const p of plugins) for (const d of p.defaultPorts) ports[d.scheme] = d.port;
  const schemes = plugins.flatMap((p) => p.schemes);
  for (const pair of opts.port ?? []) {
    const m = /^([a-z][a-z0-9.+-]*)=(\d{1,5})$/.exec(pair);
    if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535)
      throw new UsageError(`--port: expected scheme=port with a port from 1 to 65535, e.g. ${schemes[0] ?? "scheme"}=2222 (got '${pair}')`);
    const scheme = plugins.find((p) => p.id === m[1])?.schemes[0] ?? m[1]!;
    if (!schemes.includes(scheme)) throw new UsageError(`--port: unknown scheme '${m[1]}' (known: ${schemes.join(", ")})`);
    if (served && !served.plugins.some((p) => p.schemes.includes(scheme)))
      throw new UsageError(`--port: ${served.file} serves no ${m[1]} (it serves: ${served.plugins.map((p) => p.schemes[0]).join(", ")})`);
    ports[scheme] = Number(m[2]);
  }
  return ports;
}

/** Why a simulator could not listen, in words an operator can act on. */
function startFailure(e: unknown, ports: Record<string, number>): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "EACCES")
    return `permission denied (${err.message}): ports below 1024 need root or CAP_NET_BIND_SERVICE; choose others with --port scheme=port`;
  if (err.code === "EADDRINUSE") return `a port is already in use (${err.message}); another simulator on this address? use another --host or --port`;
  return `${err.message}${
    Object.keys(ports).length
      ? ` (ports asked for: ${Object.entries(ports)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ")})`
      : ""
  }`;
}

export async function runSimulate(file: string, opts: SimulateOptions): Promise<number> {
  if (!isLoopback(opts.host)) throw new UsageError(`--host: '${opts.host}' is not a loopback address (127.0.0.0/8 or ::1); simulators only serve loopback`);
  const plugins = selectPlugins(opts.protocols);
  const { profile, notes } = loadSimulationSource(file, PLUGINS, opts.device);
  for (const n of notes) note(`simulate: ${n}`);
  const servable = plugins.filter((p) => profile.sections.has(p.id) && p.simulator);
  if (servable.length === 0)
    throw new UsageError(`${file}: nothing to simulate (no protocol section this otaudit can serve${opts.protocols ? " among --protocols" : ""})`);
  const ports = simulatorPorts(opts, plugins, { file, plugins: servable });

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
  process.on("SIGHUP", onSignal);
  // `npx otaudit simulate` runs us under `sh -c`: a SIGTERM to npx ends the shell, not us. When our
  // parent goes away we are re-parented: stop cleanly then, instead of serving as an orphan.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => {
    if (process.ppid !== parent) {
      signals++;
      stopRequested();
    }
  }, 500);
  orphanWatch.unref();
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-simulate-"));
  let running: RunningDevice | undefined;
  try {
    try {
      running = await startProfile(profile, servable, opts.host, stateDir, ports);
    } catch (e) {
      throw new CannotAuditError(`simulate: a simulator could not start: ${startFailure(e, ports)}`);
    }
    process.stdout.write(running.urls.map((u) => u + "\n").join(""));
    note(`simulating ${profile.header.name} on ${opts.host}; stop with Ctrl-C or SIGTERM`);
    if (signals === 0) await stopped;
    return EXIT.OK;
  } finally {
    clearInterval(orphanWatch);
    await running?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("SIGHUP", onSignal);
  }
}
