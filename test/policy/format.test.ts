// Policy files: every problem is one `source: path.to.field: message` line (zod, then the checks
// against the plugins and the spec), garbage and deep nesting one clean line; the published JSON
// Schema accepts every built-in policy and what `policy make` writes; built-in policies are data
// with reasons, each clause derived from IEC 62443-4-2 requirements at the level it states, and
// every clause can get evidence from some rule.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Ajv2020 } from "ajv/dist/2020.js";
import { parse as parseYaml } from "yaml";
import { PLUGINS } from "../../probes/registry.js";
import { UsageError } from "../../src/errors.js";
import { secureByDemandSpec } from "../../src/catalog/spec.js";
import { policyJsonSchema } from "../../src/policy/format.js";
import { BUILTIN_DIR, builtinPolicyNames, loadBuiltinPolicy, loadPolicyArg, parsePolicy } from "../../src/policy/load.js";
import { makePolicy, policyYaml } from "../../src/policy/make.js";
import { requirementLevels } from "../../src/policy/capability.js";
import { policyRuleId } from "../../src/policy/rules.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import { demoResult } from "../report/demo-result.js";

function lines(text: string): string[] {
  try {
    parsePolicy(text, "p.yaml", "p.yaml", PLUGINS);
  } catch (e) {
    if (e instanceof UsageError) return e.lines.length ? e.lines : [e.message];
    throw e;
  }
  return [];
}

const OK = "otauditPolicy: 1\nname: t\n";

