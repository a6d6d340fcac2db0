// What a Modbus device offers, as named sets for policies (src/policy): the protocol variants it
// serves (plain Modbus/TCP answering without authentication, Modbus/TCP Security = Modbus over TLS
// on 802, MB-TCP-Security v2.1 §4), and on the secure variant the TLS versions accepted, the cipher
// suites the server chose, and the weak suite families it accepted (RFC 8996, RFC 9325). A variant
// is absent only when its port refused the connection; a port that was not looked at, or that
// answered something else, leaves the set incomplete. Chosen suites are only what the server picked
// for our hellos: that set is never complete (an allow-list on it can fail, never pass).
import type { PolicyOffer, PolicySetDecl } from "../../src/plugin.js";
import type { ModbusFacts, TlsEndpointFacts } from "./facts.js";

export const MODBUS_POLICY_SETS: Readonly<Record<string, PolicySetDecl>> = {
  variants: { title: "Modbus variants served (plain, secure)", concern: "protocol-version" },
  tlsVersions: { title: "TLS versions accepted by Modbus/TCP Security", concern: "protocol-version" },
  tlsCipherSuites: { title: "TLS cipher suites the server chose", concern: "cryptography" },
  tlsWeakSuiteFamilies: { title: "weak TLS suite families accepted", concern: "cryptography" },
};

const TLS_VERSIONS = ["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"];

function offer(values: Iterable<string>, gaps: string[]): PolicyOffer {
  const offered = [...new Set(values)];
  return gaps.length ? { offered, complete: false, note: gaps.slice(0, 5).join("; ") } : { offered, complete: true };
}

function variants(f: ModbusFacts): PolicyOffer | undefined {
  if (f.plain.length === 0 && f.secure.length === 0) return undefined;
  const values: string[] = [];
  const gaps: string[] = [];
  if (f.plain.some((p) => p.answersUnauthenticated)) values.push("plain");
  else if (f.plain.length === 0) gaps.push("no plain Modbus/TCP port was looked at");
  else if (!f.plain.every((p) => p.reachability === "closed")) gaps.push("a plain Modbus/TCP port neither refused the connection nor answered Modbus");
  if (f.secure.some((s) => s.tlsOffered)) values.push("secure");
  else if (f.secure.length === 0) gaps.push("no Modbus/TCP Security port was looked at");
  else if (!f.secure.every((s) => s.reachability === "closed")) gaps.push("a Modbus/TCP Security port neither refused the connection nor proved a TLS service");
  return offer(values, gaps);
}

/** Secure endpoints that matter: refused ones offer nothing; others must have proved TLS. */
function tlsSets(f: ModbusFacts): Record<string, PolicyOffer> {
  if (f.secure.length === 0) return {};
  const versions: string[] = [];
  const suites: string[] = [];
  const weak: string[] = [];
  const versionGaps: string[] = [];
  const weakGaps: string[] = [];
  const seen = (s: TlsEndpointFacts) => `${s.url}`;
  for (const s of f.secure) {
    if (s.reachability === "closed") continue;
    if (!s.tlsOffered) {
      const why = `${seen(s)}: no TLS service proven`;
      versionGaps.push(why);
      weakGaps.push(why);
      continue;
    }
    for (const v of TLS_VERSIONS) {
      const r = s.versions.find((x) => x.version === v);
      if (r?.result === "accepted") versions.push(v);
      else if (r?.result !== "refused") versionGaps.push(`${seen(s)}: ${v} ${r ? r.result : "not tried"}`);
    }
    for (const r of s.versions) if (r.result === "accepted" && r.cipher) suites.push(r.cipher);
    if (s.negotiated?.cipher) suites.push(s.negotiated.cipher);
    if (s.weakSuites.length === 0) weakGaps.push(`${seen(s)}: weak suite families not tried`);
    for (const w of s.weakSuites) {
      if (w.result === "accepted") weak.push(w.id);
      else if (w.result !== "refused") weakGaps.push(`${seen(s)}: ${w.id} ${w.result}`);
    }
  }
  return {
    tlsVersions: offer(versions, versionGaps),
    tlsCipherSuites: offer(suites, ["only the suites the server chose for our hellos are seen, not every suite it accepts"]),
    tlsWeakSuiteFamilies: offer(weak, weakGaps),
  };
}

export function modbusPolicyFacts(f: ModbusFacts): Record<string, PolicyOffer> {
  const v = variants(f);
  return { ...(v ? { variants: v } : {}), ...tlsSets(f) };
}
