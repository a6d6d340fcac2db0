// SSH rules on authentication (pure): password-only first factor, MFA with bench credentials,
// factory-default credentials (intrusive facts) and logins that need no secret at all (`none` or an
// empty password). Default mode sends no login for real account names: what it cannot observe is
// undetermined (`unobservable`), never a pass.
import { defineRule, type RuleOutcome } from "../../src/plugin.js";
import { error, fail, pass, undetermined } from "../../src/rule-kit.js";
import type { SshDefaultCredentials, SshFacts } from "./facts.js";
import { isSsh1Only, noAlgorithms, perService } from "./rules-common.js";
import { defaultCredentialsComplete } from "./auth-summary.js";

const PASSWORD_LIKE = ["password", "keyboard-interactive"];
/** Methods RFC 4252 §8/§9, RFC 4256 and RFC 4462 define: anything else could be a password by another name. */
const KNOWN_METHODS = new Set(["publickey", "password", "keyboard-interactive", "hostbased", "gssapi-with-mic", "gssapi-keyex", "none"]);

function tried(d: SshDefaultCredentials): string[] {
  return d.attempts.map(
    (a) =>
      `${a.id} (${a.username}${a.emptyPassword ? ", empty password" : ""}): ${a.result}${a.acceptedBy ? ` by ${a.acceptedBy}` : ""}${a.method ? ` via ${a.method}${a.unadvertised ? " (not listed)" : ""}` : ""}`,
  );
}

/** Every planned entry got a definite answer (auth-summary.ts: shared with the fleet signals). */
const isComplete = defaultCredentialsComplete;

function acceptedLabel(d: SshDefaultCredentials): string {
  const a = d.accepted!;
  const via = a.method === "keyboard-interactive" ? " (keyboard-interactive)" : "";
  const how =
    a.method === "none"
      ? "with the `none` method (no secret at all)"
      : a.emptyPassword
        ? `with an empty password${via}`
        : `with its factory-default password${via}`;
  return `account '${a.username}' logged in ${how} (entry ${a.id}${a.vendor ? `, ${a.vendor}` : ""})`;
}

export const singleFactorRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.password-single-factor",
    title: "No password-only login on remote access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2", "CR 1.7"],
    severity: "high",
    safety: "passive",
    remediation:
      "Require public-key authentication, or a second factor after the password (OpenSSH: AuthenticationMethods publickey,password or publickey,keyboard-interactive).",
    docs: "https://man.openbsd.org/sshd_config#AuthenticationMethods",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.auth.password-single-factor", (s): RuleOutcome => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const auth = s.auth;
      if (!auth) return error(`${s.url}: authentication methods were not read`);
      if (auth.noneAccepted)
        return fail(
          `the server logged in user '${auth.username}' with the 'none' method: no authentication at all`,
          { method: "none", username: auth.username },
          { severity: "critical" },
        );
      const d = s.defaultCredentials;
      if (d?.accepted)
        return fail(
          `one factor is enough: ${acceptedLabel(d)}`,
          { method: d.accepted.method ?? "password", account: d.accepted.username, entry: d.accepted.id },
          d.accepted.method === "none" ? { severity: "critical" } : {},
        );
      const c = s.credentialed;
      if (c && !c.error) {
        const evidence = { username: c.username, steps: c.steps };
        const none = c.steps.find((st) => st.method === "none" && st.result === "success");
        if (none)
          return fail(
            `the bench account '${c.username}' logged in with the 'none' method: no authentication at all`,
            { ...evidence, method: "none" },
            { severity: "critical" },
          );
        if (c.passwordAloneAccepted)
          return fail(
            `a password alone${c.emptyPassword ? " (the empty one)" : ""} logged in as '${c.username}' (no second factor demanded)`,
            { ...evidence, method: "password" },
            c.emptyPassword ? { severity: "critical" } : {},
          );
        const first = c.steps.find((st) => st.result !== "failure");
        if (first && first.result === "success" && first.method === "keyboard-interactive")
          return fail(`keyboard-interactive alone logged in as '${c.username}'`, { ...evidence, method: first.method });
        if (first && first.result === "partial" && PASSWORD_LIKE.includes(first.method))
          return pass(`after ${first.method} the server demanded another factor (${(first.next ?? []).join(", ")})`, evidence);
      }
      if (auth.error || !auth.methods)
        return error(`${s.url}: authentication methods could not be read${auth.error ? `: ${auth.error.message}` : ""}`, { error: auth.error });
      const offered = auth.methods.filter((m) => PASSWORD_LIKE.includes(m));
      if (offered.length === 0) {
        if (auth.methods.length === 0) return undetermined("no-answer", "the server listed no authentication method at all", { methods: [] });
        const unknown = auth.methods.filter((m) => !KNOWN_METHODS.has(m));
        if (unknown.length)
          return undetermined("unknown-value", `authentication methods otaudit does not know (possibly a password by another name): ${unknown.join(", ")}`, {
            methods: auth.methods,
            unknown,
          });
        return pass(`only ${auth.methods.join(", ")} offered as a first factor`, { methods: auth.methods });
      }
      return fail(
        `${offered.join(" and ")} offered as a first factor to unauthenticated clients${c ? "" : "; no bench credentials to show that a second factor follows"}`,
        { methods: auth.methods, passwordLike: offered },
        { severity: "medium" },
      );
    }),
});

