// What an SSH server offers, as named sets for policies (src/policy; ssh-audit's -P/-M policies are
// the model): the KEXINIT name-lists (RFC 4253 §7.1) per category, the authentication methods a
// `none` request lists (RFC 4252 §5.2) and the protocol versions of the identification string
// (RFC 4253 §4.2, §5.1). Union over the device's SSH services. A list is complete only when every
// service's KEXINIT was read and none of its name-lists was cut (more names than the probe keeps);
// a service that could not be audited leaves the set incomplete, never empty.
import type { PolicyOffer, PolicySetDecl } from "../../src/plugin.js";
import type { SshFacts, SshService } from "./facts.js";
import { ALGORITHM_LISTS, WIRE_LISTS } from "./rules-common.js";
import { algorithmDatabase, classify, type AlgorithmCategory } from "./knowledge.js";

export const SSH_POLICY_SETS: Readonly<Record<string, PolicySetDecl>> = {
  kex: { title: "key exchange algorithms", concern: "cryptography" },
  hostKey: { title: "host key algorithms", concern: "cryptography" },
  cipher: { title: "ciphers (both directions)", concern: "cryptography" },
  mac: { title: "MAC algorithms (both directions)", concern: "cryptography" },
  compression: { title: "compression algorithms (both directions)", concern: "exposure" },
  authMethods: { title: "authentication methods offered to an unauthenticated client", concern: "authentication" },
  versions: { title: "SSH protocol versions (identification string)", concern: "protocol-version" },
};

const CATEGORIES: AlgorithmCategory[] = ["kex", "hostKey", "cipher", "mac", "compression"];

/** One set as the union over services; incomplete when any service did not show it fully. */
function union(services: readonly SshService[], read: (s: SshService) => { values?: string[]; why?: string }): PolicyOffer | undefined {
  const offered = new Set<string>();
  const gaps: string[] = [];
  let seen = false;
  for (const s of services) {
    const r = read(s);
    if (r.values) {
      seen = true;
      for (const v of r.values) offered.add(v);
    }
    if (r.why) gaps.push(`${s.url}: ${r.why}`);
  }
  if (!seen) return undefined;
  return gaps.length ? { offered: [...offered], complete: false, note: gaps.join("; ") } : { offered: [...offered], complete: true };
}

function algorithms(category: AlgorithmCategory) {
  const db = algorithmDatabase();
  return (s: SshService) => {
    if (!s.algorithms) return { why: s.error ? `not audited (${s.error.code})` : "the server's KEXINIT was not read" };
    // markers (ext-info-s, kex-strict-s-v00@openssh.com) announce extensions, they are no algorithm
    const values = ALGORITHM_LISTS[category](s.algorithms).filter((n) => classify(category, n, db).status !== "marker");
    const cut = (s.algorithms.irregularities ?? []).filter((i) => WIRE_LISTS[category].includes(i.list) && i.truncated);
    if (cut.length) return { values, why: `name-list cut at ${cut[0]!.kept} of ${cut[0]!.total} names` };
    // an empty name-list is no usable KEXINIT (RFC 4253 §7.1): it shows nothing about what is offered
    return values.length ? { values } : { values, why: "the name-list is empty" };
  };
}

export function sshPolicyFacts(facts: SshFacts): Record<string, PolicyOffer> {
  const out: Record<string, PolicyOffer> = {};
  const put = (name: string, offer: PolicyOffer | undefined) => offer && (out[name] = offer);
  for (const c of CATEGORIES) put(c, union(facts.services, algorithms(c)));
  put(
    "authMethods",
    union(facts.services, (s) => {
      if (!s.auth) return { why: "no `none` authentication request was answered" };
      if (s.auth.noneAccepted) return { values: ["none"] };
      if (s.auth.error || !s.auth.methods?.length) return { why: `the method list was not read${s.auth.error ? ` (${s.auth.error.code})` : ""}` };
      return { values: s.auth.methods };
    }),
  );
  put(
    "versions",
    union(facts.services, (s) => {
      if (!s.banner) return { why: "no identification string was read" };
      // as announced: "2.0", or "1.99" for a server that also speaks SSH-1 (RFC 4253 §5.1)
      return { values: [s.banner.protocolVersion] };
    }),
  );
  return out;
}
