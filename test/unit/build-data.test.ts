// The build's compiled knowledge data (scripts/build-data.ts -> dist/data) is the YAML's content,
// used only while its SHA-256 tag matches the YAML on disk (src/data.ts): an edited YAML file is
// read as YAML until the next build, so the YAML stays the truth. Built into a temp copy of the
// data files (the tree's own dist/ is not touched).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildData, dataFiles } from "../../scripts/build-data.js";
import { compiledDataPath, readDataFile } from "../../src/data.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { parseYaml } from "../../src/yaml.js";

const root = mkdtempSync(join(tmpdir(), "otaudit-build-data-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const files = dataFiles();
for (const f of files) {
  mkdirSync(dirname(join(root, f)), { recursive: true });
  cpSync(join(PACKAGE_ROOT, f), join(root, f));
}

describe("compiled knowledge data", () => {
  it("covers every knowledge YAML file (plugins' data folders and src/)", () => {
    expect(files).toContain("src/catalog/secure-by-demand.yaml");
    expect(files).toContain("probes/ssh/data/algorithms.yaml");
    expect(files.every((f) => /^(probes\/[a-z0-9]+\/data|src)\/.*\.ya?ml$/.test(f))).toBe(true);
  });

  it("holds exactly what the YAML parser reads, and is what the loader uses", () => {
    const r = buildData(root);
    expect(r.skipped).toEqual([]);
    expect(r.written).toBe(files.length);
    for (const f of files) {
      const read = readDataFile(root, f);
      expect(read.compiled, f).toBe(true);
      expect(read.raw, f).toStrictEqual(parseYaml(readFileSync(join(PACKAGE_ROOT, f), "utf8")));
    }
  });

  it("an edited YAML file is read as YAML (the stale compiled form is ignored)", () => {
    buildData(root);
    const f = "probes/ssh/data/algorithms.yaml";
    writeFileSync(join(root, f), "edited: true\n");
    expect(readDataFile(root, f)).toEqual({ raw: { edited: true }, compiled: false });
    rmSync(join(root, compiledDataPath("src/catalog/secure-by-demand.yaml")));
    expect(readDataFile(root, "src/catalog/secure-by-demand.yaml").compiled).toBe(false);
  });

  it("a corrupted compiled file is ignored: the YAML is read (no crash at start-up)", () => {
    buildData(root);
    const f = "probes/ssh/data/algorithms.yaml";
    writeFileSync(join(root, compiledDataPath(f)), '{"sha256": "tr');
    const read = readDataFile(root, f);
    expect(read.compiled).toBe(false);
    expect(read.raw).toStrictEqual(parseYaml(readFileSync(join(root, f), "utf8")));
    writeFileSync(join(root, compiledDataPath(f)), "null");
    expect(readDataFile(root, f).compiled).toBe(false);
  });
});
