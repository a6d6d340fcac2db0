// Telnet rules: pure functions over TelnetFacts (no I/O). Telnet has no encryption (RFC 854), so a
// service that answers is a cleartext remote-access channel; the proof is named in each verdict:
// IAC option negotiation (the server speaks Telnet), text it sent, a login or password prompt
// (credentials would cross in clear), or a command prompt without any login. A port that said
// nothing is not shown to be Telnet: undetermined, never pass.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { loginRunOutcome } from "../../src/knowledge/login-run.js";
import { error, fail, undetermined } from "../../src/rule-kit.js";
import type { TelnetFacts, TelnetService } from "./facts.js";

function perService(facts: TelnetFacts, fn: (s: TelnetService) => RuleOutcome | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    const o = s.negotiation
      ? fn(s)
      : error(`could not audit ${s.url}${s.error ? `: ${s.error.code}: ${s.error.message}` : ""}`, { url: s.url, error: s.error });
    if (o) out.push({ ...o, port: o.port ?? s.port });
  }
  return out;
}

function proof(s: TelnetService): { text: string; evidence: Record<string, unknown> } | undefined {
  const n = s.negotiation!;
  const b = s.banner;
  const proposals = n.proposals.slice(0, 6).map((p) => `IAC ${p.verb} ${p.name ?? p.option}`);
  const evidence: Record<string, unknown> = { url: s.url, proposals, lastLine: b?.lastLine, prompt: s.prompt, dataBytes: b?.bytes };
  if (n.iac && proposals.length)
    return { text: `it answered with Telnet option negotiation (${proposals.join(", ")}${n.proposals.length > 6 ? ", ..." : ""}; RFC 854)`, evidence };
  if (n.iac) return { text: "it sent Telnet IAC commands (RFC 854)", evidence };
  if (b && b.bytes > 0) return { text: `it sent ${b.bytes} bytes of text${b.lastLine ? ` ending in ${JSON.stringify(b.lastLine)}` : ""}`, evidence };
  return undefined;
}

export const cleartextRule = defineRule<TelnetFacts>({
  meta: {
    id: "telnet.cleartext",
    title: "No Telnet (cleartext remote access)",
    elements: [7, 6],
    iec62443: ["CR 4.1", "CR 3.1", "CR 7.7"],
    severity: "high",
    safety: "passive",
    remediation: "Disable the Telnet service and manage the device over SSH (or a console on an isolated management network).",
    docs: "https://www.rfc-editor.org/rfc/rfc854",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const p = proof(s);
      if (!p)
        return undetermined(
          "no-answer",
          `${s.url} accepted the connection but sent nothing${s.nudged ? ", not even after an empty line" : ""}: not shown to be Telnet`,
          { url: s.url },
        );
      // RFC 2946's ENCRYPT option (DES CFB64/OFB64) is obsolete, refused by us and by nearly every client
      const encrypt = s.negotiation!.proposals.some((x) => x.option === 38 && (x.verb === "WILL" || x.verb === "DO"))
        ? " (it proposes the ENCRYPT option, RFC 2946, whose DES-based ciphers are obsolete)"
        : "";
      return fail(`Telnet service on ${s.url}: ${p.text}; everything on it, credentials included, crosses the network in clear${encrypt}`, p.evidence);
    }),
});

export const cleartextAuthRule = defineRule<TelnetFacts>({
  meta: {
    id: "telnet.auth.cleartext",
    title: "No login over Telnet",
    elements: [9, 7],
    iec62443: ["CR 1.1", "CR 1.5", "CR 2.1"],
    severity: "high",
    safety: "passive",
    remediation: "Turn Telnet off; require SSH with public keys or a second factor for remote logins.",
    docs: "https://www.rfc-editor.org/rfc/rfc854",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const p = proof(s);
      if (!p) return undetermined("no-answer", `${s.url} sent nothing: no prompt to judge`, { url: s.url });
      const line = JSON.stringify(s.banner?.lastLine ?? "");
      if (s.prompt === "command")
        return fail(`a command prompt (${line}) was offered without any login: no authentication at all`, p.evidence, { severity: "critical" });
      if (s.prompt === "login" || s.prompt === "password")
        return fail(`a ${s.prompt} prompt (${line}) asks for credentials that would cross the network in clear (single factor, no encryption)`, p.evidence);
      return undetermined(
        "unobservable",
        `no login, password or command prompt recognised (last line ${line})${s.closedByServer ? "; the server closed the connection" : ""}`,
        p.evidence,
      );
    }),
});

export const defaultCredentialsRule = defineRule<TelnetFacts>({
  meta: {
    id: "telnet.auth.default-credentials",
    title: "No factory-default Telnet credentials accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation: "Change the factory-default passwords (or disable the accounts), then disable Telnet altogether.",
    docs: "https://github.com/danielmiessler/SecLists/blob/master/Passwords/Default-Credentials/telnet-betterdefaultpasslist.txt",
  },
  check: ({ facts }) => perService(facts, (s) => loginRunOutcome(s.defaultCredentials, `Telnet at ${s.url}`)),
});

export const TELNET_RULES: Rule<TelnetFacts>[] = [cleartextRule, cleartextAuthRule, defaultCredentialsRule];
