// Shared plumbing for the SNMP tests: run the SNMP plugin against a target the way the engine does
// (probeDevice + runRules), with a memory logger to check what was logged.
import { Writable } from "node:stream";
import pino from "pino";
import { probeDevice, type AuditOptions } from "../../src/engine/audit.js";
import { runRules } from "../../src/engine/rules.js";
import type { CredentialEntry } from "../../src/config/credentials.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import type { DeviceSpec } from "../../src/engine/targets.js";
import type { Finding } from "../../src/model/result.js";
import snmpPlugin from "../../probes/snmp/index.js";
import type { SnmpFacts } from "../../probes/snmp/facts.js";

export function endpoint(host: string, port: number, explicit = true): ServiceEndpoint {
  return { protocol: "snmp", scheme: "snmp", host, port, transport: "udp", url: `snmp://${host}:${port}`, explicit };
}

export interface RunOptions {
  explicit?: boolean;
  timeoutMs?: number;
  intrusive?: boolean;
  credentials?: CredentialEntry[];
  pluginOptions?: Record<string, string | undefined>;
  /** the run's abort signal (deadline, Ctrl-C) */
  signal?: AbortSignal;
}

export async function runSnmp(host: string, port: number, o: RunOptions = {}) {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  const log = pino({ level: "info" }, sink);
  const device: DeviceSpec = { host, address: host, endpoints: [endpoint(host, port, o.explicit ?? true)] };
  const opts: AuditOptions = {
    plugins: [snmpPlugin],
    timeoutMs: o.timeoutMs ?? 1000,
    concurrency: 1,
    intrusive: o.intrusive ?? false,
    credentials: o.credentials ?? [],
    failOn: "high",
    log,
    pluginOptions: o.pluginOptions ?? {},
    ...(o.signal ? { signal: o.signal } : {}),
  };
  const envelope = await probeDevice(device, snmpPlugin, opts);
  const findings = runRules(snmpPlugin, envelope, { host, intrusive: opts.intrusive, credentialed: (o.credentials ?? []).length > 0 });
  return { envelope, facts: envelope.data as SnmpFacts | undefined, findings, logs: lines.join("") };
}

export function byRule(findings: Finding[], ruleId: string): Finding[] {
  return findings.filter((f) => f.ruleId === ruleId);
}
