// VNC rules on facts: None is a critical fail, VNC Authentication a fail naming DES and the
// unencrypted session, wrapper/vendor types undetermined with the reason, unknown numbers never
// pass, a refusal or a failed service never passes; every pass carries evidence.
import { describe, expect, it } from "vitest";
import vnc from "../../probes/vnc/index.js";
import type { VncFacts, VncService } from "../../probes/vnc/facts.js";
import { hasEvidence } from "../../src/rule-kit.js";
import { runRules } from "./kit.js";

const base = { port: 5900, url: "vnc://192.0.2.1:5900", serverVersion: { raw: "RFB 003.008\n", major: 3, minor: 8 }, clientVersion: "3.8" as const };
const svc = (types: number[], extra: Partial<VncService> = {}): VncFacts => ({ services: [{ ...base, security: { types, serverChosen: false }, ...extra }] });
const outcome = (facts: VncFacts, id: string) => runRules(vnc, facts).filter((o) => o.ruleId === id);

describe("vnc.auth.none", () => {
  it("type None offered: critical fail naming it", () => {
    const [o] = outcome(svc([2, 1]), "vnc.auth.none");
    expect(o).toMatchObject({ status: "fail", evidence: { securityTypes: ["VNC Authentication (2)", "None (1)"] } });
    expect(o!.message).toMatch(/no authentication at all/);
  });

  it("RFB 3.3 server choosing None: fail saying the server chose it", () => {
    const [o] = outcome({ services: [{ ...base, clientVersion: "3.3", security: { types: [1], serverChosen: true } }] }, "vnc.auth.none");
    expect(o!.status).toBe("fail");
    expect(o!.message).toMatch(/server chose security type None/);
  });

  it("no None, only types that authenticate: pass with the offered types as evidence", () => {
    const [o] = outcome(svc([2]), "vnc.auth.none");
    expect(o).toMatchObject({ status: "pass", evidence: { securityTypes: ["VNC Authentication (2)"] } });
  });

  it("a wrapper type (VeNCrypt, TLS, Tight, SASL) may carry a sub-type without authentication: undetermined, never pass", () => {
    for (const t of [16, 18, 19, 20]) {
      const [o] = outcome(svc([2, t]), "vnc.auth.none");
      expect(o, `type ${t}`).toMatchObject({ status: "undetermined", reason: "unobservable" });
      expect(o!.message).toMatch(/sub-types may include one without authentication/);
    }
  });

  it("an unknown type: undetermined unknown-value", () => {
    const [o] = outcome(svc([2, 200]), "vnc.auth.none");
    expect(o).toMatchObject({ status: "undetermined", reason: "unknown-value" });
  });
});

describe("vnc.security-types", () => {
  it("VNC Authentication: fail with DES and no session encryption as reasons", () => {
    const [o] = outcome(svc([2]), "vnc.security-types");
    expect(o).toMatchObject({ status: "fail", severity: "high", evidence: { weak: ["VNC Authentication (2)"] } });
    expect(o!.message).toMatch(/DES_CHALLENGE, NO_SESSION_ENCRYPTION/);
  });

  it("VeNCrypt only: undetermined (decided after the type is chosen), never pass", () => {
    const [o] = outcome(svc([19]), "vnc.security-types");
    expect(o).toMatchObject({ status: "undetermined", reason: "unobservable" });
    expect(o!.message).toMatch(/otaudit sends nothing after the security types/);
  });

  it("an unknown type number: undetermined unknown-value", () => {
    expect(outcome(svc([19, 77]), "vnc.security-types")[0]).toMatchObject({ status: "undetermined", reason: "unknown-value", evidence: { unknown: [77] } });
  });

  it("only None: not applicable here (vnc.auth.none fails)", () => {
    expect(outcome(svc([1]), "vnc.security-types")[0]!.status).toBe("not_applicable");
  });
});

describe("no verdict without an answer", () => {
  it("a refusal with a reason: both rules undetermined (no-answer)", () => {
    const facts = svc([], { security: { types: [], serverChosen: false, failureReason: "Too many security failures" } });
    for (const o of runRules(vnc, facts)) expect(o).toMatchObject({ status: "undetermined", reason: "no-answer" });
  });

  it("a service that failed: error, never pass", () => {
    const facts: VncFacts = { services: [{ port: 5900, url: base.url, error: { code: "timeout", message: "no answer" } }] };
    for (const o of runRules(vnc, facts)) expect(o.status).toBe("error");
  });

  it("version read but security types lost: error", () => {
    const facts: VncFacts = { services: [{ ...base, error: { code: "protocol", message: "peer closed" } }] };
    for (const o of runRules(vnc, facts)) expect(o.status).toBe("error");
  });

  it("every pass over a range of type lists carries evidence", () => {
    for (const types of [[1], [2], [19], [2, 19], [16, 18], [5, 6], [30]])
      for (const o of runRules(vnc, svc(types))) if (o.status === "pass") expect(hasEvidence(o.evidence)).toBe(true);
  });
});

describe("signals", () => {
  it("None -> remote access without authentication and a cleartext channel", () => {
    const s = vnc.signals!(svc([1]), []);
    expect(s.remoteAccess).toEqual([{ scheme: "vnc", port: 5900, factors: "none", detail: "RFB security types: None (1)" }]);
    expect(s.cleartext?.[0]).toMatchObject({ scheme: "vnc", carries: "management" });
  });

  it("VNC Authentication alone -> single factor; VeNCrypt -> unknown, no cleartext signal", () => {
    expect(vnc.signals!(svc([2]), []).remoteAccess![0]!.factors).toBe("single-factor");
    const s = vnc.signals!(svc([19]), []);
    expect(s.remoteAccess![0]!.factors).toBe("unknown");
    expect(s.cleartext).toEqual([]);
  });
});
