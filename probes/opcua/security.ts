// The probe's security decisions about endpoints, made once and recorded as facts (design.md "One
// source of truth per fact"): would a password sent with a UserName token travel in clear, and how
// many authentication factors does each user token give. Also what this client can protect a
// password with, and the last-moment check on the identity token node-opcua built, before it is
// sent. Policy URIs are compared exactly (OPC 10000-7: a policy is named by its URI; a case variant
// of `#None` is not a known policy, so it is `unknown`, never assumed to encrypt).
// Spec: OPC 10000-4 §7.36.3 (UserNameIdentityToken encryption), §7.41 (UserTokenPolicy: an empty
// SecurityPolicyUri means the endpoint's policy), §7.20 (MessageSecurityMode).
import type { AuthFactors, CertificateFacts, EndpointFacts, PasswordExposure, UserTokenPolicyFacts } from "./facts.js";
import { policyInfo } from "./knowledge.js";
import { firstDerLength, sha256Hex } from "./certificate.js";

/** A policy that encrypts: known (exact URI) and not None. Deprecated ones encrypt too (and are reported). */
export function knownEncrypting(uri: string | null | undefined): boolean {
  if (!uri) return false;
  const s = policyInfo(uri).status;
  return s === "secure" || s === "deprecated";
}

/** The policy that protects a user token: its own, or the endpoint's when empty (Part 4 §7.41). */
export function effectiveTokenPolicy(e: Pick<EndpointFacts, "securityPolicyUri">, tokenPolicyUri: string | null): string {
  return tokenPolicyUri && tokenPolicyUri.length > 0 ? tokenPolicyUri : e.securityPolicyUri;
}

export function authFactors(tokenType: UserTokenPolicyFacts["tokenType"]): AuthFactors {
  switch (tokenType) {
    case "Anonymous":
      return "none";
    case "UserName":
    case "Certificate":
      return "single";
    default:
      return "unknown"; // IssuedToken: an identity provider may require more; not observable
  }
}

const name = (uri: string) => `${policyInfo(uri).status === "unknown" ? "unknown policy" : "policy"} ${JSON.stringify(uri)}`;

/**
 * Would a password sent with this UserName token cross the network readable?
 * `parsedCertificates`: sha256 of the server certificates the probe could parse.
 */
export function passwordExposure(e: EndpointFacts, token: UserTokenPolicyFacts, parsedCertificates: ReadonlySet<string>): PasswordExposure {
  if (e.securityMode === "SignAndEncrypt" && knownEncrypting(e.securityPolicyUri)) {
    return {
      status: "protected",
      by: "channel",
      reason: `the channel is SignAndEncrypt with ${name(e.securityPolicyUri)}: every message, the password included, is encrypted`,
    };
  }
  const effective = effectiveTokenPolicy(e, token.securityPolicyUri);
  const info = policyInfo(effective);
  const channel = `${e.securityMode} channel with ${name(e.securityPolicyUri)}`;
  if (info.status === "unknown") {
    return {
      status: "unknown",
      reason: `token ${name(effective)}${token.securityPolicyUri ? "" : " (the endpoint's)"} is not a known policy URI: whether the password is encrypted cannot be told (a client that does not know it may send it in clear)`,
    };
  }
  if (info.status === "none") {
    if (e.securityMode === "SignAndEncrypt") {
      return { status: "unknown", reason: `token policy None on a ${channel}: the channel's policy is not known, so whether it encrypts cannot be told` };
    }
    return { status: "cleartext", reason: `token policy None on a ${channel}: the password travels in clear (OPC 10000-4 §7.36.3)` };
  }
  if (!e.certificateSha256)
    return {
      status: "cleartext",
      reason: `token ${name(effective)} but the endpoint carries no server certificate: there is no key to encrypt the password with, clients send it in clear`,
    };
  if (!parsedCertificates.has(e.certificateSha256))
    return {
      status: "unknown",
      reason: `token ${name(effective)} but the server certificate could not be parsed: whether a client can encrypt with it cannot be told`,
    };
  return { status: "protected", by: "token", reason: `the password is encrypted with ${name(effective)} and the server certificate (OPC 10000-4 §7.36.3)` };
}

/** Fill authFactors (every token) and passwordExposure (UserName tokens) of each endpoint. */
export function annotateEndpoints(endpoints: EndpointFacts[], certificates: CertificateFacts[]): EndpointFacts[] {
  const parsed = new Set(certificates.map((c) => c.sha256));
  return endpoints.map((e) => ({
    ...e,
    userTokens: e.userTokens.map((t) => ({
      ...t,
      authFactors: authFactors(t.tokenType),
      ...(t.tokenType === "UserName" ? { passwordExposure: passwordExposure(e, t, parsed) } : {}),
    })),
  }));
}

