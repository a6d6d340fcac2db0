// Policy clauses on one device: allow / deny / require over offered sets (a value seen outside the
// allowed set fails whatever else is unknown; no deviation passes only on a complete set), what a
// protocol that is absent, not audited or failed gives, the core's open-services set, requirement
// clauses over other rules' findings and the plugins' signals, and the policy findings' mapping.
import { describe, expect, it } from "vitest";
import { PLUGINS } from "../../probes/registry.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import type { DeviceResult, Finding } from "../../src/model/result.js";
import { specMapping } from "../../src/catalog/spec.js";
import { setFindings } from "../../src/policy/evaluate-sets.js";
import { requirementFindings } from "../../src/policy/evaluate-requirements.js";
import { applyPolicyToDevice } from "../../src/policy/apply.js";
import type { Policy, RequirementClause, SetClause } from "../../src/policy/format.js";
import { demoResult } from "../report/demo-result.js";

const demo = demoResult();
const legacy = demo.devices[0]!;
const hardened = demo.devices[1]!;
const without = (d: DeviceResult): DeviceResult => ({ ...d, findings: d.findings.filter((f) => !f.ruleId.startsWith("policy.")) });

const policy = (offers: Policy["offers"], requirements: RequirementClause[] = []): Policy => ({
  otauditPolicy: 1,
  name: "p",
  severity: "high",
  offers,
  requirements,
  source: "test",
});
const one = (facts: Record<string, FactsEnvelope>, protocol: string, set: string, clause: SetClause): Finding =>
  setFindings(policy({ [protocol]: { [set]: clause } }), facts, PLUGINS)[0]!;

