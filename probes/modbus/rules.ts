// Modbus/TCP rules: pure functions over ModbusFacts (no I/O). Each names unit ids, function codes
// and TLS parameters in its evidence. A check that could not run is `error`/`skipped`, never `pass`.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import type { Severity } from "../../src/model/common.js";
import type { ModbusFacts, PlainEndpointFacts, TlsEndpointFacts } from "./facts.js";
import { tlsKnowledge } from "./knowledge.js";

const SPEC_SECURITY = "Modbus/TCP Security Protocol Specification (Modbus Organization, 2018)";

function answeringUnits(p: PlainEndpointFacts): number[] {
  return p.units.filter((u) => u.answered).map((u) => u.unitId);
}

function offered(secure: TlsEndpointFacts[]): TlsEndpointFacts[] {
  return secure.filter((t) => t.tlsOffered);
}

export const plainExposed = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.plain.exposed",
    title: "Plain Modbus/TCP answers without authentication",
    elements: [5, 7, 8],
    iec62443: ["CR 1.2", "CR 2.1", "CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "read",
    remediation: "Disable plain Modbus/TCP (port 502) or restrict it to a segmented cell behind a conduit; use Modbus/TCP Security (port 802, TLS with client certificates and roles).",
    docs: "Modbus Messaging on TCP/IP Implementation Guide v1.0b; " + SPEC_SECURITY,
  },
  check({ facts }) {
    const outcomes: RuleOutcome[] = [];
    for (const p of facts.plain) {
      if (p.answersUnauthenticated) {
        const units = answeringUnits(p);
        outcomes.push({
          status: "fail",
          port: p.port,
          message: `${p.url} answers Modbus requests without authentication${units.length ? ` (units ${units.join(", ")})` : ""}`,
          evidence: {
            endpoint: p.url,
            unitsAnswering: units,
            unitsTried: p.unitsTried,
            functionCodesAnswered: [...new Set(p.exchanges.filter((x) => x.outcome === "response" || x.outcome === "exception").map((x) => x.functionCode))],
          },
        });
      } else if (p.reachability === "closed") {
        outcomes.push({ status: "pass", port: p.port, message: `plain Modbus/TCP is not listening on ${p.url}`, evidence: { endpoint: p.url, reachability: "closed" } });
      } else if (p.error) {
        outcomes.push({ status: "error", port: p.port, message: `could not tell whether ${p.url} answers: ${p.error.message}`, evidence: { endpoint: p.url, error: p.error } });
      } else {
        // silence is not evidence of protection: could not tell
        outcomes.push({ status: "error", port: p.port, message: `could not tell whether ${p.url} answers: it accepted TCP but gave no Modbus reply to units ${p.unitsTried.join(", ") || "(none tried)"}`, evidence: { endpoint: p.url, unitsTried: p.unitsTried } });
      }
    }
    return outcomes.length ? outcomes : null;
  },
});

export const securityAbsent = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.security.absent",
    title: "No Modbus/TCP Security (TLS, port 802) offered",
    elements: [3, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Ask the manufacturer for Modbus/TCP Security (TLS 1.2+ with mutual certificate authentication and role-based authorization) and enable it.",
    docs: SPEC_SECURITY,
  },
  check({ facts }) {
    if (facts.secure.length === 0) return { status: "skipped", message: "port 802 was not examined (companion checks disabled)", evidence: {} };
    const ok = offered(facts.secure);
    if (ok.length) {
      return { status: "pass", port: ok[0]!.port, message: `Modbus/TCP Security offered on ${ok.map((t) => t.url).join(", ")}`, evidence: { endpoints: ok.map((t) => t.url), versions: ok[0]!.versions.filter((v) => v.result === "accepted").map((v) => v.version) } };
    }
    const errored = facts.secure.filter((t) => t.reachability === "error" || (t.reachability === "open" && (t.error !== undefined || t.versions.some((v) => v.result === "error"))));
    if (errored.length) {
      return { status: "error", port: errored[0]!.port, message: `could not tell whether ${errored[0]!.url} offers TLS: ${errored[0]!.error?.message ?? "handshake timed out"}`, evidence: { endpoint: errored[0]!.url, error: errored[0]!.error } };
    }
    return {
      status: "fail",
      port: facts.secure[0]!.port,
      message: `no Modbus/TCP Security: ${facts.secure.map((t) => `${t.url} ${t.reachability === "closed" ? "refused the connection" : "completed no TLS handshake"}`).join("; ")}`,
      evidence: { endpoints: facts.secure.map((t) => ({ url: t.url, reachability: t.reachability, versions: t.versions })) },
    };
  },
});

