// The PostgreSQL password when the URL has none: PGPASSWORD, else the libpq password file
// (PGPASSFILE, default ~/.pgpass; lines host:port:database:user:password, `*` matches anything,
// `\:` and `\\` escape; the first matching line wins; a file readable by group or others is
// ignored, as libpq does). Read by otaudit itself: pg 8 prints a deprecation warning for its own
// pgpass support and pg 9 drops it. Whatever is found is registered as a secret.
import { readFileSync, statSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import { registerSecret } from "../secrets.js";

export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

/** Split a password-file line on unescaped colons, unescaping `\:` and `\\`. */
export function splitPgpassLine(line: string): string[] {
  const fields: string[] = [];
  let cur = "";
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) cur += line[++i];
    else if (c === ":") {
      fields.push(cur);
      cur = "";
    } else cur += c;
  }
  fields.push(cur);
  return fields;
}

/** The password for `t` in a password file's text, or undefined. */
export function pgpassLookup(text: string, t: PgTarget): string | undefined {
  const host = t.host.startsWith("/") ? "localhost" : t.host; // a socket directory matches "localhost"
  for (const raw of text.split(/\r?\n/).slice(0, 10_000)) {
    if (raw.trim() === "" || raw.startsWith("#")) continue;
    const f = splitPgpassLine(raw);
    if (f.length < 5) continue;
    const ok = (field: string, value: string) => field === "*" || field === value;
    if (ok(f[0]!, host) && ok(f[1]!, String(t.port)) && ok(f[2]!, t.database) && ok(f[3]!, t.user)) return f.slice(4).join(":");
  }
  return undefined;
}

/** PGPASSWORD, or the password file's entry for the target (registered as a secret), or undefined. */
export function pgPassword(t: PgTarget, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.PGPASSWORD) return env.PGPASSWORD;
  const file = env.PGPASSFILE || join(homedir(), ".pgpass");
  try {
    const st = statSync(file);
    if (!st.isFile() || (st.mode & 0o077) !== 0) return undefined;
    const found = pgpassLookup(readFileSync(file, "utf8"), t);
    registerSecret(found);
    return found;
  } catch {
    return undefined;
  }
}

export function defaultPgUser(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PGUSER) return env.PGUSER;
  try {
    return userInfo().username;
  } catch {
    return "postgres";
  }
}
