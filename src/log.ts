// Structured logging (pino, JSON lines) to stderr or a file; every line passes the secret scrubber.
import { openSync, writeSync } from "node:fs";
import pino, { type Logger } from "pino";
import { scrub } from "./secrets.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export function createLogger(opts: { level?: LogLevel; file?: string } = {}): Logger {
  const fd = opts.file ? openSync(opts.file, "a") : 2;
  const stream = { write: (line: string) => void writeSync(fd, scrub(line)) };
  return pino({ level: opts.level ?? (opts.file ? "info" : "warn"), base: { tool: "otaudit" } }, stream);
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
