// What the SSH facts say about authentication, in the words fleet signals use (src/plugin.ts
// AuthFactors): one source of truth for probes/ssh/signals.ts and anything else that needs it.
// Pure; reads only facts the probe recorded, never rule ids.
import type { AuthFactors } from "../../src/plugin.js";
import type { SshService } from "./facts.js";

const PASSWORD_LIKE = new Set(["password", "keyboard-interactive"]);

/**
 * none: something logged in without a secret (`none` for our random name, a bench or default
 * account, or an empty password); single-factor: a password alone logged in (bench credentials or a
 * default password); mfa-verified: a second factor was demanded after the first (partial success,
 * RFC 4252 §5.1); unknown: nothing observed either way (the methods offered alone do not prove it).
 */
export function sshAuthFactors(s: SshService): { factors: AuthFactors; detail: string } {
  if (s.auth?.noneAccepted) return { factors: "none", detail: `'none' logged in '${s.auth.username}'` };
  const c = s.credentialed;
  const d = s.defaultCredentials?.accepted;
  if (c?.steps.some((st) => st.method === "none" && st.result === "success")) return { factors: "none", detail: `'none' logged in bench account '${c.username}'` };
  if (d && (d.method === "none" || d.emptyPassword)) return { factors: "none", detail: `account '${d.username}' logged in ${d.method === "none" ? "with 'none'" : "with an empty password"}` };
  if (c?.emptyPassword && c.passwordAloneAccepted) return { factors: "none", detail: `bench account '${c.username}' logged in with an empty password` };
  if (c?.mfaObserved) return { factors: "mfa-verified", detail: `second factor demanded after ${c.steps.find((st) => st.result === "partial")?.method ?? "the first"}` };
  if (d) return { factors: "single-factor", detail: `default password of '${d.username}' logged in (${d.id})` };
  if (c?.passwordAloneAccepted) return { factors: "single-factor", detail: `a password alone logged in bench account '${c.username}'` };
  if (c?.authenticated) return { factors: "single-factor", detail: `bench account '${c.username}' logged in with ${c.steps.find((st) => st.result === "success")?.method ?? "one method"} alone` };
  const offered = s.auth?.methods?.filter((m) => PASSWORD_LIKE.has(m)) ?? [];
  return { factors: "unknown", detail: offered.length ? `${offered.join(", ")} offered first; no login observed` : "no login observed" };
}
