// OPC UA rules on the endpoint list (passive facts): security policies, message security modes.
// Policy URIs are judged by the data file, exactly (knowledge.ts policyInfo): an unknown URI, a case
// variant of a known one included, makes a rule undetermined (`unknown-value`), never a pass; so
// does an endpoint list the probe could not read whole (`incomplete`).
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { fail, pass, undetermined } from "../../src/rule-kit.js";
import type { EndpointFacts, OpcuaFacts } from "./facts.js";
import { policyInfo } from "./knowledge.js";
import { knownEncrypting } from "./security.js";

export const DOCS = "https://reference.opcfoundation.org/Core/Part2/v105/docs/";

export function epLabel(e: EndpointFacts) {
  return { endpointUrl: e.endpointUrl, securityPolicy: policyInfo(e.securityPolicyUri).name, securityMode: e.securityMode };
}

/** Why the endpoint list cannot support a "no endpoint does X" pass, or undefined when it can. */
export function endpointListGap(facts: OpcuaFacts): RuleOutcome | undefined {
  if (facts.endpoints.length === 0) return undetermined("no-answer", "the server listed no endpoint", { endpointList: facts.endpointList });
  const l = facts.endpointList;
  if (l?.error) return undetermined("incomplete", `the endpoint list could not be read whole (${l.error}); ${l.kept} endpoint(s) kept`, { endpointList: l });
  if (l && l.declared > l.kept)
    return undetermined("incomplete", `the server announced ${l.declared} endpoints; ${l.kept} were kept and judged`, { endpointList: l });
  return undefined;
}

const unknownPolicies = (eps: EndpointFacts[]) => [
  ...new Set(eps.filter((e) => policyInfo(e.securityPolicyUri).status === "unknown").map((e) => e.securityPolicyUri)),
];

const securityPolicyNone = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-policy.none",
    title: "OPC UA endpoint offers SecurityPolicy None",
    elements: [7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Disable endpoints with SecurityPolicy None (keep discovery only); offer Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss with SignAndEncrypt.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const none = facts.endpoints.filter((e) => policyInfo(e.securityPolicyUri).status === "none");
    if (none.length > 0) {
      return fail(`SecurityPolicy None offered on ${[...new Set(none.map((e) => e.endpointUrl))].join(", ")}: messages are neither signed nor encrypted`, {
        securityPolicy: "None",
        securityPolicyUri: none[0]!.securityPolicyUri,
        endpoints: none.map(epLabel),
        why: policyInfo(none[0]!.securityPolicyUri).reasons,
      });
    }
    const unknown = unknownPolicies(facts.endpoints);
    if (unknown.length)
      return undetermined("unknown-value", `security policy URI(s) not known exactly, cannot be judged: ${unknown.join(", ")}`, {
        unknownPolicies: unknown,
        endpoints: facts.endpoints.map(epLabel),
      });
    return endpointListGap(facts) ?? pass("no endpoint offers SecurityPolicy None", { endpoints: facts.endpoints.map(epLabel) });
  },
});

const deprecatedPolicies = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-policy.deprecated",
    title: "OPC UA endpoint offers a deprecated security policy (Basic128Rsa15, Basic256)",
    elements: [7],
    iec62443: ["CR 4.3", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation: "Disable Basic128Rsa15 and Basic256; use Basic256Sha256, Aes128_Sha256_RsaOaep or Aes256_Sha256_RsaPss.",
    docs: "https://reference.opcfoundation.org/Core/Part7/",
  },
  check({ facts }) {
    const byPolicy = new Map<string, EndpointFacts[]>();
    for (const e of facts.endpoints) {
      if (policyInfo(e.securityPolicyUri).status !== "deprecated") continue;
      byPolicy.set(e.securityPolicyUri, [...(byPolicy.get(e.securityPolicyUri) ?? []), e]);
    }
    if (byPolicy.size > 0) {
      return [...byPolicy.entries()].map(([uri, eps]): RuleOutcome => {
        const info = policyInfo(uri);
        // Basic128Rsa15 adds PKCS#1 v1.5 encryption and short keys to SHA-1: worse than Basic256
        return fail(
          `deprecated security policy ${info.name} offered on ${[...new Set(eps.map((e) => e.endpointUrl))].join(", ")}`,
          {
            securityPolicy: info.name,
            securityPolicyUri: uri,
            modes: eps.map((e) => e.securityMode),
            endpoints: eps.map(epLabel),
            why: info.reasons,
            spec: info.spec,
          },
          { severity: info.reasons.length > 1 ? "high" : "medium" },
        );
      });
    }
    const unknown = unknownPolicies(facts.endpoints);
    if (unknown.length)
      return undetermined("unknown-value", `security policy URI(s) not known exactly, cannot be judged: ${unknown.join(", ")}`, { unknownPolicies: unknown });
    return (
      endpointListGap(facts) ??
      pass("no deprecated security policy offered", { policies: [...new Set(facts.endpoints.map((e) => policyInfo(e.securityPolicyUri).name))] })
    );
  },
});

