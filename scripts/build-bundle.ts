// Build step: the CLI as one CommonJS file, dist/bundle/main.js (esbuild, pinned), which the launcher
// (src/bin/otaudit.js) runs when present, with a V8 code cache (scripts/build-code-cache.ts). Our
// code and the small pure-JS libraries every command needs (BUNDLED) go in; each module is
// initialised only when first imported (esbuild wraps it), so what a dynamic import reaches (each
// command's work, each plugin's probe and simulator) still runs only when needed, and V8 compiles a
// function only when it first runs. Protocol and native libraries (ssh2, net-snmp, node-opcua,
// better-sqlite3, pg, ...) stay external and load from node_modules when a probe needs them.
// CommonJS, not ES modules: Node 20 has a code cache for scripts (vm.Script cachedData) and none
// for ES modules, whose compilation was ~45 ms of every start. One flat folder, so a module that
// finds a sibling file next to itself (the SNMP legacy-provider worker, probes/snmp/v3-child.ts)
// finds it next to the bundle.
import { build, type Plugin } from "esbuild";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { Module } from "node:module";
import { dirname, join } from "node:path";
import { PACKAGE_ROOT } from "../src/version.js";

/** Libraries bundled in (pure JS, needed on start-up paths); any other package stays external. */
export const BUNDLED = ["zod", "commander", "p-limit", "yocto-queue"];

/** Entry points: the CLI, and the worker the SNMP probe spawns by path (next to its own chunk). */
export const ENTRIES: Record<string, string> = {
  main: "src/cli/main.ts",
  "v3-worker": "probes/snmp/v3-worker.ts",
};

export const BUNDLE_DIR = join("dist", "bundle");

function packageName(spec: string): string {
  const parts = spec.split("/");
  return spec.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Bare imports from our code: bundled when listed in BUNDLED, else external (node_modules at run time). */
const externals: Plugin = {
  name: "otaudit-externals",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      // dependencies of a bundled library are bundled with it
      if (/[\\/]node_modules[\\/]/.test(args.importer)) return undefined;
      return BUNDLED.includes(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

/**
 * zod's classic API re-exports every locale (~300 KB of the bundle, ~15 ms to load); otaudit uses
 * only the English messages zod registers itself, so the locale index is reduced to English.
 */
const zodEnglishOnly: Plugin = {
  name: "otaudit-zod-english-only",
  setup(b) {
    b.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core)[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), "..", "locales", "index.js"), namespace: "zod-locales" }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (args) => ({
      contents: 'export { default as en } from "./en.js";',
      resolveDir: dirname(args.path),
      loader: "js",
    }));
  },
};

/**
 * probes/registry.ts awaits the plugins at the top level, which CommonJS cannot: the bundle takes
 * registry-core.ts (same lists, filled by loadRegistry(), which the CLI awaits) in its place.
 */
const registryWithoutTopLevelAwait = (root: string): Plugin => ({
  name: "otaudit-registry-core",
  setup(b) {
    const registry = join(root, "probes", "registry.ts");
    b.onResolve({ filter: /(^|\/)registry\.js$/ }, (args) =>
      join(args.resolveDir, args.path.replace(/\.js$/, ".ts")) === registry ? { path: join(root, "probes", "registry-core.ts") } : undefined,
    );
  },
});

export async function buildBundle(root = PACKAGE_ROOT): Promise<{ files: number; bytes: number }> {
  const outdir = join(root, BUNDLE_DIR);
  rmSync(outdir, { recursive: true, force: true });
  const r = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])),
    outdir,
    bundle: true,
    format: "cjs",
    platform: "node",
    target: "node20",
    entryNames: "[name]",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externals, zodEnglishOnly, registryWithoutTopLevelAwait(root)],
    // our modules' import.meta.url (createRequire, sibling files) is the bundle file's own URL
    define: { "import.meta.url": "__otauditModuleUrl" },
    banner: { js: 'var __otauditModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  });
  // main.js is stored as Node's module wrapper function (Module.wrap's text around the code, on its
  // first line: line numbers unchanged), which the launcher compiles as is: no second ~1.7 MB copy
  // of the source in memory from concatenating the wrapper at every start
  const main = join(outdir, "main.js");
  writeFileSync(main, `${Module.wrap("").split("\n")[0]}${readFileSync(main, "utf8")}\n});`);
  // marks the folder as CommonJS whatever the package.json around it says
  writeFileSync(join(outdir, "package.json"), '{ "type": "commonjs" }\n');
  const outputs = Object.entries(r.metafile.outputs).filter(([f]) => f.endsWith(".js"));
  writeFileSync(join(outdir, "meta.json"), JSON.stringify(r.metafile));
  return { files: outputs.length, bytes: outputs.reduce((a, [, o]) => a + o.bytes, 0) };
}

if (process.argv[1] && /build-bundle\.ts$/.test(process.argv[1])) {
  const r = await buildBundle();
  console.log(`build-bundle: ${r.files} files, ${(r.bytes / 1024).toFixed(0)} KiB in ${BUNDLE_DIR}`);
}
