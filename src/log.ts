// Structured logging (pino, JSON lines) to stderr or a --log file; every line passes the secret
// scrubber. JSON escapes control characters, so device strings cannot reach a terminal raw from a
// log line. A --log that cannot be opened is a UsageError (exit 2, one line); the CLI checks it
// before any network work (src/cli/outputs.ts checkLogOption). A log that fails later (ENOSPC,
// EPIPE) stops logging with one stderr line and makes the run exit 2 (logWriteFailure()).
import { openSync, writeSync } from "node:fs";
import pino, { type Logger } from "pino";
import { UsageError } from "./errors.js";
import { scrub } from "./secrets.js";
import { logWriteFailure, setLogWriteFailure } from "./log-status.js";

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export { logWriteFailure };

export function createLogger(opts: { level?: LogLevel; file?: string } = {}): Logger {
  let fd = 2;
  if (opts.file) {
    try {
      fd = openSync(opts.file, "a");
    } catch (e) {
      throw new UsageError(`--log ${opts.file}: cannot open (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  const file = opts.file;
  const stream = {
    write: (line: string) => {
      if (logWriteFailure() !== undefined) return;
      try {
        writeSync(fd, scrub(line));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
        const message = `--log ${file ?? "(stderr)"}: cannot write (${code === "ENOSPC" ? "ENOSPC: no space left on device" : code}); logging stopped`;
        setLogWriteFailure(message);
        process.stderr.write(`otaudit: ${message}\n`);
      }
    },
  };
  return pino({ level: opts.level ?? (opts.file ? "info" : "warn"), base: { tool: "otaudit" } }, stream);
}

export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
