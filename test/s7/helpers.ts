// Test plumbing for the S7comm plugin: start the simulator from a profile, run the probe through the
// engine (facts validated and rules applied the same way as in a scan).
import { silentLogger } from "../../src/log.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { RunningSimulator } from "../../src/plugin.js";
import s7 from "../../probes/s7/index.js";
import type { S7Facts } from "../../probes/s7/facts.js";
import { S7SimProfile } from "../../probes/s7/profile.js";
import type { S7SimStats } from "../../probes/s7/simulator.js";

export interface Sim {
  sim: RunningSimulator;
  url: string;
  port: number;
  stats(): S7SimStats;
  stop(): Promise<void>;
}

export async function startSim(profile: unknown): Promise<Sim> {
  const sim = await s7.simulator!.start(S7SimProfile.parse(profile), { host: "127.0.0.1", stateDir: "/nonexistent" });
  const url = sim.urls[0]!;
  return { sim, url, port: Number(new URL(url).port), stats: () => sim.stats!() as unknown as S7SimStats, stop: () => sim.stop() };
}

export async function scan(
  urls: string[],
  o: { timeoutMs?: number; options?: Record<string, string> } = {},
): Promise<{ result: DeviceResult; facts?: S7Facts }> {
  const [device] = parseTargetStrings(urls, [s7]);
  const opts: AuditOptions = {
    plugins: [s7],
    timeoutMs: o.timeoutMs ?? 2000,
    concurrency: 1,
    intrusive: false,
    credentials: [],
    failOn: "high",
    log: silentLogger(),
    pluginOptions: { ...o.options },
  };
  const result = await auditDevice({ ...device!, address: device!.host }, opts);
  return { result, facts: result.facts.s7?.data as S7Facts | undefined };
}

export const statuses = (r: DeviceResult) => Object.fromEntries(r.findings.map((f) => [f.ruleId, f.status]));
