// Which built-in plugins one command line needs, read before any plugin is loaded (loading one
// builds its zod schemas, rules and knowledge data: most of a cold start). Only `scan` with live
// targets that each name their protocol (a URL scheme, or host:port on exactly one plugin's
// default port), or with --protocols, loads fewer than all; anything else — help, a bare host,
// inputs that span every protocol (credentials, waivers, evidence, policy, reports, recorded
// facts), an option this reader does not know, OTAUDIT_PLUGINS — loads all, so what the command
// does and prints is the same either way. The option table is the scan command's own (commander).
import type { Command, Option } from "commander";

/** What the reader needs of the registry's manifest (probes/manifest.ts). */
export interface ManifestView {
  id: string;
  schemes: readonly string[];
  defaultPorts: readonly { scheme: string; port: number }[];
}

/** The command this reader narrows; every other command loads every plugin. */
const NARROWED_COMMAND = "scan";

/** Options whose input or output spans every protocol's rules, credentials or facts. */
const NEEDS_ALL = new Set([
  "--help",
  "-h",
  "--version",
  "-V",
  "--credentials",
  "--waivers",
  "--evidence",
  "--policy",
  "--from-facts",
  "--format",
  "--out",
  "--advisories",
]);

const SCHEME_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const HOST_PORT_RE = /^(?:\[[^\]]*\]|[^:/[\]]+):(\d{1,5})$/;

function findOption(options: readonly Option[], name: string): Option | undefined {
  return options.find((o) => o.long === name || o.short === name);
}

const takesValue = (o: Option) => o.required || o.optional;

/** Plugins owning one target, or undefined when the target does not name exactly one. */
function targetOwner(target: string, manifest: readonly ManifestView[]): string | undefined {
  const s = SCHEME_RE.exec(target);
  if (s) return manifest.find((m) => m.schemes.includes(s[1]!.toLowerCase()))?.id;
  const hp = HOST_PORT_RE.exec(target);
  if (!hp) return undefined; // a bare host: every default port
  const owners = manifest.filter((m) => m.defaultPorts.some((d) => d.port === Number(hp[1])));
  return owners.length === 1 ? owners[0]!.id : undefined;
}

/**
 * The built-in plugin ids `argv` needs, or undefined for all of them. `program` is the CLI built
 * without plugins (its commands and their core options).
 */
export function choosePlugins(
  argv: readonly string[],
  program: Command,
  manifest: readonly ManifestView[],
  env: NodeJS.ProcessEnv = process.env,
): string[] | undefined {
  if (env.OTAUDIT_PLUGINS) return undefined;
  let i = 0;
  // global flags (-q, -v) before the command; anything else there (help, version) loads all
  for (; i < argv.length && argv[i]!.startsWith("-"); i++) {
    const o = findOption(program.options, argv[i]!);
    if (!o || takesValue(o) || NEEDS_ALL.has(argv[i]!)) return undefined;
  }
  const cmd = program.commands.find((c) => c.name() === argv[i]);
  if (!cmd || cmd.name() !== NARROWED_COMMAND) return undefined;
  const ids = new Set<string>();
  const targets: string[] = [];
  let protocols: string[] | undefined;
  for (i++; i < argv.length; i++) {
    const tok = argv[i]!;
    if (!tok.startsWith("-") || tok === "-") {
      targets.push(tok);
      continue;
    }
    if (tok === "--") return undefined;
    const eq = tok.startsWith("--") ? tok.indexOf("=") : -1;
    const name = eq > 0 ? tok.slice(0, eq) : tok;
    if (NEEDS_ALL.has(name)) return undefined;
    const o = findOption(cmd.options, name) ?? findOption(program.options, name);
    if (o) {
      if (!takesValue(o)) continue;
      const value = eq > 0 ? tok.slice(eq + 1) : argv[++i];
      if (value === undefined) return undefined;
      if (o.long === "--protocols")
        protocols = value
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
      continue;
    }
    // a plugin's own flag (--<plugin id>-<name> <value>, src/cli/plugin-options.ts)
    const owner = manifest.find((m) => name.startsWith(`--${m.id}-`));
    if (!owner) return undefined;
    ids.add(owner.id);
    if (eq < 0) i++;
  }
  if (protocols) {
    if (protocols.length === 0 || protocols.some((p) => !manifest.some((m) => m.id === p))) return undefined;
    for (const p of protocols) ids.add(p);
    return manifest.filter((m) => ids.has(m.id)).map((m) => m.id);
  }
  if (targets.length === 0) return undefined;
  for (const t of targets) {
    const owner = targetOwner(t, manifest);
    if (!owner) return undefined;
    ids.add(owner);
  }
  return manifest.filter((m) => ids.has(m.id)).map((m) => m.id);
}