export const mfaRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.mfa",
    title: "Multi-factor authentication on SSH remote access",
    elements: [9],
    iec62443: ["CR 1.1 RE 2"],
    severity: "high",
    safety: "read",
    remediation:
      "Require two factors for SSH (OpenSSH: AuthenticationMethods publickey,password or publickey,keyboard-interactive with an OTP module), and give otaudit bench credentials to verify it.",
    docs: "https://man.openbsd.org/sshd_config#AuthenticationMethods",
  },
  check: ({ facts, credentialed }) =>
    perService(facts, "ssh.auth.mfa", (s): RuleOutcome => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const c = s.credentialed;
      if (!credentialed && !c) return { status: "skipped", message: "unverified: no bench credentials", evidence: {} };
      if (!c) return error(`${s.url}: bench credentials were given but not tried`);
      const evidence = { username: c.username, steps: c.steps, factorsGiven: c.factorsGiven };
      if (c.error && c.steps.length === 0) return error(`could not verify: ${c.error.message}`, { ...evidence, error: c.error });
      if (c.mfaObserved) {
        const chain = c.steps.filter((st) => st.result !== "failure").map((st) => st.method);
        return pass(
          c.authenticated
            ? `MFA verified: login as '${c.username}' needed ${chain.join(" then ")}`
            : `MFA observed: after ${chain[0]} the server demanded another factor (${(c.steps.at(-1)?.next ?? []).join(", ")})`,
          evidence,
        );
      }
      if (c.authenticated) {
        const method = c.steps.find((st) => st.result === "success")?.method ?? "?";
        return fail(`single factor: '${c.username}' logged in with ${method} alone`, { ...evidence, method });
      }
      return error(`could not verify: the bench credentials for '${c.username}' were rejected`, evidence);
    }),
});

export const defaultCredentialsRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.default-credentials",
    title: "No factory-default SSH credentials accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change the factory-default password of this account (or disable the account) and require unique credentials per device.",
    docs: "https://github.com/danielmiessler/SecLists/tree/master/Passwords/Default-Credentials",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.auth.default-credentials", (s): RuleOutcome => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      const d = s.defaultCredentials;
      if (!d) {
        const cut = s.phasesCut?.find((c) => c.phase === "default-credentials");
        return cut ? undetermined("incomplete", `default-credential check not run: ${cut.message}`) : error(`${s.url}: default-credential check did not run`);
      }
      const evidence: Record<string, unknown> = { tried: tried(d), budget: d.budget, knownEntries: d.knownEntries };
      if (d.accepted)
        return fail(`factory-default credentials accepted: ${acceptedLabel(d)}`, {
          ...evidence,
          account: d.accepted.username,
          entry: d.accepted.id,
          method: d.accepted.method,
          source: d.accepted.source,
        });
      if (d.attempts.length === 0)
        return undetermined(
          "not-attempted",
          `no default credential was tried: ${d.notTried ?? d.notAttempted?.map((n) => `${n.id}: ${n.why}`).join(", ") ?? "nothing attempted"}`,
          evidence,
        );
      if (!isComplete(d)) {
        const errored = d.attempts.find((a) => a.result === "error");
        const done = d.attempts.filter((a) => a.result === "rejected").length;
        if (errored)
          return error(
            `default-credential check incomplete: ${done} of ${d.planned.length} planned attempts answered, then ${errored.id}: ${errored.error ?? "no answer"}`,
            evidence,
          );
        return undetermined(
          "incomplete",
          `default-credential check incomplete: ${done} of ${d.planned.length} planned attempts answered${d.notAttempted?.length ? ` (${d.notAttempted.map((n) => `${n.id}: ${n.why}`).join(", ")})` : ""}`,
          evidence,
        );
      }
      const rejected = d.attempts.length;
      return pass(`${rejected} known default credential${rejected > 1 ? "s" : ""} rejected (budget ${d.budget} of ${d.knownEntries} known)`, evidence);
    }),
});

