// `otaudit scan TARGET...`: option declarations (cheap); the work is in ../scan-run.ts.
import { type Command, Option } from "commander";
import { LOGIN_BUDGET_DEFAULT, LOGIN_BUDGET_MAX, LOGIN_DELAY_MAX_MS, type ProtocolPlugin } from "../../plugin.js";
import { csvList, logLevel, positiveInt, severity } from "../options.js";
import { addPluginOptions } from "../plugin-options.js";
import { exitCodesHelp } from "../help-text.js";
import type { ScanOptions } from "../option-types.js";
import { REPORT_FORMATS } from "../../model/vocabulary.js";

/**
 * Options shared by scan-like commands (scan, sweep, record): the core's, then each plugin's
 * declared options (`--<plugin id>-<name>`, src/cli/plugin-options.ts).
 */
export function addAuditOptions(cmd: Command, plugins: readonly ProtocolPlugin[], defaults: { concurrency?: number } = {}): Command {
  cmd
    .option(
      "--protocols <list>",
      `protocols to audit, comma separated${plugins.length ? ` (${plugins.map((p) => p.id).join(", ")})` : ""}; default all`,
      csvList,
    )
    .option("--timeout <ms>", "timeout of each network operation in milliseconds", positiveInt("--timeout", 600_000), 3000)
    .option("--concurrency <n>", "devices audited at once", positiveInt("--concurrency", 4096), defaults.concurrency ?? 32)
    .option("--deadline <s>", "whole-run deadline in seconds; what was gathered is still written", positiveInt("--deadline", 864_000))
    .option("--credentials <file>", "YAML credentials file (bench credentials; secrets never on the command line)")
    .option("--intrusive", "also run intrusive checks: default-credential attempts, write-back tests", false)
    .option(
      "--login-budget <n>",
      `intrusive default-credential attempts per device and protocol, stopping at the first accepted (default ${LOGIN_BUDGET_DEFAULT})`,
      positiveInt("--login-budget", LOGIN_BUDGET_MAX),
    )
    .option(
      "--login-delay <ms>",
      "pause between those attempts in milliseconds (default: each protocol's own)",
      positiveInt("--login-delay", LOGIN_DELAY_MAX_MS),
    )
    .option("--no-surface", "bare host targets: no connects to the management and OT surface ports no plugin audits");
  addPluginOptions(cmd, plugins);
  return cmd
    .option("--log <file>", "write JSON log lines to this file instead of stderr")
    .addOption(new Option("--log-level <level>", "log level").argParser(logLevel))
    .option("--no-color", "no colour on the terminal (NO_COLOR is honoured too)");
}

export function addOutputOptions(cmd: Command): Command {
  return cmd
    .option("--json <file>", "write the result document as JSON to FILE ('-' for stdout)")
    .option("--fail-on <severity>", "exit 1 when a failing finding is at or above this severity", severity, "high")
    .option("--fail-on-error", "also exit 1 when a check could not run (error) or could not decide (undetermined)", false)
    .option("--format <list>", `reports to write into --out, comma separated: ${REPORT_FORMATS.join(", ")}`, csvList)
    .option("--out <dir>", "folder for the reports named by --format")
    .option("--evidence <file>", "vendor evidence file (YAML) for attestation-only elements")
    .option("--waivers <file>", "waivers file (YAML)")
    .option(
      "--policy <file|name>",
      "check every device against a policy: a policy file (otaudit policy make, otaudit policy schema) or a built-in policy (otaudit policy list); every deviation is a failing finding naming the clause",
    )
    .option(
      "--advisories <files>",
      "advisories supplied offline (CSAF 2.0 JSON or otaudit YAML; repeatable or comma list): observed versions are matched against them (version-based)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), ...csvList(v)],
    );
}

/** The URL forms of the plugins' default ports, for help texts. */
export function urlExamples(plugins: readonly ProtocolPlugin[]): string {
  return plugins.flatMap((p) => p.defaultPorts.map((d) => `${d.scheme}://h:${d.port}`)).join(", ") || "scheme://host:port/path";
}

export function registerScan(program: Command, plugins: readonly ProtocolPlugin[]): void {
  const cmd = program
    .command("scan")
    .description(
      "audit devices: a TARGET is a host (every default port and the surface ports), " +
        "host:port (the protocol whose default port it is) or a service URL: " +
        urlExamples(plugins),
    )
    .argument("[target...]", "hosts, host:port or service URLs; targets with the same host form one device")
    .option("--from-facts <file>", "audit recorded facts instead of live devices (no network)");
  addOutputOptions(addAuditOptions(cmd, plugins));
  cmd.addHelpText("after", exitCodesHelp("audit"));
  cmd.action(async (targets: string[], opts: ScanOptions) => {
    const { runScan } = await import("../scan-run.js");
    process.exitCode = await runScan(targets, opts);
  });
}
