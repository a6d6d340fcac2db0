// The no-false-pass harness can fail: on a toy plugin it flags a rule that judges unknown names as
// good and a rule that passes on an empty list, and lets an honest rule (src/rule-kit.ts judgeItems)
// through; a non-empty list of records (services[]) is not evidence by itself, a list of values is;
// the schema-driven mutators change only what they should.
import { z } from "zod";
import { describe, expect, it } from "vitest";
import { definePlugin, defineRule, type Rule } from "../../src/plugin.js";
import { judgeItems, pass, undetermined } from "../../src/rule-kit.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import { isRecordList, positive, violationsOf } from "./harness.js";
import { dropOptionals, emptyLists, schemaPaths, unknownStrings } from "./mutators.js";

const Facts = z.object({
  url: z.string(),
  algorithms: z.array(z.string()),
  mode: z.enum(["strict", "lax"]),
  extra: z.object({ ran: z.boolean(), hosts: z.array(z.string()).min(1) }).optional(),
});
type Facts = z.infer<typeof Facts>;
const WEAK = ["md5", "des"];
const GOOD = ["aes256-gcm", "sha256"];

const meta = (id: string) => ({
  id,
  title: id,
  elements: [7 as const],
  iec62443: ["CR 4.3"],
  severity: "high" as const,
  safety: "passive" as const,
  remediation: "r",
  docs: "d",
});
const naive = defineRule<Facts>({
  meta: meta("toy.naive"),
  check: ({ facts }) =>
    facts.algorithms.some((a) => WEAK.includes(a))
      ? { status: "fail", message: "weak", evidence: {} }
      : pass("nothing weak", { offered: facts.algorithms, url: facts.url }),
});
const honest = defineRule<Facts>({
  meta: meta("toy.honest"),
  check: ({ facts }) =>
    judgeItems(
      facts.algorithms.map((a) => ({ name: a, status: WEAK.includes(a) ? "weak" : GOOD.includes(a) ? "ok" : "unknown" })),
      "algorithm",
    ),
});
const fromFlag = defineRule<Facts>({ meta: meta("toy.flag"), check: ({ facts }) => (facts.extra?.ran ? pass("checked", { ran: true }) : null) });

function sample(rules: Rule<Facts>[], data: Facts) {
  const plugin = definePlugin<Facts>({
    id: "toy",
    title: "Toy",
    schemes: ["toy"],
    transport: "tcp",
    defaultPorts: [{ scheme: "toy", port: 1 }],
    version: "1",
    factsSchema: Facts,
    checks: [],
    rules,
    probe: async () => data,
  });
  const envelope: FactsEnvelope = {
    protocol: "toy",
    status: "ok",
    endpoints: [],
    startedAt: "2025-01-01T00:00:00.000Z",
    durationMs: 1,
    probeVersion: "1",
    data,
  };
  return { plugin, source: "toy", envelope };
}
const DATA: Facts = { url: "toy://x", algorithms: ["aes256-gcm", "sha256"], mode: "strict", extra: { ran: true, hosts: ["a", "b"] } };
const ctx = { intrusive: false, credentialed: false };

