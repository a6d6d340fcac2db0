// Build step: the CLI as a few ESM files in dist/bundle/ (esbuild, pinned), which the launcher
// (src/bin/otaudit.js) runs when present. Our code and the small pure-JS libraries every command
// needs (BUNDLED) go in; everything a dynamic import reaches (each command's work, each plugin's
// probe and simulator) becomes its own lazily loaded chunk; protocol and native libraries (ssh2,
// net-snmp, node-opcua, better-sqlite3, pg, ...) stay external and load from node_modules when a
// probe needs them. One flat folder, so a module that finds a sibling file next to itself (the SNMP
// legacy-provider worker, probes/snmp/v3-child.ts) finds it next to its chunk.
import { build, type Plugin } from "esbuild";
import { rmSync, writeFileSync } from "node:fs";
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

export async function buildBundle(root = PACKAGE_ROOT): Promise<{ files: number; bytes: number }> {
  const outdir = join(root, BUNDLE_DIR);
  rmSync(outdir, { recursive: true, force: true });
  const r = await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([k, v]) => [k, join(root, v)])),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: "linked",
    legalComments: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externals, zodEnglishOnly],
    // bundled CommonJS libraries (commander) call require() for Node's own modules
    banner: { js: 'import { createRequire as __otauditCreateRequire } from "node:module"; const require = __otauditCreateRequire(import.meta.url);' },
  });
  // marks the folder as ESM whatever the package.json around it says
  writeFileSync(join(outdir, "package.json"), '{ "type": "module" }\n');
  const outputs = Object.entries(r.metafile.outputs).filter(([f]) => f.endsWith(".js"));
  writeFileSync(join(outdir, "meta.json"), JSON.stringify(r.metafile));
  return { files: outputs.length, bytes: outputs.reduce((a, [, o]) => a + o.bytes, 0) };
}

if (process.argv[1] && /build-bundle\.ts$/.test(process.argv[1])) {
  const r = await buildBundle();
  console.log(`build-bundle: ${r.files} files, ${(r.bytes / 1024).toFixed(0)} KiB in ${BUNDLE_DIR}`);
}
