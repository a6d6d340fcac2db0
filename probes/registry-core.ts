// The registry's state and its one loader, without top-level await: probes/registry.ts awaits
// loadRegistry() when imported (sources, the compiled tree, tests), while the CommonJS bundle
// (scripts/build-bundle.ts, which has no top-level await) maps registry.ts to this module and the
// CLI awaits loadRegistry() itself before any module that reads PLUGINS is loaded
// (src/cli/main.ts). The lists are filled in place once, so every importer sees the same arrays.
import type { ProtocolPlugin } from "../src/plugin.js";
import { builtinPluginRequest, loadExternalPlugins, PLUGINS_ENV } from "../src/plugin-loader.js";
import { BUILTIN_MANIFEST } from "./manifest.js";

export { SURFACE_PORTS, type SurfacePort } from "./surface.js";

/** Loaded plugins: built-in ones in probe order (manifest.ts), then external ones in the order OTAUDIT_PLUGINS names them. */
export const PLUGINS: ProtocolPlugin[] = [];

/** Every plugin's id, loaded or not (PLUGINS' ids when all are loaded), in the same order. */
export const PLUGIN_IDS: string[] = [];

/** Problems loading OTAUDIT_PLUGINS (empty when all loaded). */
export const PLUGIN_LOAD_ERRORS: string[] = [];

let loading: Promise<void> | undefined;

/**
 * Load the built-in plugins (all of them, or those the CLI asked for before the first call:
 * requestBuiltinPlugins, src/cli/plugin-choice.ts), then the external ones. Once: later calls
 * return the same promise.
 */
export function loadRegistry(): Promise<void> {
  loading ??= (async () => {
    const request = builtinPluginRequest();
    const builtin = await Promise.all(BUILTIN_MANIFEST.filter((m) => !request || request.includes(m.id)).map((m) => m.load()));
    const external = await loadExternalPlugins(process.env[PLUGINS_ENV], builtin);
    PLUGINS.push(...builtin, ...external.plugins);
    PLUGIN_IDS.push(...BUILTIN_MANIFEST.map((m) => m.id), ...external.plugins.map((p) => p.id));
    PLUGIN_LOAD_ERRORS.push(...external.errors);
  })();
  return loading;
}

export function pluginById(id: string): ProtocolPlugin | undefined {
  return PLUGINS.find((p) => p.id === id);
}
