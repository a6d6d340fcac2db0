// The OPC UA probe (network I/O only, returns facts): the passive part with our own UACP client
// (Hello, OpenSecureChannel None, GetEndpoints, CloseSecureChannel), certificate parsing, then the
// session-level checks with node-opcua-client, loaded only when one of them runs. Every step that
// could not run is recorded as such in the facts; nothing is ever written to the server.
import { resolve } from "node:path";
import { loginPacing, type ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import type { CertificateFacts, EndpointFacts, OpcuaFacts, SessionFacts } from "./facts.js";
import { parseCertificate, firstDerLength, sha256Hex } from "./certificate.js";
import { UacpClient, UacpProtocolError, UacpRemoteError, UacpTimeoutError, type RawEndpoint } from "./uacp.js";
import { OPCUA_CHECKS } from "./checks.js";
import { defaultCredentials, policyInfo } from "./knowledge.js";
import { effectiveTokenPolicy } from "./rules.js";
import { opcuaCredentials } from "./declarations.js";

const MODES = ["Invalid", "None", "Sign", "SignAndEncrypt"] as const;
const TOKEN_TYPES = ["Anonymous", "UserName", "Certificate", "IssuedToken"] as const;
export const BROWSE_LIMITS = { maxDepth: 6, maxNodes: 2000 };
/** pause between default-credential attempts (lockout-aware pacing) */
export const DEFAULT_CREDENTIAL_PACE_MS = 300;

/** Preference among policies node-opcua can open on Node 20 (never Basic128Rsa15: CVE-2023-46809). */
const OPENABLE_POLICY_ORDER = ["Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss", "Basic256"];

function toEndpointFacts(raw: RawEndpoint, certSha: string | null): EndpointFacts {
  return {
    endpointUrl: raw.endpointUrl,
    securityPolicyUri: raw.securityPolicyUri,
    securityMode: MODES[raw.securityMode] ?? "Invalid",
    securityLevel: raw.securityLevel,
    transportProfileUri: raw.transportProfileUri,
    userTokens: raw.userIdentityTokens.map((t) => ({
      policyId: t.policyId,
      tokenType: TOKEN_TYPES[t.tokenType] ?? "Unknown",
      securityPolicyUri: t.securityPolicyUri,
      issuedTokenType: t.issuedTokenType,
    })),
    certificateSha256: certSha,
    applicationUri: raw.applicationUri,
    productUri: raw.productUri,
    applicationName: raw.applicationName,
  };
}

/** Point an advertised endpoint at the address we actually reached (servers often advertise a hostname). */
export function reachable(e: EndpointFacts, host: string, port: number, path: string): EndpointFacts {
  const h = host.includes(":") ? `[${host}]` : host;
  return { ...e, endpointUrl: `opc.tcp://${h}:${port}${path}` };
}

function mapPassiveError(e: unknown, explicit: boolean, url: string): ProbeFailure {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof UacpTimeoutError) return new ProbeFailure(err.message === "aborted" ? "aborted" : "timeout", `${url}: ${err.message}`);
  if (err instanceof UacpProtocolError || err instanceof UacpRemoteError) return new ProbeFailure("protocol", `${url}: ${err.message}`);
  if (err?.code === "ECONNREFUSED") return new ProbeFailure(explicit ? "unreachable" : "absent", `${url}: connection refused`);
  if (err?.code === "EHOSTUNREACH" || err?.code === "ENETUNREACH") return new ProbeFailure("unreachable", `${url}: ${err.code}`);
  if (err?.code === "ECONNRESET" || err?.code === "EPIPE") return new ProbeFailure("protocol", `${url}: connection reset by the server`);
  return new ProbeFailure("internal", `${url}: ${err?.message ?? String(e)}`);
}

