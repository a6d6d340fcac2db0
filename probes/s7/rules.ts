// S7comm rules: pure functions over S7Facts (no I/O). A pass needs positive evidence: the protection
// rules pass only on a protection record the CPU returned with a known level; an SZL list the CPU
// refused, a timeout, or an S7comm-plus CPU that answers no classic SZL read is `undetermined`.
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { S7Facts } from "./facts.js";
import { szlLabel } from "./checks.js";
import { safeExcerpt } from "../../src/report/safe-text.js";

const DOCS = "Siemens A5E02789976 (System Software for S7-300/400, System Status Lists §34); RFC 1006; ISO 8073";

function szlOf(facts: S7Facts, id: number) {
  return facts.szl.find((r) => r.id === id);
}

/** Why a list was not read, as an undetermined outcome (or null when it was read). */
function unread(facts: S7Facts, id: number, what: string): RuleOutcome {
  const r = szlOf(facts, id);
  const ev = {
    endpoint: facts.url,
    setup: facts.setup.status,
    szl: r ? { list: szlLabel(r.id, r.index), status: r.status, returnCode: r.returnCode, errorCode: r.errorCode, message: r.message } : undefined,
    s7plus: facts.s7plus.indications,
  };
  if (facts.setup.status !== "accepted") {
    return undetermined(
      "unobservable",
      `${facts.url}: ${what} cannot be read: the S7comm session was not set up (${facts.setup.status}${facts.s7plus.indications.length ? "; S7comm-plus: " + facts.s7plus.indications[0] : ""})`,
      ev,
    );
  }
  if (!r || r.status === "not_tried") return undetermined("not-attempted", `${facts.url}: ${what} was not read (${r?.message ?? "not tried"})`, ev);
  if (r.status === "refused")
    return undetermined(
      "unobservable",
      `${facts.url}: the CPU refused to read ${szlLabel(r.id, r.index)} (return code 0x${(r.returnCode ?? 0).toString(16)}${r.errorCode ? `, error 0x${r.errorCode.toString(16)}` : ""})`,
      ev,
    );
  if (r.status === "timeout") return undetermined("no-answer", `${facts.url}: no answer to the ${szlLabel(r.id, r.index)} read`, ev);
  return undetermined("unparsed", `${facts.url}: the ${szlLabel(r.id, r.index)} answer could not be read: ${r.message ?? "error"}`, ev);
}

