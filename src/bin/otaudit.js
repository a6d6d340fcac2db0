#!/usr/bin/env node
// otaudit launcher: runs the compiled CLI (built by `npm install` through the prepare script).
import { existsSync } from "node:fs";
const main = new URL("../../dist/src/cli/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("otaudit: the compiled CLI is missing; run `npm install` (or `npm run build`) in the otaudit folder\n");
  process.exit(3);
}
await import(main.href);
