// Rule engine and scoring: throwing rules, skipped intrusive rules, failed probes, verdicts.
import { describe, expect, it } from "vitest";
import { runRules } from "../../src/engine/rules.js";
import { scoreElements } from "../../src/engine/scoring.js";
import { auditDevices, nothingAudited } from "../../src/engine/audit.js";
import { ProbeFailure } from "../../src/errors.js";
import { defineRule } from "../../src/plugin.js";
import { silentLogger } from "../../src/log.js";
import { ResultDocument, type Finding } from "../../src/model/result.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import { fakePlugin, weakRule, type FakeFacts } from "../helpers/fake-plugin.js";

const envelope = (data?: FakeFacts, status: FactsEnvelope["status"] = "ok"): FactsEnvelope<FakeFacts> => ({
  protocol: "fake",
  status,
  endpoints: [{ protocol: "fake", scheme: "fake", host: "127.0.0.1", port: 9, transport: "tcp", url: "fake://127.0.0.1:9", explicit: true }],
  startedAt: new Date(0).toISOString(),
  durationMs: 1,
  probeVersion: "1.0.0",
  ...(data ? { data } : {}),
  ...(status !== "ok" ? { error: { code: "timeout", message: "no answer" } } : {}),
});

const ctx = { host: "127.0.0.1", intrusive: false, credentialed: false };

function finding(partial: Partial<Finding>): Finding {
  return {
    ruleId: "x",
    title: "x",
    status: "pass",
    severity: "high",
    elements: [7],
    iec62443: [],
    protocol: "fake",
    port: 9,
    message: "",
    evidence: {},
    remediation: "",
    safety: "passive",
    ...partial,
  };
}

describe("rule runner", () => {
  it("fills findings from rule meta and outcome", () => {
    const [f] = runRules(fakePlugin(), envelope({ weak: true, algorithms: ["md5"] }), ctx);
    expect(f).toMatchObject({
      ruleId: "fake.weak",
      status: "fail",
      severity: "high",
      elements: [7],
      iec62443: ["CR 4.3"],
      port: 9,
      evidence: { algorithms: ["md5"] },
    });
  });

  it("turns a throwing rule into an error finding, not a crash", () => {
    const throwing = defineRule<FakeFacts>({
      meta: { ...weakRule.meta, id: "fake.throws" },
      check: () => {
        throw new TypeError("boom");
      },
    });
    const findings = runRules(fakePlugin({ rules: [throwing, weakRule] }), envelope({ weak: false, algorithms: ["aes128-ctr"] }), ctx);
    expect(findings.map((f) => [f.ruleId, f.status])).toEqual([
      ["fake.throws", "error"],
      ["fake.weak", "pass"],
    ]);
    expect(findings[0]!.message).toContain("boom");
  });

  it("skips intrusive rules unless the run is intrusive", () => {
    const intrusive = defineRule<FakeFacts>({
      meta: { ...weakRule.meta, id: "fake.default-creds", safety: "intrusive" },
      check: () => ({ status: "fail", message: "admin/admin accepted" }),
    });
    const plugin = fakePlugin({ rules: [intrusive] });
    expect(runRules(plugin, envelope({ weak: false, algorithms: [] }), ctx)[0]!.status).toBe("skipped");
    expect(runRules(plugin, envelope({ weak: false, algorithms: [] }), { ...ctx, intrusive: true })[0]!.status).toBe("fail");
  });

  it("gives error findings (never pass) when the probe did not complete", () => {
    const findings = runRules(fakePlugin(), envelope(undefined, "error"), ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.status).toBe("error");
    expect(runRules(fakePlugin(), envelope(undefined, "absent"), ctx)).toEqual([]);
  });

  it("turns a pass without evidence into undetermined (no-evidence), whatever the rule says", () => {
    const [f] = runRules(fakePlugin(), envelope({ weak: false, algorithms: [] }), ctx);
    expect(f).toMatchObject({ status: "undetermined", reason: "no-evidence" });
    const bare = defineRule<FakeFacts>({
      meta: { ...weakRule.meta, id: "fake.bare" },
      check: () => ({ status: "pass", message: "fine", evidence: { seen: undefined, list: [] } }),
    });
    expect(runRules(fakePlugin({ rules: [bare] }), envelope({ weak: false, algorithms: ["x"] }), ctx)[0]).toMatchObject({
      status: "undetermined",
      reason: "no-evidence",
    });
  });

  it("turns passes into undetermined (incomplete) when the probe stopped early; failures stay", () => {
    const env = { ...envelope({ weak: false, algorithms: ["aes128-ctr"] }), incomplete: { code: "timeout", message: "capped" } };
    expect(runRules(fakePlugin(), env, ctx)[0]).toMatchObject({ status: "undetermined", reason: "incomplete" });
    const envWeak = { ...envelope({ weak: true, algorithms: ["md5"] }), incomplete: { code: "timeout", message: "capped" } };
    expect(runRules(fakePlugin(), envWeak, ctx)[0]!.status).toBe("fail");
  });

  it("aggregates a flood of outcomes into one finding per status with a count and a sample", () => {
    const flood = defineRule<FakeFacts>({
      meta: { ...weakRule.meta, id: "fake.flood" },
      check: ({ facts }) =>
        facts.algorithms.map((a) => ({ status: "undetermined" as const, reason: "unknown-value" as const, message: `unknown ${a}`, evidence: { name: a } })),
    });
    const names = Array.from({ length: 50_000 }, (_, i) => `x${i}`);
    const findings = runRules(fakePlugin({ rules: [flood] }), envelope({ weak: false, algorithms: names }), ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ status: "undetermined", occurrences: 50_000 });
    expect(JSON.stringify(findings).length).toBeLessThan(10_000);
  });

  it("caps evidence lists and strings", () => {
    const big = defineRule<FakeFacts>({
      meta: { ...weakRule.meta, id: "fake.big" },
      check: ({ facts }) => ({ status: "fail", message: "x".repeat(10_000), evidence: { names: facts.algorithms } }),
    });
    const [f] = runRules(fakePlugin({ rules: [big] }), envelope({ weak: true, algorithms: Array.from({ length: 1000 }, (_, i) => `a${i}`) }), ctx);
    expect((f!.evidence.names as unknown[]).length).toBe(65);
    expect(f!.message.length).toBeLessThan(2100);
  });

  it("reports not_applicable when a rule returns null", () => {
    const nullRule = defineRule<FakeFacts>({ meta: { ...weakRule.meta, id: "fake.null" }, check: () => null });
    expect(runRules(fakePlugin({ rules: [nullRule] }), envelope({ weak: false, algorithms: [] }), ctx)[0]!.status).toBe("not_applicable");
  });
});

