// `otaudit serve`: option declarations (cheap); the work is in ../serve-run.ts (src/serve/).
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { ServeCliOptions } from "../option-types.js";

function port(v: string): number {
  if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError("--port expects a whole number from 0 to 65535 (0: any free port)");
  return Number(v);
}

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description(
      "a read-only fleet dashboard in the browser over a sweep store (--db) or result documents: heatmap of devices x the 12 elements, zone gaps, device evidence, drift across sweeps and baselines, filters and CSV",
    )
    .argument("[results...]", "result documents (JSON, from scan --json, sweep --json or demo); each one is shown as a sweep")
    .option("--db <file|url>", "the sweep store, opened read-only: a SQLite file or a postgres:// URL (password from PGPASSWORD / PGPASSFILE)")
    .option("--db-env <var>", "read --db from this environment variable")
    .option("--host <address>", "address to listen on; anything but loopback needs --token-file (or OTAUDIT_SERVE_TOKEN) or --tls-client-ca", "127.0.0.1")
    .option("--port <n>", "port to listen on (0: any free port)", port, 8080)
    .option("--token-file <file>", "file holding the bearer token the API asks for (at least 16 characters; or set OTAUDIT_SERVE_TOKEN); never printed")
    .option("--tls-cert <file>", "serve over TLS with this certificate (PEM; with --tls-key)")
    .option("--tls-key <file>", "the certificate's private key (PEM)")
    .option("--tls-client-ca <file>", "with TLS: only clients with a certificate signed by this CA (PEM) get in")
    .addHelpText(
      "after",
      "\nThe dashboard only reads: GET and HEAD, nothing in the store is changed. Open\nthe printed address in a browser; the view (sweep, filters, page) is in the URL.\n\nExamples:\n  otaudit serve --db plant.db\n  otaudit serve --db postgres://otaudit@db.internal/otaudit\n  otaudit serve before.json after.json --port 9000\n  OTAUDIT_SERVE_TOKEN=... otaudit serve --db plant.db --host 0.0.0.0 \\\n      --tls-cert c.pem --tls-key k.pem\n\nExit codes:\n  0    stopped with Ctrl-C or SIGTERM\n  2    usage or input error\n  3    the server could not start (e.g. the port is in use)",
    )
    .action(async (results: string[], opts: ServeCliOptions) => {
      const { runServe } = await import("../serve-run.js");
      process.exitCode = await runServe(results, opts);
    });
}
