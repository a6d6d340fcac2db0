// Test plumbing for the Modbus plugin: start the simulator from a profile, run the probe through
// the engine (so facts are validated and rules applied the same way as in a scan).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "../../src/log.js";
import { auditDevice, type AuditOptions } from "../../src/engine/audit.js";
import { parseTargetStrings } from "../../src/engine/targets.js";
import type { CredentialEntry } from "../../src/config/credentials.js";
import type { DeviceResult } from "../../src/model/result.js";
import type { RunningSimulator } from "../../src/plugin.js";
import modbus from "../../probes/modbus/index.js";
import type { ModbusFacts } from "../../probes/modbus/facts.js";
import { ModbusSimProfile } from "../../probes/modbus/profile.js";
import type { ModbusSimStats } from "../../probes/modbus/simulator.js";

export interface Sim {
  sim: RunningSimulator;
  stats(): ModbusSimStats;
  plainUrl?: string;
  tlsUrl?: string;
  stateDir: string;
  stop(): Promise<void>;
}

export async function startSim(profile: unknown): Promise<Sim> {
  const stateDir = mkdtempSync(join(tmpdir(), "otaudit-modbus-"));
  const sim = await modbus.simulator!.start(ModbusSimProfile.parse(profile), { host: "127.0.0.1", stateDir });
  return {
    sim,
    stateDir,
    stats: () => sim.stats!() as unknown as ModbusSimStats,
    plainUrl: sim.urls.find((u) => u.startsWith("modbus://")),
    tlsUrl: sim.urls.find((u) => u.startsWith("modbus+tls://")),
    async stop() {
      await sim.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface ScanOptions {
  timeoutMs?: number;
  intrusive?: boolean;
  credentials?: CredentialEntry[];
  options?: Record<string, string | undefined>;
}

/** Probe `urls` as one device through the engine; companions (502/802) off unless asked for. */
export async function scan(urls: string[], o: ScanOptions = {}): Promise<{ result: DeviceResult; facts?: ModbusFacts }> {
  const [device] = parseTargetStrings(urls, [modbus]);
  const opts: AuditOptions = {
    plugins: [modbus],
    timeoutMs: o.timeoutMs ?? 2000,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    failOn: "high",
    log: silentLogger(),
    pluginOptions: { "modbus.companions": "off", ...o.options },
  };
  const result = await auditDevice({ ...device!, address: device!.host }, opts);
  return { result, facts: result.facts.modbus?.data as ModbusFacts | undefined };
}

export function finding(result: DeviceResult, ruleId: string) {
  return result.findings.filter((f) => f.ruleId === ruleId);
}
