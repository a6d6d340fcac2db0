// Rule runner: applies a plugin's pure rules to one device's facts and turns outcomes into findings.
// - Elements and IEC 62443 references come from the Secure by Demand spec (src/catalog/spec.ts).
// - A rule that throws yields an `error` finding for that rule.
// - An intrusive rule in a default run is `skipped`.
// - A protocol whose probe failed yields `error` findings, never `pass`.
// - Evidence before verdict: a `pass` without evidence becomes `undetermined` (`no-evidence`); when
//   the probe stopped early (envelope `incomplete`), passes of rules over missing parts are the
//   rules' own business (the facts say what is missing), and the envelope note is kept.
// - Bounded output: a rule that returns very many outcomes (a device listing 50,000 unknown names)
//   is aggregated per status into one finding with a count and a sample; evidence lists and strings
//   are capped (results stay proportional to what matters, not to what a device sends).
import type { Finding } from "../model/result.js";
import type { FactsEnvelope } from "../model/facts.js";
import type { ProtocolPlugin, Rule, RuleOutcome } from "../plugin.js";
import { hasEvidence } from "../rule-kit.js";
import { mapped } from "../catalog/spec.js";

export interface RuleRunContext {
  host: string;
  intrusive: boolean;
  credentialed: boolean;
}

/** More outcomes than this from one rule are aggregated per (status, port). */
export const MAX_OUTCOMES_PER_RULE = 32;
/** Evidence lists longer than this keep a sample and say how many were left out. */
export const MAX_EVIDENCE_ITEMS = 64;
/** Evidence strings longer than this are cut (the facts keep what was observed). */
export const MAX_EVIDENCE_STRING = 2048;

/** Cap lists and strings in evidence, recursively (depth-limited): linear in the evidence size. */
export function boundEvidence(value: unknown, depth = 0): unknown {
  if (typeof value === "string")
    return value.length > MAX_EVIDENCE_STRING ? `${value.slice(0, MAX_EVIDENCE_STRING)}… (${value.length - MAX_EVIDENCE_STRING} more characters)` : value;
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_EVIDENCE_ITEMS).map((v) => boundEvidence(v, depth + 1));
    if (value.length > MAX_EVIDENCE_ITEMS) kept.push(`… ${value.length - MAX_EVIDENCE_ITEMS} more`);
    return kept;
  }
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (n++ >= MAX_EVIDENCE_ITEMS) {
      out["…"] = `${Object.keys(value as object).length - MAX_EVIDENCE_ITEMS} more keys`;
      break;
    }
    out[k] = boundEvidence(v, depth + 1);
  }
  return out;
}

/** The engine's guard: a pass must carry positive evidence. */
export function guardOutcome(o: RuleOutcome): RuleOutcome {
  if (o.status === "pass" && !hasEvidence(o.evidence)) {
    return {
      status: "undetermined",
      reason: "no-evidence",
      message: `no evidence to support a pass (${o.message})`,
      evidence: {},
      ...(o.port !== undefined ? { port: o.port } : {}),
    };
  }
  if (o.status === "undetermined" && !o.reason) return { ...(o as RuleOutcome & { status: "undetermined" }), reason: "no-evidence" };
  return o;
}

/** Aggregate a rule's many outcomes: one per (status, port) with a count and a sample of messages. */
export function aggregateOutcomes(outcomes: RuleOutcome[]): (RuleOutcome & { occurrences?: number })[] {
  if (outcomes.length <= MAX_OUTCOMES_PER_RULE) return outcomes;
  const groups = new Map<string, RuleOutcome[]>();
  for (const o of outcomes) {
    const key = `${o.status}|${o.port ?? ""}|${o.reason ?? ""}`;
    const g = groups.get(key);
    if (g) g.push(o);
    else groups.set(key, [o]);
  }
  return [...groups.values()].map((g) => {
    const first = g[0]!;
    if (g.length === 1) return first;
    const sample = g.slice(0, 5).map((o) => o.message);
    return {
      ...first,
      message: `${g.length} occurrences: ${sample.join("; ")}${g.length > sample.length ? "; …" : ""}`,
      evidence: { sample: g.slice(0, 5).map((o) => o.evidence ?? {}), occurrences: g.length },
      occurrences: g.length,
    } as RuleOutcome & { occurrences: number };
  });
}

function toFinding(rule: Rule, plugin: ProtocolPlugin, envelope: FactsEnvelope, raw: RuleOutcome & { occurrences?: number }): Finding {
  const o = guardOutcome(raw);
  const port = o.port ?? envelope.endpoints[0]?.port ?? null;
  const { elements, iec62443 } = mapped(rule.meta); // the Secure by Demand spec is authoritative
  const f: Finding = {
    ruleId: rule.meta.id,
    title: rule.meta.title,
    status: o.status,
    severity: o.severity ?? rule.meta.severity,
    elements,
    iec62443,
    protocol: plugin.id,
    port,
    message: boundEvidence(o.message) as string,
    evidence: boundEvidence(o.evidence ?? {}) as Record<string, unknown>,
    remediation: rule.meta.remediation,
    safety: rule.meta.safety,
  };
  if (o.reason) f.reason = o.reason;
  if (raw.occurrences) f.occurrences = raw.occurrences;
  return f;
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
      findings.push(toFinding(rule, plugin, envelope, { status: "skipped", message: "intrusive check not run: needs --intrusive", evidence: {} }));
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
    if (envelope.incomplete)
      outcomes = outcomes.map((o) =>
        o.status === "pass"
          ? {
              status: "undetermined",
              reason: "incomplete",
              message: `probe stopped early (${envelope.incomplete!.code}: ${envelope.incomplete!.message}); not a pass: ${o.message}`,
              evidence: o.evidence,
              ...(o.port !== undefined ? { port: o.port } : {}),
            }
          : o,
      );
    for (const o of aggregateOutcomes(outcomes)) findings.push(toFinding(rule, plugin, envelope, o));
  }
  return findings;
}
