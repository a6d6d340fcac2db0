// The session-level OPC UA checks, in order, one connection at a time, with a checkpoint after each:
// the unknown-client-certificate trust test, the anonymous session (reads, bounded access walk), the
// operator's credentialed session, and with --intrusive the cited default credentials and a fresh
// self-signed user certificate. node-opcua is imported only when one of them runs. Passwords go
// only where security.ts found a policy otaudit knows protects them (never in clear), and the
// session layer checks the token again before it is sent. Only the target's own endpoints are used.
import { resolve } from "node:path";
import type { ProbeContext } from "../../src/plugin.js";
import type { EndpointFacts, OpcuaFacts, SessionFacts } from "./facts.js";
import { OPCUA_CHECKS } from "./checks.js";
import { policyInfo } from "./knowledge.js";
import { OPENABLE_POLICIES, openable, passwordPlans, type PasswordPlan } from "./security.js";
import type { ClientApp, Identity, SessionRunOptions } from "./session.js";
import { opcuaCredentials } from "./declarations.js";

type SessionModule = typeof import("./session.js");

/** Point an advertised endpoint at the address we actually reached (servers often advertise a hostname). */
export function reachable(e: EndpointFacts, host: string, port: number, path: string): EndpointFacts {
  const h = host.includes(":") ? `[${host}]` : host;
  return { ...e, endpointUrl: `opc.tcp://${h}:${port}${path}` };
}

function rank(e: EndpointFacts): number {
  const i = (OPENABLE_POLICIES as readonly string[]).indexOf(policyInfo(e.securityPolicyUri).name);
  return (e.securityMode === "SignAndEncrypt" ? 0 : 10) + (i < 0 ? 100 : i);
}

export interface TargetAddress {
  host: string;
  port: number;
  path: string;
  url: string;
}

