#!/usr/bin/env node
// otaudit launcher: runs the bundled CLI (dist/bundle/main.js, scripts/build-bundle.ts) when it was
// built, else the compiled tree (dist/src/cli/main.js); `npm install` builds both through the
// prepare script (`npm run build`: tsc, then the bundle). A tree compiled after the bundle (a bare
// `tsc -p tsconfig.build.json` while developing) is newer than the bundle and runs instead, so a
// stale bundle never runs. OTAUDIT_TREE=dist or =bundle runs that one whatever the times (tests,
// diagnostics).
import { statSync } from "node:fs";
const bundle = new URL("../../dist/bundle/main.js", import.meta.url);
const tree = new URL("../../dist/src/cli/main.js", import.meta.url);
const want = process.env.OTAUDIT_TREE;
const b = want === "dist" ? undefined : statSync(bundle, { throwIfNoEntry: false });
const t = want === "bundle" ? undefined : statSync(tree, { throwIfNoEntry: false });
const main = b && (!t || b.mtimeMs >= t.mtimeMs) ? bundle : t ? tree : undefined;
if (!main) {
  process.stderr.write("otaudit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the otaudit folder\n");
  process.exit(3);
}
await import(main.href);
