// Typed errors and their exit codes; src/cli/main.ts is the one boundary that maps them.
/** 130 = 128 + SIGINT: Ctrl-C (what was gathered is still written, marked interrupted). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, CANNOT_AUDIT: 3, INTERRUPTED: 130 } as const;

/** Bad argument or input file: exit 2 with one line naming the argument or path.to.field. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(message: string, readonly lines: string[] = []) {
    super(message);
  }
}

/**
 * Gathers the UsageErrors of several input files so the operator sees every bad field at once;
 * `throwIfAny()` then raises one UsageError carrying all the lines.
 */
export class UsageErrorCollector {
  readonly lines: string[] = [];
  collect(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (!(e instanceof UsageError)) throw e;
      this.lines.push(...(e.lines.length ? e.lines : [e.message]));
    }
  }
  throwIfAny(): void {
    if (this.lines.length) throw new UsageError(this.lines[0]!, this.lines);
  }
}

/** The audit could not run at all (nothing reachable, internal failure): exit 3. */
export class CannotAuditError extends Error {
  override name = "CannotAuditError";
}

export type ProbeFailureCode = "absent" | "unreachable" | "timeout" | "protocol" | "aborted" | "internal";

/** Thrown by a probe when the whole protocol could not be audited. */
export class ProbeFailure extends Error {
  override name = "ProbeFailure";
  constructor(readonly code: ProbeFailureCode, message: string) {
    super(message);
  }
}

/** Format zod issues as `path.to.field: message` lines, prefixed by a source label. */
export function zodIssueLines(source: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.map((i) => {
    const path = i.path.map((p) => (typeof p === "number" ? `[${p}]` : String(p))).join(".").replace(/\.\[/g, "[");
    return `${source}: ${path || "(root)"}: ${i.message}`;
  });
}
