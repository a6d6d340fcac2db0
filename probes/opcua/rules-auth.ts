// OPC UA rules on authentication and trust: anonymous access, passwords that would travel in clear
// (read from the probe's one decision, passwordExposure; never re-derived here), default
// credentials and self-signed user certificates accepted (intrusive), unknown client certificates
// trusted, and whether the server advertises role-based access (ServerProfileArray).
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, skipped, undetermined } from "../../src/rule-kit.js";
import type { OpcuaFacts } from "./facts.js";
import { policyInfo, serverProfiles } from "./knowledge.js";
import { DOCS, endpointListGap, epLabel } from "./rules-transport.js";

const anonymousToken = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.user-token.anonymous",
    title: "OPC UA server offers the Anonymous user identity token",
    elements: [6, 9],
    iec62443: ["CR 1.1", "CR 2.1"],
    severity: "high",
    safety: "passive",
    remediation: "Remove the Anonymous user token policy; require user names with passwords or user certificates per person.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const anon = facts.endpoints.filter((e) => e.userTokens.some((t) => t.tokenType === "Anonymous"));
    if (anon.length > 0)
      return fail(`anonymous user token offered on ${anon.length} endpoint(s); anonymous session ${facts.anonymousSession.status}`, {
        tokenType: "Anonymous",
        endpoints: anon.map(epLabel),
        anonymousSession: facts.anonymousSession.status,
      });
    const unknown = facts.endpoints.flatMap((e) =>
      e.userTokens
        .filter((t) => t.tokenType === "Unknown")
        .map((t) => ({ endpointUrl: e.endpointUrl, policyId: t.policyId, tokenTypeValue: t.tokenTypeValue })),
    );
    if (unknown.length)
      return undetermined(
        "unknown-value",
        `user token type(s) outside the enumeration (OPC 10000-4 §7.42): ${unknown.map((u) => u.tokenTypeValue).join(", ")}`,
        { unknownTokens: unknown },
      );
    const dropped = facts.endpoints.reduce((n, e) => n + (e.userTokensDropped ?? 0), 0);
    if (dropped) return undetermined("incomplete", `${dropped} user token polic(ies) beyond the kept ones were not judged`, { userTokensDropped: dropped });
    return (
      endpointListGap(facts) ??
      pass("no endpoint offers anonymous access", { tokenTypes: [...new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)))] })
    );
  },
});

const cleartextPassword = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.user-token.cleartext-password",
    title: "OPC UA UserName token whose password would travel unencrypted",
    elements: [5, 7, 9],
    iec62443: ["CR 1.5", "CR 4.1"],
    severity: "critical",
    safety: "passive",
    remediation:
      "Give UserName token policies a security policy (e.g. Basic256Sha256) and the endpoint a server certificate so passwords are encrypted, or offer them only on SignAndEncrypt endpoints.",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/7.36.3",
  },
  check({ facts }) {
    const tokens = facts.endpoints.flatMap((e) => e.userTokens.filter((t) => t.tokenType === "UserName").map((t) => ({ e, t })));
    if (tokens.length === 0) {
      const gap = endpointListGap(facts);
      return gap && gap.reason !== "no-answer"
        ? gap
        : notApplicable("no UserName token offered", { tokenTypes: [...new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)))] });
    }
    const row = ({ e, t }: (typeof tokens)[number]) => ({
      ...epLabel(e),
      policyId: t.policyId,
      tokenSecurityPolicyUri: t.securityPolicyUri,
      exposure: t.passwordExposure?.status,
      why: t.passwordExposure?.reason,
    });
    const clear = tokens.filter(({ t }) => t.passwordExposure?.status === "cleartext");
    if (clear.length)
      return fail(`passwords would cross the network in clear text on ${[...new Set(clear.map(({ e }) => e.endpointUrl))].join(", ")}`, {
        tokens: clear.map(row),
      });
    const missing = tokens.filter(({ t }) => !t.passwordExposure);
    if (missing.length)
      return undetermined("unobservable", "the facts do not record the probe's password-exposure decision (recorded by an older probe): rescan", {
        userNameTokens: tokens.length,
      });
    const unknown = tokens.filter(({ t }) => t.passwordExposure?.status === "unknown");
    if (unknown.length)
      return undetermined(
        "unknown-value",
        `whether the password is encrypted cannot be told on ${unknown.length} UserName token(s): ${unknown[0]!.t.passwordExposure!.reason}`,
        { tokens: unknown.map(row) },
      );
    return endpointListGap(facts) ?? pass("every UserName token policy protects the password", { tokens: tokens.map(row) });
  },
});

