#!/usr/bin/env node
// otaudit launcher: runs the bundled CLI (dist/bundle/main.js, scripts/build-bundle.ts: fewer files
// to load at start-up) when it was built, else the compiled tree (dist/src/cli/main.js); `npm run
// build` (prepare, pretest) builds both. A tree compiled after the bundle (a bare `tsc -p
// tsconfig.build.json` while developing) is newer and runs instead, so a stale bundle never runs.
// With OTAUDIT_PLUGINS the tree runs: an external plugin imports the tree's modules (secrets,
// errors, transport), and the core must be that same copy. OTAUDIT_TREE=dist or =bundle forces one
// (tests, diagnostics).
import { statSync } from "node:fs";
const bundle = new URL("../../dist/bundle/main.js", import.meta.url);
const tree = new URL("../../dist/src/cli/main.js", import.meta.url);
const want = process.env.OTAUDIT_TREE ?? (process.env.OTAUDIT_PLUGINS ? "dist" : undefined);
const b = want === "dist" ? undefined : statSync(bundle, { throwIfNoEntry: false });
const t = want === "bundle" ? undefined : statSync(tree, { throwIfNoEntry: false });
const main = b && (!t || b.mtimeMs >= t.mtimeMs) ? bundle : t ? tree : undefined;
if (!main) {
  process.stderr.write("otaudit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the otaudit folder\n");
  process.exit(3);
}
await import(main.href);
