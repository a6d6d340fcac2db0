// IEC 60870-5-104 rules: pure functions over Iec104Facts. A TLS service counts only when proven (a
// completed handshake, or a CertificateRequest followed by an alert naming the missing certificate);
// silence, a hang-up or a broken handshake are never a pass. The station's identity is not observable
// read-only (no STARTDT, no interrogation), so there is no identity rule.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, pass, skipped, undetermined } from "../../src/rule-kit.js";
import type { Iec104Facts, TlsFacts } from "./facts.js";

const SPEC = "IEC 60870-5-104:2006";
const TLS_SPEC = "IEC 62351-3:2014 (TLS for IEC 60870-5-104)";

const proven = (t: TlsFacts) => t.proof !== "none";

export const plainExposed = defineRule<Iec104Facts>({
  meta: {
    id: "iec104.plain.exposed",
    title: "Plain IEC 60870-5-104 answers without authentication or encryption",
    elements: [5, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "high",
    safety: "passive",
    remediation:
      "Restrict tcp/2404 to the SCADA master (firewall, conduit) and move the link to IEC 62351-3 TLS (port 19998) with mutual certificate authentication.",
    docs: `${SPEC} §5; ${TLS_SPEC}`,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const p of facts.plain) {
      const ev = { endpoint: p.url, testfr: p.testfr, sent: p.sent, received: p.received };
      if (p.testfr === "testfr-con" || p.testfr === "other")
        out.push(
          fail(
            `${p.url} speaks IEC 60870-5-104 in clear text to an unauthenticated client (${p.testfr === "testfr-con" ? "TESTFR act confirmed" : "APDUs received"})`,
            ev,
            { port: p.port },
          ),
        );
      else if (p.reachability === "closed")
        out.push(pass(`plain IEC 104 is not listening on ${p.url} (connection refused)`, { endpoint: p.url, reachability: "closed" }, { port: p.port }));
      else if (p.testfr === "closed")
        out.push(
          undetermined(
            "connection-closed",
            `${p.url} accepted TCP, then closed on TESTFR act (an allow-list of client addresses may be in force; nothing proves it)`,
            ev,
            { port: p.port },
          ),
        );
      else if (p.reachability === "open")
        out.push(undetermined("no-answer", `${p.url} accepted TCP but did not answer TESTFR act (${p.testfr})`, ev, { port: p.port }));
      else out.push(error(`could not tell whether ${p.url} answers: ${p.error?.message ?? "unreachable"}`, ev, { port: p.port }));
    }
    return out.length ? out : null;
  },
});

export const tlsAbsent = defineRule<Iec104Facts>({
  meta: {
    id: "iec104.tls.absent",
    title: "No IEC 62351-3 TLS for IEC 60870-5-104 (port 19998)",
    elements: [3, 7],
    iec62443: ["CR 3.1", "CR 4.1"],
    severity: "medium",
    safety: "passive",
    remediation: "Enable IEC 62351-3 (TLS 1.2 or later with mutual certificate authentication) for IEC 104, and retire plain tcp/2404.",
    docs: TLS_SPEC,
  },
  check({ facts }) {
    if (facts.tls.length === 0) return skipped("port 19998 was not examined");
    const ok = facts.tls.filter(proven);
    if (ok.length)
      return pass(
        `IEC 62351-3 TLS offered on ${ok.map((t) => t.url).join(", ")} (${ok[0]!.detail})`,
        { endpoints: ok.map((t) => t.url), proof: ok[0]!.proof, protocol: ok[0]!.protocol },
        { port: ok[0]!.port },
      );
    const broken = facts.tls.find((t) => t.reachability === "open" && t.protocol !== undefined);
    if (broken)
      return undetermined(
        "connection-closed",
        `${broken.url}: a ServerHello came back but no TLS session was set up (${broken.detail})`,
        { endpoint: broken.url, detail: broken.detail, alert: broken.alert },
        { port: broken.port },
      );
    const errored = facts.tls.find((t) => t.reachability === "error" || (t.reachability === "open" && t.error));
    if (errored)
      return error(
        `could not tell whether ${errored.url} offers TLS: ${errored.detail || errored.error?.message}`,
        { endpoint: errored.url, error: errored.error },
        { port: errored.port },
      );
    return fail(
      `no IEC 62351-3 TLS: ${facts.tls.map((t) => `${t.url} ${t.reachability === "closed" ? "refused the connection" : `answered no TLS (${t.detail})`}`).join("; ")}`,
      { endpoints: facts.tls.map((t) => ({ url: t.url, reachability: t.reachability, detail: t.detail })) },
      { port: facts.tls[0]!.port },
    );
  },
});

