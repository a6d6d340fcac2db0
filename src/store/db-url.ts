// Where the store is: `--db FILE` (SQLite) or `--db postgres://user@host:port/db` (PostgreSQL), or
// `--db-env VAR` naming an environment variable that holds either (for systemd and Kubernetes
// secrets). Passwords never need the command line: `pg` honours PGPASSWORD and PGPASSFILE
// (~/.pgpass). A password found in a URL is registered with the secret registry (src/secrets.ts)
// and every message names the database by its URL without password or query (dbLabel). Driver
// errors become one line naming --db: bad credentials, a missing database or a schema that is not
// ours are usage errors (exit 2); an unreachable server is "could not run" (exit 3).
import { CannotAuditError, UsageError } from "../errors.js";
import { registerSecret } from "../secrets.js";

export type DbSpec =
  | { kind: "sqlite"; file: string; flag: string }
  | { kind: "postgres"; url: string; label: string; flag: string; passwordInArgument: boolean };

export function isPostgresUrl(text: string): boolean {
  return /^postgres(ql)?:\/\//i.test(text);
}

/** The URL as messages may show it: scheme, user, host, port and database; no password, no query. */
export function dbLabel(url: string): string {
  try {
    const u = new URL(url);
    const user = u.username ? `${decodeURIComponent(u.username)}@` : "";
    return `${u.protocol}//${user}${u.host}${u.pathname === "/" ? "" : u.pathname}`;
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** Every secret a PostgreSQL URL can carry (the password, a password= parameter) is registered. */
function registerUrlSecrets(url: string): boolean {
  let found = false;
  try {
    const u = new URL(url);
    if (u.password) {
      registerSecret(decodeURIComponent(u.password));
      registerSecret(u.password);
      found = true;
    }
    for (const [k, v] of u.searchParams) {
      if (/pass/i.test(k) && v) {
        registerSecret(v);
        found = true;
      }
    }
  } catch {
    /* not a URL: reported by the caller */
  }
  if (process.env.PGPASSWORD) registerSecret(process.env.PGPASSWORD);
  return found;
}

export interface DbFlags {
  db?: string;
  dbEnv?: string;
}

/**
 * Resolve --db / --db-env (and `fallbackEnv`, e.g. OTAUDIT_DB_URL for workers) into a store
 * location; undefined when none is given. A URL's password is registered as a secret at once.
 */
export function resolveDb(flags: DbFlags, fallbackEnv?: string): DbSpec | undefined {
  if (flags.db !== undefined && flags.dbEnv !== undefined) throw new UsageError("--db and --db-env: give one of them");
  let text = flags.db;
  let flag = "--db";
  let fromEnv = false;
  if (flags.dbEnv !== undefined) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(flags.dbEnv)) throw new UsageError(`--db-env ${flags.dbEnv}: not an environment variable name`);
    text = process.env[flags.dbEnv];
    flag = `--db-env ${flags.dbEnv}`;
    fromEnv = true;
    if (!text) throw new UsageError(`--db-env ${flags.dbEnv}: the environment variable is not set`);
  } else if (text === undefined && fallbackEnv && process.env[fallbackEnv]) {
    text = process.env[fallbackEnv]!;
    flag = fallbackEnv;
    fromEnv = true;
  }
  if (text === undefined) return undefined;
  if (text.trim() === "") throw new UsageError(`${flag}: empty`);
  if (!isPostgresUrl(text)) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
      throw new UsageError(`${flag}: unsupported database URL scheme (postgres:// or postgresql://, or a SQLite file path)`);
    return { kind: "sqlite", file: text, flag: fromEnv ? `${flag} (${text})` : `--db ${text}` };
  }
  const hasPassword = registerUrlSecrets(text);
  try {
    new URL(text);
  } catch {
    throw new UsageError(`${flag}: not a valid postgres:// URL`);
  }
  return {
    kind: "postgres",
    url: text,
    label: dbLabel(text),
    flag: fromEnv ? `${flag} (${dbLabel(text)})` : `--db ${dbLabel(text)}`,
    passwordInArgument: hasPassword && !fromEnv,
  };
}

/** The sentence for a password given on the command line (other users can read process lists). */
export const PASSWORD_IN_ARGUMENT_WARNING =
  "--db: the URL carries a password, which other local users can read in the process list; use PGPASSWORD, PGPASSFILE (~/.pgpass) or --db-env VAR instead";

interface PgLikeError {
  code?: string;
  message?: string;
}

const UNREACHABLE = new Set(["ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "ETIMEDOUT", "EAI_AGAIN", "ECONNRESET", "EPIPE", "57P01", "57P03"]);

/**
 * A driver error as one line naming the database (never its password): exit 2 for what the
 * operator must fix in the argument or the database (credentials, database name, permissions),
 * exit 3 for a server that cannot be reached or went away.
 */
export function dbError(e: unknown, flag: string): UsageError | CannotAuditError {
  if (e instanceof UsageError || e instanceof CannotAuditError) return e;
  const err = (e ?? {}) as PgLikeError;
  const code = err.code ?? "";
  const msg = (err.message ?? String(e)).replace(/\s+/g, " ").trim();
  if (code === "28P01" || code === "28000") return new UsageError(`${flag}: authentication failed (${msg}); check the user and PGPASSWORD / PGPASSFILE`);
  if (/SASL|client password must be a string|password must be a string/i.test(msg))
    return new UsageError(`${flag}: the server asks for a password; set PGPASSWORD or PGPASSFILE, or use --db-env VAR`);
  if (code === "3D000") return new UsageError(`${flag}: ${msg}`);
  if (code === "42501") return new UsageError(`${flag}: permission denied (${msg})`);
  if (UNREACHABLE.has(code) || /timeout|terminated|ECONNREFUSED|connect/i.test(msg))
    return new CannotAuditError(`${flag}: cannot reach the database (${code || msg})`);
  return new CannotAuditError(`${flag}: database error (${code ? `${code} ` : ""}${msg})`);
}
