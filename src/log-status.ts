// Whether the --log file failed during the run (kept apart from src/log.ts so the CLI's error
// boundary can ask without loading pino on start-up).
let failure: string | undefined;

/** The first --log write error of this process, if any (the CLI then exits 2). */
export function logWriteFailure(): string | undefined {
  return failure;
}

export function setLogWriteFailure(message: string): void {
  failure ??= message;
}