export async function runSessionChecks(
  ctx: ProbeContext,
  facts: OpcuaFacts,
  target: TargetAddress,
  checkpoint: () => void,
  certificateBytes: Map<string, Buffer> = new Map(),
): Promise<void> {
  const own = facts.endpoints.filter((e) => !e.listedBy || e.listedBy === target.url);
  const usable = own.filter(openable).map((e) => reachable(e, target.host, target.port, target.path));
  const has = (e: EndpointFacts, type: string) => e.userTokens.some((t) => t.tokenType === type);
  const anonymousEndpoints = usable
    .filter((e) => has(e, "Anonymous"))
    .sort((a, b) => (a.securityMode === "None" ? -1 : 0) - (b.securityMode === "None" ? -1 : 0));
  const secured = usable.filter((e) => e.securityMode !== "None" && policyInfo(e.securityPolicyUri).status !== "none").sort((a, b) => rank(a) - rank(b));
  const userNameEndpoints = usable.filter((e) => has(e, "UserName"));
  const certificateEndpoints = usable.filter((e) => has(e, "Certificate"));
  const plans = passwordPlans(usable);
  const creds = opcuaCredentials(ctx.credentials);
  const cred = creds.find((c) => typeof c.password === "string");
  const wantsDefaults = ctx.intrusive && own.some((e) => has(e, "UserName"));
  const wantsUserCert = ctx.intrusive && certificateEndpoints.length > 0;
  if (own.some((e) => e.securityMode !== "None") && secured.length === 0) {
    facts.trustTest = {
      status: "not_applicable",
      message: "only policies this client cannot open (e.g. Basic128Rsa15 on Node 20, unknown policies) on signed endpoints",
    };
  }
  if (ctx.intrusive && !wantsDefaults)
    facts.defaultCredentials = { status: "skipped", tried: 0, accepted: [], message: "no UserName token offered: default credentials not applicable" };
  if (ctx.intrusive && !wantsUserCert)
    facts.userCertificateTest = { status: "not_applicable", message: "no endpoint this client can open offers the X.509 user certificate token" };
  if (cred && userNameEndpoints.length === 0)
    facts.credentialedSession = { status: "skipped", username: cred.username, message: "no endpoint offers the UserName token" };
  if (wantsDefaults && plans.length === 0) {
    // no policy otaudit knows protects a password anywhere: decided from the endpoints alone, before
    // (and whatever becomes of) the client PKI and any connection
    const { defaultCredentialsNotAttempted } = await import("./intrusive.js");
    facts.defaultCredentials = defaultCredentialsNotAttempted(0);
    checkpoint();
  }
  const tryDefaults = wantsDefaults && plans.length > 0;
  if (anonymousEndpoints.length === 0 && secured.length === 0 && !(cred && userNameEndpoints.length) && !tryDefaults && !wantsUserCert) return;

  const session = await import("./session.js");
  const sopts: SessionRunOptions = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log };
  let fresh: ClientApp;
  let app: ClientApp;
  const persistentPki = ctx.options["opcua.clientPki"];
  try {
    fresh = await session.ClientApp.create(sopts);
  } catch (e) {
    const msg = `client PKI could not be set up: ${session.errorText(e)}`;
    facts.anonymousSession = { status: "error", message: msg };
    facts.trustTest = { status: "error", message: msg };
    return;
  }
  try {
    app = persistentPki ? await session.ClientApp.create(sopts, resolve(persistentPki)) : fresh;
  } catch (e) {
    await fresh.dispose();
    const msg = `client PKI ${persistentPki} could not be used: ${session.errorText(e)}`;
    facts.anonymousSession = { status: "error", message: msg };
    facts.trustTest = { status: "error", message: msg };
    return;
  }
  fresh.serverCertificates = app.serverCertificates = certificateBytes;
  try {
    // --- trust test: a never-seen self-signed certificate on a Sign/SignAndEncrypt endpoint
    const trustEndpoint = secured[0];
    if (trustEndpoint && !ctx.signal.aborted) {
      ctx.assertAllowed(OPCUA_CHECKS.trust);
      ctx.log.info(
        {
          action: "OpenSecureChannel(unknown client certificate)",
          safety: "read",
          endpoint: trustEndpoint.endpointUrl,
          policy: policyInfo(trustEndpoint.securityPolicyUri).name,
        },
        "trust test",
      );
      const where = { endpointUrl: trustEndpoint.endpointUrl, securityPolicyUri: trustEndpoint.securityPolicyUri, securityMode: trustEndpoint.securityMode };
      try {
        const c = await fresh.connect(trustEndpoint);
        await session.safeDisconnect(c, ctx.timeoutMs);
        facts.trustTest = { status: "accepted", ...where, message: "secure channel opened with a fresh self-signed client certificate" };
      } catch (e) {
        facts.trustTest = { status: session.classifyFailure(e), ...where, message: session.errorText(e) };
      }
      checkpoint();
    }
    // a secured channel opens for a fresh certificate only if the server trusts anyone; the
    // operator's persistent client certificate may have been trusted explicitly: try it then
    const channelOpens = (e: EndpointFacts) => e.securityMode === "None" || facts.trustTest.status === "accepted" || app !== fresh;

    // --- anonymous session, read-only reads and bounded access walk
    const anonEndpoint = anonymousEndpoints.find(channelOpens) ?? anonymousEndpoints[0];
    if (anonEndpoint && !ctx.signal.aborted) {
      ctx.assertAllowed(OPCUA_CHECKS.anonymous);
      ctx.log.info({ action: "ActivateSession(anonymous)", safety: "read", endpoint: anonEndpoint.endpointUrl }, "anonymous session");
      const r = await sessionRun(session, app, anonEndpoint, { kind: "anonymous" }, ctx, sopts, true);
      facts.anonymousSession = r.session;
      if (r.info) facts.serverInfo = r.info;
      if (r.browse) facts.anonymousBrowse = r.browse;
      checkpoint();
    }

    // --- credentialed: a username session, only where the password is known to be protected
    if (cred && userNameEndpoints.length > 0 && !ctx.signal.aborted) {
      const plan = plans.find((p) => channelOpens(p.endpoint)) ?? plans[0];
      if (!plan) {
        ctx.log.warn(
          { action: "ActivateSession(username)", safety: "read", endpoint: userNameEndpoints[0]!.endpointUrl, username: cred.username },
          "credentialed session not attempted: no policy otaudit knows would protect the password",
        );
        facts.credentialedSession = {
          status: "skipped",
          username: cred.username,
          message:
            "not attempted: no UserName token policy is known to protect the password (clear text, unknown policy or no server certificate); otaudit never sends the operator's password unless a policy it knows encrypts it",
        };
      } else {
        ctx.assertAllowed(OPCUA_CHECKS.credentialed);
        ctx.log.info(
          { action: "ActivateSession(username)", safety: "read", endpoint: plan.endpoint.endpointUrl, username: cred.username, protectedBy: plan.by },
          "credentialed session",
        );
        const r = await sessionRun(
          session,
          app,
          plan.endpoint,
          { kind: "username", username: cred.username, password: cred.password!, plan },
          ctx,
          sopts,
          !facts.serverInfo,
        );
        facts.credentialedSession = { ...r.session, username: cred.username, ...(r.browse ? { browse: r.browse } : {}) };
        if (!facts.serverInfo && r.info) facts.serverInfo = r.info;
      }
      checkpoint();
    }

    // --- intrusive: cited default credentials, paced, one connection
    if (tryDefaults && !ctx.signal.aborted) {
      const { tryDefaultCredentials } = await import("./intrusive.js");
      facts.defaultCredentials = await tryDefaultCredentials(
        session,
        app,
        plans.filter((p) => channelOpens(p.endpoint)),
        plans.length,
        ctx,
        sopts,
      );
      checkpoint();
    }
    // --- intrusive: a fresh self-signed X.509 user certificate (OpalOPC 10016)
    if (wantsUserCert && !ctx.signal.aborted) {
      const { tryUserCertificate } = await import("./intrusive.js");
      const endpoint = certificateEndpoints.filter(channelOpens).sort((a, b) => rank(a) - rank(b))[0];
      facts.userCertificateTest = endpoint
        ? await tryUserCertificate(session, app, endpoint, ctx, sopts)
        : {
            status: "skipped",
            message: "the X.509 user token is offered only on endpoints whose channel this client cannot open (client certificate not trusted)",
          };
      checkpoint();
    }
  } finally {
    if (app !== fresh) await app.dispose();
    await fresh.dispose();
  }
}

