// The policy rules: one rule per concern a policy clause can have (`policy.<concern>`). A clause on
// an offered set takes its concern from the plugin's set declaration (cryptography, protocol-version,
// authentication, exposure); a requirement clause names its concern. The Secure by Demand spec
// (src/catalog/secure-by-demand.yaml) maps each policy rule to elements and IEC 62443 references
// like any other rule, and its `checks` say which other rules' findings a requirement clause of
// that concern reads (src/policy/evaluate.ts).
import type { RuleMeta } from "../plugin.js";
import { specMapping } from "../catalog/spec.js";

/** The finding `protocol` of requirement clauses (they are about the device, not one service). */
export const POLICY_SOURCE = "policy";

/** Offered-set concerns (plugin declarations) first, then requirement-only concerns. */
export const POLICY_CONCERNS = [
  "cryptography",
  "protocol-version",
  "authentication",
  "exposure",
  "default-credentials",
  "cleartext",
  "mfa",
  "certificates",
  "authorization",
  "audit-logging",
] as const;
export type PolicyConcern = (typeof POLICY_CONCERNS)[number];

/** The core's own offered set: open services (`offers.services.open` in a policy file). */
export const SERVICES_KEY = "services";
export const SERVICES_SET = "open";

interface ConcernText {
  title: string;
  remediation: string;
}

const TEXT: Record<PolicyConcern, ConcernText> = {
  cryptography: {
    title: "Cryptography within the policy",
    remediation: "Disable the algorithms, cipher suites or security policies the policy does not allow (or that are weak), or change the policy on purpose.",
  },
  "protocol-version": {
    title: "Protocol versions and variants within the policy",
    remediation:
      "Disable the protocol versions and variants the policy does not allow (legacy versions, plain variants without security), or change the policy on purpose.",
  },
  authentication: {
    title: "Authentication within the policy",
    remediation: "Offer only the authentication methods and identity tokens the policy allows; turn off anonymous and unauthenticated access.",
  },
  exposure: {
    title: "Offered services and functions within the policy",
    remediation: "Turn off the services and functions the policy does not allow (least functionality), or change the policy on purpose.",
  },
  "default-credentials": {
    title: "No default credentials (policy requirement)",
    remediation: "Change every factory-default password and community before the device is put into service; run the check with --intrusive to observe it.",
  },
  cleartext: {
    title: "No cleartext channels (policy requirement)",
    remediation:
      "Turn off the cleartext variant of every protocol and use its secured variant (the failing findings name both), or tunnel what cannot be secured.",
  },
  mfa: {
    title: "Multifactor authentication on remote access (policy requirement)",
    remediation: "Require a second factor for every remote and privileged access; give bench credentials (--credentials) so otaudit can observe it.",
  },
  certificates: {
    title: "Certificates valid and validated (policy requirement)",
    remediation: "Use valid certificates with current keys and signatures, and validate peers against a trust list.",
  },
  authorization: {
    title: "Authorization enforced (policy requirement)",
    remediation: "Refuse writes and state changes from unauthenticated or unauthorised clients.",
  },
  "audit-logging": {
    title: "Security events logged (policy requirement)",
    remediation: "Turn on the device's audit events and send them to a collector.",
  },
};

export const isPolicyFinding = (f: { ruleId: string }) => f.ruleId.startsWith("policy.");

export function policyRuleId(concern: PolicyConcern): string {
  return `policy.${concern}`;
}

export function concernTitle(concern: PolicyConcern): string {
  return TEXT[concern].title;
}

/**
 * The policy rules' metas. Elements and IEC 62443 references are the spec's (read when first asked
 * for, so importing this module loads no data file).
 */
let metas: RuleMeta[] | undefined;

export function policyRuleMetas(): RuleMeta[] {
  return (metas ??= buildMetas()).map((m) => ({ ...m, elements: [...m.elements], iec62443: [...m.iec62443] }));
}

function buildMetas(): RuleMeta[] {
  return POLICY_CONCERNS.map((c) => {
    const m = specMapping(policyRuleId(c));
    return {
      id: policyRuleId(c),
      title: TEXT[c].title,
      elements: m?.elements ?? [],
      iec62443: m?.iec62443 ?? [],
      severity: "high",
      safety: "passive",
      remediation: TEXT[c].remediation,
      docs: `A clause of the policy given with --policy (otaudit policy schema): ${TEXT[c].title.toLowerCase()}. Every deviation is a failing finding naming the clause; what the device does not show is undetermined, never a pass.`,
    };
  });
}
