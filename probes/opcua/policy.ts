// What an OPC UA server offers, as named sets for policies (src/policy): the security policies and
// message security modes of its endpoints and the user identity token types they accept (OPC
// 10000-4 §7.14 EndpointDescription, §7.42 UserTokenType), from GetEndpoints. A policy URI under
// the standard prefix is named by its fragment ("Basic256Sha256"); any other URI (a case variant
// too) is kept whole, so it never passes as a known policy. The sets are complete only when the
// endpoint list was read to its end (every endpoint announced was kept, no parse error) and every
// discovery URL of the same host that was contacted answered.
import type { PolicyOffer, PolicySetDecl } from "../../src/plugin.js";
import type { OpcuaFacts } from "./facts.js";

export const OPCUA_POLICY_SETS: Readonly<Record<string, PolicySetDecl>> = {
  securityPolicies: { title: "security policies of the endpoints", concern: "cryptography" },
  securityModes: { title: "message security modes of the endpoints", concern: "cryptography" },
  userTokenTypes: { title: "user identity token types accepted", concern: "authentication" },
};

const POLICY_PREFIX = "http://opcfoundation.org/UA/SecurityPolicy#";

export function policyName(uri: string): string {
  return uri.startsWith(POLICY_PREFIX) && /^[A-Za-z0-9_]+$/.test(uri.slice(POLICY_PREFIX.length)) ? uri.slice(POLICY_PREFIX.length) : uri;
}

/** Why the endpoint list may not be the whole list (undefined: it is). */
function listGap(f: OpcuaFacts): string | undefined {
  if (!f.endpointList) return "the endpoint list was not recorded with its announced length";
  if (f.endpointList.error) return `the endpoint list ended in a parse error (${f.endpointList.error})`;
  if (f.endpointList.kept < f.endpointList.declared)
    return `${f.endpointList.declared - f.endpointList.kept} of ${f.endpointList.declared} endpoints were not kept`;
  const failed = f.discovery?.contacted.filter((c) => c.status === "error") ?? [];
  if (failed.length) return `discovery URL ${failed[0]!.url} did not answer GetEndpoints`;
  return undefined;
}

export function opcuaPolicyFacts(f: OpcuaFacts): Record<string, PolicyOffer> {
  if (f.endpoints.length === 0) return {};
  const gap = listGap(f);
  const offer = (values: Iterable<string>, extraGap?: string): PolicyOffer => {
    const why = [gap, extraGap].filter(Boolean).join("; ");
    return why ? { offered: [...new Set(values)], complete: false, note: why } : { offered: [...new Set(values)], complete: true };
  };
  const dropped = f.endpoints.reduce((n, e) => n + (e.userTokensDropped ?? 0), 0);
  return {
    securityPolicies: offer(f.endpoints.map((e) => policyName(e.securityPolicyUri))),
    // a mode value outside the four of OPC 10000-4 §7.20 is kept as its number
    securityModes: offer(
      f.endpoints.map((e) =>
        e.securityModeValue !== undefined && ![0, 1, 2, 3].includes(e.securityModeValue) ? `mode ${e.securityModeValue}` : e.securityMode,
      ),
    ),
    userTokenTypes: offer(
      f.endpoints.flatMap((e) => e.userTokens.map((t) => (t.tokenType === "Unknown" ? `Unknown (${t.tokenTypeValue ?? "?"})` : t.tokenType))),
      dropped ? `${dropped} user token policies were not kept` : undefined,
    ),
  };
}
