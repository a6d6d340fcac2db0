// Phase 4, credentialed login (read, only with bench credentials from --credentials): log in and
// record each step, so partial success (RFC 4252 §5.1) shows a second factor was demanded. The
// password (which may be the empty string: a value, not an absence) is sent once, never again as a
// keyboard-interactive answer; the connection is closed as soon as the login completes.
import { readFileSync } from "node:fs";
import { registerSecret } from "../../src/secrets.js";
import type { SshCredentialed } from "./facts.js";
import { CHECKS, WINDOWS } from "./checks.js";
import { clientAlgorithms, errorFact, runClient, ssh2Lib } from "./ssh2-client.js";
import { phaseWindow, type PhaseEnv } from "./phase.js";

/** The fields of an ssh credentials entry the probe reads (v1 and v2 credential shapes alike). */
export interface SshBenchCredential {
  username: string;
  /** "" is an empty password */
  password?: string;
  privateKey?: string;
  passphrase?: string;
  passphraseEnv?: string;
}

/** Read an ssh credentials entry loosely: the file schema is the credentials module's business. */
export function benchCredential(entry: Record<string, unknown>): SshBenchCredential | undefined {
  const s = (k: string) => (typeof entry[k] === "string" ? (entry[k] as string) : undefined);
  const username = s("username");
  if (!username) return undefined;
  const c: SshBenchCredential = { username };
  for (const k of ["password", "privateKey", "passphrase", "passphraseEnv"] as const) {
    const v = s(k);
    if (v !== undefined) c[k] = v;
  }
  return c;
}

function loadPrivateKey(c: SshBenchCredential): { key?: Buffer; passphrase?: string; error?: string } {
  if (!c.privateKey) return {};
  try {
    const key = readFileSync(c.privateKey);
    const passphrase = c.passphrase ?? (c.passphraseEnv ? process.env[c.passphraseEnv] : undefined);
    registerSecret(passphrase);
    // parse (and decrypt) it here: ssh2 would silently skip an unusable key, and the facts would
    // then show a publickey "failure" the server never decided
    const parsed = ssh2Lib().utils.parseKey(key, passphrase);
    if (parsed instanceof Error) return { error: `private key file could not be used (${parsed.message.slice(0, 120)})` };
    return passphrase ? { key, passphrase } : { key };
  } catch (e) {
    return { error: `cannot read private key file (${(e as NodeJS.ErrnoException).code ?? "error"})` };
  }
}

export async function runCredentialed(env: PhaseEnv, cred: SshBenchCredential, offeredHostKeys: readonly string[]): Promise<SshCredentialed> {
  const { ctx, ep } = env;
  const password = cred.password;
  const hasPassword = password !== undefined;
  const { key, passphrase, error: keyError } = loadPrivateKey(cred);
  const factorsGiven: SshCredentialed["factorsGiven"] = [];
  if (hasPassword) factorsGiven.push("password");
  if (key) factorsGiven.push("publickey");
  const base: Pick<SshCredentialed, "username" | "factorsGiven" | "emptyPassword"> = { username: cred.username, factorsGiven };
  if (password === "") base.emptyPassword = true;
  if (keyError && !hasPassword) return { ...base, steps: [], authenticated: false, mfaObserved: false, error: { code: "config", message: keyError } };
  ctx.assertAllowed(CHECKS.credentialed);
  const window = phaseWindow(env, WINDOWS.credentialed);
  if (window.expired)
    return {
      ...base,
      steps: [],
      authenticated: false,
      mfaObserved: false,
      error: { code: ctx.signal.aborted ? "aborted" : "timeout", message: "not run: the probe's time budget was spent" },
    };
  ctx.log.info(
    { action: CHECKS.credentialed.id, safety: CHECKS.credentialed.safety, endpoint: ep.url, username: cred.username, factors: factorsGiven },
    "ssh login with bench credentials",
  );

  const steps: SshCredentialed["steps"] = [];
  const tried = new Set<string>();
  let last: string | undefined;
  let firstMethods: string[] | undefined;
  const authHandler = (methodsLeft: string[] | null, partial: boolean | null, next: (m: unknown) => void) => {
    if (methodsLeft === null) {
      last = "none";
      return next({ type: "none", username: cred.username });
    }
    if (last === "none") firstMethods = [...methodsLeft];
    else if (last) steps.push({ method: last, result: partial ? "partial" : "failure", next: [...methodsLeft] });
    // password first when offered: it answers "is a password alone enough?"
    if (hasPassword && methodsLeft.includes("password") && !tried.has("password")) {
      tried.add((last = "password"));
      return next({ type: "password", username: cred.username, password });
    }
    if (key && methodsLeft.includes("publickey") && !tried.has("publickey")) {
      tried.add((last = "publickey"));
      return next(passphrase ? { type: "publickey", username: cred.username, key, passphrase } : { type: "publickey", username: cred.username, key });
    }
    // the password goes out once: never again as keyboard-interactive after the password method
    // (a second failed attempt counts towards lockout; after a partial success the prompt is the
    // second factor, which the password must not answer)
    if (hasPassword && methodsLeft.includes("keyboard-interactive") && !tried.has("keyboard-interactive") && !tried.has("password")) {
      tried.add((last = "keyboard-interactive"));
      return next({
        type: "keyboard-interactive",
        username: cred.username,
        prompt: (_n: string, _i: string, _l: string, prompts: { prompt: string }[], finish: (answers: string[]) => void) => finish(prompts.map(() => password)),
      });
    }
    last = undefined;
    return next(false);
  };
  const run = await runClient(
    { host: ep.host, port: ep.port, username: cred.username, algorithms: clientAlgorithms(offeredHostKeys), authHandler: authHandler as never },
    window.remaining(),
    ctx.signal,
  );
  if (run.ready && last) steps.push({ method: last, result: "success" });
  const result: SshCredentialed = { ...base, steps, authenticated: run.ready, mfaObserved: steps.some((s) => s.result === "partial") };
  if (hasPassword) {
    const first = steps[0];
    if (first?.method === "password") result.passwordAloneAccepted = first.result === "success";
    else if (firstMethods && !firstMethods.includes("password")) result.passwordAloneAccepted = false;
  }
  if (keyError) result.error = { code: "config", message: keyError };
  else if (!run.ready && steps.length === 0) result.error = errorFact(run.error, "login did not complete");
  return result;
}
