// Rule runner: applies a plugin's pure rules to one device's facts and turns outcomes into findings.
// A rule that throws yields an `error` finding for that rule; an intrusive rule in a default run
// is `skipped`; a protocol whose probe failed yields `error` findings, never `pass`.
import type { Finding } from "../model/result.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { ProtocolPlugin, Rule, RuleOutcome } from "../plugin.js";

export interface RuleRunContext {
  host: string;
  intrusive: boolean;
  credentialed: boolean;
}

function toFinding(rule: Rule, plugin: ProtocolPlugin, envelope: FactsEnvelope, o: RuleOutcome): Finding {
  const port = o.port ?? envelope.endpoints[0]?.port ?? null;
  return {
    ruleId: rule.meta.id,
    title: rule.meta.title,
    status: o.status,
    severity: o.severity ?? rule.meta.severity,
    elements: [...rule.meta.elements],
    iec62443: [...rule.meta.iec62443],
    protocol: plugin.id,
    port,
    message: o.message,
    evidence: o.evidence ?? {},
    remediation: rule.meta.remediation,
    safety: rule.meta.safety,
  };
}

export function runRules(plugin: ProtocolPlugin, envelope: FactsEnvelope, ctx: RuleRunContext): Finding[] {
  if (envelope.status === "absent") return [];
  const findings: Finding[] = [];
  for (const rule of plugin.rules) {
    if (envelope.status !== "ok" || envelope.data === undefined) {
      const why = envelope.error ? `${envelope.error.code}: ${envelope.error.message}` : envelope.status;
      findings.push(
        toFinding(rule, plugin, envelope, {
          status: "error",
          message: `could not check: ${plugin.title} probe did not complete (${why})`,
          evidence: { probeStatus: envelope.status, endpoints: envelope.endpoints.map((e) => e.url) },
        }),
      );
      continue;
    }
    if (rule.meta.safety === "intrusive" && !ctx.intrusive) {
      findings.push(
        toFinding(rule, plugin, envelope, {
          status: "skipped",
          message: "intrusive check not run: needs --intrusive",
          evidence: {},
        }),
      );
      continue;
    }
    let outcomes: RuleOutcome[];
    try {
      const r = rule.check({ facts: envelope.data, envelope, host: ctx.host, intrusive: ctx.intrusive, credentialed: ctx.credentialed });
      outcomes = r === null ? [] : Array.isArray(r) ? r : [r];
    } catch (e) {
      outcomes = [{ status: "error", message: `rule failed: ${(e as Error).message}`, evidence: { exception: (e as Error).name } }];
    }
    if (outcomes.length === 0) outcomes = [{ status: "not_applicable", message: "does not apply to this device", evidence: {} }];
    for (const o of outcomes) findings.push(toFinding(rule, plugin, envelope, o));
  }
  return findings;
}
