// Fleet signals of the SSH plugin (plugin contract v2): typed data the fleet rules and the surface
// view read instead of SSH fact paths. Remote access factors follow the device rules: `none` when
// the server let the `none` method in (RFC 4252 §5.2), `mfa-verified` only when the bench login saw
// a partial success demanding another factor (RFC 4252 §5.1), `single-factor` when one factor alone
// logged in or a password-like method is offered as a first factor, otherwise `unknown`.
import type { AuthFactors, FleetSignals } from "../../src/plugin.js";
import type { SshFacts, SshService } from "./facts.js";

const PASSWORD_LIKE = ["password", "keyboard-interactive"];

function factors(s: SshService): { factors: AuthFactors; detail: string } {
  const auth = s.auth;
  if (auth?.noneAccepted) return { factors: "none", detail: `the 'none' method logged in user '${auth.username}'` };
  const c = s.credentialed;
  if (c && c.steps.length > 0) {
    const chain = c.steps.filter((st) => st.result !== "failure").map((st) => st.method);
    if (c.mfaObserved) return { factors: "mfa-verified", detail: `login as '${c.username}' needed ${chain.join(" then ")}` };
    if (c.passwordAloneAccepted || c.authenticated) return { factors: "single-factor", detail: `'${c.username}' logged in with ${chain[0] ?? "one method"} alone` };
  }
  if (auth?.methods && !auth.error) {
    const offered = auth.methods.filter((m) => PASSWORD_LIKE.includes(m));
    if (offered.length) return { factors: "single-factor", detail: `${offered.join(" and ")} offered as a first factor; no evidence that a second factor follows` };
    return { factors: "unknown", detail: `only ${auth.methods.join(", ") || "no method"} offered; a second factor was not observed` };
  }
  return { factors: "unknown", detail: "authentication methods were not read" };
}

export function sshSignals(facts: SshFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "defaultCredentials" | "defaultCredentialChecks" | "keys">> = { remoteAccess: [], defaultCredentials: [], defaultCredentialChecks: [], keys: [] };
  for (const s of facts.services) {
    if (s.error) continue; // the service could not be audited: no signal, not a good one
    out.remoteAccess.push({ scheme: "ssh", port: s.port, ...factors(s) });
    const tried = s.defaultCredentials?.attempts.filter((x) => x.result !== "error").length ?? 0;
    if (tried > 0) out.defaultCredentialChecks.push({ scheme: "ssh", port: s.port, tried });
    const a = s.defaultCredentials?.accepted;
    if (a) out.defaultCredentials.push({ scheme: "ssh", port: s.port, key: `ssh:${a.id}`, label: `account '${a.username}' (${a.vendor} default, entry ${a.id})`, source: a.source });
    for (const k of s.hostKeys) {
      if (k.fingerprintSha256) out.keys.push({ kind: "host-key", fingerprint: k.fingerprintSha256, scheme: "ssh", port: s.port, label: `${k.keyType} host key` });
    }
  }
  return out;
}