describe("offered-set clauses", () => {
  it("allow: a value outside fails naming the clause and the values; inside, on a complete set, passes with what was offered", () => {
    const f = one(legacy.facts, "ssh", "kex", { allow: ["diffie-hellman-group14-sha1"] });
    expect(f).toMatchObject({
      ruleId: "policy.cryptography",
      status: "fail",
      protocol: "ssh",
      port: 22,
      title: "Policy clause ssh.kex: key exchange algorithms",
    });
    expect(f.evidence).toMatchObject({
      clause: "ssh.kex",
      policy: "p",
      complete: true,
      outsideAllowed: ["diffie-hellman-group1-sha1", "diffie-hellman-group-exchange-sha1"],
    });
    expect(f.message).toMatch(/diffie-hellman-group1-sha1/);
    const ok = one(hardened.facts, "ssh", "kex", {
      allow: ["curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512", "sntrup761x25519-sha512"],
    });
    expect(ok.status).toBe("pass");
    expect(ok.evidence.offered).toEqual(["curve25519-sha256", "curve25519-sha256@libssh.org", "diffie-hellman-group16-sha512"]);
  });

  it("deny fails on a denied value seen; require fails only on a complete set that lacks the value", () => {
    expect(one(legacy.facts, "opcua", "securityPolicies", { deny: ["None"] }).status).toBe("fail");
    expect(one(hardened.facts, "opcua", "securityPolicies", { deny: ["None", "Basic256"] }).status).toBe("pass");
    expect(one(legacy.facts, "modbus", "variants", { require: ["secure"] })).toMatchObject({ status: "fail", evidence: { requiredMissing: ["secure"] } });
    expect(one(hardened.facts, "modbus", "variants", { require: ["secure"] }).status).toBe("pass");
  });

  it("a lower bound never passes: no deviation seen on an incomplete set is undetermined (incomplete), a deviation seen still fails", () => {
    const suites = one(hardened.facts, "modbus", "tlsCipherSuites", { allow: ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"] });
    expect(suites).toMatchObject({ status: "undetermined", reason: "incomplete" });
    expect(one(hardened.facts, "modbus", "tlsCipherSuites", { deny: ["TLS_AES_256_GCM_SHA384"] }).status).toBe("fail");
    expect(one(hardened.facts, "snmp", "versions", { allow: ["v3"] })).toMatchObject({ status: "undetermined", reason: "incomplete" });
    expect(one(legacy.facts, "snmp", "versions", { allow: ["v3"] })).toMatchObject({ status: "fail", evidence: { outsideAllowed: ["v1", "v2c"] } });
  });

  it("a set the device does not show is undetermined; an absent protocol is not applicable (or fails a require); a failed probe is undetermined", () => {
    expect(one(hardened.facts, "snmp", "v3Levels", { allow: ["authPriv"] })).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    const { ssh: _ssh, ...noSsh } = hardened.facts;
    expect(one(noSsh, "ssh", "kex", { allow: ["x"] })).toMatchObject({ status: "undetermined", reason: "not-attempted" });
    const absent = { ...hardened.facts, ssh: { ...hardened.facts.ssh!, status: "absent" as const, data: undefined } };
    expect(one(absent, "ssh", "kex", { allow: ["x"] }).status).toBe("not_applicable");
    expect(one(absent, "ssh", "kex", { require: ["x"] }).status).toBe("fail");
    const failed = {
      ...hardened.facts,
      ssh: { ...hardened.facts.ssh!, status: "error" as const, data: undefined, error: { code: "timeout", message: "no banner" } },
    };
    expect(one(failed, "ssh", "kex", { allow: ["x"] })).toMatchObject({ status: "undetermined", reason: "no-answer" });
    const garbage = { ...hardened.facts, ssh: { ...hardened.facts.ssh!, data: { not: "ssh facts" } } };
    expect(one(garbage, "ssh", "kex", { allow: ["x"] }).status).toBe("undetermined");
  });

  it("open services: complete only when the surface ports were looked at; an open port outside the policy fails", () => {
    expect(one(hardened.facts, "services", "open", { allow: ["ssh/22"] }).status).toBe("fail");
    expect(one(hardened.facts, "services", "open", { allow: ["ssh/22", "modbus+tls/802", "snmp/161", "opc.tcp/4840"] })).toMatchObject({
      status: "undetermined",
      reason: "incomplete",
    });
    const surface: FactsEnvelope = {
      protocol: "surface",
      status: "ok",
      endpoints: [],
      startedAt: "2025-01-01T00:00:00.000Z",
      durationMs: 1,
      probeVersion: "1.0.0",
      data: {
        ports: [
          { port: 23, transport: "tcp", state: "open", service: "telnet", cleartext: true, ms: 1 },
          { port: 80, transport: "tcp", state: "closed", service: "http", cleartext: true, ms: 1 },
        ],
        backedOff: false,
      },
    };
    const withSurface = { ...hardened.facts, surface };
    const f = one(withSurface, "services", "open", { allow: ["ssh/22", "modbus+tls/802", "snmp/161", "opc.tcp/4840"] });
    expect(f).toMatchObject({ status: "fail", ruleId: "policy.exposure", protocol: "surface", evidence: { outsideAllowed: ["telnet/23"] } });
    expect(one(withSurface, "services", "open", { allow: ["ssh/22", "modbus+tls/802", "snmp/161", "opc.tcp/4840", "telnet/23"] }).status).toBe("pass");
  });
});

describe("requirement clauses", () => {
  const clause = (concern: RequirementClause["concern"], derivesFrom: string[]): RequirementClause => ({
    id: `c-${concern}`,
    title: `clause ${concern}`,
    concern,
    derivesFrom,
    why: "because the test says so",
  });

  it("a verified failure of a rule with the concern's checks that cites the clause's requirement fails it, naming the finding", () => {
    const [f] = requirementFindings(policy({}, [clause("cleartext", ["CR 4.1"])]), without(legacy), PLUGINS);
    expect(f).toMatchObject({ ruleId: "policy.cleartext", status: "fail", protocol: "policy", port: null });
    expect((f!.evidence.failing as string[]).join(" ")).toMatch(/opcua\.security-policy\.none/);
  });

  it("only rules citing one of derivesFrom count: the same concern narrowed to another requirement sees other evidence", () => {
    const [auth] = requirementFindings(policy({}, [clause("authentication", ["CR 1.2"])]), without(legacy), PLUGINS);
    expect((auth!.evidence.failing as string[]).some((x) => x.startsWith("opcua.user-token.anonymous"))).toBe(false);
    expect((auth!.evidence.failing as string[]).some((x) => x.startsWith("modbus.plain.exposed"))).toBe(true);
  });

  it("undecided evidence (skipped, undetermined) makes a clause undetermined, never a pass; nothing at all is undetermined (no-evidence)", () => {
    const [creds] = requirementFindings(policy({}, [clause("default-credentials", ["CR 1.5"])]), without(hardened), PLUGINS);
    expect(creds).toMatchObject({ status: "undetermined" });
    const [nothing] = requirementFindings(policy({}, [clause("audit-logging", ["CR 2.8"])]), { findings: [], facts: {} }, PLUGINS);
    expect(nothing).toMatchObject({ status: "undetermined", reason: "no-evidence" });
  });

  it("passes on positive evidence only: passed checks, nothing open", () => {
    const [pk] = requirementFindings(policy({}, [clause("cryptography", ["CR 1.9"])]), without(hardened), PLUGINS);
    expect(pk!.status).toBe("pass");
    expect((pk!.evidence.passed as string[]).length).toBeGreaterThan(0);
  });

  it("MFA reads the plugins' remote-access signals: a single factor fails, unknown factors are undetermined", () => {
    const [mfa] = requirementFindings(policy({}, [clause("mfa", ["CR 1.1 RE 2"])]), without(legacy), PLUGINS);
    expect(mfa!.status).toBe("fail");
    expect((mfa!.evidence.failing as string[]).join(" ")).toMatch(/single factor|no authentication/);
  });
});

describe("policy findings", () => {
  it("take the spec's elements and references of their rule, replace an earlier policy's findings, and re-score the elements", () => {
    const d = applyPolicyToDevice(legacy, policy({ ssh: { kex: { allow: [] } } }), PLUGINS);
    const mine = d.findings.filter((f) => f.ruleId.startsWith("policy."));
    expect(mine).toHaveLength(1);
    expect({ elements: mine[0]!.elements, iec62443: mine[0]!.iec62443 }).toEqual(specMapping("policy.cryptography"));
    const clean = applyPolicyToDevice(hardened, policy({ ssh: { kex: { allow: [] } } }), PLUGINS);
    expect(clean.elements.find((e) => e.id === 7)!.verdict).toBe("fail");
    expect(clean.score).toBeLessThan(hardened.score!);
  });
});
