// `npm run build` after tsc: the knowledge data compiled to JSON (scripts/build-data.ts), the
// bundled CLI the launcher runs (scripts/build-bundle.ts) and its V8 code cache
// (scripts/build-code-cache.ts). Run by `prepare` (npm install / npm ci)
// and `pretest`, so the CI path builds exactly what src/bin/otaudit.js runs.
import { buildData } from "./build-data.js";
import { BUNDLE_DIR, buildBundle } from "./build-bundle.js";
import { buildCodeCache } from "./build-code-cache.js";

const data = buildData();
const bundle = await buildBundle();
const cache = buildCodeCache();
console.log(
  `build: ${data.written} data files in dist/data${data.skipped.length ? ` (left as YAML: ${data.skipped.join(", ")})` : ""}; ${bundle.files} bundle files, ${(bundle.bytes / 1024).toFixed(0)} KiB in ${BUNDLE_DIR}, code cache ${(cache.bytes / 1024).toFixed(0)} KiB`,
);
