// The policy file (YAML; ssh-audit's -P/-M policies are the model, widened to every protocol):
// `offers` lists per protocol (a plugin id) and per named set (the plugin's `policySets`) what is
// allowed, denied or required, plus the core's set of open services (`offers.services.open`);
// `requirements` are protocol-agnostic clauses by concern (no default credentials, no cleartext,
// MFA on remote access, ...), each with the IEC 62443 requirements it derives from and why.
// Validated with zod, then against the loaded plugins and the Secure by Demand spec: every problem
// is a `source: path.to.field: message` line (exit 2). `otaudit policy schema` prints the JSON Schema.
import { z } from "zod";
import { Iec62443Ref, Severity } from "../model/common.js";
import type { ProtocolPlugin } from "../plugin.js";
import { secureByDemandSpec } from "../catalog/spec.js";
import { POLICY_CONCERNS, SERVICES_KEY, SERVICES_SET } from "./rules.js";

export const POLICY_FORMAT_VERSION = 1;
/** Bounds: a policy is written by people or `policy make`, never thousands of entries. */
const MAX_VALUES = 500;
const Value = z.string().min(1).max(300);
const Values = z.array(Value).max(MAX_VALUES);
const Why = z.string().min(3).max(2000);

export const SetClause = z
  .object({
    /** the device may offer only these (anything else offered deviates) */
    allow: Values.optional(),
    /** the device must not offer any of these */
    deny: Values.optional(),
    /** the device must offer all of these */
    require: Values.optional(),
    why: Why.optional(),
    derivesFrom: z.array(Iec62443Ref).max(20).optional(),
    severity: Severity.optional(),
  })
  .strict()
  .refine((c) => c.allow !== undefined || c.deny !== undefined || c.require !== undefined, { message: "give allow, deny or require (a list of values)" });
export type SetClause = z.infer<typeof SetClause>;

export const RequirementClause = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "a clause id such as 'no-default-credentials'"),
    title: z.string().min(3).max(200),
    concern: z.enum(POLICY_CONCERNS),
    /** the IEC 62443 requirements the clause derives from: only evidence of rules citing one of them counts */
    derivesFrom: z.array(Iec62443Ref).min(1).max(20),
    why: Why,
    /** the IEC 62443-4-2 security level (SL-C) from which the clause applies (built-in SL policies) */
    level: z.number().int().min(1).max(4).optional(),
    severity: Severity.optional(),
  })
  .strict();
export type RequirementClause = z.infer<typeof RequirementClause>;

const Key = z.string().regex(/^[a-z][a-z0-9-]*$/, "a plugin id");
const SetKey = z.string().regex(/^[A-Za-z][A-Za-z0-9-]*$/, "a set name");

export const PolicyDocument = z
  .object({
    otauditPolicy: z.literal(POLICY_FORMAT_VERSION),
    name: z.string().min(1).max(200),
    description: z.string().max(4000).optional(),
    /** a built-in policy whose clauses come first (e.g. an SL 2 policy extends the SL 1 one) */
    extends: z
      .string()
      .regex(/^[a-z0-9-]+$/, "the name of a built-in policy")
      .optional(),
    /** how the policy was made (`otaudit policy make`): the result file and the golden device */
    madeFrom: z
      .object({ result: z.string().max(1000), device: z.string().max(300), tool: z.string().max(50), at: z.string().max(40) })
      .strict()
      .optional(),
    /** severity of a deviation unless a clause says otherwise */
    severity: Severity.default("high"),
    offers: z.record(Key, z.record(SetKey, SetClause)).default({}),
    requirements: z.array(RequirementClause).max(200).default([]),
    /** sets the golden device did not show completely, left out by `policy make` (information only) */
    notIncluded: z
      .array(z.object({ set: z.string().max(200), why: z.string().max(2000) }).strict())
      .max(500)
      .optional(),
  })
  .strict()
  .refine((p) => p.extends !== undefined || Object.values(p.offers).some((sets) => Object.keys(sets).length > 0) || p.requirements.length > 0, {
    message: "the policy has no clause (give offers or requirements)",
  });
export type PolicyDocument = z.infer<typeof PolicyDocument>;

/** A validated policy with where it came from. */
export interface Policy extends PolicyDocument {
  /** file path, or `built-in:<name>` */
  source: string;
}

/** Problems a zod schema cannot see: protocols and sets the plugins declare, known requirements, unique ids. */
export function policyProblems(p: PolicyDocument, plugins: readonly ProtocolPlugin[]): { path: (string | number)[]; message: string }[] {
  const out: { path: (string | number)[]; message: string }[] = [];
  const known = new Set(Object.keys(secureByDemandSpec().requirements));
  for (const [protocol, sets] of Object.entries(p.offers)) {
    const names = protocol === SERVICES_KEY ? [SERVICES_SET] : Object.keys(plugins.find((x) => x.id === protocol)?.policySets ?? {});
    const plugin = plugins.find((x) => x.id === protocol);
    if (protocol !== SERVICES_KEY && !plugin) {
      out.push({
        path: ["offers", protocol],
        message: `no plugin '${protocol}' is loaded (plugins: ${plugins.map((x) => x.id).join(", ")}; '${SERVICES_KEY}' is the device's open services)`,
      });
      continue;
    }
    if (names.length === 0) {
      out.push({ path: ["offers", protocol], message: `plugin '${protocol}' declares no policy sets` });
      continue;
    }
    for (const [set, clause] of Object.entries(sets)) {
      if (!names.includes(set)) out.push({ path: ["offers", protocol, set], message: `unknown set (${protocol} offers: ${names.join(", ")})` });
      for (const [i, ref] of (clause.derivesFrom ?? []).entries())
        if (!known.has(ref))
          out.push({ path: ["offers", protocol, set, "derivesFrom", i], message: `unknown requirement '${ref}' (known: ${[...known].join(", ")})` });
    }
  }
  const ids = new Set<string>();
  for (const [i, r] of p.requirements.entries()) {
    if (ids.has(r.id)) out.push({ path: ["requirements", i, "id"], message: `duplicate clause id '${r.id}'` });
    ids.add(r.id);
    for (const [j, ref] of r.derivesFrom.entries())
      if (!known.has(ref)) out.push({ path: ["requirements", i, "derivesFrom", j], message: `unknown requirement '${ref}' (known: ${[...known].join(", ")})` });
  }
  return out;
}

/** The JSON Schema of the policy file (`otaudit policy schema`). */
export function policyJsonSchema(): unknown {
  return {
    $id: "https://otaudit.dev/schema/policy.json",
    title: "otaudit policy file",
    description:
      "Allowed, denied and required sets per protocol (offers.<plugin id>.<set>; `otaudit policy sets` lists them) and protocol-agnostic requirement clauses. Validated against the loaded plugins and the Secure by Demand spec as well.",
    ...z.toJSONSchema(PolicyDocument, { unrepresentable: "any", io: "input" }),
  };
}
