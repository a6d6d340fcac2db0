// Device-level SNMP rules: restart cadence from the unauthenticated engine data (RFC 3414 §2.2,
// element 12) and notification configuration read with a working credential (RFC 3413 §4,
// RFC 3418 snmpEnableAuthenTraps; element 2, logging). Engine identity (RFC 3411 §5 SnmpEngineID:
// enterprise, format, MAC/IP) is evidence on the cadence finding.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { NotificationFacts, SnmpFacts } from "./facts.js";
import { loadAlgorithms } from "./knowledge.js";

/** RFC 3414 §2.2.2: snmpEngineBoots latches at 2147483647; both values are 0..2^31-1. */
const MAX_INT31 = 2147483647;

export const restartCadence = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.engine.restart-cadence",
    title: "Device has not restarted for longer than a maintenance year (no restart-requiring update applied)",
    elements: [12],
    iec62443: ["CR 3.10"],
    severity: "low",
    safety: "passive",
    remediation:
      "Apply the vendor's firmware updates in a maintenance window; a device that never restarts never receives updates that need a restart. Waive where updates apply without restart.",
    docs: "https://www.rfc-editor.org/rfc/rfc3414#section-2.2",
  },
  check({ facts }) {
    // a one-sided indicator: only a long run without restart is observable; everything else says
    // nothing about patching, so it is not_applicable (never a pass, never weighs on element 12)
    const e = facts.engine;
    if (!e.answered) return notApplicable("no SNMPv3 engine answered discovery: no engine time to read", { engine: e.error });
    // whole days only: recordings keep engine time in days (index.ts redactFacts), so replays match
    const identity = { engineId: e.engineId, enterprise: e.enterprise, enterpriseName: e.enterpriseName, format: e.format, formatData: e.data, boots: e.boots };
    if (e.boots === undefined || e.timeSeconds === undefined) return notApplicable("the discovery Report carried no engine boots/time", identity);
    if (e.boots <= 0 || e.boots > MAX_INT31)
      return notApplicable(
        `engine boots ${e.boots} is outside RFC 3414 §2.2.2's 1..2147483647: the agent does not maintain it, so its engine time says nothing about restarts`,
        identity,
      );
    if (e.boots === MAX_INT31) return notApplicable("engine boots latched at 2147483647 (RFC 3414 §2.2.2): restarts are no longer counted", identity);
    if (e.timeSeconds < 0 || e.timeSeconds > MAX_INT31)
      return notApplicable(`engine time ${e.timeSeconds} s is outside 0..2147483647 (RFC 3414 §2.2.1)`, identity);
    const days = Math.floor(e.timeSeconds / 86400);
    const max = loadAlgorithms().cadence.maxDaysSinceRestart;
    if (days > max)
      return fail(
        `the SNMP engine has run ${days} days since its last restart (engine time, ${e.boots} boots): no update that needs a restart was applied in that time`,
        { ...identity, daysSinceRestart: days, maxDays: max },
      );
    return notApplicable(
      `the SNMP engine restarted ${days} days ago (${e.boots} boots): within ${max} days; a restart alone does not show that an update was applied`,
      { ...identity, daysSinceRestart: days, maxDays: max },
    );
  },
});

function notificationsMissing(f: SnmpFacts): RuleOutcome | null {
  if (f.notifications) return null;
  return undetermined("not-attempted", `notification settings not read: ${f.readsError ?? "no credential could read"}`, { readsError: f.readsError });
}

function describeTargets(n: NotificationFacts) {
  return n.targets.map((t) => ({
    name: t.name,
    address: t.address ?? t.domain ?? "?",
    types: t.notifyTypes,
    mpModel: t.mpModel,
    securityLevel: t.securityLevel,
  }));
}

/** Targets are known to be none: walks complete, the MIB present and in view. */
const provenNone = (n: NotificationFacts) => n.targets.length === 0 && n.complete && n.targetMib === "present" && !n.error;

export const notificationTargets = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.logging.notification-targets",
    title: "No SNMP trap or inform destination is configured",
    elements: [2],
    iec62443: ["CR 2.8", "CR 6.1"],
    severity: "low",
    safety: "read",
    remediation:
      "Configure SNMPv3 (authPriv) inform or trap destinations on the management station so security events (authentication failures, restarts) leave the device.",
    docs: "https://www.rfc-editor.org/rfc/rfc3413#section-4.1",
  },
  check({ facts }) {
    const missing = notificationsMissing(facts);
    if (missing) return missing;
    const n = facts.notifications!;
    if (n.targets.length > 0) {
      const cleartext = n.targets.filter((t) => t.mpModel === "v1" || t.mpModel === "v2c").map((t) => t.name);
      return pass(
        `${n.targets.length} notification destination(s) configured (SNMP-TARGET-MIB, read as ${n.via})${cleartext.length ? `; ${cleartext.length} of them v1/v2c (community in clear text)` : ""}`,
        { targets: describeTargets(n), complete: n.complete, ...(cleartext.length ? { cleartextTargets: cleartext } : {}) },
      );
    }
    if (provenNone(n))
      return fail(
        `no trap or inform destination configured (snmpTargetAddrTable is empty, read as ${n.via}): the device sends its security events nowhere over SNMP`,
        { via: n.via, targetMib: n.targetMib },
      );
    if (n.targetMib === "absent")
      return undetermined("unobservable", `the agent does not implement SNMP-TARGET-MIB (read as ${n.via}): destinations not observable`, { via: n.via });
    return undetermined(
      n.error ? "incomplete" : "unobservable",
      `notification destinations not established: ${n.error ?? "SNMP-TARGET-MIB not in this credential's view"}`,
      { via: n.via, targetMib: n.targetMib, complete: n.complete },
    );
  },
});

export const authenTraps = defineRule<SnmpFacts>({
  meta: {
    id: "snmp.logging.authen-traps",
    title: "Authentication-failure notifications are not sent",
    elements: [2],
    iec62443: ["CR 2.8", "CR 6.1"],
    severity: "low",
    safety: "read",
    remediation: "Set snmpEnableAuthenTraps to enabled (Net-SNMP: 'authtrapenable 1') and configure a notification destination.",
    docs: "https://www.rfc-editor.org/rfc/rfc3418#section-2",
  },
  check({ facts }) {
    const missing = notificationsMissing(facts);
    if (missing) return missing;
    const n = facts.notifications!;
    if (n.authenTraps === "disabled")
      return fail(`snmpEnableAuthenTraps is disabled (read as ${n.via}): failed SNMP authentications are not notified`, {
        via: n.via,
        authenTraps: "disabled",
      });
    if (n.authenTraps === undefined) return undetermined("unobservable", `snmpEnableAuthenTraps not read: ${n.authenTrapsError ?? "unknown"}`, { via: n.via });
    if (n.targets.length > 0)
      return pass(`snmpEnableAuthenTraps is enabled and ${n.targets.length} destination(s) are configured (read as ${n.via})`, {
        via: n.via,
        authenTraps: "enabled",
        targets: describeTargets(n),
      });
    if (provenNone(n))
      return fail(`snmpEnableAuthenTraps is enabled but no destination is configured: nobody receives them`, {
        via: n.via,
        authenTraps: "enabled",
        targets: [],
      });
    return undetermined("unobservable", "snmpEnableAuthenTraps is enabled; whether any destination receives the notifications was not observed", {
      via: n.via,
      authenTraps: "enabled",
    });
  },
});

export const RULES_DEVICE: Rule<SnmpFacts>[] = [restartCadence, notificationTargets, authenTraps];
