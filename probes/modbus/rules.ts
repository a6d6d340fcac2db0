// Modbus/TCP rules: pure functions over ModbusFacts (no I/O). Each names unit ids, function codes
// and TLS parameters in its evidence. A pass needs positive evidence: a TLS service only counts
// when proven (facts.secure[].tlsOffered), unknown versions/suites/groups/key types are
// `undetermined` (unknown-value), a client-certificate requirement passes only on a
// CertificateRequest or an alert naming the missing certificate.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, judgeItems, pass, skipped, undetermined, type JudgedItem } from "../../src/rule-kit.js";
import { VERSIONS, versionCode } from "../tls/wire/constants.js";
import type { ModbusFacts, PlainEndpointFacts, TlsEndpointFacts } from "./facts.js";
import { tlsKnowledge } from "./knowledge.js";
import { judgeCertificate, judgeDhBits, judgeGroup, judgeGroupName, judgeSuite, judgeVersionCode } from "./tls-judge.js";

const SPEC_SECURITY = "Modbus/TCP Security Protocol Specification (Modbus Organization, 2018)";

function answeringUnits(p: PlainEndpointFacts): number[] {
  return p.units.filter((u) => u.answered).map((u) => u.unitId);
}

function offered(secure: TlsEndpointFacts[]): TlsEndpointFacts[] {
  return secure.filter((t) => t.tlsOffered);
}

/**
 * Endpoints whose server chose parameters in a ServerHello but never proved a TLS service (e.g. a
 * reset right after the ServerHello): the TLS rules say so instead of judging what is not there.
 */
function unproven(secure: TlsEndpointFacts[], what: string): RuleOutcome[] {
  return secure
    .filter((t) => !t.tlsOffered && t.versions.some((v) => v.result === "incomplete"))
    .map((t) =>
      undetermined(
        "connection-closed",
        `${t.url}: ${what} cannot be judged: no TLS handshake completed (${t.service?.detail ?? "broke off after the ServerHello"})`,
        { endpoint: t.url, versions: t.versions, service: t.service },
        { port: t.port },
      ),
    );
}

