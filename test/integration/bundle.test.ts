// The bundled CLI (dist/bundle, scripts/build-bundle.ts) is what the launcher runs after `npm run
// build` (prepare / pretest): it must answer exactly like the compiled tree (dist/src) on the same
// input. Both are forced with OTAUDIT_TREE; the rest of the CLI tests run whichever is newer.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
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
  it("is built (npm run build) with the SNMP legacy-provider worker next to its chunks", () => {
    expect(existsSync(join(BUNDLE, "main.js")), "dist/bundle/main.js missing: run `npm run build`").toBe(true);
    expect(existsSync(join(BUNDLE, "v3-worker.js"))).toBe(true);
    execFileSync(process.execPath, ["--check", join(BUNDLE, "v3-worker.js")]);
    // protocol and native libraries stay external (loaded from node_modules when a probe needs them)
    const chunks = readdirSync(BUNDLE).filter((f) => f.endsWith(".js"));
    expect(chunks.length).toBeGreaterThan(2);
    const meta = JSON.parse(readFileSync(join(BUNDLE, "meta.json"), "utf8")) as { inputs: Record<string, unknown> };
    const libs = new Set(Object.keys(meta.inputs).flatMap((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(f)?.[1] ?? []));
    for (const lib of BUNDLED) expect(libs.has(lib), lib).toBe(true);
    for (const heavy of ["ssh2", "net-snmp", "node-opcua", "better-sqlite3", "yaml", "uplot"]) expect(libs.has(heavy), heavy).toBe(false);
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