export const plainExposed = defineRule<S7Facts>({
  meta: {
    id: "s7.plain.exposed",
    title: "S7comm engineering protocol answers in clear without authentication",
    elements: [5, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Keep ISO-on-TCP (port 102) inside a segmented cell behind a conduit; on S7-1200/1500 disable PUT/GET access and use secure PG/HMI communication (TLS, TIA Portal V17+ with firmware that supports it).",
    docs: DOCS,
  },
  check({ facts }) {
    if (facts.setup.status === "accepted") {
      return fail(
        `${facts.url} serves S7comm (ISO-on-TCP) without authentication or encryption (called TSAP 0x${(facts.cotp?.calledTsap ?? 0).toString(16).padStart(4, "0")}, PDU ${facts.setup.pduLength ?? "?"} bytes)`,
        {
          endpoint: facts.url,
          calledTsap: facts.cotp?.calledTsap,
          pduLength: facts.setup.pduLength,
          szlRead: facts.szl.filter((r) => r.status === "ok").map((r) => szlLabel(r.id, r.index)),
        },
        { port: facts.port },
      );
    }
    if (facts.s7plus.indications.length) {
      return undetermined(
        "unobservable",
        `${facts.url}: S7comm-plus only; whether its sessions are protected (integrity, TLS) cannot be seen without opening one`,
        { endpoint: facts.url, s7plus: facts.s7plus.indications },
        { port: facts.port },
      );
    }
    if (facts.cotp)
      return error(
        `${facts.url}: COTP accepted, S7comm setup ${facts.setup.status}: ${facts.setup.message ?? ""}`,
        { endpoint: facts.url, setup: facts.setup },
        { port: facts.port },
      );
    return error(
      `${facts.url}: no COTP connection was accepted (${facts.tsapAttempts.map((a) => `0x${a.calledTsap.toString(16).padStart(4, "0")} ${a.outcome}`).join(", ") || "none tried"})`,
      { endpoint: facts.url, tsapAttempts: facts.tsapAttempts },
      { port: facts.port },
    );
  },
});

/**
 * The raw protection record as received (SZL 0x0232 index 4 payload, hex): a pass rests on it, not
 * on the decoded numbers alone (the decoded levels and this record come from the same read).
 */
function protectionRecord(facts: S7Facts): string | undefined {
  const r = szlOf(facts, 0x0232);
  return r?.status === "ok" && r.hex && /^[0-9a-f]{16,}$/.test(r.hex) ? r.hex : undefined;
}

export const protectionNone = defineRule<S7Facts>({
  meta: {
    id: "s7.protection.none",
    title: "S7 CPU access protection is off (protection level 1)",
    elements: [8],
    iec62443: ["CR 2.1"],
    severity: "high",
    safety: "read",
    remediation:
      "Set the CPU's protection level to write protection (level 2) or read/write protection (level 3) with a password, and the mode selector to RUN; on S7-1200/1500 choose at least 'read access' and disable PUT/GET.",
    docs: DOCS,
  },
  check({ facts }) {
    const p = facts.protection;
    if (!p) return unread(facts, 0x0232, "the protection level (SZL 0x0232 index 4)");
    const ev = {
      endpoint: facts.url,
      effectiveLevel: p.effectiveLevel,
      keySwitchLevel: p.keySwitchLevel,
      parameterizedLevel: p.parameterizedLevel,
      modeSelector: p.modeSelector,
    };
    if (p.effectiveLevel === 1)
      return fail(
        `${facts.url}: the CPU's valid protection level is 1 (no protection): anyone on the network may write, download and stop it (mode selector ${p.modeSelectorName})`,
        { ...ev, modeSelectorName: p.modeSelectorName },
        { port: facts.port },
      );
    if (p.effectiveLevel === 2 || p.effectiveLevel === 3) {
      const record = protectionRecord(facts);
      if (!record)
        return undetermined(
          "no-evidence",
          `${facts.url}: protection level ${p.effectiveLevel} is stated, but the record it was read from is not in the facts`,
          ev,
          { port: facts.port },
        );
      return pass(
        `${facts.url}: the CPU's valid protection level is ${p.effectiveLevel} (${p.effectiveLevel === 2 ? "write protection" : "read/write protection"})`,
        { ...ev, record },
        { port: facts.port },
      );
    }
    return undetermined("unknown-value", `${facts.url}: protection level ${p.effectiveLevel} is not one of 1, 2, 3`, ev, { port: facts.port });
  },
});

export const passwordNone = defineRule<S7Facts>({
  meta: {
    id: "s7.password.none",
    title: "No S7 CPU password is set",
    elements: [9],
    iec62443: ["CR 1.1"],
    severity: "high",
    safety: "read",
    remediation: "Configure a CPU password (protection level 2 or 3) in the hardware configuration and download it; use distinct passwords per CPU.",
    docs: DOCS,
  },
  check({ facts }) {
    const p = facts.protection;
    if (!p) return unread(facts, 0x0232, "the password setting (SZL 0x0232 index 4)");
    const ev = { endpoint: facts.url, parameterizedLevel: p.parameterizedLevel, effectiveLevel: p.effectiveLevel };
    if (p.parameterizedLevel === 0)
      return fail(`${facts.url}: no password is parameterised on the CPU (sch_par 0): engineering access needs no authentication`, ev, { port: facts.port });
    if (p.parameterizedLevel >= 1 && p.parameterizedLevel <= 3) {
      const record = protectionRecord(facts);
      if (!record)
        return undetermined(
          "no-evidence",
          `${facts.url}: a parameterised level ${p.parameterizedLevel} is stated, but the record it was read from is not in the facts`,
          ev,
          { port: facts.port },
        );
      return pass(
        `${facts.url}: a password protects the CPU (parameterised protection level ${p.parameterizedLevel})`,
        { ...ev, record },
        { port: facts.port },
      );
    }
    return undetermined("unknown-value", `${facts.url}: parameterised protection level ${p.parameterizedLevel} is not one of 0-3`, ev, { port: facts.port });
  },
});

export const identityDisclosed = defineRule<S7Facts>({
  meta: {
    id: "s7.identity.disclosed",
    title: "S7 CPU identity readable without authentication",
    elements: [5],
    iec62443: ["CR 4.1"],
    severity: "info",
    safety: "read",
    remediation:
      "Informational: order number, firmware and serial number help an attacker choose exploits; restrict access to port 102 to engineering stations.",
    docs: DOCS,
  },
  check({ facts }) {
    const id = facts.identity;
    if (!id || Object.keys(id).length === 0) return notApplicable(`${facts.url}: no identification was read`);
    const shown = [id.orderNumber, id.firmwareVersion, id.moduleTypeName, id.serialNumber]
      .filter((x): x is string => Boolean(x))
      .map((x) => safeExcerpt(x, 120));
    return fail(
      `${facts.url} discloses its identity to anyone: ${shown.join(", ") || "component names"}`,
      { endpoint: facts.url, ...id },
      { port: facts.port },
    );
  },
});

export const RULES = [plainExposed, protectionNone, passwordNone, identityDisclosed];
