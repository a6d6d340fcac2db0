// The operator's extra trusted CAs (NODE_EXTRA_CA_CERTS) where otaudit verifies a peer itself.
// The launcher (src/bin/otaudit.js) empties NODE_EXTRA_CA_CERTS so that Node 20 does not parse the
// file and its whole root store at every start, and passes the file's name on as
// OTAUDIT_EXTRA_CA_CERTS. The one verifying TLS client of otaudit (the PostgreSQL store,
// src/store/postgres.ts) gets Node's roots plus that file, as Node itself would have trusted them.
// Run as `node src/bin/otaudit.js`, Node loaded the file itself and the variable is unset here.
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";

let cached: { file: string; cas: string[] | undefined } | undefined;

/** Node's roots plus the operator's extra CA file, or undefined when there is no such file. */
export function trustedCasWithExtra(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const file = env.OTAUDIT_EXTRA_CA_CERTS;
  if (!file) return undefined;
  if (cached?.file === file) return cached.cas;
  let cas: string[] | undefined;
  try {
    cas = [...rootCertificates, readFileSync(file, "utf8")];
  } catch (e) {
    // Node's own behaviour for an unreadable NODE_EXTRA_CA_CERTS: a warning, the default roots
    process.stderr.write(`otaudit: warning: ignoring extra certs from NODE_EXTRA_CA_CERTS (${(e as NodeJS.ErrnoException).code ?? "unreadable"})\n`);
  }
  cached = { file, cas };
  return cas;
}
