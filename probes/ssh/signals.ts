// Fleet signals of the SSH plugin (plugin contract v2): typed data the fleet rules and the surface
// view read instead of SSH fact paths. Remote-access factors come from auth-summary.ts (the one
// reading of the SSH auth facts): `none` when something logged in without a secret (RFC 4252 §5.2
// `none`, an empty password), `mfa-verified` only when the bench login saw a partial success
// demanding another factor (RFC 4252 §5.1), `single-factor` when one factor alone logged in or a
// password-like method is offered as a first factor, otherwise `unknown`. A default-credential
// check counts as "checked, none accepted" only when every planned entry got a definite answer.
import type { FleetSignals } from "../../src/plugin.js";
import { defaultCredentialsComplete, sshAuthFactors } from "./auth-summary.js";
import type { SshFacts } from "./facts.js";

export function sshSignals(facts: SshFacts): FleetSignals {
  const out: Required<Pick<FleetSignals, "remoteAccess" | "defaultCredentials" | "defaultCredentialChecks" | "keys">> = {
    remoteAccess: [],
    defaultCredentials: [],
    defaultCredentialChecks: [],
    keys: [],
  };
  for (const s of facts.services) {
    if (s.error) continue; // the service could not be audited: no signal, not a good one
    out.remoteAccess.push({ scheme: "ssh", port: s.port, ...sshAuthFactors(s) });
    const d = s.defaultCredentials;
    if (d && !d.accepted && d.attempts.length > 0 && defaultCredentialsComplete(d))
      out.defaultCredentialChecks.push({ scheme: "ssh", port: s.port, tried: d.attempts.length });
    const a = d?.accepted;
    if (a) {
      const how = a.method === "none" ? "the `none` method" : a.emptyPassword ? "an empty password" : "its default password";
      out.defaultCredentials.push({
        scheme: "ssh",
        port: s.port,
        key: `ssh:${a.id}`,
        label: `account '${a.username}' with ${how} (${a.vendor ? `${a.vendor} default, ` : ""}entry ${a.id})`,
        source: a.source,
      });
    }
    for (const k of s.hostKeys) {
      if (k.fingerprintSha256)
        out.keys.push({ kind: "host-key", fingerprint: k.fingerprintSha256, scheme: "ssh", port: s.port, label: `${k.keyType} host key` });
    }
  }
  return out;
}
