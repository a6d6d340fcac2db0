// Test plumbing shared by the DNP3, IEC 60870-5-104 and BACnet tests: start a plugin's simulator from
// a profile, run its probe through the engine (facts validated, rules applied as in a scan).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/log.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { ProtocolPlugin, RunningSimulator } from "../../src/plugin.js";

export interface Sim<S> {
  sim: RunningSimulator;
  urls: string[];
  stats(): S;
  stop(): Promise<void>;
}

export async function startSim<S>(plugin: ProtocolPlugin, profile: unknown, extra: { ports?: Record<string, number> } = {}): Promise<Sim<S>> {
  const stateDir = mkdtempSync(join(tmpdir(), `otaudit-${plugin.id}-`));
  const sim = await plugin.simulator!.start(plugin.simulator!.profileSchema.parse(profile), { host: "127.0.0.1", stateDir, ...extra });
  return {
    sim,
    urls: sim.urls,
    stats: () => sim.stats!() as unknown as S,
    async stop() {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface ScanOptions {
  timeoutMs?: number;
  intrusive?: boolean;
  options?: Record<string, string | undefined>;
}

/** Probe `urls` as one device through the engine with one plugin. */
export async function scanWith<F>(plugin: ProtocolPlugin, urls: string[], o: ScanOptions = {}): Promise<{ result: DeviceResult; facts?: F }> {
  const [device] = parseTargetStrings(urls, [plugin]);
  const opts: AuditOptions = {
    plugins: [plugin],
    timeoutMs: o.timeoutMs ?? 1500,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: [],
    failOn: "high",
    log: silentLogger(),
    pluginOptions: { ...o.options },
  };
  const result = await auditDevice({ ...device!, address: device!.host }, opts);
  return { result, facts: result.facts[plugin.id]?.data as F | undefined };
}

export function findings(result: DeviceResult, ruleId: string) {
  return result.findings.filter((f) => f.ruleId === ruleId);
}
