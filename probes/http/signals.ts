// Fleet signals of the http plugin (plugin contract v2): a web UI served over cleartext HTTP is a
// cleartext management channel (`credentials` when it asks for a password there); a web login
// (password form, Basic or Digest) is remote access with one factor unless more is observed (a
// default run never logs in, so a second factor is never seen: `single-factor`, as for SSH when a
// password is offered as a first factor); default credentials accepted or tried (--intrusive).
import type { FleetSignals } from "../../src/plugin.js";
import type { HttpFacts, HttpService } from "./facts.js";
import { cleartextPath } from "./rules.js";

/** A login among the service's own answers (an http service's redirect target over https is the https service's). */
function login(s: HttpService): string | undefined {
  for (const e of s.exchanges.filter((x) => x.tls === (s.scheme === "https"))) {
    if (e.status === 401 && e.challenges.length) return `${e.challenges.map((c) => c.scheme).join("/")} authentication on ${e.url}`;
    if (e.forms.some((f) => f.passwordFields > 0) || (e.loosePasswordInputs ?? 0) > 0) return `a password form on ${e.url}`;
  }
  return undefined;
}

export function httpSignals(facts: HttpFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "cleartext" | "defaultCredentials" | "defaultCredentialChecks">> = {
    remoteAccess: [],
    cleartext: [],
    defaultCredentials: [],
    defaultCredentialChecks: [],
  };
  const loginsSeen = new Set<string>();
  for (const s of facts.services) {
    if (s.error || !s.exchanges[0] || s.exchanges[0].error) continue; // not audited: no signal, not a good one
    const how = login(s);
    if (how)
      out.remoteAccess.push({
        scheme: s.scheme,
        port: s.port,
        factors: "single-factor",
        detail: `${how}; no second factor observed (no login is attempted in a default run)`,
      });
    if (s.scheme === "http") {
      const p = cleartextPath(s);
      const clearLogin = s.exchanges.some(
        (e) => !e.tls && ((e.status === 401 && e.challenges.length > 0) || e.forms.some((f) => f.passwordFields > 0) || (e.loosePasswordInputs ?? 0) > 0),
      );
      if (!p.redirected)
        out.cleartext.push({
          scheme: "http",
          port: s.port,
          carries: clearLogin ? "credentials" : "management",
          detail: clearLogin ? `${how ?? "a login"} over cleartext HTTP` : "web UI over cleartext HTTP",
        });
    }
    // one login reached from two ports (a redirect from 80 to 443) counts once
    const d = s.defaultCredentials && !loginsSeen.has(`${s.defaultCredentials.mechanism} ${s.defaultCredentials.url}`) ? s.defaultCredentials : undefined;
    if (d) loginsSeen.add(`${d.mechanism} ${d.url}`);
    // "checked, none accepted" needs every planned entry answered (a run cut by an error or the budget is not a check)
    const tried = d?.complete ? d.attempts.filter((a) => a.result !== "error").length : 0;
    if (tried > 0) out.defaultCredentialChecks.push({ scheme: s.scheme, port: s.port, tried });
    if (d?.accepted)
      out.defaultCredentials.push({
        scheme: s.scheme,
        port: s.port,
        key: `http:${d.accepted.id}`,
        label: `web account '${d.accepted.username}' (${d.accepted.vendor ?? "vendor"} default, entry ${d.accepted.id})`,
        source: d.accepted.source,
      });
  }
  return out;
}
