// VNC rules: pure functions over VncFacts (no I/O). What the RFB handshake alone proves: type 1
// (None) is no authentication at all; type 2 (VNC Authentication) is DES with 8-character
// passwords and an unencrypted session; wrapper and vendor types are decided in a later
// negotiation otaudit never starts, so they stay undetermined with that reason. One outcome per
// RFB service of the device.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { VncFacts, VncService } from "./facts.js";
import { classifyType, reasonText, securityTypeDatabase, typeLabel } from "./knowledge.js";

const RFC6143 = "https://www.rfc-editor.org/rfc/rfc6143#section-7.1.2";

function perService(facts: VncFacts, fn: (s: VncService, types: number[]) => RuleOutcome | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (s.error && !s.security) {
      out.push(error(`could not audit ${s.url}: ${s.error.code}: ${s.error.message}`, { url: s.url, error: s.error }, { port: s.port }));
      continue;
    }
    if (!s.security) {
      out.push(error(`${s.url}: the security types were not read`, { url: s.url }, { port: s.port }));
      continue;
    }
    if (s.security.failureReason !== undefined || s.security.types.length === 0) {
      const reason = s.security.failureReason ?? "";
      out.push(
        undetermined(
          "no-answer",
          `${s.url} refused the connection before offering security types${reason ? `: ${JSON.stringify(reason)}` : ""}`,
          { url: s.url, failureReason: reason, serverVersion: s.serverVersion?.raw },
          { port: s.port },
        ),
      );
      continue;
    }
    const o = fn(s, s.security.types);
    if (o) out.push({ ...o, port: o.port ?? s.port });
  }
  return out;
}

function evidenceOf(s: VncService, types: number[]): Record<string, unknown> {
  const db = securityTypeDatabase();
  return { securityTypes: types.map((t) => typeLabel(t, db)), serverVersion: s.serverVersion?.raw, serverChosen: s.security?.serverChosen };
}

export const noneRule = defineRule<VncFacts>({
  meta: {
    id: "vnc.auth.none",
    title: "VNC requires authentication (no security type None)",
    elements: [9, 6],
    iec62443: ["CR 1.1", "CR 2.1", "CR 7.7"],
    severity: "critical",
    safety: "passive",
    remediation:
      "Remove security type None (TigerVNC/Xvnc: -SecurityTypes without None; other servers: require a password or system login), and reach VNC only through an authenticated, encrypted tunnel.",
    docs: "https://www.rfc-editor.org/rfc/rfc6143#section-7.2.1",
  },
  check: ({ facts }) =>
    perService(facts, (s, types) => {
      const evidence = evidenceOf(s, types);
      if (types.includes(1)) {
        const how = s.security!.serverChosen ? "the server chose security type None (RFB 3.3)" : "security type None (1) is offered";
        return fail(`${how}: no authentication at all; anyone who reaches the port gets the screen and input`, evidence);
      }
      // A wrapper type (Tight 16, TLS 18, VeNCrypt 19, SASL 20) negotiates its authentication in a
      // sub-type list after the client chooses it; that list may hold None (VeNCrypt TLSNone 257,
      // X509None 260; RFB community spec, VeNCrypt), and otaudit never starts that negotiation.
      const db = securityTypeDatabase();
      const judged = types.map((t) => classifyType(t, db));
      const unknown = judged.filter((v) => v.status === "unknown");
      if (unknown.length)
        return undetermined(
          "unknown-value",
          `security type${unknown.length > 1 ? "s" : ""} not in the knowledge base, whether ${unknown.length > 1 ? "they authenticate" : "it authenticates"} cannot be judged: ${unknown.map((u) => u.type).join(", ")}`,
          { ...evidence, unknown: unknown.map((u) => u.type) },
        );
      const wrappers = judged.filter((v) => v.reasons.includes("SUBTYPE_NEGOTIATED_LATER"));
      if (wrappers.length)
        return undetermined(
          "unobservable",
          `None is not offered, but ${wrappers.map((w) => typeLabel(w.type, db)).join(", ")} negotiate${wrappers.length > 1 ? "" : "s"} its authentication later (its sub-types may include one without authentication, such as VeNCrypt TLSNone); otaudit sends nothing after the security types`,
          { ...evidence, subTypesNotRead: wrappers.map((w) => typeLabel(w.type, db)) },
        );
      const list = (evidence.securityTypes as string[]).join(", ");
      return pass(s.security!.serverChosen ? `the server chose ${list}, not None` : `security type None is not offered (offered: ${list})`, evidence);
    }),
});

export const securityTypesRule = defineRule<VncFacts>({
  meta: {
    id: "vnc.security-types",
    title: "No weak VNC security types",
    elements: [7, 9],
    iec62443: ["CR 1.7", "CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Offer only security types that encrypt the session and authenticate the server (TigerVNC: -SecurityTypes X509Plain or X509Vnc with a certificate; or VNC over SSH), and remove VNC Authentication (2).",
    docs: RFC6143,
  },
  check: ({ facts }) =>
    perService(facts, (s, types) => {
      const db = securityTypeDatabase();
      const judged = types.filter((t) => t !== 1).map((t) => classifyType(t, db));
      const evidence = evidenceOf(s, types);
      if (judged.length === 0) return notApplicable("only security type None is offered (see vnc.auth.none)", evidence);
      const weak = judged.filter((v) => v.status === "weak" || v.status === "invalid");
      if (weak.length) {
        const reasons = Object.fromEntries(weak.map((w) => [typeLabel(w.type, db), w.reasons.map((r) => `${r}: ${reasonText(r, db)}`)]));
        const sev = weak.some((w) => w.severity === "critical") ? "critical" : weak.some((w) => w.severity === "high") ? "high" : "medium";
        return fail(
          `weak security type${weak.length > 1 ? "s" : ""} offered: ${weak.map((w) => `${typeLabel(w.type, db)} (${w.reasons.join(", ")})`).join("; ")}`,
          { ...evidence, weak: weak.map((w) => typeLabel(w.type, db)), reasons },
          { severity: sev },
        );
      }
      const depends = judged.filter((v) => v.status === "depends");
      const unknown = judged.filter((v) => v.status === "unknown");
      if (unknown.length)
        return undetermined(
          "unknown-value",
          `security type${unknown.length > 1 ? "s" : ""} not in the knowledge base, cannot be judged: ${unknown.map((u) => u.type).join(", ")}`,
          { ...evidence, unknown: unknown.map((u) => u.type) },
        );
      if (depends.length) {
        return undetermined(
          "unobservable",
          `protection of ${depends.map((d) => typeLabel(d.type, db)).join(", ")} is decided after the client chooses a type (${depends.map((d) => d.reasons.map((r) => reasonText(r, db)).join("; ")).join(" / ")}); otaudit sends nothing after the security types`,
          { ...evidence, dependsOnNegotiation: depends.map((d) => typeLabel(d.type, db)) },
        );
      }
      return undetermined("no-evidence", "no security type with a known good verdict", evidence);
    }),
});

export const VNC_RULES: Rule<VncFacts>[] = [noneRule, securityTypesRule];
