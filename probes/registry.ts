// The one sorted registry of protocol plugins. Adding a protocol = one folder + one line in
// manifest.ts (its id, schemes, default ports and loader). The core never imports a protocol module
// by name; it iterates this list. Every built-in plugin is loaded, unless the CLI asked for some of
// them before this module was first imported (requestBuiltinPlugins, src/cli/plugin-choice.ts: a
// `scan` whose targets name their protocols). Plugins from outside the tree are appended from
// OTAUDIT_PLUGINS (module paths) before any command is built; load problems are kept in
// PLUGIN_LOAD_ERRORS and reported by the CLI as usage errors (exit 2). The state and the loader
// live in registry-core.ts; importing this module waits until the plugins are loaded.
import { loadRegistry } from "./registry-core.js";

export { loadRegistry, PLUGIN_IDS, PLUGIN_LOAD_ERRORS, PLUGINS, pluginById, SURFACE_PORTS, type SurfacePort } from "./registry-core.js";

await loadRegistry();
