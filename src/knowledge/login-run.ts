// Default-credential runs as facts and as one rule outcome, shared by the plugins that try factory
// defaults with the one pacing loop (src/net attemptLogins): what was planned within the budget, each
// attempt's answer (never the password), the first accepted entry with its source, and whether
// every planned entry got a definite answer. The outcome: an accepted entry fails; only a complete
// run of rejections passes; anything else (an unclear answer, a cut-short run) is undetermined.
import { z } from "zod";
import type { LoginRun, Pacing } from "../net/logins.js";
import type { RuleOutcome } from "../plugin.js";
import { fail, pass, undetermined } from "../rule-kit.js";
import type { DefaultCredentialEntry, DefaultCredentialsFile } from "./default-credentials.js";

export const LoginRunFacts = z.object({
  /** entry ids the budget allowed, in order (announced before trying) */
  planned: z.array(z.string()),
  budget: z.number().int().nonnegative(),
  delayMs: z.number().int().nonnegative(),
  knownEntries: z.number().int().nonnegative(),
  attempts: z.array(
    z.object({
      id: z.string(),
      username: z.string(),
      result: z.enum(["accepted", "rejected", "error"]),
      /** what the device answered (prompt, reply code), or why the answer was not clear */
      detail: z.string().max(512).optional(),
    }),
  ),
  /** the first accepted entry: account and source, never the password */
  accepted: z.object({ id: z.string(), username: z.string(), vendor: z.string().optional(), source: z.string() }).optional(),
  /** every planned entry got a definite answer (accepted, or all rejected) */
  complete: z.boolean(),
  /** why nothing was tried (e.g. no login prompt) */
  notTried: z.string().optional(),
});
export type LoginRunFacts = z.infer<typeof LoginRunFacts>;

/** Shorter passwords are not masked: replacing every "1" or "ab" would garble the device's words. */
const MIN_MASKED_PASSWORD = 3;

/**
 * A device may echo what was typed (a Telnet server without WILL ECHO, a reply quoting the
 * command): the tried password is masked in what the facts keep of its answer.
 */
function withoutPassword(text: string, password: string): string {
  return password.length >= MIN_MASKED_PASSWORD ? text.split(password).join("***") : text;
}

/** Facts of a finished run. `details` holds what the device answered per entry id. */
export function loginRunFacts(
  run: LoginRun<DefaultCredentialEntry>,
  data: DefaultCredentialsFile,
  pacing: Pacing,
  details: Map<string, string> = new Map(),
): LoginRunFacts {
  const planned = data.entries.slice(0, pacing.budget);
  const facts: LoginRunFacts = {
    planned: planned.map((e) => e.id),
    budget: pacing.budget,
    delayMs: pacing.delayMs,
    knownEntries: data.entries.length,
    attempts: run.attempts.map((a) => {
      const raw = a.result.outcome === "error" ? a.result.error : details.get(a.entry.id);
      const detail = raw === undefined ? undefined : withoutPassword(raw, a.entry.password);
      return { id: a.entry.id, username: a.entry.username ?? "", result: a.result.outcome, ...(detail ? { detail: detail.slice(0, 512) } : {}) };
    }),
    complete: run.complete,
  };
  if (run.accepted) {
    const e = run.accepted;
    facts.accepted = { id: e.id, username: e.username ?? "", source: data.sources[e.source]?.url ?? e.source, ...(e.vendor ? { vendor: e.vendor } : {}) };
  }
  return facts;
}

/** Facts when no attempt was possible (no login prompt, no password method): never read as "none accepted". */
export function notTriedFacts(data: DefaultCredentialsFile, pacing: Pacing, why: string): LoginRunFacts {
  return { planned: [], budget: pacing.budget, delayMs: pacing.delayMs, knownEntries: data.entries.length, attempts: [], complete: false, notTried: why };
}

/** The one outcome of a default-credential run. `label` names the service ("Telnet login"). */
export function loginRunOutcome(d: LoginRunFacts | undefined, label: string): RuleOutcome {
  if (!d) return undetermined("not-attempted", `${label}: the default-credential check did not run`);
  const tried = d.attempts.map((a) => `${a.id} (${a.username || "no user"}): ${a.result}${a.detail ? ` [${a.detail}]` : ""}`);
  const evidence: Record<string, unknown> = { tried, budget: d.budget, knownEntries: d.knownEntries };
  if (d.accepted) {
    return fail(
      `${label} accepted factory-default credentials for account '${d.accepted.username}'${d.accepted.vendor ? ` (${d.accepted.vendor}, entry ${d.accepted.id})` : ` (entry ${d.accepted.id})`}`,
      { ...evidence, account: d.accepted.username, entry: d.accepted.id, source: d.accepted.source },
    );
  }
  if (d.notTried) return undetermined("not-attempted", `${label}: no default credential was tried: ${d.notTried}`, evidence);
  if (d.planned.length === 0) return undetermined("not-attempted", `${label}: the login budget allowed no attempt`, evidence);
  const rejected = d.attempts.filter((a) => a.result === "rejected").length;
  if (!d.complete || rejected < d.planned.length) {
    const unclear = d.attempts.find((a) => a.result === "error");
    return undetermined(
      "incomplete",
      `${label}: default-credential check incomplete: ${rejected} of ${d.planned.length} planned attempts answered clearly${unclear ? ` (${unclear.id}: ${unclear.detail ?? "no clear answer"})` : ""}`,
      evidence,
    );
  }
  return pass(`${label}: ${rejected} known default credential${rejected > 1 ? "s" : ""} rejected (budget ${d.budget} of ${d.knownEntries} known)`, evidence);
}
