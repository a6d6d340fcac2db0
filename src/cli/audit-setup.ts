// Turns validated CLI options into the engine's AuditOptions (plugins, plugin options, credentials,
// surface ports, logger, Ctrl-C and deadline handling). Shared by scan, sweep and record. Nothing
// here knows a protocol: plugin flags and credentials come from the plugins' declarations.
import { UsageError } from "../errors.js";
import { loadCredentials, type CredentialEntry } from "../config/credentials.js";
import { createLogger } from "../log.js";
import { PLUGIN_IDS, PLUGINS, PLUGIN_LOAD_ERRORS } from "../../probes/registry.js";
import type { AuditOptions } from "../engine/audit.js";
import { surfacePorts } from "../engine/surface.js";
import type { ProtocolPlugin } from "../plugin.js";
import type { AuditCliOptions, OutputCliOptions } from "./option-types.js";
import { pluginOptionValues } from "./plugin-options.js";
import { loadAdvisoryFiles } from "../advisories/load.js";

/** OTAUDIT_PLUGINS problems are usage errors (exit 2), reported before anything else runs. */
export function assertPluginsLoaded(): void {
  if (PLUGIN_LOAD_ERRORS.length) throw new UsageError(PLUGIN_LOAD_ERRORS[0]!, [...PLUGIN_LOAD_ERRORS]);
}

export function selectPlugins(ids: string[] | undefined): ProtocolPlugin[] {
  if (!ids || ids.length === 0) return [...PLUGINS];
  const known = PLUGIN_IDS; // the CLI may have loaded only the plugins this command line needs
  for (const id of ids) if (!known.includes(id)) throw new UsageError(`--protocols: unknown protocol '${id}' (known: ${known.join(", ")})`);
  return PLUGINS.filter((p) => ids.includes(p.id));
}

/** ctx.options for the probes: the core's login pacing, then every plugin's declared flags. */
export function validatePluginOptions(opts: AuditCliOptions): Record<string, string | undefined> {
  for (const [flag, v] of [
    ["--login-budget", opts.loginBudget],
    ["--login-delay", opts.loginDelay],
  ] as const) {
    if (v !== undefined && !opts.intrusive) throw new UsageError(`${flag}: paces intrusive default-credential attempts; add --intrusive to run them`);
  }
  return {
    "login.budget": opts.loginBudget?.toString(),
    "login.delayMs": opts.loginDelay?.toString(),
    ...pluginOptionValues(opts as unknown as Readonly<Record<string, unknown>>, PLUGINS, opts.intrusive),
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

export function buildAuditOptions(opts: AuditCliOptions & Pick<OutputCliOptions, "failOn" | "advisories">, signal: AbortSignal): AuditOptions {
  assertPluginsLoaded();
  const plugins = selectPlugins(opts.protocols);
  const pluginOptions = validatePluginOptions(opts);
  const credentials: CredentialEntry[] = opts.credentials ? loadCredentials(opts.credentials) : [];
  // a surface port counts as audited only when an enabled plugin claims it (--protocols limits that)
  const surface = opts.surface === false ? [] : surfacePorts(plugins);
  const log = createLogger({ level: opts.logLevel, file: opts.log });
  return {
    plugins,
    // every known protocol, loaded or not, unless --protocols chose some
    protocols: opts.protocols?.length ? plugins.map((p) => p.id) : [...PLUGIN_IDS],
    surface,
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