describe("scoring", () => {
  const verdict = (findings: Finding[], id: number, att = new Map<number, string>()) => scoreElements(findings, att).find((e) => e.id === id)!;

  it("gives a verdict for all 12 elements, unverified where nothing checked", () => {
    const els = scoreElements([]);
    expect(els.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(els.every((e) => e.verdict === "unverified" && e.basis === "none")).toBe(true);
  });

  it("fail beats pass; pass needs every check to have run", () => {
    expect(verdict([finding({ status: "pass" }), finding({ status: "fail" })], 7).verdict).toBe("fail");
    expect(verdict([finding({ status: "pass" })], 7).verdict).toBe("pass");
    expect(verdict([finding({ status: "pass" }), finding({ status: "error" })], 7).verdict).toBe("partial");
    expect(verdict([finding({ status: "pass" }), finding({ status: "skipped" })], 7).verdict).toBe("partial");
  });

  it("undetermined is never a pass: alone it is undetermined, beside a pass it makes the element partial", () => {
    expect(verdict([finding({ status: "undetermined", reason: "unknown-value" })], 7).verdict).toBe("undetermined");
    expect(verdict([finding({ status: "pass" }), finding({ status: "undetermined", reason: "no-answer" })], 7).verdict).toBe("partial");
  });

  it("a service that bears on an element but was not audited keeps it from pass, and is named", () => {
    const e = scoreElements([finding({ status: "pass" })], new Map(), new Map([[7, ["tcp/102 s7comm"]]])).find((x) => x.id === 7)!;
    expect(e).toMatchObject({ verdict: "partial", unaudited: ["tcp/102 s7comm"] });
  });

  it("a check that could not run is never a pass", () => {
    expect(verdict([finding({ status: "error" })], 7).verdict).toBe("error");
    expect(verdict([finding({ status: "skipped" })], 7).verdict).toBe("unverified");
  });

  it("attested only from evidence, never pass, and never hides a verified failure", () => {
    const att = new Map([
      [10, "threat model v3 (2025)"],
      [7, "vendor says all channels encrypted"],
    ]);
    expect(verdict([], 10, att)).toMatchObject({ verdict: "attested", basis: "attested", attestation: "threat model v3 (2025)" });
    expect(verdict([finding({ status: "fail" })], 7, att)).toMatchObject({ verdict: "fail", basis: "verified" });
  });

  it("informational and waived failures do not fail an element", () => {
    expect(verdict([finding({ status: "fail", severity: "info" }), finding({ status: "pass" })], 7).verdict).toBe("pass");
    expect(verdict([finding({ status: "fail", waiver: { justification: "j", approver: "a", expires: "2099-01-01" } })], 7).verdict).toBe("unverified");
  });
});

describe("audit pipeline", () => {
  const device = { host: "127.0.0.1", address: "127.0.0.1", endpoints: envelope().endpoints };
  const base = { timeoutMs: 200, concurrency: 2, intrusive: false, credentials: [], failOn: "high" as const, log: silentLogger() };

  it("produces a schema-valid result document", async () => {
    const doc = await auditDevices([device], { ...base, plugins: [fakePlugin()] });
    expect(ResultDocument.parse(doc)).toBeTruthy();
    expect(doc.devices[0]!.elements).toHaveLength(12);
    expect(doc.devices[0]!.facts.fake!.status).toBe("ok");
  });

  it("records a probe failure as an error envelope and error findings", async () => {
    const plugin = fakePlugin({
      probe: async () => {
        throw new ProbeFailure("unreachable", "connection refused");
      },
    });
    const doc = await auditDevices([device], { ...base, plugins: [plugin] });
    expect(doc.devices[0]!.facts.fake).toMatchObject({ status: "unreachable", error: { code: "unreachable" } });
    expect(doc.devices[0]!.findings.every((f) => f.status === "error")).toBe(true);
    expect(nothingAudited(doc)).toBe(true);
  });

  it("caps a probe that never returns (hang) and reports a timeout", async () => {
    let signal: AbortSignal | undefined;
    const plugin = fakePlugin({ probe: (ctx) => ((signal = ctx.signal), new Promise(() => {})) });
    const doc = await auditDevices([device], { ...base, timeoutMs: 20, plugins: [plugin] });
    // the wait ended because of the core's cap (12 x the timeout), and the probe was told to stop
    expect(doc.devices[0]!.facts.fake).toMatchObject({ status: "error", error: { code: "timeout", message: "probe did not finish within 240 ms" } });
    expect(signal?.aborted).toBe(true);
  });

  it("waits for a capped probe to close before the next protocol connects (one connection per device)", async () => {
    const events: string[] = [];
    const slow = fakePlugin({
      id: "slow",
      probe: (ctx) =>
        new Promise((_, reject) => {
          events.push("slow:open");
          ctx.signal.addEventListener("abort", () =>
            setTimeout(() => {
              events.push("slow:closed");
              reject(new Error("aborted"));
            }, 30),
          );
        }),
    });
    const next = fakePlugin({ id: "next", probe: async () => (events.push("next:open"), { weak: false, algorithms: [] }) });
    const endpoints = [...device.endpoints, { ...device.endpoints[0]!, protocol: "slow" }, { ...device.endpoints[0]!, protocol: "next" }];
    const doc = await auditDevices([{ ...device, endpoints }], { ...base, timeoutMs: 20, plugins: [slow, next] });
    expect(events).toEqual(["slow:open", "slow:closed", "next:open"]);
    expect(doc.devices[0]!.facts.slow).toMatchObject({ status: "error", error: { code: "timeout" } });
  });

  it("keeps the facts of the last checkpoint when a probe is capped later, marked incomplete, with no pass", async () => {
    const plugin = fakePlugin({
      probe: (ctx) => {
        ctx.checkpoint({ weak: false, algorithms: ["aes128-ctr"] });
        return new Promise(() => {});
      },
    });
    const doc = await auditDevices([device], { ...base, timeoutMs: 20, plugins: [plugin] });
    expect(doc.devices[0]!.facts.fake).toMatchObject({ status: "ok", incomplete: { code: "timeout" }, data: { algorithms: ["aes128-ctr"] } });
    expect(doc.devices[0]!.findings.map((f) => f.status)).toEqual(["undetermined"]);
  });

  it("rejects facts that fail the plugin's schema as an internal error", async () => {
    const plugin = fakePlugin({ probe: async () => ({ weak: "yes" }) as never });
    const doc = await auditDevices([device], { ...base, plugins: [plugin] });
    expect(doc.devices[0]!.facts.fake).toMatchObject({ status: "error", error: { code: "internal" } });
  });

  it("stops starting devices once aborted and marks the run interrupted", async () => {
    const ac = new AbortController();
    ac.abort();
    const doc = await auditDevices([device, { ...device, host: "127.0.0.2", address: "127.0.0.2" }], { ...base, plugins: [fakePlugin()], signal: ac.signal });
    expect(doc.run.interrupted).toBe(true);
    expect(doc.devices).toHaveLength(0);
  });
});
