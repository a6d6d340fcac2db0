// BACnet/IP rules: pure functions over BacnetFacts. BACnet/IP (ASHRAE 135 Annex J) carries no
// authentication and no encryption: a device that answers reads is exposed. BACnet/SC passes only when
// a Network Port of type secure-connect was read; BBMD tables pass only on a NAK from the device.
// Silence is never a pass.
import { defineRule, type Rule } from "../../src/plugin.js";
import { fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { BacnetFacts } from "./facts.js";

const SPEC = "ASHRAE 135-2020 (BACnet)";

function answered(f: BacnetFacts): boolean {
  return f.whoIs.answered || f.reads.some((r) => r.outcome === "ack");
}

function silent(f: BacnetFacts, what: string) {
  return undetermined(
    "no-answer",
    `${f.url}: ${what} cannot be judged: ${f.error?.message ?? "no BACnet answer"}`,
    { endpoint: f.url, sent: f.sent, datagrams: f.datagrams },
    { port: f.port },
  );
}

export const ipUnauthenticated = defineRule<BacnetFacts>({
  meta: {
    id: "bacnet.ip.unauthenticated",
    title: "BACnet/IP answers without authentication or encryption",
    elements: [7, 9],
    iec62443: ["CR 1.2", "CR 4.1"],
    severity: "high",
    safety: "read",
    remediation:
      "Keep BACnet/IP inside a segmented building-automation zone (no route from IT or the Internet, UDP 47808 filtered), and move to BACnet/SC (ASHRAE 135-2020 Annex AB: TLS 1.3 with device certificates) where the devices support it.",
    docs: `${SPEC} Annex J (BACnet/IP); Annex AB (BACnet/SC)`,
  },
  check({ facts }) {
    if (!answered(facts)) return silent(facts, "BACnet/IP exposure");
    const acks = facts.reads.filter((r) => r.outcome === "ack").map((r) => `${r.service} ${r.object} ${r.properties.join(",")}`);
    return fail(
      `${facts.url}: device ${facts.deviceInstance ?? facts.whoIs.instance ?? "?"} answers BACnet/IP reads from anyone, in clear text`,
      { endpoint: facts.url, iAm: facts.whoIs.answered ? { instance: facts.whoIs.instance, vendorId: facts.whoIs.vendorId } : undefined, readsAnswered: acks },
      { port: facts.port },
    );
  },
});

export const secureConnect = defineRule<BacnetFacts>({
  meta: {
    id: "bacnet.secure-connect",
    title: "No BACnet Secure Connect (BACnet/SC) network port",
    elements: [3, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "medium",
    safety: "read",
    remediation: "Ask the manufacturer for BACnet/SC (ASHRAE 135-2020 Annex AB, Addendum cd) and enable it; keep BACnet/IP only where needed.",
    docs: `${SPEC} Annex AB; clause 12.56 (Network Port)`,
  },
  check({ facts }) {
    const np = facts.networkPorts;
    const sc = np.ports.filter((p) => p.networkType === 11);
    if (sc.length)
      return pass(
        `${facts.url}: BACnet/SC network port${sc.length > 1 ? "s" : ""} ${sc.map((p) => `network-port,${p.instance}`).join(", ")} (network-type secure-connect)`,
        { endpoint: facts.url, ports: np.ports },
        { port: facts.port },
      );
    if (np.status === "read" && np.ports.length > 0 && np.ports.every((p) => p.networkType !== undefined))
      return fail(
        `${facts.url}: no BACnet/SC port; network ports: ${np.ports.map((p) => `${p.instance} ${p.typeName}`).join(", ")}`,
        { endpoint: facts.url, ports: np.ports },
        { port: facts.port },
      );
    if (np.status === "unavailable")
      return undetermined(
        "unobservable",
        `${facts.url}: ${np.detail}: BACnet/SC cannot be observed (a device of that revision cannot report it)`,
        { endpoint: facts.url, detail: np.detail },
        { port: facts.port },
      );
    if (!answered(facts)) return silent(facts, "BACnet/SC");
    return undetermined(
      "unobservable",
      `${facts.url}: BACnet/SC support not observable (${np.detail})`,
      { endpoint: facts.url, networkPorts: np },
      { port: facts.port },
    );
  },
});

export const bbmdTables = defineRule<BacnetFacts>({
  meta: {
    id: "bacnet.bbmd.tables",
    title: "BBMD broadcast or foreign-device table readable by anyone",
    elements: [6, 8],
    iec62443: ["CR 2.1", "CR 7.7"],
    severity: "low",
    safety: "read",
    remediation:
      "Restrict who can reach the BBMD (only peer BBMDs and known foreign devices), disable foreign-device registration where it is not needed, and filter UDP 47808 at the zone boundary: the tables map the building network and registration lets any host receive its broadcasts.",
    docs: `${SPEC} Annex J.4 (BBMD), J.5 (foreign devices)`,
  },
  check({ facts }) {
    const { bdt, fdt } = facts.bbmd;
    const shown = [
      bdt.status === "entries" ? `BDT (${bdt.total} entries)` : "",
      fdt.status === "entries" ? `FDT (${fdt.total} registered foreign devices)` : "",
    ].filter(Boolean);
    if (shown.length) {
      const severity = fdt.status === "entries" && fdt.total > 0 ? "medium" : "low";
      return fail(
        `${facts.url}: ${shown.join(" and ")} readable without authentication${fdt.status === "entries" && fdt.total > 0 ? "; foreign-device registration is in use" : ""}`,
        { endpoint: facts.url, bdt: bdt.entries, fdt: fdt.entries, bdtTotal: bdt.total, fdtTotal: fdt.total },
        { port: facts.port, severity },
      );
    }
    if (bdt.status === "nak" && fdt.status === "nak")
      return pass(
        `${facts.url}: Read-BDT and Read-FDT refused (${bdt.detail}; ${fdt.detail})`,
        { endpoint: facts.url, bdt: bdt.detail, fdt: fdt.detail },
        { port: facts.port },
      );
    if (bdt.status === "not-sent" && fdt.status === "not-sent") return silent(facts, "BBMD tables");
    return undetermined(
      bdt.status === "silent" || fdt.status === "silent" ? "no-answer" : "unparsed",
      `${facts.url}: BBMD tables: BDT ${bdt.status}${bdt.detail ? ` (${bdt.detail})` : ""}, FDT ${fdt.status}${fdt.detail ? ` (${fdt.detail})` : ""}`,
      { endpoint: facts.url, bdt: bdt.status, fdt: fdt.status },
      { port: facts.port },
    );
  },
});

export const identityDisclosed = defineRule<BacnetFacts>({
  meta: {
    id: "bacnet.identity.disclosed",
    title: "BACnet device identity readable without authentication",
    elements: [5],
    iec62443: ["CR 4.1"],
    severity: "info",
    safety: "read",
    remediation:
      "Informational: vendor, model, firmware and names of the Device object are readable by anyone who can reach UDP 47808 (and feed advisory matching). Limit who can reach the device.",
    docs: `${SPEC} clause 12.11 (Device object)`,
  },
  check({ facts }) {
    const id = facts.identity;
    const shown = [id.vendorName, id.modelName, id.firmwareRevision, id.applicationSoftwareVersion].filter(Boolean);
    if (shown.length === 0) return notApplicable(`${facts.url}: no identity property was read`, {}, { port: facts.port });
    return fail(`${facts.url}: device ${facts.deviceInstance ?? "?"} discloses ${shown.join(" ")}`, { endpoint: facts.url, ...id }, { port: facts.port });
  },
});

export const BACNET_RULES: Rule<BacnetFacts>[] = [ipUnauthenticated, secureConnect, bbmdTables, identityDisclosed];