export const tlsWeak = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.security.tls-weak",
    title: "Modbus/TCP Security accepts TLS below 1.2 or weak cipher suites",
    elements: [7],
    iec62443: ["CR 4.3", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation: "Allow TLS 1.2 and 1.3 only, with ECDHE key exchange and AEAD suites; disable NULL, anonymous, export, RC4, 3DES and static-RSA suites.",
    docs: "RFC 8996; RFC 9325 (BCP 195); " + SPEC_SECURITY,
  },
  check({ facts }) {
    const k = tlsKnowledge();
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const weakVersions = t.versions.filter((v) => v.result === "accepted" && k.versions.find((kv) => kv.version === v.version)?.weak);
      const weakSuites = t.weakSuites.filter((s) => s.result === "accepted");
      const untested = [...t.versions.filter((v) => v.result === "untestable" || v.result === "error").map((v) => v.version), ...t.weakSuites.filter((s) => s.result === "error").map((s) => s.id)];
      const evidence = {
        endpoint: t.url,
        versionsAccepted: t.versions.filter((v) => v.result === "accepted").map((v) => v.version),
        weakVersions: weakVersions.map((v) => ({ version: v.version, reason: k.versions.find((kv) => kv.version === v.version)?.reason })),
        weakSuites: weakSuites.map((s) => ({ family: s.id, cipher: s.cipher, reason: k.weakSuites.find((w) => w.id === s.id)?.reason })),
        suiteFamiliesUntestable: t.weakSuites.filter((s) => s.result === "untestable").map((s) => s.id),
        negotiated: t.negotiated,
      };
      if (weakVersions.length || weakSuites.length) {
        const worst: Severity = weakVersions.length ? "high" : (["high", "medium", "low"] as Severity[]).find((sev) => weakSuites.some((s) => k.weakSuites.find((w) => w.id === s.id)?.severity === sev)) ?? "medium";
        out.push({
          status: "fail",
          port: t.port,
          severity: worst,
          message: `${t.url} accepts ${[...weakVersions.map((v) => v.version), ...weakSuites.map((s) => `${s.id} suites${s.cipher ? ` (${s.cipher})` : ""}`)].join(", ")}`,
          evidence,
        });
      } else if (untested.length) {
        out.push({ status: "skipped", port: t.port, message: `${t.url}: could not test ${untested.join(", ")} (local TLS library or timeout); no weak parameter seen otherwise`, evidence });
      } else {
        out.push({ status: "pass", port: t.port, message: `${t.url} accepts only ${evidence.versionsAccepted.join(", ")} and none of the weak suite families tried`, evidence });
      }
    }
    return out.length ? out : null;
  },
});

export const tlsCertificate = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.security.certificate",
    title: "Modbus/TCP Security server certificate is expired, weak or badly signed",
    elements: [7],
    iec62443: ["CR 1.9", "CR 4.3"],
    severity: "medium",
    safety: "passive",
    remediation: "Issue the device a certificate from the plant PKI with an RSA key of 2048 bits or more (or ECDSA P-256+), a SHA-256+ signature, and a current validity period; renew before expiry.",
    docs: "NIST SP 800-131A Rev. 2; RFC 9155; " + SPEC_SECURITY,
  },
  check({ facts }) {
    const k = tlsKnowledge().certificate;
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const c = t.certificate;
      if (!c) {
        out.push({ status: "skipped", port: t.port, message: `${t.url}: the server certificate could not be obtained (no handshake completed without a trusted client certificate; supply one in the credentials file)`, evidence: { endpoint: t.url } });
        continue;
      }
      const problems: string[] = [];
      if (!c.validNow) problems.push(`not valid now (${c.notBefore} .. ${c.notAfter})`);
      if (c.keyAlgorithm === "rsa" && (c.keyBits ?? 0) < k.minRsaBits) problems.push(`RSA key of ${c.keyBits} bits (< ${k.minRsaBits})`);
      if (c.keyAlgorithm === "ec" && (c.keyBits ?? 0) < k.minEcBits) problems.push(`EC key of ${c.keyBits} bits (< ${k.minEcBits})`);
      const weakHash = k.weakSignatureHashes.find((h) => c.signatureAlgorithm.toLowerCase().replace(/-/g, "").includes(h.hash.replace(/-/g, "")));
      if (weakHash) problems.push(`signature ${c.signatureAlgorithm} (${weakHash.reason})`);
      const evidence = { endpoint: t.url, subject: c.subject, issuer: c.issuer, notAfter: c.notAfter, keyAlgorithm: c.keyAlgorithm, keyBits: c.keyBits, signatureAlgorithm: c.signatureAlgorithm, selfSigned: c.selfSigned, sha256: c.sha256 };
      out.push(problems.length ? { status: "fail", port: t.port, message: `${t.url} certificate: ${problems.join("; ")}`, evidence } : { status: "pass", port: t.port, message: `${t.url} certificate is current, ${c.keyAlgorithm} ${c.keyBits ?? "?"} bits, ${c.signatureAlgorithm}`, evidence });
    }
    return out.length ? out : null;
  },
});

