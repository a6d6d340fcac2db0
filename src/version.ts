// The tool version and the package root, found once from package.json (kept in one place).
// Works both from sources (src/) and from the compiled tree (dist/src/).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const pj = join(dir, "package.json");
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, "utf8")) as { name?: string }).name === "otaudit") return dir;
    dir = dirname(dir);
  }
  throw new Error("otaudit package.json not found");
}

export const PACKAGE_ROOT = findPackageRoot();
export const TOOL_VERSION: string = (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string }).version;
