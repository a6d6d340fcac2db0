// Policy clauses over offered sets (`offers.<protocol>.<set>`): the device's set (src/policy/offers.ts)
// against allow / deny / require. A value seen outside `allow` or inside `deny` is a verified
// deviation (fail) whatever else is unknown; a required value missing fails only when the set is
// complete. No deviation passes only on a complete set; on a lower bound it is `undetermined`
// (incomplete), and a set the device did not show is `undetermined` too, never a pass.
import type { Severity } from "../model/common.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { Finding } from "../model/result.js";
import type { PolicyOffer, PolicySetDecl, ProtocolPlugin } from "../plugin.js";
import { mapped } from "../catalog/spec.js";
import type { Policy, SetClause } from "./format.js";
import { pluginOffers, servicesOffer, type ProtocolOffers } from "./offers.js";
import { policyRuleMetas, policyRuleId, SERVICES_KEY, SERVICES_SET, type PolicyConcern } from "./rules.js";
import { SURFACE_SOURCE } from "../engine/surface-rules.js";
import { boundEvidence } from "../engine/rules.js";

const SERVICES_DECL: PolicySetDecl = { title: "open services (plugin services and surface ports)", concern: "exposure" };
/** Values listed in a message before "and N more" (evidence keeps the lists, bounded by the engine caps). */
const SHOWN = 8;

export function list(values: readonly string[]): string {
  if (values.length === 0) return "none";
  return values.length <= SHOWN ? values.join(", ") : `${values.slice(0, SHOWN).join(", ")} and ${values.length - SHOWN} more`;
}

/** The finding skeleton of a clause: the policy rule of its concern, mapped by the spec. */
export function clauseFinding(
  concern: PolicyConcern,
  title: string,
  severity: Severity,
  protocol: string,
  port: number | null,
): Omit<Finding, "status" | "message" | "evidence"> {
  const meta = mapped(policyRuleMetas().find((m) => m.id === policyRuleId(concern))!);
  return {
    ruleId: meta.id,
    title,
    severity,
    elements: meta.elements,
    iec62443: meta.iec62443,
    protocol,
    port,
    remediation: meta.remediation,
    safety: "passive",
  };
}

interface SetContext {
  policy: Policy;
  protocol: string;
  set: string;
  clause: SetClause;
  decl: PolicySetDecl;
  port: number | null;
}

function judge(ctx: SetContext, offer: PolicyOffer): Pick<Finding, "status" | "message" | "reason"> & { evidence: Record<string, unknown> } {
  const { clause, policy } = ctx;
  const what = `${ctx.protocol} ${ctx.decl.title}`;
  const outside = clause.allow ? offer.offered.filter((v) => !clause.allow!.includes(v)) : [];
  const denied = clause.deny ? offer.offered.filter((v) => clause.deny!.includes(v)) : [];
  const missing = clause.require ? clause.require.filter((v) => !offer.offered.includes(v)) : [];
  const evidence: Record<string, unknown> = {
    offered: offer.offered,
    complete: offer.complete,
    ...(clause.allow ? { allowed: clause.allow } : {}),
    ...(clause.deny ? { denied: clause.deny } : {}),
    ...(clause.require ? { required: clause.require } : {}),
    ...(outside.length ? { outsideAllowed: outside } : {}),
    ...(denied.length ? { deniedOffered: denied } : {}),
    ...(missing.length ? { requiredMissing: missing } : {}),
    ...(offer.note ? { note: offer.note } : {}),
  };
  const problems = [
    outside.length ? `offers ${list(outside)}, not allowed` : "",
    denied.length ? `offers ${list(denied)}, denied` : "",
    missing.length && offer.complete ? `does not offer ${list(missing)}, required` : "",
  ].filter(Boolean);
  if (problems.length) return { status: "fail", message: `${what}: ${problems.join("; ")} by policy '${policy.name}'`, evidence };
  if (!offer.complete)
    return {
      status: "undetermined",
      reason: "incomplete",
      message: `${what}: no deviation from policy '${policy.name}' seen, but only part of the set is known (${offer.note ?? "not every value shown"})`,
      evidence,
    };
  return { status: "pass", message: `${what} within policy '${policy.name}': ${list(offer.offered)}`, evidence };
}

