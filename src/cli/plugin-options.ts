// Plugin options from declarations: each plugin's `options` become commander flags
// `--<plugin id>-<name>` with their help line, and after parsing are validated (the plugin's zod
// schema, `requiresIntrusive`) into the ctx.options entries `<plugin id>.<key>` probes read.
import { Option, type Command } from "commander";
import { UsageError } from "../errors.js";
import type { PluginOptionDecl, ProtocolPlugin } from "../plugin.js";

const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export function pluginFlag(plugin: Pick<ProtocolPlugin, "id">, decl: Pick<PluginOptionDecl, "name">): string {
  return `--${plugin.id}-${decl.name}`;
}

/** The property commander stores a flag's value under (its camelCase attribute name). */
export function flagAttribute(flag: string): string {
  return camel(flag.replace(/^--/, ""));
}

function helpLine(d: PluginOptionDecl): string {
  if (d.requiresIntrusive !== true || d.description.includes("--intrusive")) return d.description;
  return `${d.description} (needs --intrusive)`;
}

/** Add every plugin's declared options to a command (scan, sweep, record). */
export function addPluginOptions(cmd: Command, plugins: readonly ProtocolPlugin[]): Command {
  for (const p of plugins) {
    for (const d of p.options ?? []) cmd.addOption(new Option(`${pluginFlag(p, d)} <${d.valueName}>`, helpLine(d)));
  }
  return cmd;
}

/**
 * Validate the plugin flags that were given and turn them into ctx.options entries. Every plugin's
 * flags are checked (also those of plugins left out by --protocols: a bad value is still a mistake).
 */
export function pluginOptionValues(given: Readonly<Record<string, unknown>>, plugins: readonly ProtocolPlugin[], intrusive: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of plugins) {
    for (const d of p.options ?? []) {
      const flag = pluginFlag(p, d);
      const raw = given[flagAttribute(flag)];
      if (raw === undefined) continue;
      const value = String(raw);
      const needs = typeof d.requiresIntrusive === "function" ? d.requiresIntrusive(value) : d.requiresIntrusive === true;
      if (needs && !intrusive) {
        const label = typeof d.requiresIntrusive === "function" ? `${flag} ${value}` : flag;
        throw new UsageError(`${label}: ${d.intrusiveNote ?? "an intrusive option"}; add --intrusive to run it`);
      }
      const parsed = d.schema.safeParse(value);
      if (!parsed.success) throw new UsageError(`${flag}: ${parsed.error.issues[0]?.message ?? "invalid value"}`);
      const entries = d.expand ? d.expand(parsed.data) : { [d.key ?? camel(d.name)]: parsed.data };
      for (const [k, v] of Object.entries(entries)) out[`${p.id}.${k}`] = v;
    }
  }
  return out;
}
