// otaudit command line: the one top-level error boundary that maps typed errors to exit codes.
// Command modules register their options here cheaply; their work is loaded on demand. The plugin
// registry (which the audit commands need for their flags) is loaded only when a command is named,
// so `otaudit --help` and `--version` load no plugin; OTAUDIT_PLUGINS problems are exit 2.
import { Command, CommanderError } from "commander";
import { CannotAuditError, EXIT, UsageError } from "../errors.js";
import { TOOL_VERSION } from "../version.js";
import { COMMANDS } from "./commands/index.js";
import type { ProtocolPlugin } from "../plugin.js";
import { safeExcerpt, safeMultiline } from "../report/safe-text.js";
import { logWriteFailure } from "../log-status.js";
import { setUi } from "./ui.js";
import { scrub } from "../secrets.js";
import { exitCodesHelp } from "./help-text.js";

/** A broken input file can have thousands of problems: the first ones say enough. */
const MAX_ERROR_LINES = 30;

/** One error line on stderr: scrubbed of secrets, escaped (src/report/safe-text.ts) and capped, whatever input it quotes. */
function errorLine(s: string): void {
  process.stderr.write(`otaudit: ${safeExcerpt(scrub(s), 400)}\n`);
}

/** The program; `plugins` give the audit commands their flags (none: top-level help and version). */
export function buildProgram(plugins: readonly ProtocolPlugin[] = []): Command {
  const program = new Command("otaudit")
    .description(
      "Audit OT devices (PLCs, HMIs, RTUs, gateways) against the 12 Secure by Demand OT elements over each protocol a plugin audits (listed by `otaudit scan --help`). Default runs are passive and read-only.",
    )
    .version(TOOL_VERSION, "-V, --version")
    .option("-q, --quiet", "no scorecard and no progress: the exit code and the files only (errors and warnings still on stderr)")
    .option("-v, --verbose", "progress per device and protocol on stderr")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(safeMultiline(s)) });
  for (const register of COMMANDS) register(program, plugins);
  program.hook("preAction", (_program, action) => {
    const g = action.optsWithGlobals() as { quiet?: boolean; verbose?: boolean };
    if (g.quiet && g.verbose) throw new UsageError("--quiet and --verbose: choose one");
    setUi(g);
  });
  program.addHelpText(
    "after",
    `
Examples:
  otaudit demo                          audit two simulated devices on loopback
  otaudit scan 10.0.5.20 --json r.json  every protocol on its default port
  otaudit scan plc-7 --credentials bench.yaml
                                        observe MFA with bench credentials
  otaudit sweep plant.csv --db plant.db --json fleet.json
  otaudit report r.json --format html,sarif --out reports/

Default runs are passive and read-only; --intrusive adds login attempts and
write-back tests.
${exitCodesHelp("audit")}`,
  );
  for (const c of program.commands) c.exitOverride();
  return program;
}

async function flush(): Promise<void> {
  await new Promise<void>((r) => process.stdout.write("", () => r()));
}

/**
 * Run the CLI; returns the exit code (also used by tests in-process). `choosePlugins`: load only the
 * plugins this command line needs (src/cli/plugin-choice.ts); set by the otaudit process itself,
 * whose registry is loaded once for this one command line.
 */
export async function runCli(argv: string[], opts: { choosePlugins?: boolean } = {}): Promise<number> {
  let plugins: readonly ProtocolPlugin[] = [];
  if (argv.some((a) => !a.startsWith("-"))) {
    if (opts.choosePlugins) {
      const [{ choosePlugins }, { BUILTIN_MANIFEST }, { requestBuiltinPlugins }] = await Promise.all([
        import("./plugin-choice.js"),
        import("../../probes/manifest.js"),
        import("../plugin-loader.js"),
      ]);
      const ids = choosePlugins(argv, buildProgram(), BUILTIN_MANIFEST);
      if (ids) requestBuiltinPlugins(ids);
    }
    const registry = await import("../../probes/registry.js");
    await registry.loadRegistry(); // the CommonJS bundle's registry has no top-level await (registry-core.ts)
    if (registry.PLUGIN_LOAD_ERRORS.length) {
      for (const l of registry.PLUGIN_LOAD_ERRORS) errorLine(l); // module messages may quote anything
      return EXIT.USAGE;
    }
    plugins = registry.PLUGINS;
  }
  const program = buildProgram(plugins);
  try {
    await program.parseAsync(argv, { from: "user" });
    const code = typeof process.exitCode === "number" ? process.exitCode : EXIT.OK;
    // a --log that failed during the run (ENOSPC, EPIPE) said so once on stderr: exit 2
    return logWriteFailure() && code !== EXIT.INTERRUPTED ? EXIT.USAGE : code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return EXIT.OK;
      return EXIT.USAGE; // commander already printed the message
    }
    if (e instanceof UsageError) {
      errorLine(e.message);
      const more = e.lines.slice(1);
      for (const l of more.slice(0, MAX_ERROR_LINES)) errorLine(l);
      if (more.length > MAX_ERROR_LINES) errorLine(`... and ${more.length - MAX_ERROR_LINES} more problems`);
      return EXIT.USAGE;
    }
    if (e instanceof CannotAuditError) {
      errorLine(e.message);
      return EXIT.CANNOT_AUDIT;
    }
    if (e instanceof RangeError && /Maximum call stack size exceeded/.test(e.message)) {
      // a reader that recursed over deeply nested input: the input's fault, said in one line
      errorLine("an input is nested too deeply to read (stack overflow); check the files given");
      return EXIT.USAGE;
    }
    process.stderr.write(`otaudit: internal error: ${safeMultiline(scrub((e as Error).stack ?? String(e)))}\n`);
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
  // no top-level await: the bundle is CommonJS (scripts/build-bundle.ts)
  void runCli(process.argv.slice(2), { choosePlugins: true }).then(async (code) => {
    await flush();
    process.exit(code);
  });
}
