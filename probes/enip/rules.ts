// EtherNet/IP rules: pure functions over EnipFacts (no I/O). A pass needs positive evidence: CIP
// Security passes only on a CIP Security object that answered with state "configured", or a TLS /
// DTLS handshake answer on 2221/2222; an object that answered nothing, an unknown status or silence
// on UDP is `undetermined`.
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import type { EnipFacts } from "./facts.js";
import { safeExcerpt } from "../../src/report/safe-text.js";

const DOCS = "ODVA CIP Vol. 2 (EtherNet/IP) §2-4; CIP Vol. 8 (CIP Security); CIP Vol. 1 §5A-2 (Identity object)";

function identityOf(facts: EnipFacts) {
  return facts.listIdentity.identity ?? facts.udp.identity;
}

export const plainExposed = defineRule<EnipFacts>({
  meta: {
    id: "enip.plain.exposed",
    title: "EtherNet/IP (CIP) answers in clear without authentication",
    elements: [5, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Keep EtherNet/IP (44818) inside a segmented cell behind a conduit; enable CIP Security (EtherNet/IP over TLS/DTLS with device authentication) where the device supports it, and disable plain explicit messaging.",
    docs: DOCS,
  },
  check({ facts }) {
    const answered: string[] = [];
    if (facts.listIdentity.status === "ok") answered.push("ListIdentity (TCP)");
    if (facts.listServices.status === "ok") answered.push("ListServices");
    if (facts.session.status === "registered") answered.push("RegisterSession");
    if (facts.udp.status === "answered") answered.push("ListIdentity (UDP)");
    if (answered.length)
      return fail(
        `${facts.url} answers EtherNet/IP requests in clear without authentication: ${answered.join(", ")}`,
        { endpoint: facts.url, answered, session: facts.session.status },
        { port: facts.port },
      );
    return error(
      `${facts.url}: no EtherNet/IP answer to judge (${facts.listIdentity.message ?? facts.error?.message ?? facts.listIdentity.status})`,
      { endpoint: facts.url, listIdentity: facts.listIdentity, udp: facts.udp },
      { port: facts.port },
    );
  },
});

export const cipSecurityAbsent = defineRule<EnipFacts>({
  meta: {
    id: "enip.cip-security.absent",
    title: "No CIP Security (EtherNet/IP over TLS/DTLS) in use",
    elements: [3, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "medium",
    safety: "read",
    remediation:
      "Use devices that implement CIP Security (ODVA Vol. 8) and configure it (state 'configured', EtherNet/IP Confidentiality Profile), or put the device behind a CIP Security proxy.",
    docs: DOCS,
  },
  check({ facts }) {
    const cs = facts.cipSecurity;
    // a pass rests on raw observations: the state byte as received, or a (D)TLS version the server chose
    const stateByte = cs.reads.find((r) => r.target.endsWith("attribute 1") && r.outcome === "success")?.dataHex;
    if (cs.status === "present" && cs.state === 2 && stateByte === "02")
      return pass(
        `${facts.url}: the CIP Security object reports state 2 (configured)`,
        { endpoint: facts.url, state: cs.state, stateByte, target: "class 0x5d instance 1 attribute 1" },
        { port: facts.port },
      );
    const secure =
      cs.status === "present"
        ? []
        : [facts.tls, facts.dtls].filter((t) => t.status === "offered" && /^(TLSv1(\.[0-3])?|SSLv3|DTLS(v1\.[02])?)$/.test(t.version ?? ""));
    if (secure.length)
      return pass(
        `${facts.url}: ${secure.map((t) => `${t.transport === "tcp" ? "TLS" : "DTLS"} (${t.version}) answers on ${t.transport}/${t.port}`).join("; ")}`,
        { endpoint: facts.url, secure: secure.map((t) => ({ port: t.port, transport: t.transport, version: t.version })) },
        { port: facts.port },
      );
    const ev = {
      endpoint: facts.url,
      cipSecurityObject: cs.status,
      state: cs.stateName,
      profilesConfigured: cs.profilesConfigured,
      tls: facts.tls.status,
      dtls: facts.dtls.status,
      reads: cs.reads.map((r) => ({ target: r.target, outcome: r.outcome, generalStatus: r.generalStatusName })),
    };
    if (cs.status === "present") {
      if (cs.state === undefined || (cs.state === 2 && stateByte !== "02"))
        return undetermined("unparsed", `${facts.url}: the CIP Security object answered but its state was not read`, ev, { port: facts.port });
      return fail(`${facts.url}: CIP Security is supported but not in use (state '${cs.stateName}')`, ev, { port: facts.port });
    }
    const noTls = (facts.tls.status === "refused" || facts.tls.status === "not_tls") && facts.dtls.status !== "offered";
    if (cs.status === "absent" && noTls)
      return fail(
        `${facts.url}: no CIP Security: the device has no CIP Security object (${cs.reads[0]?.generalStatusName}) and nothing speaks TLS on tcp/${facts.tls.port} (${facts.tls.status})`,
        ev,
        { port: facts.port },
      );
    if (cs.status === "absent")
      return undetermined(
        "incomplete",
        `${facts.url}: no CIP Security object, but TLS on tcp/${facts.tls.port} could not be judged (${facts.tls.status}: ${facts.tls.detail ?? ""})`,
        ev,
        { port: facts.port },
      );
    if (cs.status === "not_tried") return undetermined("not-attempted", `${facts.url}: the CIP Security object was not read`, ev, { port: facts.port });
    return undetermined(
      "unobservable",
      `${facts.url}: whether CIP Security is present could not be read (session ${facts.session.status}${cs.reads[0] ? `, ${cs.reads[0].outcome} ${cs.reads[0].message ?? cs.reads[0].generalStatusName ?? ""}` : ""})`,
      ev,
      { port: facts.port },
    );
  },
});

export const identityDisclosed = defineRule<EnipFacts>({
  meta: {
    id: "enip.identity.disclosed",
    title: "EtherNet/IP identity readable without authentication",
    elements: [5],
    iec62443: ["CR 4.1"],
    severity: "info",
    safety: "passive",
    remediation:
      "Informational: vendor, product code, revision and serial number help an attacker choose exploits; restrict access to 44818 (TCP and UDP) to engineering stations and scanners.",
    docs: DOCS,
  },
  check({ facts }) {
    const id = identityOf(facts);
    if (!id) return notApplicable(`${facts.url}: no identity was read`);
    const o: RuleOutcome = fail(
      `${facts.url} discloses its identity to anyone: ${safeExcerpt(id.vendorName ?? `vendor ${id.vendorId}`, 120)} ${safeExcerpt(id.productName, 120)} revision ${id.revision}, serial ${id.serialNumber}`,
      {
        endpoint: facts.url,
        vendorId: id.vendorId,
        vendorName: id.vendorName,
        productName: id.productName,
        productCode: id.productCode,
        revision: id.revision,
        serialNumber: id.serialNumber,
        via: facts.listIdentity.identity ? "tcp" : "udp",
      },
      { port: facts.port },
    );
    return o;
  },
});

export const RULES = [plainExposed, cipSecurityAbsent, identityDisclosed];