// ---------------------------------------------------------------------------------------------
// What this client sends a password with (node-opcua-client 2.182, Node 20)

/** Policies whose channel node-opcua can open here (never Basic128Rsa15: CVE-2023-46809 on Node 20). */
export const OPENABLE_POLICIES = ["Basic256Sha256", "Aes128_Sha256_RsaOaep", "Aes256_Sha256_RsaPss", "Basic256"] as const;

/** Asymmetric encryption algorithms of the token policies we accept for a password (OAEP only). */
export const PASSWORD_ENCRYPTION_ALGORITHMS: ReadonlyMap<string, string> = new Map([
  ["http://www.w3.org/2001/04/xmlenc#rsa-oaep", "RSA-OAEP (Basic256, Basic256Sha256, Aes128_Sha256_RsaOaep)"],
  ["http://opcfoundation.org/UA/security/rsa-oaep-sha2-256", "RSA-OAEP-SHA256 (Aes256_Sha256_RsaPss)"],
]);

export function openable(e: Pick<EndpointFacts, "securityPolicyUri" | "securityMode">): boolean {
  if (e.securityMode === "Invalid") return false;
  const info = policyInfo(e.securityPolicyUri);
  return info.status === "none" || (OPENABLE_POLICIES as readonly string[]).includes(info.name);
}

/** A plan to send a password: the endpoint, the one token policy to use, and what must protect it. */
export interface PasswordPlan {
  endpoint: EndpointFacts;
  policyId: string;
  by: "channel" | "token";
}

/** Where this client may send a password: the probe's exposure says protected, by a policy we implement. */
export function passwordPlans(endpoints: EndpointFacts[]): PasswordPlan[] {
  const plans: PasswordPlan[] = [];
  for (const e of endpoints) {
    if (!openable(e)) continue;
    for (const t of e.userTokens) {
      const x = t.passwordExposure;
      if (t.tokenType !== "UserName" || x?.status !== "protected" || !x.by) continue;
      if (x.by === "token" && !(OPENABLE_POLICIES as readonly string[]).includes(policyInfo(effectiveTokenPolicy(e, t.securityPolicyUri)).name)) continue;
      plans.push({ endpoint: e, policyId: t.policyId, by: x.by });
    }
  }
  // channel protection first, then the endpoint's own order
  return plans.sort((a, b) => (a.by === "channel" ? 0 : 1) - (b.by === "channel" ? 0 : 1));
}

/** The identity token node-opcua built, as the guard sees it (UserNameIdentityToken, Part 4 §7.36.3). */
export interface BuiltUserNameToken {
  policyId: string;
  encryptionAlgorithm: string | null;
  password: Buffer | null;
}

/**
 * The last check before a password leaves: returns why it must not be sent, or null. The token must
 * use the planned policy; then either the channel really is SignAndEncrypt with a known encrypting
 * policy, or the token is encrypted (OAEP) with the very certificate the probe saw for the endpoint.
 */
export function refusePassword(
  plan: PasswordPlan,
  token: BuiltUserNameToken,
  channel: { mode: string; policyUri: string },
  serverCertificate: Buffer | null,
  plaintextLength: number,
): string | null {
  if (token.policyId !== plan.policyId)
    return `the client chose user token policy ${JSON.stringify(token.policyId)}, not the planned ${JSON.stringify(plan.policyId)}`;
  if (channel.mode === "SignAndEncrypt" && knownEncrypting(channel.policyUri)) return null;
  if (plan.by === "channel") return `the channel is ${channel.mode} with ${JSON.stringify(channel.policyUri)}, not the planned SignAndEncrypt`;
  const alg = token.encryptionAlgorithm ?? "";
  if (!PASSWORD_ENCRYPTION_ALGORITHMS.has(alg))
    return `the password would be sent with encryption algorithm ${JSON.stringify(alg || null)}: not one otaudit knows to encrypt`;
  if (!token.password || token.password.length <= plaintextLength) return "the token's password field is not a ciphertext";
  if (!serverCertificate || serverCertificate.length === 0) return "the server gave no certificate in CreateSession: nothing to encrypt with";
  let sha: string;
  try {
    sha = sha256Hex(serverCertificate.subarray(0, firstDerLength(serverCertificate)));
  } catch {
    return "the server certificate in CreateSession is not a DER certificate";
  }
  if (sha !== plan.endpoint.certificateSha256) return "the server certificate in CreateSession is not the one the endpoint listed";
  return null;
}
