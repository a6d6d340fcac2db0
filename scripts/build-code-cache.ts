// Build step after the bundle: the V8 code caches the launcher compiles with (src/bin/code-cache.js):
// dist/bundle/main.js.cache for the bundle, dist/code-cache/libraries.bin for node_modules'
// CommonJS modules. A training process (scripts/train-code-cache.cjs, plain node, so V8's flags
// match the launcher's) compiles exactly as the launcher does, runs a few offline command lines
// in-process (help, rules, a replayed recording through the scorecard and JSON, scans of closed
// loopback ports), requires the package's dependencies, then writes what V8 compiled. No network
// beyond loopback connects to closed ports.
import { spawnSync } from "node:child_process";
import { existsSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_ROOT } from "../src/version.js";
import { BUNDLE_DIR } from "./build-bundle.js";

/** The store of node_modules' compiled modules (src/bin/code-cache.js installLibraryCache). */
export const LIBRARY_CACHE = join("dist", "code-cache", "libraries.bin");

export function buildCodeCache(root = PACKAGE_ROOT): { bytes: number } {
  const bundle = join(root, BUNDLE_DIR, "main.js");
  const outputs = [`${bundle}.cache`, join(root, LIBRARY_CACHE)];
  for (const f of outputs) rmSync(f, { force: true });
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env.NODE_OPTIONS; // tsx's loader flags must not reach the trainer
  const r = spawnSync(process.execPath, [join(root, "scripts", "train-code-cache.cjs"), root], {
    cwd: root,
    env,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: 180_000,
  });
  if (r.status !== 0 || !outputs.every((f) => existsSync(f)))
    throw new Error(`code cache training failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ""}): ${r.stderr.trim().split("\n").slice(-3).join(" / ")}`);
  return { bytes: outputs.reduce((a, f) => a + statSync(f).size, 0) };
}

if (process.argv[1] && /build-code-cache\.ts$/.test(process.argv[1])) {
  const r = buildCodeCache();
  console.log(`build-code-cache: ${(r.bytes / 1024).toFixed(0)} KiB`);
}
