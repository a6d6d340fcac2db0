// Open the store a --db / --db-env names: a SQLite file (the default backend, loaded eagerly: it
// is small) or a PostgreSQL URL (`pg` is loaded only then). Read-only opens (report, baseline
// drift, status, the dashboard) never create, migrate or modify anything.
import { UsageError } from "../errors.js";
import { PASSWORD_IN_ARGUMENT_WARNING, resolveDb, type DbFlags, type DbSpec } from "./db-url.js";
import { SweepStore } from "./sqlite.js";
import type { Store } from "./types.js";
import type { PgOpenOptions, PgStore } from "./postgres.js";

export interface OpenOptions extends PgOpenOptions {
  /** the store must already exist (report, baseline) */
  mustExist?: boolean;
}

export async function openPgStore(spec: Extract<DbSpec, { kind: "postgres" }>, opts: PgOpenOptions = {}): Promise<PgStore> {
  const { PgStore } = await import("./postgres.js");
  return PgStore.open(spec, opts);
}

export async function openStoreSpec(spec: DbSpec, opts: OpenOptions = {}): Promise<Store> {
  if (spec.kind === "postgres") return openPgStore(spec, opts);
  return new SweepStore(spec.file, { mustExist: opts.mustExist, readonly: opts.readonly });
}

/** --db / --db-env -> an open store; UsageError naming the flag when neither is given. */
export async function openStore(flags: DbFlags, opts: OpenOptions & { fallbackEnv?: string; warn?: (line: string) => void } = {}): Promise<Store> {
  const spec = resolveDb(flags, opts.fallbackEnv);
  if (!spec) throw new UsageError(`--db: name the store (a SQLite file or a postgres:// URL)${opts.fallbackEnv ? `, or set ${opts.fallbackEnv}` : ""}`);
  if (spec.kind === "postgres" && spec.passwordInArgument) opts.warn?.(PASSWORD_IN_ARGUMENT_WARNING);
  return openStoreSpec(spec, opts);
}
