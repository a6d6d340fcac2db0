// Structured logging (pino, JSON lines) to stderr or a --log file; every line passes the secret
// scrubber. JSON escapes control characters, so device strings cannot reach a terminal raw from a
// log line. A --log that cannot be opened is a UsageError (exit 2, one line); the CLI checks it
// before any network work (src/cli/outputs.ts checkLogOption). A log that fails later (ENOSPC,
// EPIPE) stops logging with one stderr line and makes the run exit 2 (logWriteFailure()).
//
// pino itself loads only when a line is written at an enabled level (the default level, warn, is
// rarely reached by a scan): it is ~25 ms of a ~300 ms start-up. Until then the logger is a facade
// that knows the levels and the child bindings, and hands both to pino on the first line.
import { openSync, writeSync } from "node:fs";
import { createRequire } from "node:module";
import type { Logger, LoggerOptions } from "pino";
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
  return lazyLogger({ level: opts.level ?? (opts.file ? "info" : "warn"), base: { tool: "otaudit" } }, stream);
}

export function silentLogger(): Logger {
  return lazyLogger({ level: "silent" });
}

/** pino's numeric levels (pino/lib/constants.js DEFAULT_LEVELS); silent is above every level. */
const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
type Method = keyof typeof LEVELS;

type Pino = (options: LoggerOptions, stream?: { write(line: string): void }) => Logger;
let pinoFactory: Pino | undefined;
/** pino, loaded on first use (CommonJS from node_modules, synchronously: log calls are synchronous). */
function loadPino(): Pino {
  pinoFactory ??= createRequire(import.meta.url)("pino") as Pino;
  return pinoFactory;
}

/**
 * A pino Logger whose pino is created on the first line at an enabled level. Below the level a call
 * costs a comparison; child() keeps its bindings in order; anything else a plugin may call on a
 * pino Logger (bindings, flush, isLevelEnabled, ...) is forwarded to the real logger.
 */
function lazyLogger(options: LoggerOptions & { level: LogLevel }, stream?: { write(line: string): void }): Logger {
  let root: Logger | undefined;
  const threshold = options.level === "silent" ? Number.POSITIVE_INFINITY : LEVELS[options.level];
  const realRoot = (): Logger => (root ??= loadPino()(options, stream));
  const make = (chain: readonly object[]): Logger => {
    let real: Logger | undefined;
    const materialize = (): Logger => (real ??= chain.reduce<Logger>((l, b) => l.child(b), realRoot()));
    const target: Partial<Record<Method, (...args: unknown[]) => void>> & { child(b: object): Logger; level: string } = {
      child: (bindings: object) => make([...chain, bindings]),
      level: options.level,
    };
    for (const m of Object.keys(LEVELS) as Method[]) {
      target[m] = LEVELS[m] < threshold ? () => {} : (...args: unknown[]) => (materialize()[m] as (...a: unknown[]) => void)(...args);
    }
    return new Proxy(target, {
      get: (t, key) => (key in t ? t[key as keyof typeof t] : Reflect.get(materialize(), key)),
    }) as unknown as Logger;
  };
  return make([]);
}