export const plainExposed = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.plain.exposed",
    title: "Plain Modbus/TCP answers without authentication",
    elements: [5, 7, 8],
    iec62443: ["CR 1.2", "CR 2.1", "CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "read",
    remediation:
      "Disable plain Modbus/TCP (port 502) or restrict it to a segmented cell behind a conduit; use Modbus/TCP Security (port 802, TLS with client certificates and roles).",
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
        outcomes.push({
          status: "pass",
          port: p.port,
          message: `plain Modbus/TCP is not listening on ${p.url}`,
          evidence: { endpoint: p.url, reachability: "closed" },
        });
      } else if (p.error) {
        outcomes.push({
          status: "error",
          port: p.port,
          message: `could not tell whether ${p.url} answers: ${p.error.message}`,
          evidence: { endpoint: p.url, error: p.error },
        });
      } else {
        // silence is not evidence of protection: could not tell
        outcomes.push({
          status: "error",
          port: p.port,
          message: `could not tell whether ${p.url} answers: it accepted TCP but gave no Modbus reply to units ${p.unitsTried.join(", ") || "(none tried)"}`,
          evidence: { endpoint: p.url, unitsTried: p.unitsTried },
        });
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
    if (facts.secure.length === 0) return skipped("port 802 was not examined (companion checks disabled)");
    const marked = offered(facts.secure);
    // the pass rests on the recorded proof (a completed handshake, a whole server flight, a client-certificate alert)
    const ok = marked.filter((t) => t.service !== undefined && t.service.proof !== "none");
    if (marked.length && !ok.length)
      return undetermined(
        "no-evidence",
        `TLS marked as offered on ${marked.map((t) => t.url).join(", ")}, but what proved it is not in the facts`,
        { endpoints: marked.map((t) => t.url) },
        { port: marked[0]!.port },
      );
    if (ok.length) {
      return pass(
        `Modbus/TCP Security offered on ${ok.map((t) => t.url).join(", ")} (${ok[0]!.service!.detail})`,
        { endpoints: ok.map((t) => t.url), proof: ok[0]!.service, versions: ok[0]!.versions.filter((v) => v.result === "accepted").map((v) => v.version) },
        { port: ok[0]!.port },
      );
    }
    // a server that chose parameters and then broke off has not shown a TLS service, nor its absence
    const broken = facts.secure.find((t) => t.versions.some((v) => v.result === "incomplete"));
    if (broken) {
      return undetermined(
        "connection-closed",
        `${broken.url}: no TLS handshake completed (${broken.service?.detail ?? "the handshakes broke off after the ServerHello"})`,
        { endpoint: broken.url, versions: broken.versions, clientCertificate: broken.clientCertificate },
        { port: broken.port },
      );
    }
    const errored = facts.secure.filter(
      (t) => t.reachability === "error" || (t.reachability === "open" && (t.error !== undefined || t.versions.some((v) => v.result === "error"))),
    );
    if (errored.length) {
      return error(
        `could not tell whether ${errored[0]!.url} offers TLS: ${errored[0]!.error?.message ?? errored[0]!.versions.find((v) => v.result === "error")?.detail ?? "handshake failed"}`,
        { endpoint: errored[0]!.url, error: errored[0]!.error, versions: errored[0]!.versions },
        { port: errored[0]!.port },
      );
    }
    return fail(
      `no Modbus/TCP Security: ${facts.secure.map((t) => `${t.url} ${t.reachability === "closed" ? "refused the connection" : "refused every TLS version offered"}`).join("; ")}`,
      { endpoints: facts.secure.map((t) => ({ url: t.url, reachability: t.reachability, versions: t.versions })) },
      { port: facts.secure[0]!.port },
    );
  },
});

/** What the server chose anywhere (versions, suites, groups, DHE primes, the completed handshake), judged. */
function chosenItems(t: TlsEndpointFacts): JudgedItem[] {
  const k = tlsKnowledge();
  const items = new Map<string, JudgedItem>();
  const add = (j: JudgedItem) => void (items.has(j.name) || items.set(j.name, j));
  for (const v of t.versions) {
    if (v.result !== "accepted" && v.result !== "incomplete") continue;
    add(judgeVersionCode(v.serverVersion ?? versionCode(v.version)));
  }
  for (const e of [...t.versions, ...t.weakSuites]) {
    if (e.result !== "accepted" && e.result !== "incomplete") continue;
    if (e.cipherCode !== undefined) add(judgeSuite(e.cipherCode));
    if (e.group !== undefined) add(judgeGroup(e.group));
    if (e.dhBits !== undefined) add(judgeDhBits(e.dhBits));
  }
  for (const s of t.weakSuites) {
    if (s.result !== "accepted" && s.result !== "incomplete") continue;
    const fam = k.weakSuites.find((w) => w.id === s.id);
    add({
      name: `${s.id} suites${s.cipher ? ` (${s.cipher})` : ""}`,
      status: "weak",
      reasons: [fam?.reason ?? "weak suite family"],
      severity: fam?.severity ?? "medium",
    });
  }
  if (t.negotiated) {
    add(judgeSuite(t.negotiated.cipher));
    if (t.negotiated.group) add(judgeGroupName(t.negotiated.group));
    const code = VERSIONS.find((v) => v.name === t.negotiated!.protocol)?.code;
    add(code !== undefined ? judgeVersionCode(code) : { name: `unknown version ${t.negotiated.protocol}`, status: "unknown" });
  }
  return [...items.values()];
}

