// The bundled CLI (dist/bundle, scripts/build-bundle.ts) is what the launcher runs after `npm run
// build` (prepare / pretest): it must answer exactly like the compiled tree (dist/src) on the same
// input. Both are forced with OTAUDIT_TREE; the rest of the CLI tests run whichever is newer. Its
// V8 code cache (scripts/build-code-cache.ts) must be accepted by this Node, and a cache V8
// rejects must change nothing but the speed.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../src/version.js";
import { BUNDLED } from "../../scripts/build-bundle.js";
import { runOtaudit } from "../helpers/cli.js";

const BUNDLE = join(PACKAGE_ROOT, "dist", "bundle");
const RECORDING = join(PACKAGE_ROOT, "fixtures", "library", "legacy-plc", "recording.json");

const both = (args: string[]) => Promise.all([runOtaudit(args, { env: { OTAUDIT_TREE: "bundle" } }), runOtaudit(args, { env: { OTAUDIT_TREE: "dist" } })]);

/** A result document without what differs between two runs (times, durations). */
function stable(json: string): unknown {
  return JSON.parse(json, (k, v) => (["startedAt", "finishedAt", "durationMs", "generatedAt", "at"].includes(k) ? "(time)" : v));
}

describe("the bundled CLI", () => {
  it("is built (npm run build) with the SNMP legacy-provider worker next to it", () => {
    expect(existsSync(join(BUNDLE, "main.js")), "dist/bundle/main.js missing: run `npm run build`").toBe(true);
    expect(existsSync(join(BUNDLE, "v3-worker.js"))).toBe(true);
    execFileSync(process.execPath, ["--check", join(BUNDLE, "v3-worker.js")]);
    // protocol and native libraries stay external (loaded from node_modules when a probe needs them)
    const meta = JSON.parse(readFileSync(join(BUNDLE, "meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const libs = new Set(Object.keys(meta.inputs).flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []));
    for (const lib of BUNDLED) expect(libs.has(lib), lib).toBe(true);
    for (const heavy of ["ssh2", "net-snmp", "node-opcua", "better-sqlite3", "yaml", "uplot"]) expect(libs.has(heavy), heavy).toBe(false);
  });

  it("has a code cache that this Node accepts for the bundle as the launcher compiles it", () => {
    // a plain node, as the launcher runs: V8 rejects a cache made under other V8 flags
    const accepted = execFileSync(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs"), vm = require("node:vm");
         const f = process.argv[1];
         const s = new vm.Script(fs.readFileSync(f, "utf8"), { filename: f, cachedData: fs.readFileSync(f + ".cache") });
         process.stdout.write(String(!s.cachedDataRejected));`,
        join(BUNDLE, "main.js"),
      ],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    expect(accepted).toBe("true");
  });

  it("has a library store whose caches this Node accepts for the modules they were made from", () => {
    // one entry of dist/code-cache/libraries.bin, compiled as src/bin/code-cache.js does
    const checked = execFileSync(
      process.execPath,
      [
        "-e",
        `const fs = require("node:fs"), vm = require("node:vm"), path = require("node:path"), { Module } = require("node:module");
         const [root, store] = process.argv.slice(1);
         const b = fs.readFileSync(store), n = b.readUInt32LE(0), index = JSON.parse(b.subarray(4, 4 + n));
         const [file, [, offset, length]] = Object.entries(index).find(([f]) => f.includes("node-opcua-client"));
         const cachedData = b.subarray(4 + n + offset, 4 + n + offset + length);
         const full = path.join(root, file);
         const s = new vm.Script(Module.wrap(fs.readFileSync(full, "utf8")), { filename: full, cachedData });
         process.stdout.write(Object.keys(index).length + " " + !s.cachedDataRejected);`,
        PACKAGE_ROOT,
        join(PACKAGE_ROOT, "dist", "code-cache", "libraries.bin"),
      ],
      { encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" } },
    );
    const [modules, accepted] = checked.split(" ");
    expect(Number(modules)).toBeGreaterThan(100);
    expect(accepted).toBe("true");
  });

  it("runs unchanged when the code cache is rejected or missing", async () => {
    // a copy of the package's layout whose caches are garbage, then absent
    const dir = mkdtempSync(join(tmpdir(), "otaudit-bundle-cache-"));
    try {
      // the package's files as links, except the launcher and the bundle with its caches (copies)
      const own = new Set(["src/bin", "dist/bundle", "dist/code-cache"]);
      const mirror = (rel: string): void => {
        mkdirSync(join(dir, rel), { recursive: true });
        for (const e of readdirSync(join(PACKAGE_ROOT, rel))) {
          const r = rel ? `${rel}/${e}` : e;
          if ([...own].some((o) => o.startsWith(`${r}/`))) mirror(r);
          else if (!own.has(r) && !r.startsWith(".git")) symlinkSync(join(PACKAGE_ROOT, r), join(dir, r));
        }
      };
      mirror("");
      for (const d of ["src/bin", "dist/bundle", "dist/code-cache"]) mkdirSync(join(dir, d), { recursive: true });
      for (const f of readdirSync(join(PACKAGE_ROOT, "src", "bin"))) copyFileSync(join(PACKAGE_ROOT, "src", "bin", f), join(dir, "src", "bin", f));
      for (const f of ["main.js", "package.json"]) copyFileSync(join(BUNDLE, f), join(dir, "dist", "bundle", f));
      const version = (await runOtaudit(["--version"])).stdout;
      const caches = [join(dir, "dist", "bundle", "main.js.cache"), join(dir, "dist", "code-cache", "libraries.bin")];
      for (const f of caches) writeFileSync(f, Buffer.alloc(4096, 7));
      // net-snmp (CommonJS, from node_modules) loads with the SNMP probe; the port is closed
      const scan = ["scan", "snmp://127.0.0.1:9", "--timeout", "300", "-q"];
      const real = await runOtaudit(scan);
      for (const step of ["garbage caches", "no caches"]) {
        const copy = join(dir, "src", "bin", "otaudit.js");
        expect(execFileSync(process.execPath, [copy, "--version"], { encoding: "utf8" }), step).toBe(version);
        const r = await runOtaudit(scan, { bin: copy });
        expect([r.code, r.stderr], step).toEqual([real.code, real.stderr]);
        for (const f of caches) rmSync(f, { force: true });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers --version, rules and schema exactly like the compiled tree", async () => {
    for (const args of [["--version"], ["rules", "--json"], ["schema"]]) {
      const [b, t] = await both(args);
      expect(b.stderr, args.join(" ")).toBe("");
      expect(b.code, args.join(" ")).toBe(t.code);
      expect(b.stdout, args.join(" ")).toBe(t.stdout);
    }
  });

  it("replays a recorded device to the same findings and verdicts as the compiled tree", async () => {
    const [b, t] = await both(["scan", "--from-facts", RECORDING, "--json", "-", "-q"]);
    expect(b.stderr).toBe(t.stderr);
    expect(b.code).toBe(t.code);
    expect(stable(b.stdout)).toEqual(stable(t.stdout));
    expect((stable(b.stdout) as { devices: unknown[] }).devices.length).toBeGreaterThan(0);
  });
});
