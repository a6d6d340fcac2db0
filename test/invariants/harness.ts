// The no-false-pass harness: for every plugin (probes/registry.ts, new ones included), every real
// facts sample (fixtures/library and fixtures/real recordings) and every mutation, run the plugin's
// rules through the engine's own rule runner (guards included) with the facts behind a read
// tracker, and report each `pass` that is not based on evidence still present in the facts:
//   unknown:  after (b), a pass that read an unknown token in a judged field: it judged a value it
//             does not know (an unknown value can never be positive evidence);
//   no-basis: after (a), (c) or (d), a pass none of whose reads is positive evidence: a non-empty
//             list of values, a judged string that is present, a STANDALONE scalar with one of its
//             evidence values, a findings list beside a count above zero (NONE_OF_N: "none of N"),
//             or a device counter that rose (COUNTER_DELTAS). A list of RECORDS (services[],
//             secure[], endpoints[]: fields under `path[].`, nothing at `path[]`) is not evidence by
//             itself: every probe that answered has one service, so its entries' fields must be;
//             only EVIDENCE_ROWS (rows the device returned from its own table) count as such.
// Reads a rule makes only to show them in its finding (EVIDENCE_ONLY, per rule, each with why) are
// neither. Facts the probe derives from other facts (DERIVED) are recomputed after each mutation
// with the probe's own code, so a mutated input never sits beside a decision made from the original.
// A rule returning several outcomes shares one read set (per rule and facts object); an unknown
// value that only a non-pass outcome of the same run names (its message or evidence), and no pass
// does, was judged by that outcome (one host key undetermined beside others that pass), not by a pass.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PLUGINS } from "../../probes/registry.js";
import { runRules } from "../../src/engine/rules.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { ProtocolPlugin, Rule } from "../../src/plugin.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { COUNTER_DELTAS, DERIVED, EVIDENCE_ONLY, EVIDENCE_ROWS, FINDINGS_LISTS, isLabelPath, NONE_OF_N, STANDALONE } from "./classification.js";
import { dropOptionals, emptyLists, optionalPaths, schemaPaths, stripAll, UNKNOWN_TOKEN, unknownStrings, type MutationRules } from "./mutators.js";
import { newTracker, tracked, type Read } from "./track.js";

/** The mutation families; (a), (b) and (c) run on everything at once and on one path at a time. */
export const MUTATIONS = ["a-empty-lists", "b-unknown-strings", "c-drop-optionals", "d-empty-and-drop"] as const;
export type Mutation = (typeof MUTATIONS)[number];

export interface Sample {
  plugin: ProtocolPlugin;
  /** "library/legacy-plc" */
  source: string;
  envelope: FactsEnvelope;
}

/** Real facts of every plugin from the recordings (complete probe runs only). */
export function samples(): Sample[] {
  const out: Sample[] = [];
  for (const lib of ["library", "real"]) {
    const dir = join(PACKAGE_ROOT, "fixtures", lib);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const file = join(dir, name, "recording.json");
      if (!existsSync(file)) continue;
      const rec = JSON.parse(readFileSync(file, "utf8")) as { devices: { facts: Record<string, FactsEnvelope> }[] };
      for (const d of rec.devices)
        for (const plugin of PLUGINS) {
          const env = d.facts[plugin.id];
          if (env?.status === "ok" && env.data !== undefined && !env.incomplete) out.push({ plugin, source: `${lib}/${name}`, envelope: env });
        }
    }
  }
  return out;
}

export function mutationRules(plugin: ProtocolPlugin): MutationRules {
  return { findingsLists: new Set(Object.keys(FINDINGS_LISTS[plugin.id] ?? {})), isLabel: isLabelPath };
}

export interface Variant {
  mutation: Mutation;
  /** "all", or the one schema path mutated */
  at: string;
  data: unknown;
}

