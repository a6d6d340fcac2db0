// Typed errors and their exit codes; src/cli/main.ts is the one boundary that maps them.
/** 130 = 128 + SIGINT: Ctrl-C (what was gathered is still written, marked interrupted). */
export const EXIT = { OK: 0, FINDINGS: 1, USAGE: 2, CANNOT_AUDIT: 3, INTERRUPTED: 130 } as const;

/**
 * `instanceof` across copies of this module: the CLI runs a bundle (dist/bundle) while a plugin
 * from OTAUDIT_PLUGINS may import the compiled tree (dist/src/errors.js); both classes carry the
 * same registry symbol, so an error thrown by either copy is recognised by the other.
 */
function branded<T extends abstract new (...args: never[]) => Error>(cls: T, name: string): T {
  const brand = Symbol.for(`otaudit.${name}`);
  Object.defineProperty(cls.prototype, brand, { value: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(this: unknown, x: unknown): boolean {
      if (typeof this === "function" && Function.prototype[Symbol.hasInstance].call(this, x)) return true;
      return this === cls && typeof x === "object" && x !== null && (x as Record<symbol, unknown>)[brand] === true;
    },
  });
  return cls;
}

/** Bad argument or input file: exit 2 with one line naming the argument or path.to.field. */
export class UsageError extends Error {
  override name = "UsageError";
  constructor(
    message: string,
    readonly lines: string[] = [],
  ) {
    super(message);
  }
}
branded(UsageError, "UsageError");

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
branded(CannotAuditError, "CannotAuditError");

export type ProbeFailureCode = "absent" | "unreachable" | "timeout" | "protocol" | "aborted" | "internal";

/** Thrown by a probe when the whole protocol could not be audited. */
export class ProbeFailure extends Error {
  override name = "ProbeFailure";
  constructor(
    readonly code: ProbeFailureCode,
    message: string,
  ) {
    super(message);
  }
}
branded(ProbeFailure, "ProbeFailure");

/** Format zod issues as `path.to.field: message` lines, prefixed by a source label. */
export function zodIssueLines(source: string, issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string[] {
  return issues.map((i) => {
    const path = i.path
      .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
      .join(".")
      .replace(/\.\[/g, "[");
    return `${source}: ${path || "(root)"}: ${i.message}`;
  });
}