export const clientAuth = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.security.client-auth",
    title: "Modbus/TCP Security without client authentication",
    elements: [9],
    iec62443: ["CR 1.2", "CR 2.1"],
    severity: "high",
    safety: "read",
    remediation: "Require client certificates from the plant CA on port 802 (mutual TLS is mandatory in Modbus/TCP Security) and authorize requests by the role in the certificate.",
    docs: SPEC_SECURITY,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const ev = { endpoint: t.url, clientCertificate: t.clientCertificate.required, detail: t.clientCertificate.detail, negotiated: t.negotiated, withClientCertificate: t.withClientCertificate };
      if (t.clientCertificate.required === "required") out.push({ status: "pass", port: t.port, message: `${t.url} requires a client certificate: ${t.clientCertificate.detail}`, evidence: ev });
      else if (t.clientCertificate.required === "not_required") out.push({ status: "fail", port: t.port, message: `${t.url} serves Modbus without a client certificate: ${t.clientCertificate.detail}`, evidence: ev });
      else out.push({ status: "error", port: t.port, message: `${t.url}: could not tell whether a client certificate is required (${t.clientCertificate.detail})`, evidence: ev });
    }
    return out.length ? out : null;
  },
});

export const writeAccepted = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.write.unauthenticated",
    title: "Unauthenticated Modbus write accepted",
    elements: [8],
    iec62443: ["CR 2.1", "CR 3.5"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Make the controller refuse writes from unauthenticated clients (write protection, key switch in RUN, Modbus/TCP Security roles) or restrict writers by conduit firewall rules.",
    docs: "Modbus Application Protocol 1.1b §6.5, §6.6; " + SPEC_SECURITY,
  },
  check({ facts }) {
    const w = facts.writeTest;
    const evidence = { target: w.target, functionCodes: w.functionCodes, valueRead: w.valueRead, valueAfter: w.valueAfter, exception: w.exception };
    switch (w.status) {
      case "not_requested":
        return { status: "skipped", message: "no write-back address named (--modbus-write unit:type:address with --intrusive)", evidence: {} };
      case "accepted":
        return { status: "fail", message: w.detail ?? "write accepted", evidence };
      case "refused":
        return { status: "pass", message: w.detail ?? "write refused", evidence };
      default:
        return { status: "error", message: `write-back test did not run to the end: ${w.detail ?? "unknown"}`, evidence };
    }
  },
});

export const identityDisclosed = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.identity.disclosed",
    title: "Device identity readable without authentication",
    elements: [5],
    iec62443: ["CR 4.1"],
    severity: "info",
    safety: "read",
    remediation: "Informational: vendor, product and revision are readable by anyone on the network (and feed advisory matching). Limit who can reach the device.",
    docs: "Modbus Application Protocol 1.1b §6.17, §6.21",
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const p of facts.plain) {
      for (const u of p.units) {
        const id = u.deviceId?.status === "ok" ? u.deviceId.identity : undefined;
        const serverIdText = u.serverId?.status === "ok" ? u.serverId.text : undefined;
        if ((id && Object.keys(id).length) || serverIdText) {
          out.push({
            status: "fail",
            port: p.port,
            message: `unit ${u.unitId} on ${p.url} discloses ${[id?.vendorName, id?.productCode, id?.revision].filter(Boolean).join(" ") || serverIdText}`,
            evidence: { endpoint: p.url, unitId: u.unitId, functionCodes: [43, 17], ...(id ?? {}), ...(u.serverId?.hex ? { serverIdHex: u.serverId.hex } : {}) },
          });
        }
      }
    }
    return out.length ? out : null;
  },
});

export const RULES: Rule<ModbusFacts>[] = [plainExposed, securityAbsent, tlsWeak, tlsCertificate, clientAuth, writeAccepted, identityDisclosed];
