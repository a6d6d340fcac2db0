// `otaudit scan TARGET...`: option declarations (cheap); the work is in ../scan-run.ts.
import { Command, Option } from "commander";
import { csvList, logLevel, positiveInt, severity } from "../options.js";
import { exitCodesHelp } from "../help-text.js";

export interface ScanOptions {
  protocols?: string[];
  timeout: number;
  concurrency: number;
  deadline?: number;
  json?: string;
  failOn: "critical" | "high" | "medium" | "low" | "info";
  failOnError?: boolean;
  credentials?: string;
  intrusive: boolean;
  log?: string;
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  evidence?: string;
  waivers?: string;
  advisories?: string[];
  format?: string[];
  out?: string;
  fromFacts?: string;
  modbusUnits?: string;
  loginBudget?: number;
  loginDelay?: number;
  modbusWrite?: string;
  snmpWriteOid?: string;
  opcuaClientPki?: string;
  color: boolean;
}

/** Options shared by scan-like commands (scan, sweep, record). */
export function addAuditOptions(cmd: Command, defaults: { concurrency?: number } = {}): Command {
  return cmd
    .option("--protocols <list>", "protocols to audit, comma separated (ssh,modbus,snmp,opcua); default all", csvList)
    .option("--timeout <ms>", "timeout of each network operation in milliseconds", positiveInt("--timeout", 600_000), 3000)
    .option("--concurrency <n>", "devices audited at once", positiveInt("--concurrency", 4096), defaults.concurrency ?? 32)
    .option("--deadline <s>", "whole-run deadline in seconds; what was gathered is still written", positiveInt("--deadline", 864_000))
    .option("--credentials <file>", "YAML credentials file (bench credentials; secrets never on the command line)")
    .option("--intrusive", "also run intrusive checks: default-credential attempts, write-back tests", false)
    .option("--login-budget <n>", "intrusive default-credential attempts per device and protocol, stopping at the first accepted (default 3)", positiveInt("--login-budget", 5))
    .option("--login-delay <ms>", "pause between those attempts in milliseconds (default 1000 SSH, 300 OPC UA)", positiveInt("--login-delay", 60_000))
    .option("--modbus-units <list>", "extra Modbus unit ids to try besides 0, 1 and 255; 'all' sweeps 1-247 (needs --intrusive)")
    .option("--modbus-write <unit:type:address>", "intrusive write-back test address, e.g. 1:holding:40 (needs --intrusive)")
    .option("--snmp-write-oid <oid>", "intrusive SNMP write-back OID (default sysLocation.0; needs --intrusive)")
    .option("--opcua-client-pki <dir>", "persistent OPC UA client PKI for sessions (trust its own/certs certificate on the server once); the trust test always uses a fresh certificate")
    .option("--log <file>", "write JSON log lines to this file instead of stderr")
    .addOption(new Option("--log-level <level>", "log level").argParser(logLevel))
    .option("--no-color", "no colour on the terminal (NO_COLOR is honoured too)");
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option("--json <file>", "write the result document as JSON to FILE ('-' for stdout)")
    .option("--fail-on <severity>", "exit 1 when a failing finding is at or above this severity", severity, "high")
    .option("--fail-on-error", "also exit 1 when a check could not run (error) or could not decide (undetermined)", false)
    .option("--format <list>", "reports to write into --out: json,html,sarif,junit,csv,md", csvList)
    .option("--out <dir>", "folder for the reports named by --format")
    .option("--evidence <file>", "vendor evidence file (YAML) for attestation-only elements")
    .option("--waivers <file>", "waivers file (YAML)")
    .option("--advisories <files>", "advisories supplied offline (CSAF 2.0 JSON or otaudit YAML; repeatable or comma list): observed versions are matched against them (version-based)", (v: string, prev: string[] | undefined) => [...(prev ?? []), ...csvList(v)]);
}

export function registerScan(program: Command): void {
  const cmd = program
    .command("scan")
    .description("audit devices: TARGET is a host (default ports of every protocol) or a URL such as ssh://h:22, snmp://h:161, modbus://h:502, modbus+tls://h:802, opc.tcp://h:4840/path")
    .argument("[target...]", "hosts or service URLs; URLs with the same host form one device")
    .option("--from-facts <file>", "audit recorded facts instead of live devices (no network)");
  addOutputOptions(addAuditOptions(cmd));
  cmd.addHelpText(
    "after",
    exitCodesHelp("audit"),
  );
  cmd.action(async (targets: string[], opts: ScanOptions) => {
    const { runScan } = await import("../scan-run.js");
    process.exitCode = await runScan(targets, opts);
  });
}