export async function probeOpcua(ctx: ProbeContext): Promise<OpcuaFacts> {
  const target = ctx.endpoints[0];
  if (!target) throw new ProbeFailure("internal", "no OPC UA endpoint given");
  const path = target.path ?? "";
  const discoveryUrl = target.url;
  const opts = { timeoutMs: ctx.timeoutMs, signal: ctx.signal };

  // --- passive: UACP Hello/Ack, OPN (None), GetEndpoints, CLO (Part 6 §7.1, Part 4 §5.4.4, §5.5)
  ctx.assertAllowed(OPCUA_CHECKS.endpoints);
  ctx.log.info({ action: "GetEndpoints", safety: "passive", endpoint: discoveryUrl }, "listing OPC UA endpoints");
  let client: UacpClient | undefined;
  let rawEndpoints: RawEndpoint[];
  try {
    client = await UacpClient.connect(target.host, target.port, discoveryUrl, opts);
    await client.openSecureChannel();
    rawEndpoints = await client.getEndpoints(discoveryUrl);
    await client.close();
  } catch (e) {
    client?.end();
    throw mapPassiveError(e, target.explicit, discoveryUrl);
  }
  const transport = client.ack!;

  const certificates: CertificateFacts[] = [];
  const certificateErrors: { sha256: string; error: string }[] = [];
  const endpoints: EndpointFacts[] = [];
  for (const raw of rawEndpoints) {
    let sha: string | null = null;
    if (raw.serverCertificate && raw.serverCertificate.length > 0) {
      try {
        sha = sha256Hex(raw.serverCertificate.subarray(0, firstDerLength(raw.serverCertificate)));
      } catch {
        sha = sha256Hex(raw.serverCertificate);
      }
      if (!certificates.some((c) => c.sha256 === sha) && !certificateErrors.some((c) => c.sha256 === sha)) {
        try {
          certificates.push(await parseCertificate(raw.serverCertificate));
        } catch (e) {
          certificateErrors.push({ sha256: sha, error: String((e as Error).message).slice(0, 200) });
        }
      }
    }
    endpoints.push(toEndpointFacts(raw, sha));
  }

  const facts: OpcuaFacts = {
    discoveryUrl,
    transport,
    endpoints,
    certificates,
    certificateErrors,
    anonymousSession: { status: "skipped", message: "no endpoint offers the Anonymous token" },
    trustTest: { status: "not_applicable", message: "no Sign or SignAndEncrypt endpoint with a policy this client can open" },
  };
  await runSessionChecks(ctx, facts, target.host, target.port, path);
  return facts;
}

/**
 * Would the operator's password travel protected on this endpoint? node-opcua-client encrypts a
 * UserName token with the security policy of the endpoint's first UserName token policy (the
 * endpoint's own policy when that is empty, OPC 10000-4 §7.41) and the server certificate; under
 * policy None, or without a server certificate, it sends the password in clear text
 * (createUserNameIdentityToken). A SignAndEncrypt channel protects it either way.
 */
export function passwordProtected(e: EndpointFacts): boolean {
  const token = e.userTokens.find((t) => t.tokenType === "UserName");
  if (!token) return false;
  if (e.securityMode === "SignAndEncrypt" && policyInfo(e.securityPolicyUri).status !== "none") return true;
  return e.certificateSha256 !== null && policyInfo(effectiveTokenPolicy(e, token.securityPolicyUri)).status !== "none";
}

function openable(e: EndpointFacts): boolean {
  const info = policyInfo(e.securityPolicyUri);
  return info.status === "none" || OPENABLE_POLICY_ORDER.includes(info.name);
}

function rank(e: EndpointFacts): number {
  const i = OPENABLE_POLICY_ORDER.indexOf(policyInfo(e.securityPolicyUri).name);
  const modeScore = e.securityMode === "SignAndEncrypt" ? 0 : 10;
  return modeScore + (i < 0 ? 100 : i);
}

