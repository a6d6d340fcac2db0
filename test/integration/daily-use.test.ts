// Daily use (issue 20): -q/--quiet (the exit code and files only), -v/--verbose (progress per
// device and protocol on stderr), the status line for several devices (terminal only, never in a
// pipe), --fail-on-error (errors and undetermined outcomes gate CI), help text within 80 columns
// without hard breaks in descriptions, and `compare` warning about the same result given twice.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runOtaudit } from "../helpers/cli.js";
import { buildProgram } from "../../src/cli/main.js";
import { attachProgress } from "../../src/cli/scan-run.js";
import { setUi, status, verbose } from "../../src/cli/ui.js";
import type { AuditOptions } from "../../src/engine/audit.js";
import type { DeviceResult } from "../../src/model/result.js";
import { syntheticResult } from "../report/helpers.js";

const RECORDING = "fixtures/library/legacy-plc/recording.json";
const CLEAN = "fixtures/library/hardened-controller/recording.json";
const dir = mkdtempSync(join(tmpdir(), "otaudit-daily-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("-q/--quiet and -v/--verbose", () => {
  it("--quiet: no scorecard, the exit code and the files only", async () => {
    const out = join(dir, "quiet.json");
    const r = await runOtaudit(["scan", "--from-facts", RECORDING, "--json", out, "-q"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(existsSync(out)).toBe(true);
    const loud = await runOtaudit(["scan", "--from-facts", RECORDING]);
    expect(loud.stdout).toMatch(/1\. Configuration Management/);
  });

  it("--verbose: a line per device and protocol on stderr; -q with -v is a usage error", async () => {
    const r = await runOtaudit(["-v", "scan", "ssh://127.0.0.1:1", "modbus://127.0.0.1:1", "--timeout", "500"]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^otaudit: 127\.0\.0\.1: ssh: probing$/m);
    expect(r.stderr).toMatch(/^otaudit: 127\.0\.0\.1: ssh: unreachable \(.*\) in \d+ ms$/m);
    expect(r.stderr).toMatch(/^otaudit: 127\.0\.0\.1: modbus: /m);
    expect(r.stderr).toMatch(/^otaudit: 127\.0\.0\.1: done, 0 failing findings$/m);
    const both = await runOtaudit(["scan", "--from-facts", RECORDING, "-q", "-v"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--quiet and --verbose: choose one/);
  });

  it("no status line when stderr is not a terminal", async () => {
    const r = await runOtaudit(["scan", "ssh://127.0.0.1:1", "ssh://127.0.0.2:1", "--timeout", "500"]);
    expect(r.stderr).not.toContain("\r");
    expect(r.stderr).not.toContain("\x1b[K");
  });
});

describe("the status line on a terminal", () => {
  const saved = status.stream;
  afterEach(() => {
    status.stream = saved;
    setUi({});
  });

  it("counts devices as they finish, lets verbose lines through without interleaving, and clears itself", () => {
    let written = "";
    status.stream = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    setUi({ verbose: true });
    const audit = { timeoutMs: 1000 } as AuditOptions;
    const stop = attachProgress(audit, 2);
    const device = syntheticResult().devices[0]! as DeviceResult;
    audit.onDeviceDone!(device);
    verbose("a verbose line");
    audit.onDeviceDone!(syntheticResult().devices[1]!);
    stop();
    expect(written).toContain("\r\x1b[Kscan: 0/2 devices, 0 failing so far");
    expect(written).toMatch(/\r\x1b\[Kscan: 2\/2 devices, 6 failing so far/);
    // the verbose line clears the status line first and redraws it after
    expect(written).toMatch(/\r\x1b\[Kotaudit: a verbose line\nscan: \d\/2 devices/);
    expect(written.endsWith("\r\x1b[K")).toBe(true);
  });

  it("--quiet: no status line even on a terminal", () => {
    let written = "";
    status.stream = { isTTY: true, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
    setUi({ quiet: true });
    const audit = { timeoutMs: 1000 } as AuditOptions;
    attachProgress(audit, 3)();
    expect(written).toBe("");
  });
});

describe("--fail-on-error", () => {
  it("errors and undetermined outcomes gate CI (exit 1); without it they do not", async () => {
    const rec = JSON.parse(readFileSync(CLEAN, "utf8"));
    const ssh = rec.devices[0].facts.ssh;
    rec.devices[0].facts.ssh = { ...ssh, status: "error", error: { code: "protocol", message: "banner exchange failed" }, data: undefined };
    const file = join(dir, "with-error.json");
    writeFileSync(file, JSON.stringify(rec));
    const plain = await runOtaudit(["scan", "--from-facts", file, "-q", "--json", join(dir, "e.json")]);
    const doc = JSON.parse(readFileSync(join(dir, "e.json"), "utf8"));
    expect(doc.devices[0].findings.some((f: { status: string }) => f.status === "error")).toBe(true);
    expect(doc.devices[0].findings.some((f: { status: string; waiver?: unknown }) => f.status === "fail")).toBe(false);
    expect(plain.code).toBe(0);
    const gated = await runOtaudit(["scan", "--from-facts", file, "-q", "--fail-on-error"]);
    expect(gated.code).toBe(1);
    const report = await runOtaudit(["report", join(dir, "e.json"), "--format", "junit", "--out", join(dir, "gate"), "--fail-on-error", "-q"]);
    expect(report.code).toBe(1);
  });
});

describe("help text", () => {
  function all(cmd: Command): Command[] {
    return [cmd, ...cmd.commands.flatMap(all)];
  }

  it("no description breaks a sentence with a hard line break; help fits 80 columns", async () => {
    for (const c of all(buildProgram())) expect(c.description(), c.name()).not.toContain("\n");
    for (const args of [["--help"], ["scan", "--help"], ["sweep", "--help"], ["report", "--help"], ["simulate", "--help"]]) {
      const r = await runOtaudit(args, { env: { COLUMNS: "80" } });
      expect(r.code).toBe(0);
      expect(
        r.stdout.split("\n").filter((l) => l.length > 80),
        args.join(" "),
      ).toEqual([]);
    }
  });
});

describe("compare: the same result twice", () => {
  it("warns, and marks the tie as a tie", async () => {
    const file = join(dir, "synthetic.json");
    writeFileSync(file, JSON.stringify(syntheticResult()));
    const copy = join(dir, "copy.json");
    writeFileSync(copy, readFileSync(file));
    const r = await runOtaudit(["compare", file, copy, "--out", join(dir, "cmp"), "--format", "md"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: .*copy\.json is the same result as .*synthetic\.json; its devices appear twice/);
    expect(r.stdout).toMatch(/^1=\. hardened-controller/m);
    const md = readFileSync(join(dir, "cmp", "compare.md"), "utf8");
    expect(md).toContain("(tied best)");
    expect(md).not.toMatch(/\*\*(Unverified|Attested|Error|Fail)\*\* \((tied )?best\)/);
  });
});