export const tlsWeak = defineRule<ModbusFacts>({
  meta: {
    id: "modbus.security.tls-weak",
    title: "Modbus/TCP Security accepts TLS below 1.2, weak cipher suites or weak groups",
    elements: [7],
    iec62443: ["CR 4.3", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Allow TLS 1.2 and 1.3 only, with ECDHE key exchange on P-256/X25519 or stronger and AEAD suites; disable NULL, anonymous, export, RC4, DES, 3DES and static-RSA suites.",
    docs: "RFC 8996; RFC 9325 (BCP 195); " + SPEC_SECURITY,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const evidence = {
        endpoint: t.url,
        versions: t.versions.map((v) => ({
          version: v.version,
          result: v.result,
          ...(v.cipher ? { cipher: v.cipher } : {}),
          ...(v.detail ? { detail: v.detail } : {}),
        })),
        weakSuites: t.weakSuites.map((s) => ({ family: s.id, result: s.result, ...(s.cipher ? { cipher: s.cipher } : {}) })),
        negotiated: t.negotiated,
      };
      const judged = judgeItems(chosenItems(t), "TLS parameters", { port: t.port, evidence });
      if (judged.status !== "pass") {
        out.push({ ...judged, message: `${t.url}: ${judged.message}` });
        continue;
      }
      // a pass also needs every weak version and family to have been offered and refused
      const untested = [
        ...t.versions
          .filter((v) => v.result !== "refused" && tlsKnowledge().versions.find((k) => k.version === v.version)?.weak)
          .map((v) => `${v.version} (${v.result}${v.detail ? `: ${v.detail}` : ""})`),
        ...t.weakSuites.filter((s) => s.result !== "refused").map((s) => `${s.id} (${s.result})`),
      ];
      const weakVersions = tlsKnowledge()
        .versions.filter((k) => k.weak)
        .map((k) => k.version);
      const missing = weakVersions.filter((w) => !t.versions.some((v) => v.version === w));
      if (untested.length || missing.length || t.weakSuites.length < tlsKnowledge().weakSuites.length) {
        out.push(
          undetermined(
            "incomplete",
            `${t.url}: no weak parameter seen, but not everything was tested: ${[...untested, ...missing.map((m) => `${m} (not tried)`)].join(", ") || "weak suite families not tried"}`,
            evidence,
            { port: t.port },
          ),
        );
      } else {
        out.push(
          pass(
            `${t.url} accepts only ${t.versions
              .filter((v) => v.result === "accepted")
              .map((v) => v.version)
              .join(", ")}; every weak version and suite family offered was refused`,
            evidence,
            { port: t.port },
          ),
        );
      }
    }
    out.push(...unproven(facts.secure, "the TLS parameters"));
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
    remediation:
      "Issue the device a certificate from the plant PKI with an RSA key of 2048 bits or more (or ECDSA P-256+, Ed25519), a SHA-256+ signature, and a current validity period; renew before expiry.",
    docs: "NIST SP 800-131A Rev. 2; NIST SP 800-57 Part 1 Rev. 5; FIPS 186-5; RFC 9155; " + SPEC_SECURITY,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const c = t.certificate;
      if (!c) {
        out.push(
          t.certificateError
            ? undetermined(
                "unparsed",
                `${t.url}: the server certificate could not be parsed (${t.certificateError.message})`,
                { endpoint: t.url, error: t.certificateError },
                { port: t.port },
              )
            : skipped(
                `${t.url}: the server certificate could not be obtained (no TLS <= 1.2 flight in the clear and no handshake completed; supply a client certificate in the credentials file)`,
                { endpoint: t.url },
                { port: t.port },
              ),
        );
        continue;
      }
      const { key, signature } = judgeCertificate(c);
      const evidence = {
        endpoint: t.url,
        subject: c.subject,
        issuer: c.issuer,
        notBefore: c.notBefore,
        notAfter: c.notAfter,
        keyAlgorithm: c.keyAlgorithm,
        keyBits: c.keyBits,
        namedCurve: c.namedCurve,
        signatureAlgorithm: c.signatureAlgorithm,
        signatureOid: c.signatureOid,
        selfSigned: c.selfSigned,
        sha256: c.sha256,
      };
      const items: JudgedItem[] = [key, signature];
      if (!c.validNow) items.unshift({ name: `validity ${c.notBefore} .. ${c.notAfter}`, status: "weak", reasons: ["not valid now"], severity: "medium" });
      const judged = judgeItems(items, "certificate parameters", { port: t.port, evidence });
      out.push({ ...judged, message: `${t.url} certificate: ${judged.status === "pass" ? `current, ${key.name}, ${signature.name}` : judged.message}` });
    }
    out.push(...unproven(facts.secure, "the server certificate"));
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
    remediation:
      "Require client certificates from the plant CA on port 802 (mutual TLS is mandatory in Modbus/TCP Security) and authorize requests by the role in the certificate.",
    docs: "RFC 8446 §4.3.2; RFC 5246 §7.4.4; " + SPEC_SECURITY,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of offered(facts.secure)) {
      const cc = t.clientCertificate;
      const ev = {
        endpoint: t.url,
        clientCertificate: cc.required,
        proof: cc.evidence ?? "none",
        alert: cc.alert,
        detail: cc.detail,
        certificateRequest: t.serverFlight?.certificateRequest,
        negotiated: t.negotiated,
        withClientCertificate: t.withClientCertificate,
      };
      if (cc.required === "required" && (cc.evidence === "certificate-request" || cc.evidence === "alert"))
        out.push(pass(`${t.url} requires a client certificate: ${cc.detail}`, ev, { port: t.port }));
      else if (cc.required === "not_required") out.push(fail(`${t.url} serves Modbus without a client certificate: ${cc.detail}`, ev, { port: t.port }));
      else
        out.push(
          undetermined(
            /timeout|no answer|deadline/i.test(cc.detail) ? "no-answer" : "connection-closed",
            `${t.url}: whether a client certificate is required was not shown (${cc.detail})`,
            ev,
            { port: t.port },
          ),
        );
    }
    out.push(...unproven(facts.secure, "client authentication"));
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
    remediation:
      "Make the controller refuse writes from unauthenticated clients (write protection, key switch in RUN, Modbus/TCP Security roles) or restrict writers by conduit firewall rules.",
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
    remediation:
      "Informational: vendor, product, revision, extended identification objects and the run indicator are readable by anyone on the network (and feed advisory matching). Limit who can reach the device.",
    docs: "Modbus Application Protocol 1.1b §6.17, §6.21",
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const p of facts.plain) {
      for (const u of p.units) {
        const id = u.deviceId?.status === "ok" ? u.deviceId.identity : undefined;
        const serverIdText = u.serverId?.status === "ok" ? u.serverId.text : undefined;
        const extended = (u.deviceId?.objects ?? []).filter((o) => o.id >= 0x80);
        if ((id && Object.keys(id).length) || serverIdText || extended.length) {
          out.push({
            status: "fail",
            port: p.port,
            message: `unit ${u.unitId} on ${p.url} discloses ${[id?.vendorName, id?.productCode, id?.revision].filter(Boolean).join(" ") || serverIdText}`,
            evidence: {
              endpoint: p.url,
              unitId: u.unitId,
              functionCodes: [43, 17],
              ...(id ?? {}),
              ...(extended.length ? { extendedObjects: Object.fromEntries(extended.map((o) => [`0x${o.id.toString(16)}`, o.value])) } : {}),
              ...(u.deviceId?.conformityLevel !== undefined ? { conformityLevel: `0x${u.deviceId.conformityLevel.toString(16)}` } : {}),
              ...(u.serverId?.hex ? { serverIdHex: u.serverId.hex } : {}),
              ...(u.serverId?.runIndicator ? { runIndicator: u.serverId.runIndicator.status } : {}),
            },
          });
        }
      }
    }
    return out.length ? out : null;
  },
});

export const RULES: Rule<ModbusFacts>[] = [plainExposed, securityAbsent, tlsWeak, tlsCertificate, clientAuth, writeAccepted, identityDisclosed];
