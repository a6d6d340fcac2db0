// Fleet signals of the OPC UA plugin (plugin contract v2). Remote access: an Anonymous user token is
// `none`; a UserName token (password only) or a user certificate alone is `single-factor` (an OPC
// UA session carries one user identity token, OPC 10000-4 §7.41: there is no second factor to
// observe); only other token types are `unknown`. Cleartext: endpoints with security mode None, and
// UserName tokens whose password would travel unencrypted. Keys: application instance certificates.
import { portOfUrl } from "../../src/advisories/identify.js";
import type { AuthFactors, FleetSignals } from "../../src/plugin.js";
import type { EndpointFacts, OpcuaFacts } from "./facts.js";
import { policyInfo } from "./knowledge.js";
import { effectiveTokenPolicy } from "./rules.js";

/**
 * A password sent with this endpoint's first UserName token policy is encrypted: a SignAndEncrypt
 * channel under a real policy, or a server certificate and a token policy other than None. The same
 * decision the probe makes before it sends a bench password (probe.ts passwordProtected).
 */
function passwordProtected(e: EndpointFacts): boolean {
  const token = e.userTokens.find((t) => t.tokenType === "UserName");
  if (!token) return false;
  if (e.securityMode === "SignAndEncrypt" && policyInfo(e.securityPolicyUri).status !== "none") return true;
  return e.certificateSha256 !== null && policyInfo(effectiveTokenPolicy(e, token.securityPolicyUri)).status !== "none";
}

function remoteFactors(facts: OpcuaFacts): { factors: AuthFactors; detail: string } {
  const tokens = new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)));
  if (tokens.has("Anonymous")) return { factors: "none", detail: `Anonymous user token offered (anonymous session ${facts.anonymousSession.status})` };
  if (tokens.has("UserName")) return { factors: "single-factor", detail: "UserName token: a password alone opens a session" };
  if (tokens.has("Certificate")) return { factors: "single-factor", detail: "X.509 user certificate alone opens a session" };
  return { factors: "unknown", detail: tokens.size ? `user tokens ${[...tokens].join(", ")}` : "no user token policy read" };
}

export function opcuaSignals(facts: OpcuaFacts): FleetSignals {
  const port = portOfUrl(facts.discoveryUrl) ?? null;
  const scheme = "opc.tcp";
  const out: FleetSignals = { remoteAccess: [], defaultCredentials: [], defaultCredentialChecks: [], cleartext: [], keys: [] };
  if (facts.endpoints.length > 0) out.remoteAccess!.push({ scheme, port, ...remoteFactors(facts) });
  if (facts.defaultCredentials && facts.defaultCredentials.tried > 0) out.defaultCredentialChecks!.push({ scheme, port, tried: facts.defaultCredentials.tried });
  for (const a of facts.defaultCredentials?.accepted ?? []) {
    out.defaultCredentials!.push({ scheme, port, key: `opcua:${a.username}`, label: `user '${a.username}'`, source: a.source });
  }
  const none = [...new Set(facts.endpoints.filter((e) => e.securityMode === "None").map((e) => e.endpointUrl))];
  if (none.length) out.cleartext!.push({ scheme, port, carries: "data", detail: `security mode None on ${none.join(", ")}` });
  const clearPasswords = [...new Set(facts.endpoints.filter((e) => e.userTokens.some((t) => t.tokenType === "UserName") && !passwordProtected(e)).map((e) => e.endpointUrl))];
  if (clearPasswords.length) out.cleartext!.push({ scheme, port, carries: "credentials", detail: `UserName passwords would travel unencrypted on ${clearPasswords.join(", ")}` });
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