const WEAK_SUITE = /NULL|RC4|DES|EXPORT|anon|MD5/i;

export const tlsWeak = defineRule<Iec104Facts>({
  meta: {
    id: "iec104.tls.weak",
    title: "IEC 62351-3 TLS below version 1.2 or with a weak suite",
    elements: [7],
    iec62443: ["CR 4.3"],
    severity: "high",
    safety: "passive",
    remediation: "Allow TLS 1.2 and 1.3 only with AEAD suites (IEC 62351-3:2014+AMD1:2018, RFC 9325).",
    docs: `${TLS_SPEC}; RFC 8996; RFC 9325`,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of facts.tls.filter((x) => x.proof === "handshake-completed")) {
      const ev = { endpoint: t.url, protocol: t.protocol, cipher: t.cipher };
      if (!t.protocol || !t.cipher) out.push(undetermined("unparsed", `${t.url}: the negotiated version or suite was not reported`, ev, { port: t.port }));
      else if (t.protocol === "TLSv1.2" || t.protocol === "TLSv1.3") {
        if (WEAK_SUITE.test(t.cipher)) out.push(fail(`${t.url} negotiated the weak suite ${t.cipher}`, ev, { port: t.port }));
        else if (/^TLS_(AES|CHACHA20)|_GCM_|_CCM|CHACHA20_POLY1305/.test(t.cipher))
          out.push(pass(`${t.url} negotiated ${t.protocol} with ${t.cipher}`, ev, { port: t.port }));
        else out.push(undetermined("unknown-value", `${t.url}: suite ${t.cipher} not judged (not a known AEAD suite)`, ev, { port: t.port }));
      } else if (["SSLv3", "TLSv1", "TLSv1.1"].includes(t.protocol))
        out.push(fail(`${t.url} negotiated ${t.protocol} (IEC 62351-3 requires TLS 1.2 or later; RFC 8996)`, ev, { port: t.port }));
      else out.push(undetermined("unknown-value", `${t.url}: protocol ${t.protocol} not known`, ev, { port: t.port }));
    }
    return out.length ? out : null;
  },
});

export const tlsClientAuth = defineRule<Iec104Facts>({
  meta: {
    id: "iec104.tls.client-auth",
    title: "IEC 62351-3 TLS without mutual (client certificate) authentication",
    elements: [7, 9],
    iec62443: ["CR 1.2"],
    severity: "high",
    safety: "passive",
    remediation: "Require client certificates from the SCADA masters (IEC 62351-3 mutual authentication) and trust only their issuing CA.",
    docs: TLS_SPEC,
  },
  check({ facts }) {
    const out: RuleOutcome[] = [];
    for (const t of facts.tls) {
      const ev = { endpoint: t.url, proof: t.proof, certificateRequested: t.certificateRequested, alert: t.alert, testfr: t.testfr };
      if (t.proof === "client-certificate-alert")
        out.push(
          pass(
            `${t.url} refused a TLS client without a certificate (${t.alert?.name ?? "alert"}${t.certificateRequested ? " after a CertificateRequest" : ""})`,
            ev,
            { port: t.port },
          ),
        );
      else if (t.proof === "handshake-completed" && t.testfr === "testfr-con")
        out.push(fail(`${t.url} set up TLS without a client certificate and confirmed TESTFR inside it: no mutual authentication`, ev, { port: t.port }));
      else if (t.proof === "handshake-completed")
        out.push(
          undetermined("no-answer", `${t.url}: TLS completed without a client certificate, but TESTFR inside it was not confirmed (${t.testfr})`, ev, {
            port: t.port,
          }),
        );
    }
    return out.length ? out : null;
  },
});

export const IEC104_RULES: Rule<Iec104Facts>[] = [plainExposed, tlsAbsent, tlsWeak, tlsClientAuth];
