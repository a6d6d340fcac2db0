// What every tls rule shares: judge each service that proved TLS; a service that did not is an
// `error` (its probe failed) or not applicable (nothing TLS there), never a pass.
import type { RuleOutcome } from "../../src/plugin.js";
import { error, notApplicable } from "../../src/rule-kit.js";
import type { TlsFacts, TlsService } from "./facts.js";

/**
 * Run `judge` for every service that proved TLS; a service that did not is an `error` (its probe
 * failed) or not applicable (nothing TLS there), never a pass.
 */
export function perService(facts: TlsFacts, judge: (s: TlsService) => RuleOutcome | null): RuleOutcome[] | null {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    if (!s.tlsOffered) {
      if (s.error) out.push(error(`${s.url}: not audited: ${s.error.message}`, { endpoint: s.url, error: s.error }, { port: s.port }));
      else out.push(notApplicable(`${s.url}: no TLS version was accepted (${s.service.detail})`, { endpoint: s.url }, { port: s.port }));
      continue;
    }
    const o = judge(s);
    if (o) out.push({ ...o, port: s.port });
  }
  return out.length ? out : null;
}
