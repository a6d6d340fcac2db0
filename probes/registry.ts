// The one sorted registry of protocol plugins. Adding a protocol = one folder + one line in
// manifest.ts (its id, schemes, default ports and loader). The core never imports a protocol module
// by name; it iterates this list. Every built-in plugin is loaded, unless the CLI asked for some of
// them before this module was first imported (requestBuiltinPlugins, src/cli/plugin-choice.ts: a
// `scan` whose targets name their protocols). Plugins from outside the tree are appended from
// OTAUDIT_PLUGINS (module paths) before any command is built; load problems are kept in
// PLUGIN_LOAD_ERRORS and reported by the CLI as usage errors (exit 2).
import type { ProtocolPlugin } from "../src/plugin.js";
import { builtinPluginRequest, loadExternalPlugins, PLUGINS_ENV } from "../src/plugin-loader.js";
import { BUILTIN_MANIFEST } from "./manifest.js";

export { SURFACE_PORTS, type SurfacePort } from "./surface.js";

const request = builtinPluginRequest();

/** Built-in plugins in probe order (manifest.ts): all of them, or those the CLI asked for. */
const BUILTIN: readonly ProtocolPlugin[] = await Promise.all(BUILTIN_MANIFEST.filter((m) => !request || request.includes(m.id)).map((m) => m.load()));

const external = await loadExternalPlugins(process.env[PLUGINS_ENV], BUILTIN);

/** Loaded plugins: built-in ones, then external ones in the order OTAUDIT_PLUGINS names them. */
export const PLUGINS: readonly ProtocolPlugin[] = [...BUILTIN, ...external.plugins];

/** Every plugin's id, loaded or not (PLUGINS' ids when all are loaded), in the same order. */
export const PLUGIN_IDS: readonly string[] = [...BUILTIN_MANIFEST.map((m) => m.id), ...external.plugins.map((p) => p.id)];

/** Problems loading OTAUDIT_PLUGINS (empty when all loaded). */
export const PLUGIN_LOAD_ERRORS: readonly string[] = external.errors;

export function pluginById(id: string): ProtocolPlugin | undefined {
  return PLUGINS.find((p) => p.id === id);
}
