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