async function runSessionChecks(ctx: ProbeContext, facts: OpcuaFacts, host: string, port: number, path: string): Promise<void> {
  const usable = facts.endpoints.filter((e) => e.securityMode !== "Invalid" && openable(e)).map((e) => reachable(e, host, port, path));
  const anonymousEndpoints = usable
    .filter((e) => e.userTokens.some((t) => t.tokenType === "Anonymous"))
    .sort((a, b) => (a.securityMode === "None" ? -1 : 0) - (b.securityMode === "None" ? -1 : 0));
  const secured = usable.filter((e) => e.securityMode !== "None" && policyInfo(e.securityPolicyUri).status !== "none").sort((a, b) => rank(a) - rank(b));
  const userNameEndpoints = usable.filter((e) => e.userTokens.some((t) => t.tokenType === "UserName"));
  const opcuaCreds = opcuaCredentials(ctx.credentials);
  const wantsDefaults = ctx.intrusive && userNameEndpoints.length > 0;
  if (facts.endpoints.some((e) => e.securityMode !== "None") && secured.length === 0) {
    facts.trustTest = { status: "not_applicable", message: "only policies this client cannot open (e.g. Basic128Rsa15 on Node 20) on signed endpoints" };
  }
  if (ctx.intrusive && userNameEndpoints.length === 0) facts.defaultCredentials = { status: "skipped", tried: 0, accepted: [], message: "no UserName token offered: default credentials not applicable" };
  if (anonymousEndpoints.length === 0 && secured.length === 0 && opcuaCreds.length === 0 && !wantsDefaults) return;

  const session = await import("./session.js");
  const sopts = { timeoutMs: ctx.timeoutMs, signal: ctx.signal, log: ctx.log };
  let fresh: import("./session.js").ClientApp;
  let app: import("./session.js").ClientApp;
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
  try {
    // --- trust test: a never-seen self-signed certificate on a Sign/SignAndEncrypt endpoint
    const trustEndpoint = secured[0];
    if (trustEndpoint && !ctx.signal.aborted) {
      ctx.assertAllowed(OPCUA_CHECKS.trust);
      ctx.log.info({ action: "OpenSecureChannel(unknown client certificate)", safety: "read", endpoint: trustEndpoint.endpointUrl, policy: policyInfo(trustEndpoint.securityPolicyUri).name }, "trust test");
      const where = { endpointUrl: trustEndpoint.endpointUrl, securityPolicyUri: trustEndpoint.securityPolicyUri, securityMode: trustEndpoint.securityMode };
      try {
        const c = await fresh.connect(trustEndpoint);
        await session.safeDisconnect(c, ctx.timeoutMs);
        facts.trustTest = { status: "accepted", ...where, message: "secure channel opened with a fresh self-signed client certificate" };
      } catch (e) {
        facts.trustTest = { status: session.classifyFailure(e), ...where, message: session.errorText(e) };
      }
    }
    // a secured channel opens for a fresh certificate only if the server trusts anyone; the
    // operator's persistent client certificate may have been trusted explicitly: try it then
    const channelOpens = (e: EndpointFacts) => e.securityMode === "None" || facts.trustTest.status === "accepted" || app !== fresh;

    // --- anonymous session, read-only reads and bounded browse
    const anonEndpoint = anonymousEndpoints.find(channelOpens) ?? anonymousEndpoints[0];
    if (anonEndpoint && !ctx.signal.aborted) {
      ctx.assertAllowed(OPCUA_CHECKS.anonymous);
      ctx.log.info({ action: "ActivateSession(anonymous)", safety: "read", endpoint: anonEndpoint.endpointUrl }, "anonymous session");
      const r = await sessionRun(session, app, anonEndpoint, { kind: "anonymous" }, ctx, sopts, true);
      facts.anonymousSession = r.session;
      if (r.info) facts.serverInfo = r.info;
      if (r.browse) facts.anonymousBrowse = r.browse;
    }

    // --- credentialed: a username session on the most secure endpoint that offers UserName
    const cred = opcuaCreds.find((c) => c.password);
    if (cred && !ctx.signal.aborted) {
      // never the operator's password in clear text: only endpoints that encrypt it
      const best = userNameEndpoints.filter(passwordProtected).sort((a, b) => rank(a) - rank(b))[0];
      if (userNameEndpoints.length === 0) facts.credentialedSession = { status: "skipped", username: cred.username, message: "no endpoint offers the UserName token" };
      else if (!best) {
        ctx.log.warn({ action: "ActivateSession(username)", safety: "read", endpoint: userNameEndpoints[0]!.endpointUrl, username: cred.username }, "credentialed session not attempted: the password would travel in clear text");
        facts.credentialedSession = { status: "skipped", username: cred.username, message: "not attempted: every UserName token policy this client can use would send the password in clear text (SecurityPolicy None); otaudit never sends the operator's password unencrypted" };
      } else {
        ctx.assertAllowed(OPCUA_CHECKS.credentialed);
        ctx.log.info({ action: "ActivateSession(username)", safety: "read", endpoint: best.endpointUrl, username: cred.username }, "credentialed session");
        const r = await sessionRun(session, app, best, { kind: "username", username: cred.username, password: cred.password! }, ctx, sopts, !facts.serverInfo);
        facts.credentialedSession = { ...r.session, username: cred.username, ...(r.browse ? { browse: r.browse } : {}) };
        if (!facts.serverInfo && r.info) facts.serverInfo = r.info;
      }
    }

    // --- intrusive: cited default credentials, paced, one connection
    if (wantsDefaults && !ctx.signal.aborted) {
      facts.defaultCredentials = await tryDefaultCredentials(session, app, userNameEndpoints.filter(channelOpens), ctx, sopts);
    }
  } finally {
    if (app !== fresh) await app.dispose();
    await fresh.dispose();
  }
}

