// `otaudit serve`: checks the options (exit 2 naming the option), opens the store read-only (a
// SQLite file or a PostgreSQL URL) through the dashboard's read interface (src/serve/reader.ts),
// reads the token and TLS files before listening, then serves until Ctrl-C / SIGTERM. Off loopback
// the API needs a token or a TLS client certificate; the token comes from a file or the
// environment, is registered as a secret (scrubbed from any output) and is never printed.
import { readFileSync } from "node:fs";
import { CannotAuditError, EXIT, UsageError } from "../errors.js";
import { PLUGINS } from "../../probes/registry.js";
import { registerSecret } from "../secrets.js";
import { PASSWORD_IN_ARGUMENT_WARNING, resolveDb } from "../store/db-url.js";
import { isLoopback, startServer } from "../serve/server.js";
import type { StoreReader } from "../serve/reader.js";
import type { FleetIndex } from "../serve/fleet-index.js";
import { note, say, warn } from "./ui.js";
import type { ServeCliOptions } from "./option-types.js";

export const TOKEN_ENV = "OTAUDIT_SERVE_TOKEN";
const MIN_TOKEN = 16;

function readOptionFile(file: string, option: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new UsageError(`${option} ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

/** The API token from --token-file (first line) or OTAUDIT_SERVE_TOKEN; checked, never echoed. */
export function readToken(opts: Pick<ServeCliOptions, "tokenFile">, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const source = opts.tokenFile ? `--token-file ${opts.tokenFile}` : env[TOKEN_ENV] !== undefined ? TOKEN_ENV : undefined;
  if (!source) return undefined;
  const raw = opts.tokenFile ? readOptionFile(opts.tokenFile, "--token-file").toString("utf8").split(/\r?\n/)[0]! : env[TOKEN_ENV]!;
  const token = raw.trim();
  if (token.length < MIN_TOKEN) throw new UsageError(`${source}: the token must have at least ${MIN_TOKEN} characters`);
  if (!/^[\x21-\x7e]+$/.test(token) || token.length > 512)
    throw new UsageError(`${source}: the token must be printable ASCII without spaces, at most 512 characters`);
  registerSecret(token);
  return token;
}

export async function openReader(results: string[], db: string | undefined, dbEnv?: string): Promise<StoreReader> {
  const spec = resolveDb({ db, dbEnv });
  if (spec && results.length) throw new UsageError(`${dbEnv !== undefined ? "--db-env" : "--db"}: give either result documents or a sweep store, not both`);
  if (spec?.kind === "postgres") {
    if (spec.passwordInArgument) warn(PASSWORD_IN_ARGUMENT_WARNING);
    const { PgReader } = await import("../serve/pg-reader.js");
    return PgReader.open(spec);
  }
  if (spec) {
    const { SqliteReader } = await import("../serve/sqlite-reader.js");
    return new SqliteReader(spec.file);
  }
  if (results.length === 0) throw new UsageError("RESULT: give result documents (JSON) or a sweep store with --db (a SQLite file or a postgres:// URL)");
  const { DocumentReader } = await import("../serve/document-reader.js");
  return new DocumentReader(results);
}

/**
 * Index in the background what the first views need: the latest sweep (overview, device list), then
 * the one before it and the baselines (drift), so a large store is warm by the time they are asked
 * for. A request that comes first simply waits for the same build.
 */
async function prewarm(index: FleetIndex, sweepIds: string[]): Promise<void> {
  const t0 = performance.now();
  const secs = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  try {
    const latest = await index.index();
    if (!latest) return;
    note(`serve: indexed the latest sweep (${latest.rows.length} devices) in ${secs()}`);
    if (sweepIds[1]) await index.index(sweepIds[1]);
    for (const b of await index.reader.baselines()) await index.baselineHashes(b.name);
    if (sweepIds[1]) note(`serve: drift ready (the sweep before and the baselines indexed) after ${secs()}`);
  } catch (e) {
    warn(`serve: indexing failed: ${(e as Error).message}`);
  }
}

export async function runServe(results: string[], opts: ServeCliOptions): Promise<number> {
  if (!!opts.tlsCert !== !!opts.tlsKey) throw new UsageError(opts.tlsCert ? "--tls-key: needed with --tls-cert" : "--tls-cert: needed with --tls-key");
  if (opts.tlsClientCa && !opts.tlsCert) throw new UsageError("--tls-client-ca: needs --tls-cert and --tls-key");
  const token = readToken(opts);
  const tls = opts.tlsCert
    ? {
        cert: readOptionFile(opts.tlsCert, "--tls-cert"),
        key: readOptionFile(opts.tlsKey!, "--tls-key"),
        ...(opts.tlsClientCa ? { clientCa: readOptionFile(opts.tlsClientCa, "--tls-client-ca") } : {}),
      }
    : undefined;
  if (!isLoopback(opts.host) && !token && !tls?.clientCa)
    throw new UsageError(
      `--host ${opts.host}: not a loopback address; the dashboard then needs a token (--token-file FILE or ${TOKEN_ENV}) or TLS client certificates (--tls-cert, --tls-key, --tls-client-ca)`,
    );
  if (!isLoopback(opts.host) && token && !tls) warn(`serve: without TLS the token travels in clear on ${opts.host}; add --tls-cert and --tls-key`);
  const reader = await openReader(results, opts.db, opts.dbEnv);
  let running;
  try {
    running = await startServer({
      reader,
      plugins: PLUGINS,
      host: opts.host,
      port: opts.port,
      ...(token ? { token } : {}),
      ...(tls ? { tls } : {}),
      onError: (m) => warn(m),
    });
  } catch (e) {
    await reader.close();
    const err = e as NodeJS.ErrnoException;
    if (err.code === "EADDRINUSE") throw new CannotAuditError(`serve: ${opts.host} port ${opts.port} is already in use; choose another with --port`);
    if (err.code === "EACCES") throw new CannotAuditError(`serve: permission denied to listen on port ${opts.port}; choose one above 1024 with --port`);
    if (err.code === "EADDRNOTAVAIL") throw new UsageError(`--host ${opts.host}: not an address of this machine`);
    throw new CannotAuditError(`serve: could not start: ${err.message}`);
  }
  const server = running;
  let stop: () => void = () => {};
  const stopped = new Promise<void>((r) => (stop = r));
  const onSignal = () => stop();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const sweeps = await server.index.sweeps();
    say(
      `otaudit serve: ${reader.label} (${sweeps.length === 1 ? "1 sweep" : `${sweeps.length} sweeps`}) on ${server.url}${token ? " (API token required)" : ""}\n`,
    );
    note("read-only dashboard; stop with Ctrl-C");
    void prewarm(
      server.index,
      sweeps.map((s) => s.id),
    );
    await stopped;
    return EXIT.OK;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await server.close();
    await reader.close();
  }
}
