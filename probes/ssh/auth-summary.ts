// What the SSH facts say about authentication, in the words fleet signals use (src/plugin.ts
// AuthFactors): one source of truth for probes/ssh/signals.ts and anything else that needs it.
// Pure; reads only facts the probe recorded, never rule ids.
import type { AuthFactors } from "../../src/plugin.js";
import type { SshDefaultCredentials, SshService } from "./facts.js";

const PASSWORD_LIKE = new Set(["password", "keyboard-interactive"]);

/** Every planned default-credential entry got a definite answer (older facts lack `complete`: derive it). */
export function defaultCredentialsComplete(d: SshDefaultCredentials): boolean {
  if (d.complete !== undefined) return d.complete;
  return d.accepted !== undefined || (d.attempts.length === d.planned.length && d.attempts.every((a) => a.result === "rejected"));
}

/**
 * none: something logged in without a secret (`none` for our random name, a bench or default
 * account, or an empty password); single-factor: a password alone logged in (bench credentials or a
 * default password); mfa-verified: a second factor was demanded after the first (partial success,
 * RFC 4252 §5.1); single-factor too when no login was observed but a password-like method is offered
 * as a first factor (as ssh.auth.password-single-factor fails it: nothing shows that a second factor
 * follows); unknown: nothing observed either way (publickey alone offered proves no factor count).
 */
export function sshAuthFactors(s: SshService): { factors: AuthFactors; detail: string } {
  if (s.auth?.noneAccepted) return { factors: "none", detail: `'none' logged in '${s.auth.username}'` };
  const c = s.credentialed;
  const d = s.defaultCredentials?.accepted;
  if (c?.steps.some((st) => st.method === "none" && st.result === "success"))
    return { factors: "none", detail: `'none' logged in bench account '${c.username}'` };
  if (d && (d.method === "none" || d.emptyPassword))
    return { factors: "none", detail: `account '${d.username}' logged in ${d.method === "none" ? "with 'none'" : "with an empty password"}` };
  if (c?.emptyPassword && c.passwordAloneAccepted) return { factors: "none", detail: `bench account '${c.username}' logged in with an empty password` };
  if (c?.mfaObserved)
    return { factors: "mfa-verified", detail: `second factor demanded after ${c.steps.find((st) => st.result === "partial")?.method ?? "the first"}` };
  if (d) return { factors: "single-factor", detail: `default password of '${d.username}' logged in (${d.id})` };
  if (c?.passwordAloneAccepted) return { factors: "single-factor", detail: `a password alone logged in bench account '${c.username}'` };
  if (c?.authenticated)
    return {
      factors: "single-factor",
      detail: `bench account '${c.username}' logged in with ${c.steps.find((st) => st.result === "success")?.method ?? "one method"} alone`,
    };
  const offered = s.auth && !s.auth.error ? (s.auth.methods?.filter((m) => PASSWORD_LIKE.has(m)) ?? []) : [];
  if (offered.length)
    return { factors: "single-factor", detail: `${offered.join(" and ")} offered as a first factor; no evidence that a second factor follows` };
  return {
    factors: "unknown",
    detail:
      s.auth?.methods && !s.auth.error ? `only ${s.auth.methods.join(", ") || "no method"} offered; no login observed` : "authentication methods were not read",
  };
}