type SessionModule = typeof import("./session.js");

async function sessionRun(
  session: SessionModule,
  app: import("./session.js").ClientApp,
  endpoint: EndpointFacts,
  identity: import("./session.js").Identity,
  ctx: ProbeContext,
  sopts: import("./session.js").SessionRunOptions,
  readInfo: boolean,
): Promise<{ session: SessionFacts; info?: OpcuaFacts["serverInfo"]; browse?: OpcuaFacts["anonymousBrowse"] }> {
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
    const out: { session: SessionFacts; info?: OpcuaFacts["serverInfo"]; browse?: OpcuaFacts["anonymousBrowse"] } = { session: { status: "activated", ...where, message: "session activated" } };
    try {
      if (readInfo) {
        ctx.assertAllowed(OPCUA_CHECKS.serverInfo);
        try {
          const i = await session.readServerInfo(s, sopts);
          const { auditingOk, errors, ...rest } = i;
          out.info = { status: "ok", auditingStatus: auditingOk ? "ok" : "error", ...rest, ...(errors.length ? { error: errors.join("; ") } : {}) };
        } catch (e) {
          out.info = { status: "error", auditingStatus: "error", error: session.errorText(e) };
        }
      }
      ctx.assertAllowed(OPCUA_CHECKS.browse);
      try {
        const b = await session.browseWritable(s, BROWSE_LIMITS, sopts);
        out.browse = { status: "ok", ...b };
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

/** Wait ms, or less when the run is aborted. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

async function tryDefaultCredentials(
  session: SessionModule,
  app: import("./session.js").ClientApp,
  endpoints: EndpointFacts[],
  ctx: ProbeContext,
  sopts: import("./session.js").SessionRunOptions,
): Promise<NonNullable<OpcuaFacts["defaultCredentials"]>> {
  if (endpoints.length === 0) return { status: "skipped", tried: 0, accepted: [], message: "UserName offered only on endpoints whose channel this client cannot open (client certificate not trusted)" };
  ctx.assertAllowed(OPCUA_CHECKS.defaultCredentials);
  const endpoint = [...endpoints].sort((a, b) => rank(a) - rank(b))[0]!;
  // lockout-aware: at most the login budget (default 3), paced, stopping at the first accepted
  const { budget, delayMs } = loginPacing(ctx.options, DEFAULT_CREDENTIAL_PACE_MS);
  const cited = defaultCredentials().credentials;
  const list = cited.slice(0, budget);
  ctx.log.info({ action: "ActivateSession(default credentials)", safety: "intrusive", endpoint: endpoint.endpointUrl, attempts: list.length, of: cited.length, paceMs: delayMs }, "trying cited default credentials");
  const accepted: { username: string; source: string }[] = [];
  let tried = 0;
  let client;
  try {
    client = await app.connect(endpoint);
  } catch (e) {
    return { status: "error", endpointUrl: endpoint.endpointUrl, tried, accepted, message: `secure channel not opened: ${session.errorText(e)}` };
  }
  try {
    for (const cred of list) {
      if (tried > 0) await pause(delayMs, ctx.signal);
      // a list cut short is not "none accepted": report it as an error (never a pass)
      if (ctx.signal.aborted) return { status: "error", endpointUrl: endpoint.endpointUrl, tried, accepted, message: `aborted after ${tried} of ${list.length} default credential(s)` };
      tried++;
      try {
        const s = await session.openSession(client, { kind: "username", username: cred.username, password: cred.password }, sopts);
        accepted.push({ username: cred.username, source: cred.source });
        await session.safeCloseSession(s, ctx.timeoutMs);
        break; // stop at the first success: one accepted default is the finding
      } catch (e) {
        if (session.classifyFailure(e) === "error") return { status: "error", endpointUrl: endpoint.endpointUrl, tried, accepted, message: session.errorText(e) };
      }
    }
  } finally {
    await session.safeDisconnect(client, ctx.timeoutMs);
  }
  return { status: "ok", endpointUrl: endpoint.endpointUrl, tried, accepted, message: `${tried} of ${cited.length} cited default credential(s) tried (login budget ${budget})` };
}
