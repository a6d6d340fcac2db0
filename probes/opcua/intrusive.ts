// The intrusive OPC UA checks (--intrusive only; each asserts its safety class first): cited default
// credentials, paced by the one login loop (src/net attemptLogins: login budget, delay, stop at the
// first accepted or the first attempt without a definite answer), only where a policy otaudit knows
// protects the password; and ActivateSession with a fresh self-signed X.509 user certificate
// (OpalOPC plugin 10016), closed at once. Facts name user names and entry ids, never passwords.
import { webcrypto } from "node:crypto";
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import { attemptLogins, type LoginResult } from "../../src/net/index.js";
import type { DefaultCredentialEntry } from "../../src/knowledge/default-credentials.js";
import type { EndpointFacts, OpcuaFacts } from "./facts.js";
import { OPCUA_CHECKS } from "./checks.js";
import { defaultCredentials } from "./knowledge.js";
import type { PasswordPlan } from "./security.js";
import type { ClientApp, SessionRunOptions } from "./session.js";
import { peculiarX509 } from "../../src/net/x509-lib.js";

type SessionModule = typeof import("./session.js");

/** pause between default-credential attempts (lockout-aware pacing) */
export const DEFAULT_CREDENTIAL_PACE_MS = 300;

/** No endpoint this client can use protects a password: nothing is sent (decided from the endpoints alone). */
export function defaultCredentialsNotAttempted(protectedAnywhere: number): NonNullable<OpcuaFacts["defaultCredentials"]> {
  return {
    status: "skipped",
    tried: 0,
    planned: 0,
    accepted: [],
    message:
      protectedAnywhere === 0
        ? "not attempted: no UserName token policy is known to protect a password here (clear text, unknown policy or no server certificate); otaudit never sends a password in clear"
        : "UserName offered with protection only on endpoints whose channel this client cannot open (client certificate not trusted)",
  };
}

export async function tryDefaultCredentials(
  session: SessionModule,
  app: ClientApp,
  plans: PasswordPlan[],
  protectedAnywhere: number,
  ctx: ProbeContext,
  sopts: SessionRunOptions,
): Promise<NonNullable<OpcuaFacts["defaultCredentials"]>> {
  if (plans.length === 0) return defaultCredentialsNotAttempted(protectedAnywhere);
  ctx.assertAllowed(OPCUA_CHECKS.defaultCredentials);
  const plan = plans[0]!;
  const data = defaultCredentials();
  const cited = data.entries.filter((e): e is DefaultCredentialEntry & { username: string } => typeof e.username === "string");
  const pacing = loginPacing(ctx.options, DEFAULT_CREDENTIAL_PACE_MS);
  const planned = Math.min(pacing.budget, cited.length);
  const where = { endpointUrl: plan.endpoint.endpointUrl };
  ctx.log.info(
    {
      action: "ActivateSession(default credentials)",
      safety: "intrusive",
      endpoint: plan.endpoint.endpointUrl,
      attempts: planned,
      of: cited.length,
      paceMs: pacing.delayMs,
      protectedBy: plan.by,
    },
    "trying cited default credentials",
  );
  let client;
  try {
    client = await app.connect(plan.endpoint);
  } catch (e) {
    return { status: "error", ...where, tried: 0, planned, accepted: [], message: `secure channel not opened: ${session.errorText(e)}` };
  }
  try {
    const run = await attemptLogins(
      cited,
      pacing,
      async (cred): Promise<LoginResult> => {
        try {
          const s = await session.openSession(client, { kind: "username", username: cred.username, password: cred.password, plan }, sopts);
          await session.safeCloseSession(s, ctx.timeoutMs);
          return { outcome: "accepted" };
        } catch (e) {
          return session.classifyFailure(e) === "rejected" ? { outcome: "rejected" } : { outcome: "error", error: session.errorText(e) };
        }
      },
      ctx.signal,
    );
    const tried = run.attempts.length;
    const accepted = run.accepted
      ? [{ username: run.accepted.username, source: data.sources[run.accepted.source]?.title ?? run.accepted.source, id: run.accepted.id }]
      : [];
    if (!run.complete) {
      const err = run.attempts.find((a) => a.result.outcome === "error")?.result;
      // an abort (the run's deadline, Ctrl-C) is named as such even when it cut an attempt short
      const why = ctx.signal.aborted || run.notTried.some((n) => n.why === "aborted") ? "aborted" : err && err.outcome === "error" ? err.error : "cut short";
      return {
        status: "error",
        ...where,
        tried,
        planned,
        accepted,
        message: `${why === "aborted" ? "aborted" : `stopped: ${why}`} after ${tried} of ${planned} default credential(s)`,
      };
    }
    return {
      status: "ok",
      ...where,
      tried,
      planned,
      accepted,
      message: `${tried} of ${cited.length} cited default credential(s) tried (login budget ${pacing.budget})`,
    };
  } finally {
    await session.safeDisconnect(client, ctx.timeoutMs);
  }
}

/** A fresh self-signed X.509 certificate (RSA 2048, SHA-256) and its private key (PEM), for one attempt. */
async function freshUserCertificate(): Promise<{ der: Buffer; keyPem: string }> {
  const x509 = peculiarX509();
  const alg = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: Date.now().toString(16),
    name: "CN=otaudit self-signed user probe",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: alg,
    keys,
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END PRIVATE KEY-----\n`;
  return { der: Buffer.from(cert.rawData), keyPem };
}

export async function tryUserCertificate(
  session: SessionModule,
  app: ClientApp,
  endpoint: EndpointFacts,
  ctx: ProbeContext,
  sopts: SessionRunOptions,
): Promise<NonNullable<OpcuaFacts["userCertificateTest"]>> {
  ctx.assertAllowed(OPCUA_CHECKS.userCertificate);
  const where = { endpointUrl: endpoint.endpointUrl, securityPolicyUri: endpoint.securityPolicyUri, securityMode: endpoint.securityMode };
  ctx.log.info(
    { action: "ActivateSession(self-signed user certificate)", safety: "intrusive", endpoint: endpoint.endpointUrl },
    "self-signed user certificate test",
  );
  let user;
  try {
    user = await freshUserCertificate();
  } catch (e) {
    return { status: "error", ...where, message: `user certificate not generated: ${session.errorText(e)}` };
  }
  let client;
  try {
    client = await app.connect(endpoint);
  } catch (e) {
    return { status: "error", ...where, message: `secure channel not opened: ${session.errorText(e)}` };
  }
  try {
    const s = await session.openSession(client, { kind: "certificate", certificate: user.der, privateKeyPem: user.keyPem }, sopts);
    await session.safeCloseSession(s, ctx.timeoutMs);
    return { status: "accepted", ...where, message: "session activated with a fresh self-signed X.509 user certificate" };
  } catch (e) {
    return { status: session.classifyFailure(e), ...where, message: session.errorText(e) };
  } finally {
    await session.safeDisconnect(client, ctx.timeoutMs);
  }
}
