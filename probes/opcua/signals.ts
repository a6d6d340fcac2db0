// Fleet signals of the OPC UA plugin (plugin contract v2). Remote access: an Anonymous user token is
// `none`; a UserName token (password only) or a user certificate alone is `single-factor` (an OPC
// UA session carries one user identity token, OPC 10000-4 §7.41: there is no second factor to
// observe); only other token types are `unknown` — all as the probe recorded per token
// (authFactors). Cleartext: endpoints with security mode None, and UserName tokens whose password
// the probe found would travel unencrypted (passwordExposure). Keys: application instance certificates.
// Default credentials: accepted ones by user name; "checked, none accepted" only for a complete run.
import { portOfUrl } from "../../src/advisories/identify.js";
import type { AuthFactors, FleetSignals } from "../../src/plugin.js";
import type { EndpointFacts, OpcuaFacts } from "./facts.js";

/** The target's own endpoints (a discovery server may list other servers' endpoints too). */
function ownEndpoints(facts: OpcuaFacts): EndpointFacts[] {
  const own = facts.endpoints.filter((e) => e.listedBy === undefined || e.listedBy === facts.discoveryUrl);
  return own.length ? own : facts.endpoints;
}

const FACTOR_ORDER: AuthFactors[] = ["none", "single-factor", "unknown", "mfa-verified"];

/**
 * Remote access: the weakest user token over the target's own endpoints, as the probe judged each
 * token (`authFactors`: none / single / unknown). An OPC UA session carries one user identity
 * token (OPC 10000-4 §7.41), so nothing here can prove a second factor.
 */
function remoteFactors(facts: OpcuaFacts): { factors: AuthFactors; detail: string } {
  const tokens = ownEndpoints(facts).flatMap((e) => e.userTokens);
  if (tokens.length === 0) return { factors: "unknown", detail: "no user token policy read" };
  const judged = tokens.map((t) => ({ t, f: t.authFactors === "none" ? "none" : t.authFactors === "single" ? "single-factor" : "unknown" }) as const);
  const worst = judged.reduce((a, b) => (FACTOR_ORDER.indexOf(b.f) < FACTOR_ORDER.indexOf(a.f) ? b : a));
  const detail =
    worst.f === "none"
      ? `Anonymous user token offered (anonymous session ${facts.anonymousSession.status})`
      : worst.f === "single-factor"
        ? `${worst.t.tokenType} token: one credential alone opens a session`
        : `user tokens ${[...new Set(tokens.map((t) => t.tokenType))].join(", ")}: factors not known`;
  return { factors: worst.f, detail };
}

export function opcuaSignals(facts: OpcuaFacts): FleetSignals {
  const port = portOfUrl(facts.discoveryUrl) ?? null;
  const scheme = "opc.tcp";
  const out: FleetSignals = { remoteAccess: [], defaultCredentials: [], defaultCredentialChecks: [], cleartext: [], keys: [] };
  if (facts.endpoints.length > 0) out.remoteAccess!.push({ scheme, port, ...remoteFactors(facts) });
  // "checked, none accepted" only for a run where every planned attempt got a definite answer
  // (status ok), as opcua.credentials.default passes: an attempt that errored is not a refusal
  const d = facts.defaultCredentials;
  if (d && d.status === "ok" && d.tried > 0 && d.accepted.length === 0) out.defaultCredentialChecks!.push({ scheme, port, tried: d.tried });
  for (const a of facts.defaultCredentials?.accepted ?? []) {
    out.defaultCredentials!.push({ scheme, port, key: `opcua:${a.username}`, label: `user '${a.username}'`, source: a.source });
  }
  const none = [...new Set(facts.endpoints.filter((e) => e.securityMode === "None").map((e) => e.endpointUrl))];
  if (none.length) out.cleartext!.push({ scheme, port, carries: "data", detail: `security mode None on ${none.join(", ")}` });
  // the probe's own decision per UserName token (passwordExposure): one source of truth
  const clearPasswords = [
    ...new Set(facts.endpoints.filter((e) => e.userTokens.some((t) => t.passwordExposure?.status === "cleartext")).map((e) => e.endpointUrl)),
  ];
  if (clearPasswords.length)
    out.cleartext!.push({ scheme, port, carries: "credentials", detail: `UserName passwords would travel unencrypted on ${clearPasswords.join(", ")}` });
  const seen = new Set<string>();
  for (const c of facts.certificates) {
    if (seen.has(c.sha256)) continue;
    seen.add(c.sha256);
    out.keys!.push({ kind: "x509-certificate", fingerprint: c.sha256, scheme, port, label: `application certificate ${c.subject}` });
  }
  for (const e of facts.endpoints) {
    if (!e.certificateSha256 || seen.has(e.certificateSha256)) continue;
    seen.add(e.certificateSha256);
    out.keys!.push({ kind: "x509-certificate", fingerprint: e.certificateSha256, scheme, port, label: "application certificate" });
  }
  return out;
}