/** Every mutated version of `data`: each family on everything, and (a)-(c) one path at a time. */
export function variants(plugin: ProtocolPlugin, data: unknown): Variant[] {
  const rules = mutationRules(plugin);
  const kinds = schemaPaths(plugin.factsSchema);
  const lists = [...kinds].filter(([p, k]) => k === "array" && !rules.findingsLists.has(p)).map(([p]) => p);
  const strings = [...kinds].filter(([p, k]) => k === "string" && !rules.isLabel(p)).map(([p]) => p);
  return [
    { mutation: "a-empty-lists", at: "all", data: emptyLists(plugin.factsSchema, data, rules) },
    ...lists.map((p) => ({ mutation: "a-empty-lists" as const, at: p, data: emptyLists(plugin.factsSchema, data, { ...rules, only: p }) })),
    { mutation: "b-unknown-strings", at: "all", data: unknownStrings(plugin.factsSchema, data, rules) },
    ...strings.map((p) => ({ mutation: "b-unknown-strings" as const, at: p, data: unknownStrings(plugin.factsSchema, data, { ...rules, only: p }) })),
    { mutation: "c-drop-optionals", at: "all", data: dropOptionals(plugin.factsSchema, data) },
    ...optionalPaths(plugin.factsSchema).map((p) => ({ mutation: "c-drop-optionals" as const, at: p, data: dropOptionals(plugin.factsSchema, data, p) })),
    { mutation: "d-empty-and-drop", at: "all", data: stripAll(plugin.factsSchema, data, rules) },
  ];
}

export interface RuleRun {
  ruleId: string;
  statuses: string[];
  /** each outcome's status with its message and evidence as text (to attribute unknown values) */
  outcomes: { status: string; text: string }[];
  reads: Read[];
}

/** Run every rule of `plugin` on `data` through the engine's rule runner, recording each rule's reads. */
export function runTracked(plugin: ProtocolPlugin, envelope: FactsEnvelope, data: unknown, ctx: { intrusive: boolean; credentialed: boolean }): RuleRun[] {
  const runs: RuleRun[] = [];
  const rules: Rule[] = plugin.rules.map((rule) => ({
    meta: rule.meta,
    check(c) {
      const t = newTracker();
      const facts = tracked(data, t);
      t.active = true;
      try {
        return rule.check({ ...c, facts, envelope: { ...c.envelope, data: facts } });
      } finally {
        t.active = false;
        runs.push({ ruleId: rule.meta.id, statuses: [], outcomes: [], reads: t.reads });
      }
    },
  }));
  const findings = runRules({ ...plugin, rules }, { ...envelope, data }, { host: envelope.endpoints[0]?.host ?? "127.0.0.1", ...ctx });
  for (const f of findings) {
    const run = runs.find((r) => r.ruleId === f.ruleId);
    run?.statuses.push(f.status);
    run?.outcomes.push({ status: f.status, text: `${f.message} ${JSON.stringify(f.evidence ?? {})}` });
  }
  return runs;
}

export interface Violation {
  plugin: string;
  ruleId: string;
  mutation: Mutation;
  source: string;
  why: string;
}

/** Reads that decide the rule's outcome: every read except those EVIDENCE_ONLY lists for the rule (when its condition holds). */
export function judgedReads(ruleId: string, reads: Read[], data: unknown): Read[] {
  const groups = (EVIDENCE_ONLY[ruleId] ?? []).filter((g) => !g.when || g.when[0](data));
  return reads.filter((r) => !groups.some((g) => r.path in g.paths));
}

/** Unknown values read that a pass may have judged: not those only a non-pass outcome of the run names. */
export function unattributed(run: RuleRun, unknown: Read[]): Read[] {
  const named = (o: { text: string }, token: string) => new RegExp(`${token}(?!\\d)`).test(o.text);
  const passes = run.outcomes.filter((o) => o.status === "pass");
  const others = run.outcomes.filter((o) => o.status !== "pass");
  return unknown.filter((r) => {
    const token = String(r.value);
    return passes.some((o) => named(o, token)) || !others.some((o) => named(o, token));
  });
}

/** "None of N": a present findings list read with its count above zero (NONE_OF_N). */
export function noneOfN(plugin: ProtocolPlugin, reads: Read[]): boolean {
  const lists = NONE_OF_N[plugin.id] ?? {};
  return reads.some(
    (r) => r.kind === "array" && lists[r.path] !== undefined && reads.some((c) => c.path === lists[r.path]![0] && c.kind === "number" && Number(c.value) > 0),
  );
}

