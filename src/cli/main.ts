// otaudit command line: the one top-level error boundary that maps typed errors to exit codes.
// Command modules register their options here cheaply; their work is loaded on demand. The plugin
// registry (which the audit commands need for their flags) is loaded only when a command is named,
// so `otaudit --help` and `--version` load no plugin; OTAUDIT_PLUGINS problems are exit 2.
import { Command, CommanderError } from "commander";
import { CannotAuditError, EXIT, UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import { COMMANDS } from "./commands/index.js";
import type { ProtocolPlugin } from "../plugin.js";

/** The program; `plugins` give the audit commands their flags (none: top-level help and version). */
export function buildProgram(plugins: readonly ProtocolPlugin[] = []): Command {
  const program = new Command("otaudit")
    .description("Audit OT devices (PLCs, HMIs, RTUs, gateways) against the 12 Secure by Demand OT elements over each protocol a plugin audits (listed by `otaudit scan --help`). Default runs are passive and read-only.")
    .version(TOOL_VERSION, "-V, --version")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program, plugins);
  program.addHelpText(
    "after",
    `
Examples:
  otaudit demo                                          audit two simulated devices on loopback
  otaudit scan 10.0.5.20 --json result.json             every protocol on its default port
  otaudit scan plc-7 --credentials bench.yaml           observe MFA with bench credentials
  otaudit sweep plant.csv --db plant.db --json fleet.json
  otaudit report result.json --format html,sarif --out reports/

Default runs are passive and read-only; --intrusive adds login attempts and write-back tests.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 usage or input error, 3 could not audit.`,
  );
  for (const c of program.commands) c.exitOverride();
  return program;
}

async function flush(): Promise<void> {
  await new Promise<void>((r) => process.stdout.write("", () => r()));
}

/** Run the CLI; returns the exit code (also used by tests in-process). */
export async function runCli(argv: string[]): Promise<number> {
  let plugins: readonly ProtocolPlugin[] = [];
  if (argv.some((a) => !a.startsWith("-"))) {
    const registry = await import("../../probes/registry.js");
    if (registry.PLUGIN_LOAD_ERRORS.length) {
      for (const l of registry.PLUGIN_LOAD_ERRORS) process.stderr.write(`otaudit: ${l}\n`);
      return EXIT.USAGE;
    }
    plugins = registry.PLUGINS;
  }
  const program = buildProgram(plugins);
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.OK;
      return EXIT.USAGE; // commander already printed the message
    }
    if (e instanceof UsageError) {
      process.stderr.write(`otaudit: ${e.message}\n`);
      for (const l of e.lines.slice(1)) process.stderr.write(`otaudit: ${l}\n`);
      return EXIT.USAGE;
    }
    if (e instanceof CannotAuditError) {
      process.stderr.write(`otaudit: ${e.message}\n`);
      return EXIT.CANNOT_AUDIT;
    }
    process.stderr.write(`otaudit: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return EXIT.CANNOT_AUDIT;
  }
}

const isMain = process.argv[1] && /otaudit(\.js)?$|main\.js$/.test(process.argv[1]);
if (isMain) {
  // `otaudit ... | head`: a closed pipe ends the program quietly, not with a stack trace
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  const code = await runCli(process.argv.slice(2));
  await flush();
  process.exit(code);
}
