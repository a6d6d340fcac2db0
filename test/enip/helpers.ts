// Test plumbing for the EtherNet/IP plugin: start the simulator on its own loopback address (so
// its TLS port 2221 and DTLS port 2222 do not collide with another test's), run the probe through
// the engine (facts validated and rules applied the same way as in a scan).
import { silentLogger } from "../../src/log.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { RunningSimulator } from "../../src/plugin.js";
import enip from "../../probes/enip/index.js";
import type { EnipFacts } from "../../probes/enip/facts.js";
import { EnipSimProfile } from "../../probes/enip/profile.js";
import type { EnipSimStats } from "../../probes/enip/simulator.js";

let next = 0;
/** A loopback address of its own per simulator: 127.88.<pid>.<n> (Linux routes all of 127/8 to lo). */
export function loopbackHost(): string {
  next = (next % 250) + 1;
  return `127.88.${process.pid % 250}.${next}`;
}

export interface Sim {
  sim: RunningSimulator;
  url: string;
  host: string;
  port: number;
  stats(): EnipSimStats;
  stop(): Promise<void>;
}

export async function startSim(profile: unknown, o: { host?: string; port?: number } = {}): Promise<Sim> {
  const host = o.host ?? loopbackHost();
  const sim = await enip.simulator!.start(EnipSimProfile.parse(profile), { host, stateDir: "/nonexistent", ...(o.port !== undefined ? { port: o.port } : {}) });
  const url = sim.urls[0]!;
  return { sim, url, host, port: Number(new URL(url).port), stats: () => sim.stats!() as unknown as EnipSimStats, stop: () => sim.stop() };
}

export async function scan(urls: string[], o: { timeoutMs?: number } = {}): Promise<{ result: DeviceResult; facts?: EnipFacts }> {
  const [device] = parseTargetStrings(urls, [enip]);
  const opts: AuditOptions = {
    plugins: [enip],
    timeoutMs: o.timeoutMs ?? 2000,
    concurrency: 1,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: silentLogger(),
  };
  const result = await auditDevice({ ...device!, address: device!.host }, opts);
  return { result, facts: result.facts.enip?.data as EnipFacts | undefined };
}

export const statuses = (r: DeviceResult) => Object.fromEntries(r.findings.map((f) => [f.ruleId, f.status]));