type RunResult = { session: SessionFacts; info?: OpcuaFacts["serverInfo"]; browse?: OpcuaFacts["anonymousBrowse"] };

export async function sessionRun(
  session: SessionModule,
  app: ClientApp,
  endpoint: EndpointFacts,
  identity: Identity,
  ctx: ProbeContext,
  sopts: SessionRunOptions,
  readInfo: boolean,
): Promise<RunResult> {
  const where = { endpointUrl: endpoint.endpointUrl, securityPolicyUri: endpoint.securityPolicyUri, securityMode: endpoint.securityMode };
  let client;
  try {
    client = await app.connect(endpoint);
  } catch (e) {
    const status = session.classifyFailure(e) === "rejected" ? "channel_rejected" : "error";
    return { session: { status, ...where, message: `secure channel not opened: ${session.errorText(e)}` } };
  }
  try {
    let s;
    try {
      s = await session.openSession(client, identity, sopts);
    } catch (e) {
      return { session: { status: session.classifyFailure(e), ...where, message: session.errorText(e) } };
    }
    const out: RunResult = { session: { status: "activated", ...where, message: "session activated" } };
    try {
      if (readInfo) {
        ctx.assertAllowed(OPCUA_CHECKS.serverInfo);
        const { readServerInfo } = await import("./reads.js");
        try {
          const { auditingOk, serverProfilesOk, diagnosticsOk, errors, ...rest } = await readServerInfo(s, sopts);
          out.info = {
            status: "ok",
            auditingStatus: auditingOk ? "ok" : "error",
            serverProfilesStatus: serverProfilesOk ? "ok" : "error",
            diagnosticsStatus: diagnosticsOk ? "ok" : "error",
            ...rest,
            ...(errors.length ? { error: errors.join("; ") } : {}),
          };
        } catch (e) {
          out.info = { status: "error", auditingStatus: "error", error: session.errorText(e) };
        }
      }
      ctx.assertAllowed(OPCUA_CHECKS.browse);
      const { browseAccess, BROWSE_LIMITS } = await import("./browse.js");
      try {
        out.browse = { status: "ok", ...(await browseAccess(s, BROWSE_LIMITS, sopts)) };
      } catch (e) {
        out.browse = { status: "error", ...BROWSE_LIMITS, nodesVisited: 0, variablesChecked: 0, truncated: true, writable: [], error: session.errorText(e) };
      }
    } finally {
      await session.safeCloseSession(s, ctx.timeoutMs);
    }
    return out;
  } finally {
    await session.safeDisconnect(client, ctx.timeoutMs);
  }
}

export type { PasswordPlan };