describe("policy file validation (exit 2 lines)", () => {
  it("names the field: unknown plugin, unknown set, no list, unknown requirement, duplicate id, unknown key, bad concern", () => {
    expect(lines(`${OK}offers:\n  acme:\n    x: { allow: [a] }\n`)).toEqual([expect.stringMatching(/^p\.yaml: offers\.acme: no plugin 'acme' is loaded/)]);
    expect(lines(`${OK}offers:\n  ssh:\n    kexx: { allow: [a] }\n`)).toEqual([
      expect.stringMatching(/^p\.yaml: offers\.ssh\.kexx: unknown set \(ssh offers: kex, hostKey/),
    ]);
    expect(lines(`${OK}offers:\n  ssh:\n    kex: { why: because }\n`)).toEqual([
      expect.stringMatching(/^p\.yaml: offers\.ssh\.kex: give allow, deny or require/),
    ]);
    expect(lines(`${OK}offers:\n  ssh:\n    kex: { allow: [a], derivesFrom: ["CR 9.9"] }\n`)).toEqual([
      expect.stringMatching(/^p\.yaml: offers\.ssh\.kex\.derivesFrom\[0\]: unknown requirement 'CR 9\.9'/),
    ]);
    const req = (id: string) => `  - { id: ${id}, title: A clause, concern: mfa, derivesFrom: ["CR 1.1 RE 2"], why: a reason }\n`;
    expect(lines(`${OK}requirements:\n${req("a")}${req("a")}`)).toEqual([expect.stringMatching(/^p\.yaml: requirements\[1\]\.id: duplicate clause id 'a'/)]);
    expect(lines(`${OK}requirements:\n  - { id: a, title: A clause, concern: magic, derivesFrom: ["CR 1.1"], why: a reason }\n`)).toEqual([
      expect.stringMatching(/^p\.yaml: requirements\[0\]\.concern: /),
    ]);
    expect(lines(`${OK}offers: {}\nextra: 1\n`)[0]).toMatch(/^p\.yaml: \(root\): .*extra/);
    expect(lines(`${OK}`)).toEqual([expect.stringMatching(/no clause/)]);
    expect(lines(`${OK}extends: nothing-like-it\n`)).toEqual([expect.stringMatching(/^p\.yaml: extends: no built-in policy 'nothing-like-it'/)]);
  });

  it("garbage and nesting deeper than 64 levels are one clean line that quotes nothing", () => {
    expect(lines("\u0000\u0001: [ {")).toEqual([expect.stringMatching(/^p\.yaml: \(root\): not valid YAML/)]);
    expect(lines(`${"[".repeat(200)}${"]".repeat(200)}`)).toEqual([expect.stringMatching(/nested more than 64 levels/)]);
  });

  it("--policy: a file, else a built-in name, else one line listing the built-ins", () => {
    expect(loadPolicyArg("sbd-baseline", PLUGINS).source).toBe("built-in:sbd-baseline");
    expect(() => loadPolicyArg("no/such/policy.yaml", PLUGINS)).toThrow(
      /--policy no\/such\/policy\.yaml: no such file, and no built-in policy by that name \(built-in: iec62443-4-2-sl1, iec62443-4-2-sl2, iec62443-4-2-sl3, sbd-baseline\)/,
    );
  });

  it("the published JSON Schema accepts every built-in policy file and what `policy make` writes", () => {
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(policyJsonSchema() as object);
    for (const name of builtinPolicyNames()) {
      const raw = parseYaml(readFileSync(join(PACKAGE_ROOT, BUILTIN_DIR, `${name}.yaml`), "utf8"));
      expect(validate(raw), `${name}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const made = makePolicy(demoResult(), PLUGINS, { device: "hardened-controller", resultFile: "r.json", toolVersion: "0" });
    expect(validate(parseYaml(policyYaml(made))), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ otauditPolicy: 2, name: "x" })).toBe(false);
  });
});

it("the policy file example in README.md is a valid policy", () => {
  const readme = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8");
  const example = /```yaml\n(otauditPolicy: 1\n[\s\S]*?)```/.exec(readme)?.[1];
  expect(example, "README.md has a policy example").toBeDefined();
  const p = parsePolicy(example!, "README.md example", "README.md", PLUGINS);
  expect(p.extends).toBe("iec62443-4-2-sl1");
  expect(Object.keys(p.offers).sort()).toEqual(["modbus", "opcua", "services", "ssh"]);
});

describe("built-in policies", () => {
  const spec = secureByDemandSpec();
  const levels = requirementLevels();

  it("every clause derives from requirements of the spec and says why; some rule of the clause's concern cites one of them", () => {
    for (const name of builtinPolicyNames()) {
      const p = loadBuiltinPolicy(name, PLUGINS);
      expect(p.requirements.length, name).toBeGreaterThan(0);
      for (const c of p.requirements) {
        expect(c.why.length, `${name}/${c.id}`).toBeGreaterThan(15);
        const checks = new Set(spec.rules[policyRuleId(c.concern)]!.checks);
        const evidence = Object.entries(spec.rules).filter(
          ([id, r]) => !id.startsWith("policy.") && r.checks.some((t) => checks.has(t)) && c.derivesFrom.some((ref) => ref in r.iec62443),
        );
        expect(evidence.length, `${name}/${c.id}: no rule can give evidence for it (dead clause)`).toBeGreaterThan(0);
      }
    }
  });

  it("SL policies: each clause's level is the highest SL-C of the requirements it derives from; SL n holds SL n-1 and adds only level-n clauses", () => {
    const sl = [1, 2, 3].map((n) => loadBuiltinPolicy(`iec62443-4-2-sl${n}`, PLUGINS));
    for (const [i, p] of sl.entries()) {
      for (const c of p.requirements) {
        expect(c.level, `${p.name}/${c.id}`).toBe(Math.max(...c.derivesFrom.map((r) => levels[r]!)));
        expect(c.level!, `${p.name}/${c.id}`).toBeLessThanOrEqual(i + 1);
      }
      if (i > 0) {
        const before = sl[i - 1]!.requirements.map((c) => c.id);
        expect(p.requirements.map((c) => c.id).slice(0, before.length)).toEqual(before);
        expect(p.requirements.slice(before.length).every((c) => c.level === i + 1)).toBe(true);
      }
    }
    expect(sl[2]!.requirements.find((c) => c.concern === "mfa")?.derivesFrom).toEqual(["CR 1.1 RE 2"]);
    expect(sl[1]!.requirements.some((c) => c.concern === "mfa")).toBe(false);
  });

  it("the Secure by Demand baseline covers the probe-verifiable elements it names", () => {
    const p = loadBuiltinPolicy("sbd-baseline", PLUGINS);
    const concerns = new Set(p.requirements.map((c) => c.concern));
    for (const c of ["default-credentials", "cleartext", "cryptography", "authentication", "mfa", "authorization", "audit-logging"])
      expect(concerns.has(c as never), c).toBe(true);
  });
});
