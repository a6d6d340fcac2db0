#!/bin/sh
":" //; OTAUDIT_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS" NODE_EXTRA_CA_CERTS= exec node "$0" "$@"
// Line 2 is read by sh and skipped by JavaScript (a string, then a comment): run as a command
// (`otaudit`, `npx otaudit`), sh re-runs this file under node with NODE_EXTRA_CA_CERTS emptied.
// Node 20 parses that file and its whole bundled root store at process start, before any code
// runs (nodejs/node test-tls-env-extra-ca-file-load: "extra certificates are loaded at startup"):
// ~90 ms of a ~40 ms start on our bench, for a CLI that mostly verifies no certificate (device
// certificates are recorded and judged, not trusted). The file's name travels on as
// OTAUDIT_EXTRA_CA_CERTS and src/net/extra-ca.ts adds it where otaudit does verify (the PostgreSQL
// store's TLS). `node src/bin/otaudit.js` skips line 2 and behaves as before.
// (biome.json leaves this file unformatted: the formatter would add a `;` after line 2's string.)
// otaudit launcher: runs the bundled CLI (dist/bundle/main.js, one CommonJS file,
// scripts/build-bundle.ts) when it was built, else the compiled tree (dist/src/cli/main.js); `npm
// run build` (prepare, pretest) builds both. A tree compiled after the bundle (a bare `tsc -p
// tsconfig.build.json` while developing) is newer and runs instead, so a stale bundle never runs.
// With OTAUDIT_PLUGINS the tree runs: an external plugin imports the tree's modules (secrets,
// errors, transport), and the core must be that same copy. OTAUDIT_TREE=dist or =bundle forces one
// (tests, diagnostics).
// The bundle, and the CommonJS libraries it loads from node_modules, compile with the V8 code
// caches the build wrote (src/bin/code-cache.js, scripts/build-code-cache.ts): V8 deserialises the
// functions a run needs instead of parsing and compiling them again. A cache V8 rejects (another
// Node, other V8 flags) or a library changed since the build changes nothing but the speed.
// This file and code-cache.js are CommonJS (src/bin/package.json): an ES module entry point makes
// Node set up its ES module loader before the first line runs, 9-13 ms of every start on our bench
// (`--help` and an SSH scan, hyperfine, paired), and the bundle it runs is CommonJS anyway.
"use strict";
const { statSync } = require("node:fs");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { installLibraryCache, runBundle } = require("./code-cache.js");

const root = join(__dirname, "..", "..");
const bundle = join(root, "dist", "bundle", "main.js");
const tree = join(root, "dist", "src", "cli", "main.js");
const want = process.env.OTAUDIT_TREE ?? (process.env.OTAUDIT_PLUGINS ? "dist" : undefined);
const b = want === "dist" ? undefined : statSync(bundle, { throwIfNoEntry: false });
const t = want === "bundle" ? undefined : statSync(tree, { throwIfNoEntry: false });
const main = b && (!t || b.mtimeMs >= t.mtimeMs) ? bundle : t ? tree : undefined;
if (!main) {
  process.stderr.write("otaudit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the otaudit folder\n");
  process.exit(3);
}
if (main === tree) {
  // the compiled tree is ES modules; a failed import is an unhandled rejection (exit 1), as before
  import(pathToFileURL(tree).href);
} else {
  installLibraryCache(join(root, "dist", "code-cache", "libraries.bin"), root);
  runBundle(bundle);
}