describe("no-false-pass harness", () => {
  it("flags a rule that passes unknown names or an empty list, and one that passes on a bare flag", () => {
    const v = violationsOf(sample([naive, fromFlag], DATA), ctx).violations;
    expect(new Set(v.map((x) => `${x.ruleId} ${x.mutation}`))).toEqual(
      new Set(["toy.naive a-empty-lists", "toy.naive b-unknown-strings", "toy.naive d-empty-and-drop", "toy.flag a-empty-lists"]),
    );
  });

  it("lets an honest rule through (unknown names undetermined, empty list undetermined)", () => {
    expect(violationsOf(sample([honest], DATA), ctx).violations).toEqual([]);
  });

  it("per-item rules: an unknown value only a non-pass outcome names is that outcome's; one a pass names, or none does, is a violation", () => {
    // two lists judged item by item: mutating one path leaves the other list's passes standing
    const Keys = z.object({ host: z.array(z.string()), client: z.array(z.string()) });
    type Keys = z.infer<typeof Keys>;
    const judge = (a: string) => (GOOD.includes(a) ? pass(`${a} ok`, { a }) : null);
    const all = (f: Keys) => [...f.host, ...f.client];
    const perItem = defineRule<Keys>({
      meta: meta("toy.per-item"),
      check: ({ facts }) => all(facts).map((a) => judge(a) ?? undetermined("unknown-value", `${a} unknown`, { a })),
    });
    const passesUnknown = defineRule<Keys>({
      meta: meta("toy.passes-unknown"),
      check: ({ facts }) => all(facts).map((a) => judge(a) ?? pass(`${a} accepted`, { a })),
    });
    const silent = defineRule<Keys>({
      meta: meta("toy.silent"),
      check: ({ facts }) => [pass("all fine", { n: all(facts).filter((a) => !WEAK.includes(a)).length }), undetermined("no-evidence", "something", {})],
    });
    const data: Keys = { host: ["aes256-gcm"], client: ["sha256"] };
    const plugin = definePlugin<Keys>({
      id: "toy",
      title: "Toy",
      schemes: ["toy"],
      transport: "tcp",
      defaultPorts: [{ scheme: "toy", port: 1 }],
      version: "1",
      factsSchema: Keys,
      checks: [],
      rules: [perItem, passesUnknown, silent],
      probe: async () => data,
    });
    const envelope: FactsEnvelope = {
      protocol: "toy",
      status: "ok",
      endpoints: [],
      startedAt: "2025-01-01T00:00:00.000Z",
      durationMs: 1,
      probeVersion: "1",
      data,
    };
    const v = violationsOf({ plugin, source: "toy", envelope }, ctx).violations.filter((x) => x.mutation === "b-unknown-strings");
    expect(new Set(v.map((x) => x.ruleId))).toEqual(new Set(["toy.passes-unknown", "toy.silent"]));
  });

  it("a list of records (fields under `path[].`) is not evidence by itself; a list of values is; a rule passing on a record list alone is flagged", () => {
    const Svc = z.object({ services: z.array(z.object({ port: z.number(), ok: z.boolean() })), names: z.array(z.string()) });
    type Svc = z.infer<typeof Svc>;
    const kinds = schemaPaths(Svc);
    expect(isRecordList("services", kinds)).toBe(true);
    expect(isRecordList("names", kinds)).toBe(false);
    const data: Svc = { services: [{ port: 1, ok: true }], names: ["a"] };
    const perService = defineRule<Svc>({
      meta: meta("toy.per-service"),
      check: ({ facts }) => facts.services.map((x) => (x.ok ? pass("ok", { port: x.port }) : undetermined("no-evidence", "?", {}))),
    });
    const plugin = definePlugin<Svc>({
      id: "toy",
      title: "Toy",
      schemes: ["toy"],
      transport: "tcp",
      defaultPorts: [{ scheme: "toy", port: 1 }],
      version: "1",
      factsSchema: Svc,
      checks: [],
      rules: [perService],
      probe: async () => data,
    });
    expect(positive(plugin, { path: "services", kind: "array", length: 1 }, kinds)).toBe(false);
    expect(positive(plugin, { path: "names", kind: "array", length: 1 }, kinds)).toBe(true);
    expect(positive(plugin, { path: "names", kind: "array", length: 0 }, kinds)).toBe(false);
    // the rule read services(1), services[].ok=true and services[].port: no evidence (a bare boolean and a port)
    const envelope: FactsEnvelope = {
      protocol: "toy",
      status: "ok",
      endpoints: [],
      startedAt: "2025-01-01T00:00:00.000Z",
      durationMs: 1,
      probeVersion: "1",
      data,
    };
    expect(violationsOf({ plugin, source: "toy", envelope }, ctx).violations.map((x) => x.why)[0]).toMatch(/no evidence left; it read services\(1\)/);
  });

  it("mutators: lists emptied down to what the schema needs, judged strings unknown-ified (not labels, not enums), optionals dropped", () => {
    const rules = { findingsLists: new Set<string>(), isLabel: (p: string) => p === "url" };
    expect(emptyLists(Facts, DATA, rules)).toEqual({ ...DATA, algorithms: [], extra: { ran: true, hosts: ["a"] } });
    expect(unknownStrings(Facts, DATA, rules)).toEqual({
      url: "toy://x",
      algorithms: ["otaudit-unknown-1", "otaudit-unknown-2"],
      mode: "strict",
      extra: { ran: true, hosts: ["otaudit-unknown-3", "otaudit-unknown-4"] },
    });
    expect(unknownStrings(Facts, DATA, { ...rules, only: "extra.hosts[]" })).toEqual({
      ...DATA,
      extra: { ran: true, hosts: ["otaudit-unknown-1", "otaudit-unknown-2"] },
    });
    expect(dropOptionals(Facts, DATA)).toEqual({ url: "toy://x", algorithms: DATA.algorithms, mode: "strict" });
  });
});
