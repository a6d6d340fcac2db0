// src/log.ts: the logger facade creates pino on the first line at an enabled level; lines, levels
// and child bindings are pino's own, and anything else is forwarded to the real logger.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createLogger, silentLogger } from "../../src/log.js";

const lines = (file: string) =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe("lazy logger", () => {
  it("writes pino lines with the child bindings in order, and only at enabled levels", () => {
    const file = join(mkdtempSync(join(tmpdir(), "otaudit-log-")), "run.log");
    const log = createLogger({ level: "info", file });
    const child = log.child({ device: "10.0.0.1" }).child({ protocol: "ssh" });
    child.debug("below the level");
    child.info({ action: "hello" }, "probing");
    log.warn("top level");
    const got = lines(file);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatchObject({ level: 30, tool: "otaudit", device: "10.0.0.1", protocol: "ssh", action: "hello", msg: "probing" });
    expect(got[1]).toMatchObject({ level: 40, tool: "otaudit", msg: "top level" });
    expect(got[1]).not.toHaveProperty("device");
    expect(child.bindings()).toMatchObject({ device: "10.0.0.1", protocol: "ssh" });
    expect(child.isLevelEnabled("debug")).toBe(false);
  });

  it("the default level (warn) drops info lines; a silent logger drops everything", () => {
    const file = join(mkdtempSync(join(tmpdir(), "otaudit-log-")), "run.log");
    const log = createLogger({ level: "warn", file });
    log.info("dropped");
    log.child({ device: "d" }).error("kept");
    expect(lines(file).map((l) => l.msg)).toEqual(["kept"]);
    const silent = silentLogger();
    expect(() => silent.child({ a: 1 }).fatal("nothing")).not.toThrow();
  });
});
