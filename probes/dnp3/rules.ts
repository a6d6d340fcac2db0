// DNP3 rules: pure functions over Dnp3Facts. A pass needs positive evidence: Secure Authentication
// passes only on a reported SA version >= 5 or an observed challenge; an answer to a READ without a
// challenge proves nothing (a READ is not a critical function, IEEE 1815-2012 §7.5.2), so it stays
// undetermined. Silence is never a pass.
import { defineRule, type Rule } from "../../src/plugin.js";
import { fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { Dnp3Facts } from "./facts.js";
import { IIN_FLAG_NAMES } from "./app.js";

const SPEC = "IEEE 1815-2012 (DNP3)";

function answered(f: Dnp3Facts): boolean {
  return f.outstation !== undefined || f.requests.some((r) => r.outcome === "response" || r.outcome === "auth-challenge" || r.outcome === "auth-error");
}

function noAnswer(f: Dnp3Facts, what: string) {
  return undetermined(
    f.reachability === "open" ? "no-answer" : "connection-closed",
    `${f.url}: ${what} cannot be judged: ${f.error?.message ?? "no DNP3 answer"}`,
    { endpoint: f.url, addressesTried: f.addressesTried, linkStatus: f.linkStatus },
    { port: f.port },
  );
}

export const plainExposed = defineRule<Dnp3Facts>({
  meta: {
    id: "dnp3.plain.exposed",
    title: "DNP3 answers over TCP without transport security",
    elements: [5, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Keep DNP3 inside a segmented zone behind a conduit (firewall allowing only the SCADA master); where the outstation supports it, use DNP3 over TLS (IEC 62351-3, IEEE 1815-2012 Annex) and Secure Authentication.",
    docs: `${SPEC} §9 (link layer); IEC 62351-3`,
  },
  check({ facts }) {
    if (!answered(facts)) return noAnswer(facts, "cleartext exposure");
    return fail(
      `${facts.url}: outstation ${facts.outstation ?? "?"} answers DNP3 in clear text to master address ${facts.masterAddress} (no TLS)`,
      {
        endpoint: facts.url,
        outstation: facts.outstation,
        masterAddress: facts.masterAddress,
        linkStatus: facts.linkStatus.filter((l) => l.function !== undefined),
        responses: facts.requests.filter((r) => r.responseFunction !== undefined).map((r) => `${r.name}: FC ${r.responseFunction}`),
      },
      { port: facts.port },
    );
  },
});

export const secureAuthentication = defineRule<Dnp3Facts>({
  meta: {
    id: "dnp3.secure-authentication",
    title: "DNP3 Secure Authentication (SAv5) not shown",
    elements: [7, 8, 9],
    iec62443: ["CR 1.1", "CR 1.2", "CR 2.1", "CR 3.1"],
    severity: "medium",
    safety: "read",
    remediation:
      "Enable DNP3 Secure Authentication version 5 (IEEE 1815-2012 §7) or later for critical functions (operate, write, restart), with per-user update keys; retire SAv2/SAv4.",
    docs: `${SPEC} §7 (Secure Authentication), §11.9.1 (g0v209)`,
  },
  check({ facts }) {
    const sa = facts.secureAuth;
    const ev = { endpoint: facts.url, outstation: facts.outstation, status: sa.status, detail: sa.detail };
    if (sa.status === "challenge-observed" && sa.challenge)
      return pass(
        `${facts.url}: the outstation challenged a READ (g120v1, user ${sa.challenge.user}, MAC algorithm ${sa.challenge.macAlgorithm}): Secure Authentication is in force`,
        { ...ev, challenge: sa.challenge },
        { port: facts.port },
      );
    if (sa.status === "version-reported" && sa.version !== undefined) {
      if (sa.version >= 5)
        return pass(
          `${facts.url}: the outstation reports Secure Authentication version ${sa.version} (g0v209)`,
          { ...ev, version: sa.version },
          { port: facts.port },
        );
      if (sa.version === 0)
        return fail(
          `${facts.url}: the outstation reports Secure Authentication version 0 (g0v209): no Secure Authentication`,
          { ...ev, version: sa.version },
          { port: facts.port },
        );
      return fail(
        `${facts.url}: the outstation reports Secure Authentication version ${sa.version} (g0v209), superseded by SAv5 (IEEE 1815-2012)`,
        { ...ev, version: sa.version },
        { port: facts.port },
      );
    }
    if (sa.status === "auth-error")
      return undetermined(
        "unparsed",
        `${facts.url}: the outstation answered with a Secure Authentication error object; SA is present but its state is unclear: ${sa.detail}`,
        ev,
        { port: facts.port },
      );
    if (!answered(facts)) return noAnswer(facts, "Secure Authentication");
    return undetermined(
      "unobservable",
      `${facts.url}: Secure Authentication could not be observed read-only (${sa.detail}); only a critical request (never sent) would show a challenge`,
      ev,
      { port: facts.port },
    );
  },
});

export const identityDisclosed = defineRule<Dnp3Facts>({
  meta: {
    id: "dnp3.identity.disclosed",
    title: "DNP3 device attributes readable without authentication",
    elements: [5],
    iec62443: ["CR 4.1"],
    severity: "info",
    safety: "read",
    remediation:
      "Informational: manufacturer, product, versions and names (group 0 attributes) are readable by anyone who can reach the outstation (and feed advisory matching). Limit who can reach it.",
    docs: `${SPEC} §11.9.1 (device attributes)`,
  },
  check({ facts }) {
    const shown = facts.attributes.filter((a) => a.variation !== 209);
    if (shown.length === 0) return notApplicable(`${facts.url}: no device attribute was read`, {}, { port: facts.port });
    return fail(
      `${facts.url}: outstation ${facts.outstation} discloses ${[facts.identity.manufacturer, facts.identity.productModel, facts.identity.softwareVersion].filter(Boolean).join(" ") || `${shown.length} attributes`}`,
      { endpoint: facts.url, attributes: Object.fromEntries(shown.map((a) => [`g0v${a.variation}`, a.value])) },
      { port: facts.port },
    );
  },
});

/** IIN bits that say something about the device's state (IEEE 1815-2012 §4.2.2.7.2). */
const ANOMALY_FLAGS: Record<string, string> = {
  "need-time": "IIN1.4: the outstation asks for time synchronisation: its event timestamps are not reliable",
  "device-trouble": "IIN1.6: an abnormal condition the outstation cannot report otherwise",
  "config-corrupt": "IIN2.5: the outstation's configuration is corrupt",
  "event-buffer-overflow": "IIN2.3: events were lost (the buffer overflowed)",
  "device-restart": "IIN1.7: the outstation restarted and no master has cleared the indication",
  "local-control": "IIN1.5: some output points are in local control (remote operation disabled)",
};

/** Every IIN flag name the decoder produces. */
const KNOWN_FLAGS = new Set(IIN_FLAG_NAMES);

export const iinAnomalies = defineRule<Dnp3Facts>({
  meta: {
    id: "dnp3.iin.anomalies",
    title: "DNP3 internal indications report trouble, lost events or unsynchronised time",
    elements: [1, 2],
    iec62443: ["CR 2.11", "CR 3.4"],
    severity: "info",
    safety: "read",
    remediation:
      "Check the outstation: synchronise its clock (IIN1.4), review a corrupt configuration (IIN2.5) or device trouble (IIN1.6); events lost to an overflow (IIN2.3) are missing from the SCADA record.",
    docs: `${SPEC} §4.2.2.7.2 (internal indications)`,
  },
  check({ facts }) {
    if (facts.iin.responses === 0) return noAnswer(facts, "internal indications");
    const raw = facts.requests.filter((r) => r.iin).map((r) => `${r.name}: ${r.iin!.raw}`);
    const bad = facts.iin.flags.filter((f) => ANOMALY_FLAGS[f]);
    if (bad.length)
      return fail(
        `${facts.url}: internal indications ${bad.join(", ")}`,
        { endpoint: facts.url, flags: bad, why: bad.map((f) => ANOMALY_FLAGS[f]), iin: raw },
        { port: facts.port },
      );
    const unknown = facts.iin.flags.filter((f) => !KNOWN_FLAGS.has(f));
    if (unknown.length)
      return undetermined(
        "unknown-value",
        `${facts.url}: internal indications not known: ${unknown.join(", ")}`,
        { endpoint: facts.url, flags: facts.iin.flags },
        { port: facts.port },
      );
    // a pass rests on the IIN octets of the probe's own requests' responses (unsolicited ones alone are not enough)
    if (raw.length === 0)
      return undetermined(
        "no-evidence",
        `${facts.url}: no response to the probe's requests carried internal indications`,
        { endpoint: facts.url, unsolicited: facts.unsolicited },
        { port: facts.port },
      );
    return pass(
      `${facts.url}: no trouble, overflow, restart or time-sync indication (IIN ${raw.join("; ")})`,
      { endpoint: facts.url, iin: raw, flags: facts.iin.flags },
      { port: facts.port },
    );
  },
});

export const DNP3_RULES: Rule<Dnp3Facts>[] = [plainExposed, secureAuthentication, identityDisclosed, iinAnomalies];