/** Empty-password tries: each first sent `none` for its account (refused when a method list came back). */
function noSecretTries(d: SshDefaultCredentials) {
  const empty = d.attempts.filter((a) => a.emptyPassword);
  return {
    empty,
    noneRefused: [...new Set(empty.filter((a) => a.methodsOffered !== undefined).map((a) => a.username))],
    emptyRejected: empty.filter((a) => a.result === "rejected").map((a) => a.username),
  };
}

export const emptyPasswordRule = defineRule<SshFacts>({
  meta: {
    id: "ssh.auth.empty-password",
    title: "No SSH login without a secret (empty password or the `none` method)",
    elements: [9, 6],
    iec62443: ["CR 1.1", "CR 1.5"],
    severity: "critical",
    safety: "read",
    remediation: "Give every account a password or lock it, and refuse empty passwords (OpenSSH: PermitEmptyPasswords no; Dropbear: no -B).",
    docs: "https://man.openbsd.org/sshd_config#PermitEmptyPasswords",
  },
  check: ({ facts }) =>
    perService(facts, "ssh.auth.empty-password", (s): RuleOutcome => {
      if (isSsh1Only(s)) return noAlgorithms(s);
      if (s.auth?.noneAccepted)
        return fail(`the 'none' method logged in '${s.auth.username}', an account name chosen at random: no authentication at all`, {
          method: "none",
          username: s.auth.username,
        });
      const c = s.credentialed;
      if (c?.steps.some((st) => st.method === "none" && st.result === "success"))
        return fail(`the bench account '${c.username}' logged in with the 'none' method`, { method: "none", username: c.username });
      if (c?.emptyPassword && c.passwordAloneAccepted)
        return fail(`the bench account '${c.username}' logged in with an empty password`, { method: "password", username: c.username, emptyPassword: true });
      const d = s.defaultCredentials;
      if (d?.accepted && (d.accepted.method === "none" || d.accepted.emptyPassword))
        return fail(acceptedLabel(d), { account: d.accepted.username, entry: d.accepted.id, method: d.accepted.method });
      if (!d) {
        const cut = s.phasesCut?.find((x) => x.phase === "default-credentials");
        if (cut) return undetermined("incomplete", `the empty-password and 'none' tries did not run: ${cut.message}`);
        return undetermined(
          "unobservable",
          "default mode sends no login for real account names, so an account with an empty password or one that `none` lets in cannot be observed; --intrusive tries both for root and admin",
          { noneRequestFor: s.auth?.username, methodsOffered: s.auth?.methods },
        );
      }
      const t = noSecretTries(d);
      const evidence = { noneRefusedFor: t.noneRefused, emptyPasswordRejectedFor: t.emptyRejected, tried: tried(d) };
      if (t.empty.length === 0)
        return undetermined(d.notAttempted?.length ? "incomplete" : "not-attempted", "no empty-password try was made within the login budget", evidence);
      if (t.emptyRejected.length < t.empty.length || t.noneRefused.length < new Set(t.empty.map((a) => a.username)).size)
        return undetermined("incomplete", "not every empty-password / `none` try got a definite answer", evidence);
      return pass(
        `'none' refused for ${t.noneRefused.join(", ")} and the empty password rejected for ${t.emptyRejected.join(", ")} (only these accounts were tried)`,
        evidence,
      );
    }),
});
