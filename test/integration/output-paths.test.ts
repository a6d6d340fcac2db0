// Nothing overwritten (issue 13): what an output path names is written through, never renamed
// over, unless it is a regular file; a write error is exit 2 with one line (the other outputs are
// still written). Through the built CLI, as users run it. Inputs, stores and logs:
// output-inputs.test.ts.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, runOtaudit } from "../helpers/cli.js";
import { syntheticResult } from "../report/helpers.js";

const RECORDING = "fixtures/library/legacy-plc/recording.json";
const dir = mkdtempSync(join(tmpdir(), "otaudit-paths-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const at = (...p: string[]) => join(dir, ...p);
const replay = (...args: string[]) => runOtaudit(["scan", "--from-facts", RECORDING, ...args]);

/** Run the CLI while `cat` reads the FIFO it writes. */
async function withFifo(fifo: string, args: string[]): Promise<{ code: number | null; stderr: string; received: string }> {
  execFileSync("mkfifo", [fifo]);
  const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "ignore"] });
  const closed = new Promise((res) => reader.on("close", res));
  let received = "";
  reader.stdout.on("data", (d) => (received += d));
  const r = await runOtaudit(args);
  await closed;
  return { code: r.code, stderr: r.stderr, received };
}

describe("write-through: FIFO, /proc/self/fd/1, /dev/stdout", () => {
  it("a FIFO stays a FIFO and its reader gets the result document", async () => {
    const fifo = at("result.fifo");
    const r = await withFifo(fifo, ["scan", "--from-facts", RECORDING, "-q", "--json", fifo]);
    expect(r.code, r.stderr).toBe(1); // the recording has high findings
    expect(lstatSync(fifo).isFIFO()).toBe(true);
    expect(JSON.parse(r.received).devices[0].host).toBeTruthy();
  });

  it("a symlink to /proc/self/fd/1 stays a symlink; the document goes to stdout", async () => {
    const link = at("stdout-link.json");
    symlinkSync("/proc/self/fd/1", link);
    const r = await replay("-q", "--json", link);
    expect(r.code, r.stderr).toBe(1);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(r.stdout).schemaVersion).toBe("2.0.0");
  });

  it("/dev/stdout stays what it is; the document goes to stdout", async () => {
    const before = lstatSync("/dev/stdout");
    const r = await replay("-q", "--json", "/dev/stdout");
    expect(r.code, r.stderr).toBe(1);
    expect(JSON.parse(r.stdout).schemaVersion).toBe("2.0.0");
    expect(lstatSync("/dev/stdout").isSymbolicLink()).toBe(before.isSymbolicLink());
  });

  it("a report written into a FIFO (report --out with a FIFO as report.md)", async () => {
    mkdirSync(at("fifo-out"));
    const r = await withFifo(at("fifo-out", "report.md"), ["report", syntheticPath(), "--format", "md,csv", "--out", at("fifo-out"), "-q"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.received).toContain("# otaudit report");
    expect(lstatSync(at("fifo-out", "report.md")).isFIFO()).toBe(true);
    expect(existsSync(at("fifo-out", "findings.csv"))).toBe(true);
  });

  it("a regular file behind a symlink is replaced; the symlink stays", async () => {
    writeFileSync(at("real.json"), "old");
    symlinkSync(at("real.json"), at("link-to-real.json"));
    const r = await replay("-q", "--json", at("link-to-real.json"));
    expect(r.code, r.stderr).toBe(1);
    expect(lstatSync(at("link-to-real.json")).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(at("real.json"), "utf8")).schemaVersion).toBe("2.0.0");
  });
});

function syntheticPath(): string {
  const p = at("synthetic.json");
  if (!existsSync(p)) writeFileSync(p, JSON.stringify(syntheticResult()));
  return p;
}

describe("write errors: exit 2 with one line", () => {
  it("/dev/full (ENOSPC): exit 2, one line, /dev/full still a character device; the other reports are written", async () => {
    mkdirSync(at("full-out"));
    const r = await replay("--json", "/dev/full", "--format", "md", "--out", at("full-out"), "-q");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^otaudit: --json: cannot write \/dev\/full \(ENOSPC/)]);
    expect(statSync("/dev/full").isCharacterDevice()).toBe(true);
    expect(existsSync(at("full-out", "report.md"))).toBe(true);
  });

  it("a FIFO whose reader goes away (EPIPE): exit 2, one line", async () => {
    const big = syntheticResult();
    const f = big.devices[0]!.findings[0]!;
    big.devices[0]!.findings = Array.from({ length: 4000 }, (_, i) => ({ ...f, port: 1 + (i % 60000) }));
    writeFileSync(at("big.json"), JSON.stringify(big));
    mkdirSync(at("epipe-out"));
    const fifo = at("epipe-out", "result.json");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("head", ["-c", "10", fifo], { stdio: ["ignore", "ignore", "ignore"] });
    const r = await runOtaudit(["report", at("big.json"), "--format", "json", "--out", at("epipe-out")]);
    reader.kill();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/--format json: cannot write .*result\.json \(EPIPE/)]);
  });
});

it("BIN is the built CLI", () => expect(existsSync(BIN)).toBe(true));