const defaultCredentialsAccepted = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.credentials.default",
    title: "OPC UA server accepts default credentials",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change every default password before commissioning; require unique per-user credentials.",
    docs: "https://reference.opcfoundation.org/Core/Part2/v105/docs/4.4",
  },
  check({ facts }) {
    const d = facts.defaultCredentials;
    if (!d) return skipped("default credentials not tried");
    const ev = { endpointUrl: d.endpointUrl, tried: d.tried, planned: d.planned };
    if (d.accepted.length > 0) return fail(`default credentials accepted for ${d.accepted.map((a) => a.username).join(", ")}`, { ...ev, accepted: d.accepted });
    if (d.status === "skipped")
      return d.message.startsWith("no UserName token")
        ? notApplicable(d.message, { tokenTypes: [...new Set(facts.endpoints.flatMap((e) => e.userTokens.map((t) => t.tokenType)))] })
        : undetermined("not-attempted", d.message, ev);
    if (d.status === "error") return error(d.message, ev);
    if (d.tried === 0) return undetermined("not-attempted", d.message, ev);
    return pass(`none of ${d.tried} default credential(s) accepted`, ev);
  },
});

/** Trust-test style facts (accepted / rejected / ...) as an outcome: accepted fails, rejected passes. */
function trustOutcome(
  t: { status: string; endpointUrl?: string; securityPolicyUri?: string; securityMode?: string; message: string },
  accepted: string,
  rejected: string,
): RuleOutcome {
  const ev = {
    endpointUrl: t.endpointUrl,
    securityPolicy: t.securityPolicyUri ? policyInfo(t.securityPolicyUri).name : undefined,
    securityMode: t.securityMode,
    detail: t.message,
  };
  switch (t.status) {
    case "accepted":
      return fail(accepted, ev);
    case "rejected":
      return pass(rejected, ev);
    case "not_applicable":
      return notApplicable(t.message, ev);
    case "skipped":
      return skipped(t.message, ev);
    default:
      return error(`test could not run: ${t.message}`, ev);
  }
}

const unknownCertAccepted = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.trust.unknown-client-certificate",
    title: "OPC UA server accepts a client certificate it has never seen",
    elements: [7],
    iec62443: ["CR 1.8", "CR 1.9"],
    severity: "high",
    safety: "read",
    remediation: "Turn off automatic acceptance of unknown certificates; trust client applications explicitly (trust list or GDS).",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/6.1.3",
  },
  check({ facts }) {
    const t = facts.trustTest;
    return trustOutcome(
      t,
      `secure channel opened on ${t.endpointUrl} with a fresh self-signed client certificate: the server trusts anyone`,
      `unknown client certificate refused on ${t.endpointUrl}`,
    );
  },
});

const selfSignedUserCert = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.trust.self-signed-user-certificate",
    title: "OPC UA server accepts a self-signed X.509 user certificate it has never seen",
    elements: [9],
    iec62443: ["CR 1.1", "CR 1.8"],
    severity: "high",
    safety: "intrusive",
    remediation: "Accept X.509 user tokens only from a configured user trust list or CA; never trust unknown user certificates automatically.",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/7.36.5",
  },
  check({ facts }) {
    const t = facts.userCertificateTest;
    if (!t) return skipped("self-signed user certificate not tried");
    return trustOutcome(
      t,
      `session activated on ${t.endpointUrl} with a fresh self-signed user certificate: any holder of a certificate is a user`,
      `fresh self-signed user certificate refused on ${t.endpointUrl}`,
    );
  },
});

const rbacNotAdvertised = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.rbac.not-advertised",
    title: "OPC UA server advertises no role-based user access control profile",
    elements: [9],
    iec62443: ["CR 2.1", "CR 1.1"],
    severity: "low",
    safety: "read",
    remediation:
      "Use a server that implements role-based access (OPC 10000-18 roles, Security User Access Control Full) and map users to roles with least privilege.",
    docs: "https://reference.opcfoundation.org/Core/Part18/v105/docs/4",
  },
  check({ facts }) {
    const info = facts.serverInfo;
    if (!info)
      return skipped(`ServerProfileArray not read: no session (anonymous ${facts.anonymousSession.status}; supply credentials to read it)`, {
        anonymousSession: facts.anonymousSession.status,
      });
    if (info.serverProfilesStatus !== "ok" || !info.serverProfiles)
      return undetermined("unobservable", `ServerProfileArray could not be read${info.error ? `: ${info.error}` : ""}`, { nodeId: "i=2269" });
    const known = serverProfiles().profiles;
    const rbac = known.filter((p) => p.rbac && info.serverProfiles!.some((s) => s === p.uri || s === p.title));
    const ev = { nodeId: "i=2269", serverProfiles: info.serverProfiles };
    if (rbac.length) return pass(`role-based access advertised: ${rbac.map((p) => p.title).join(", ")}`, { ...ev, rbacProfiles: rbac.map((p) => p.uri) });
    return fail(`ServerProfileArray lists no role-based access control profile (${info.serverProfiles.length} profile(s) listed)`, ev);
  },
});

export const AUTH_RULES = [anonymousToken, cleartextPassword, defaultCredentialsAccepted, unknownCertAccepted, selfSignedUserCert, rbacNotAdvertised];
