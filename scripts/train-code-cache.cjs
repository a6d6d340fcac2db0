// The code caches' training process (scripts/build-code-cache.ts), plain node so that V8's flags
// match the launcher's. It compiles the CommonJS bundle and records every node_modules module
// exactly as the launcher does (src/bin/code-cache.js: same source text, file names and options, or
// V8 rejects the caches), runs offline command lines in this one process, requires each of the
// package's dependencies (the libraries probes load lazily), then writes V8's caches of every
// function compiled so far: dist/bundle/main.js.cache and dist/code-cache/libraries.bin.
// Usage: node train-code-cache.cjs PACKAGE_ROOT
"use strict";
const { mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { createRequire } = require("node:module");
const { join, resolve } = require("node:path");

const root = resolve(process.argv[2]);
const bundle = join(root, "dist", "bundle", "main.js");
const store = join(root, "dist", "code-cache", "libraries.bin");
const recording = join(root, "fixtures", "library", "legacy-plc", "recording.json");
const TRAINING = [
  ["--help"],
  ["scan", "--help"],
  ["rules", "--json"],
  ["scan", "--from-facts", recording, "--json", "/dev/null"],
  ["scan", "ssh://127.0.0.1:1", "modbus://127.0.0.1:1", "--timeout", "500", "--json", "/dev/null"],
];
/** Bundled into main.js, or not a Node library: nothing to cache. */
const NOT_REQUIRED = new Set(["commander", "zod", "p-limit", "uplot"]);

async function main() {
  const { installLibraryCache, runBundle, writeLibraryCache } = require(join(root, "src", "bin", "code-cache.js"));
  const recorded = installLibraryCache(store, root, { record: true });
  const cli = runBundle(bundle, { recordTo: true });
  for (const argv of TRAINING) {
    const code = await cli.exports.runCli(argv);
    // a scan of closed ports cannot audit (3) and finds failures (1); anything else is a broken line here
    if (code === 2 || code > 3) throw new Error(`training line \`${argv.join(" ")}\` exited ${code}`);
    process.exitCode = 0; // a command's exit code is not the training's
  }
  const requireFromRoot = createRequire(join(root, "package.json"));
  const deps = Object.keys(JSON.parse(readFileSync(join(root, "package.json"), "utf8")).dependencies ?? {});
  // twice: a library that needs another one loaded first (@peculiar/x509 and reflect-metadata) loads
  // on the second pass
  let left = deps.filter((d) => !NOT_REQUIRED.has(d));
  for (const pass of [1, 2]) {
    left = left.filter((dep) => {
      try {
        requireFromRoot(dep);
        return false;
      } catch (e) {
        if (pass === 2) process.stderr.write(`train-code-cache: ${dep} not cached (${String(e && e.message).split("\n")[0]})\n`);
        return true;
      }
    });
  }
  writeFileSync(`${bundle}.cache.partial`, cli.cache());
  mkdirSync(join(root, "dist", "code-cache"), { recursive: true });
  writeLibraryCache(`${store}.partial`, recorded);
  renameSync(`${bundle}.cache.partial`, `${bundle}.cache`);
  renameSync(`${store}.partial`, store);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exit(1);
  },
);