function noSet(ctx: SetContext, offers: ProtocolOffers): Pick<Finding, "status" | "message" | "reason"> & { evidence: Record<string, unknown> } {
  const what = `${ctx.protocol} ${ctx.decl.title}`;
  if (offers.kind === "absent") {
    // nothing listens on the protocol's default port: nothing of the set is offered there
    if (ctx.clause.require?.length)
      return {
        status: "fail",
        message: `${what}: the device does not serve ${ctx.protocol}, so it does not offer ${list(ctx.clause.require)}, required by policy '${ctx.policy.name}'`,
        evidence: { probeStatus: "absent", requiredMissing: ctx.clause.require },
      };
    return { status: "not_applicable", message: `the device does not serve ${ctx.protocol} on its default port`, evidence: { probeStatus: "absent" } };
  }
  if (offers.kind === "not-audited")
    return { status: "undetermined", reason: "not-attempted", message: `${what}: ${ctx.protocol} was not audited in this run`, evidence: {} };
  if (offers.kind === "failed")
    return { status: "undetermined", reason: "no-answer", message: `${what}: not shown (${offers.why})`, evidence: { probe: offers.why } };
  return { status: "undetermined", reason: "not-attempted", message: `${what}: the facts do not show this set (not observed in this run)`, evidence: {} };
}

/** Findings of every `offers` clause of the policy on one device. */
export function setFindings(policy: Policy, facts: Readonly<Record<string, FactsEnvelope>>, plugins: readonly ProtocolPlugin[]): Finding[] {
  const out: Finding[] = [];
  for (const [protocol, sets] of Object.entries(policy.offers)) {
    const plugin = plugins.find((p) => p.id === protocol);
    let offers: ProtocolOffers;
    if (protocol === SERVICES_KEY) {
      const s = servicesOffer(facts);
      offers = s ? { kind: "ok", sets: { [SERVICES_SET]: s }, port: null } : { kind: "not-audited" };
    } else offers = plugin ? pluginOffers(plugin, facts[protocol]) : { kind: "not-audited" };
    for (const [set, clause] of Object.entries(sets)) {
      const decl = protocol === SERVICES_KEY ? SERVICES_DECL : plugin?.policySets?.[set];
      if (!decl) continue; // validated at load; a stored result re-rendered with other plugins may lack it
      const port = offers.kind === "ok" ? offers.port : (facts[protocol]?.endpoints[0]?.port ?? null);
      const ctx: SetContext = { policy, protocol, set, clause, decl, port };
      const offer = offers.kind === "ok" ? offers.sets[set] : undefined;
      const r = offer ? judge(ctx, offer) : noSet(ctx, offers.kind === "ok" ? { kind: "no-sets" } : offers);
      const clauseId = `${protocol}.${set}`;
      const base = clauseFinding(
        decl.concern,
        `Policy clause ${clauseId}: ${decl.title}`,
        clause.severity ?? policy.severity,
        protocol === SERVICES_KEY ? SURFACE_SOURCE : protocol,
        port,
      );
      const evidence = {
        policy: policy.name,
        clause: clauseId,
        concern: decl.concern,
        ...r.evidence,
        ...(clause.derivesFrom ? { derivesFrom: clause.derivesFrom } : {}),
        ...(clause.why ? { why: clause.why } : {}),
      };
      out.push({
        ...base,
        status: r.status,
        message: r.message,
        ...(r.reason ? { reason: r.reason } : {}),
        evidence: boundEvidence(evidence) as Record<string, unknown>,
      });
    }
  }
  return out;
}