/** A device counter read before and after our requests that rose (COUNTER_DELTAS). */
export function counterRose(plugin: ProtocolPlugin, reads: Read[]): boolean {
  const num = (path: string) => reads.filter((r) => r.path === path && r.kind === "number").map((r) => Number(r.value));
  return (COUNTER_DELTAS[plugin.id] ?? []).some(([before, after]) => num(before).some((b) => num(after).some((a) => a > b)));
}

/** A list whose entries are records (objects), not values: kinds has fields under `path[].`, none at `path[]`. */
export function isRecordList(path: string, kinds: Map<string, string>): boolean {
  if (kinds.has(`${path}[]`)) return false;
  const prefix = `${path}[].`;
  for (const k of kinds.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

/** Is a read positive evidence (for the no-basis check)? */
export function positive(plugin: ProtocolPlugin, r: Read, kinds: Map<string, string>): boolean {
  // a STANDALONE entry is an explicit classification: it wins over a label key (FTP's reply `code`)
  const standalone = STANDALONE[plugin.id]?.[r.path];
  if (standalone) return ([] as unknown[]).concat(standalone[0]).includes(r.value);
  if (isLabelPath(r.path)) return false;
  // a list of records (services[], endpoints[]) only holds what is judged: its entries' fields are
  // the evidence, never its being non-empty (every probe that answered has one service)
  if (r.kind === "array") return (r.length ?? 0) > 0 && (!isRecordList(r.path, kinds) || EVIDENCE_ROWS[plugin.id]?.[r.path] !== undefined);
  // a judged string that is there (enums are vocabulary, not evidence: STANDALONE lists the ones that are)
  return r.kind === "string" && kinds.get(r.path) === "string" && !UNKNOWN_TOKEN.test(String(r.value));
}

export interface SampleResult {
  violations: Violation[];
  /** variants that still validated against the facts schema (the others are not facts a probe could give) */
  validated: number;
  total: number;
}

export function violationsOf(sample: Sample, ctx: { intrusive: boolean; credentialed: boolean }): SampleResult {
  const { plugin } = sample;
  const kinds = schemaPaths(plugin.factsSchema);
  const out: Violation[] = [];
  let validated = 0;
  const all = variants(plugin, sample.envelope.data);
  for (const v of all) {
    const parsed = plugin.factsSchema.safeParse(v.data);
    if (!parsed.success) continue;
    validated++;
    const derive = DERIVED[plugin.id]?.[1];
    const data = derive ? derive(parsed.data) : parsed.data;
    for (const run of runTracked(plugin, sample.envelope, data, ctx)) {
      if (!run.statuses.includes("pass")) continue;
      const base = { plugin: plugin.id, ruleId: run.ruleId, mutation: v.mutation, source: `${sample.source} (${v.at})` };
      const reads = judgedReads(run.ruleId, run.reads, data);
      if (v.mutation === "b-unknown-strings") {
        const unknown = unattributed(
          run,
          reads.filter((r) => r.kind === "string" && UNKNOWN_TOKEN.test(String(r.value)) && !isLabelPath(r.path)),
        );
        if (unknown.length) out.push({ ...base, why: `passed after reading unknown values at ${[...new Set(unknown.map((r) => r.path))].join(", ")}` });
      } else if (!reads.some((r) => positive(plugin, r, kinds)) && !noneOfN(plugin, reads) && !counterRose(plugin, reads)) {
        const read = [
          ...new Set(
            run.reads
              .filter((r) => !isLabelPath(r.path) || STANDALONE[plugin.id]?.[r.path])
              .map((r) => `${r.path}${r.kind === "array" ? `(${r.length})` : r.kind === "absent" ? "(absent)" : `=${String(r.value)}`}`),
          ),
        ];
        out.push({ ...base, why: `passed with no evidence left; it read ${read.join(", ") || "nothing"}` });
      }
    }
  }
  return { violations: out, validated, total: all.length };
}

export const CONTEXTS = [
  { intrusive: true, credentialed: true },
  { intrusive: false, credentialed: false },
];