const noEncryption = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-mode.no-encryption",
    title: "OPC UA server offers only Sign or None message security modes",
    elements: [5, 7],
    iec62443: ["CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation: "Offer at least one SignAndEncrypt endpoint with a current policy and make clients use it.",
    docs: `${DOCS}4.4`,
  },
  check({ facts }) {
    const encrypted = facts.endpoints.filter((e) => e.securityMode === "SignAndEncrypt" && knownEncrypting(e.securityPolicyUri));
    const modes = [...new Set(facts.endpoints.map((e) => e.securityMode))];
    if (encrypted.length > 0)
      return pass(`SignAndEncrypt offered (${[...new Set(encrypted.map((e) => policyInfo(e.securityPolicyUri).name))].join(", ")})`, {
        modes,
        encrypted: encrypted.map(epLabel),
      });
    const maybe = facts.endpoints.filter((e) => e.securityMode === "SignAndEncrypt" && policyInfo(e.securityPolicyUri).status === "unknown");
    if (maybe.length)
      return undetermined(
        "unknown-value",
        `SignAndEncrypt offered only with policy URI(s) not known exactly: ${[...new Set(maybe.map((e) => e.securityPolicyUri))].join(", ")}`,
        { modes, endpoints: maybe.map(epLabel) },
      );
    return (
      endpointListGap(facts) ?? fail(`no endpoint encrypts traffic: modes offered are ${modes.join(", ")}`, { modes, endpoints: facts.endpoints.map(epLabel) })
    );
  },
});

/** Raw MessageSecurityMode (Part 4 §7.20); recordings without it fall back to the mapped name. */
function modeValue(e: EndpointFacts): number | undefined {
  return e.securityModeValue ?? (e.securityMode === "Invalid" ? 0 : undefined);
}

const invalidMode = defineRule<OpcuaFacts>({
  meta: {
    id: "opcua.security-mode.invalid",
    title: "OPC UA endpoint with MessageSecurityMode Invalid (or a value outside the enumeration)",
    elements: [7],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "medium",
    safety: "passive",
    remediation:
      "Configure every endpoint with MessageSecurityMode Sign or SignAndEncrypt; Invalid (0) is a default value and never a usable security mode (OPC 10000-4 §7.20).",
    docs: "https://reference.opcfoundation.org/Core/Part4/v105/docs/7.20",
  },
  check({ facts }) {
    const invalid = facts.endpoints.filter((e) => {
      const v = modeValue(e);
      return v !== undefined && !(v >= 1 && v <= 3);
    });
    if (invalid.length)
      return fail(`endpoint(s) with an invalid MessageSecurityMode: ${invalid.map((e) => `${e.endpointUrl} (${modeValue(e)})`).join(", ")}`, {
        endpoints: invalid.map((e) => ({ ...epLabel(e), securityModeValue: modeValue(e) })),
      });
    return (
      endpointListGap(facts) ?? pass("every endpoint has a valid MessageSecurityMode", { modes: [...new Set(facts.endpoints.map((e) => e.securityMode))] })
    );
  },
});

export const TRANSPORT_RULES = [securityPolicyNone, deprecatedPolicies, noEncryption, invalidMode];
