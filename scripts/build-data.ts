// Build step: the security-knowledge YAML files (probes/*/data/**, src/**) as JSON under dist/data/,
// each tagged with the SHA-256 of its YAML text (src/data.ts uses a compiled file only while the tag
// matches the YAML on disk, so the YAML stays the truth). Parsed with the same parser and options as
// src/data.ts; a file whose content does not survive JSON unchanged is left to the YAML parser.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseYaml } from "../src/yaml.js";
import { compiledDataPath, sourceTag } from "../src/data.js";
import { PACKAGE_ROOT } from "../src/version.js";

function yamlFiles(dir: string, out: string[] = []): string[] {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(p, out);
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out;
}

/** Every data file src/data.ts may be asked for: probes/<id>/data/** and YAML under src/. */
export function dataFiles(root = PACKAGE_ROOT): string[] {
  const probes = readdirSync(join(root, "probes"), { withFileTypes: true }).filter((e) => e.isDirectory());
  const files = [...probes.flatMap((p) => yamlFiles(join(root, "probes", p.name, "data"))), ...yamlFiles(join(root, "src"))];
  return files.map((f) => relative(root, f).split(sep).join("/")).sort();
}

export function buildData(root = PACKAGE_ROOT): { written: number; skipped: string[] } {
  rmSync(join(root, "dist", "data"), { recursive: true, force: true });
  const skipped: string[] = [];
  let written = 0;
  for (const rel of dataFiles(root)) {
    const text = readFileSync(join(root, rel), "utf8");
    const data: unknown = parseYaml(text);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(data) ?? "null"), data ?? null)) {
      skipped.push(rel); // dates, binary, non-string keys...: read as YAML at run time
      continue;
    }
    const out = join(root, compiledDataPath(rel));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify({ source: rel, sha256: sourceTag(text), data }));
    written++;
  }
  return { written, skipped };
}

if (process.argv[1] && /build-data\.ts$/.test(process.argv[1])) {
  const r = buildData();
  console.log(`build-data: ${r.written} data files compiled to dist/data${r.skipped.length ? `; left as YAML: ${r.skipped.join(", ")}` : ""}`);
}
