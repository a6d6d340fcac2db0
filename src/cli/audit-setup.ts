// Turns validated CLI options into the engine's AuditOptions (plugins, credentials, logger,
// Ctrl-C and deadline handling). Shared by scan, sweep, record and demo.
import { UsageError } from "../errors.js";
import { loadCredentials, type CredentialEntry } from "../config/credentials.js";
import { createLogger } from "../log.js";
import { PLUGINS } from "../../probes/registry.js";
import type { AuditOptions } from "../engine/audit.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { ScanOptions } from "./commands/scan.js";
import { loadAdvisoryFiles } from "../advisories/load.js";

export function selectPlugins(ids: string[] | undefined): ProtocolPlugin[] {
  if (!ids || ids.length === 0) return [...PLUGINS];
  const known = PLUGINS.map((p) => p.id);
  for (const id of ids) if (!known.includes(id)) throw new UsageError(`--protocols: unknown protocol '${id}' (known: ${known.join(", ")})`);
  return PLUGINS.filter((p) => ids.includes(p.id));
}

export function validatePluginOptions(opts: ScanOptions): Record<string, string | undefined> {
  if (opts.modbusWrite && !opts.intrusive) throw new UsageError("--modbus-write: a write-back test is intrusive; add --intrusive to run it");
  if (opts.snmpWriteOid && !opts.intrusive) throw new UsageError("--snmp-write-oid: a write-back test is intrusive; add --intrusive to run it");
  if (opts.modbusWrite && !/^\d{1,3}:(coil|holding):\d{1,5}$/.test(opts.modbusWrite)) {
    throw new UsageError("--modbus-write: expected unit:type:address with type coil or holding, e.g. 1:holding:40");
  }
  if (opts.modbusUnits === "all" && !opts.intrusive) throw new UsageError("--modbus-units all: a full 1-247 unit sweep is intrusive; add --intrusive to run it");
  if (opts.modbusUnits && opts.modbusUnits !== "all" && !/^\d{1,3}(,\d{1,3})*$/.test(opts.modbusUnits)) throw new UsageError("--modbus-units: expected unit ids such as 2,3,17, or all");
  for (const [flag, v] of [["--login-budget", opts.loginBudget], ["--login-delay", opts.loginDelay]] as const) {
    if (v !== undefined && !opts.intrusive) throw new UsageError(`${flag}: paces intrusive default-credential attempts; add --intrusive to run them`);
  }
  if (opts.snmpWriteOid && !/^\d+(\.\d+)+$/.test(opts.snmpWriteOid)) throw new UsageError("--snmp-write-oid: expected a numeric OID such as 1.3.6.1.2.1.1.6.0");
  return {
    "modbus.units": opts.modbusUnits === "all" ? undefined : opts.modbusUnits,
    "modbus.sweep": opts.modbusUnits === "all" ? "full" : undefined,
    "login.budget": opts.loginBudget?.toString(),
    "login.delayMs": opts.loginDelay?.toString(),
    "modbus.write": opts.modbusWrite,
    "snmp.writeOid": opts.snmpWriteOid,
    "opcua.clientPki": opts.opcuaClientPki,
  };
}

export interface RunControl {
  signal: AbortSignal;
  dispose(): void;
}

/** Ctrl-C stops new work (a second Ctrl-C exits at once); --deadline aborts the run. */
export function runControl(deadlineS?: number): RunControl {
  const ac = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write("otaudit: interrupted; finishing devices in flight and writing what was gathered (Ctrl-C again to quit)\n");
    ac.abort(new Error("interrupted"));
  };
  process.on("SIGINT", onSigint);
  const timer = deadlineS ? setTimeout(() => ac.abort(new Error("deadline")), deadlineS * 1000) : undefined;
  timer?.unref();
  return {
    signal: ac.signal,
    dispose() {
      process.off("SIGINT", onSigint);
      if (timer) clearTimeout(timer);
    },
  };
}

export function buildAuditOptions(opts: ScanOptions, signal: AbortSignal): AuditOptions {
  const plugins = selectPlugins(opts.protocols);
  const pluginOptions = validatePluginOptions(opts);
  const credentials: CredentialEntry[] = opts.credentials ? loadCredentials(opts.credentials) : [];
  const log = createLogger({ level: opts.logLevel, file: opts.log });
  return {
    plugins,
    timeoutMs: opts.timeout,
    concurrency: opts.concurrency,
    intrusive: opts.intrusive,
    credentials,
    failOn: opts.failOn,
    log,
    signal,
    pluginOptions,
    ...(opts.advisories?.length ? { advisories: loadAdvisoryFiles(opts.advisories) } : {}),
  };
}

/** Say up front what intrusive checks will do (design: intrusive checks announce themselves). */
export function announceIntrusive(plugins: ProtocolPlugin[]): void {
  const lines = plugins.flatMap((p) => p.checks.filter((c) => c.safety === "intrusive").map((c) => `  ${p.id}: ${c.description}`));
  if (lines.length === 0) return;
  process.stderr.write(`otaudit: --intrusive: these checks may try passwords or write values back:\n${lines.join("\n")}\n`);
}
