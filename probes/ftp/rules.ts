// FTP rules: pure functions over FtpFacts (no I/O). What the proof is, per rule: a 331 to USER sent
// before any AUTH TLS shows the server takes passwords over the cleartext control connection; a
// 230 after USER anonymous (in clear, or inside TLS when refused in clear) shows anonymous access; a 234 to AUTH TLS followed by a completed
// handshake shows FTPS is offered (RFC 4217). Anything less (silence, a closed connection, a reply
// code that says neither) stays undetermined with its reason.
import { defineRule, type Rule, type RuleOutcome } from "../../src/plugin.js";
import { loginRunOutcome } from "../../src/knowledge/login-run.js";
import { tlsSessionOutcome } from "../../src/net/tls-session.js";
import { error, fail, notApplicable, pass, undetermined } from "../../src/rule-kit.js";
import { ANONYMOUS_PASSWORD } from "./checks.js";
import type { FtpFacts, FtpReplyFacts, FtpService } from "./facts.js";
import { printable, replyText } from "./reply.js";

/** a reply for a message: code and text, control characters escaped (the evidence keeps the bytes) */
const said = (r: FtpReplyFacts) => `${r.code} ${printable(replyText(r))}`.trim();

function perService(facts: FtpFacts, fn: (s: FtpService) => RuleOutcome | null): RuleOutcome[] {
  const out: RuleOutcome[] = [];
  for (const s of facts.services) {
    let o: RuleOutcome | null;
    if (!s.greeting) o = error(`could not audit ${s.url}${s.error ? `: ${s.error.code}: ${s.error.message}` : ""}`, { url: s.url, error: s.error });
    else if (s.greeting.code !== 220)
      o = undetermined("no-answer", `${s.url} greeted with ${said(s.greeting)} instead of 220: not served`, { greeting: s.greeting.lines });
    else o = fn(s);
    if (o) out.push({ ...o, port: o.port ?? s.port });
  }
  return out;
}

export const cleartextLoginRule = defineRule<FtpFacts>({
  meta: {
    id: "ftp.cleartext-login",
    title: "FTP takes no password over a cleartext connection",
    elements: [7, 9],
    iec62443: ["CR 4.1", "CR 1.5", "CR 3.1"],
    severity: "high",
    safety: "read",
    remediation: "Require TLS before login (vsftpd: ssl_enable=YES with force_local_logins_ssl=YES; ProFTPD: TLSRequired on), or replace FTP with SFTP.",
    docs: "https://www.rfc-editor.org/rfc/rfc4217#section-4",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const u = s.cleartextUser;
      if (!u)
        return s.features?.error
          ? error(`FEAT failed, USER was not sent: ${s.features.error.message}`, { url: s.url })
          : undetermined("not-attempted", "USER was not sent", { url: s.url });
      if (!u.reply)
        return undetermined(
          u.error?.code === "timeout" ? "no-answer" : "connection-closed",
          `no reply to USER ${u.username}${u.error ? ` (${u.error.message})` : ""}`,
          { username: u.username },
        );
      const evidence = { command: `USER ${u.username} (before AUTH TLS)`, reply: u.reply.lines };
      const c = u.reply.code;
      if (c === 230)
        return fail(`USER ${u.username} alone logged in over cleartext (${said(u.reply)}): no password at all`, evidence, { severity: "critical" });
      if (c === 331 || c === 332)
        return fail(`the server asked for a password over the cleartext control connection (${said(u.reply)}): a login sends it in clear`, evidence);
      if (c === 530) return pass(`the server refused USER before TLS (${said(u.reply)}): no password is asked for in clear`, evidence);
      return undetermined("unknown-value", `reply ${said(u.reply)} to USER shows neither a password request nor a refusal`, evidence);
    }),
});

export const authTlsRule = defineRule<FtpFacts>({
  meta: {
    id: "ftp.auth-tls",
    title: "FTP offers TLS (AUTH TLS, RFC 4217)",
    elements: [7, 5],
    iec62443: ["CR 4.1", "CR 3.1"],
    severity: "high",
    safety: "passive",
    remediation: "Enable explicit FTPS (vsftpd: ssl_enable=YES with a certificate; ProFTPD: mod_tls) or replace FTP with SFTP.",
    docs: "https://www.rfc-editor.org/rfc/rfc4217",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const a = s.authTls;
      const feat = s.features?.list.filter((f) => f.startsWith("AUTH")) ?? [];
      if (!a) return undetermined("not-attempted", "AUTH TLS was not sent", { url: s.url });
      if (!a.reply)
        return undetermined(a.error?.code === "timeout" ? "no-answer" : "connection-closed", `no reply to AUTH TLS${a.error ? ` (${a.error.message})` : ""}`, {
          url: s.url,
        });
      const evidence: Record<string, unknown> = { reply: a.reply.lines, featAuth: feat };
      if (a.reply.code !== 234) return fail(`AUTH TLS refused (${said(a.reply)}): the control connection and every password on it stay in clear`, evidence);
      if (!a.tlsSession)
        return undetermined("incomplete", `AUTH TLS accepted (234) but the TLS handshake failed${a.error ? `: ${a.error.message}` : ""}`, evidence);
      return pass(`AUTH TLS accepted and ${a.tlsSession.protocol} negotiated (${a.tlsSession.cipher})`, {
        ...evidence,
        tls: a.tlsSession.protocol,
        cipher: a.tlsSession.cipher,
      });
    }),
});

export const tlsRule = defineRule<FtpFacts>({
  meta: {
    id: "ftp.tls",
    title: "FTPS: current TLS version and a strong certificate key",
    elements: [7],
    iec62443: ["CR 4.3", "CR 1.9"],
    severity: "high",
    safety: "passive",
    remediation:
      "Allow TLS 1.2 and 1.3 only (vsftpd: ssl_tlsv1=NO, ssl_sslv3=NO) and use a certificate with an RSA key of at least 2048 bits or an EC key on P-256 or stronger.",
    docs: "https://www.rfc-editor.org/rfc/rfc8996",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const t = s.authTls?.tlsSession;
      if (!t) return notApplicable("no TLS session on this server (see ftp.auth-tls)", { url: s.url });
      return tlsSessionOutcome(t);
    }),
});

export const anonymousRule = defineRule<FtpFacts>({
  meta: {
    id: "ftp.anonymous",
    title: "No anonymous FTP login",
    elements: [9, 6],
    iec62443: ["CR 1.1", "CR 2.1", "CR 7.7"],
    severity: "high",
    safety: "read",
    remediation: "Disable anonymous access (vsftpd: anonymous_enable=NO; ProFTPD: remove the <Anonymous> block) and give each user an account.",
    docs: "https://www.rfc-editor.org/rfc/rfc1635",
  },
  check: ({ facts }) =>
    perService(facts, (s) => {
      const a = s.anonymous;
      if (!a) return undetermined("not-attempted", "the anonymous login was not tried", { url: s.url });
      const evidence: Record<string, unknown> = {
        user: a.userReply?.lines,
        pass: a.passReply ? { sent: `PASS ${ANONYMOUS_PASSWORD} (RFC 1635 e-mail token)`, reply: a.passReply.lines } : undefined,
      };
      if (a.accepted === true) {
        const how = a.passReply ? said(a.passReply) : `${said(a.userReply!)} to USER alone`;
        return fail(`anonymous login accepted (${how}): anyone can log in to the device's file system`, evidence);
      }
      const t = a.afterTls;
      if (t) evidence.afterTls = { user: t.userReply?.lines, pass: t.passReply?.lines, ...(t.error ? { error: t.error.message } : {}) };
      if (t?.accepted === true) {
        const how = t.passReply ? said(t.passReply) : `${said(t.userReply!)} to USER alone`;
        return fail(
          `anonymous login refused in clear (${said(a.passReply ?? a.userReply!)}) but accepted after AUTH TLS (${how}): anyone with an FTPS client can log in to the device's file system`,
          evidence,
        );
      }
      if (a.accepted === false && t && t.accepted !== false)
        return undetermined(
          t.error?.code === "timeout" ? "no-answer" : t.error ? "connection-closed" : "unknown-value",
          `anonymous login refused in clear (${said(a.passReply ?? a.userReply!)}), but the same login after AUTH TLS gave no clear answer${t.error ? `: ${t.error.message}` : t.userReply ? ` (${said(t.passReply ?? t.userReply)})` : ""}`,
          evidence,
        );
      if (a.accepted === false && !t && s.authTls?.tlsSession)
        return undetermined(
          "not-attempted",
          `anonymous login refused in clear (${said(a.passReply ?? a.userReply!)}), but AUTH TLS completed and the same login inside TLS was not tried (a server may allow anonymous logins over TLS only)`,
          evidence,
        );
      if (a.accepted === false)
        return pass(
          `anonymous login refused (${said(a.passReply ?? a.userReply!)})${t ? ` in clear and after AUTH TLS (${said(t.passReply ?? t.userReply!)})` : ""}`,
          evidence,
        );
      if (a.error)
        return undetermined(
          a.error.code === "timeout" ? "no-answer" : "connection-closed",
          `anonymous login gave no clear answer: ${a.error.message}`,
          evidence,
        );
      return undetermined("unknown-value", `reply ${said(a.passReply ?? a.userReply!)} neither accepts nor refuses the anonymous login`, evidence);
    }),
});

export const defaultCredentialsRule = defineRule<FtpFacts>({
  meta: {
    id: "ftp.auth.default-credentials",
    title: "No factory-default FTP credentials accepted",
    elements: [6, 9],
    iec62443: ["CR 1.5", "CR 1.1"],
    severity: "critical",
    safety: "intrusive",
    remediation:
      "Change or disable the factory-default and hard-coded FTP accounts (firmware update where they are hard-coded) and disable FTP where it is not needed.",
    docs: "https://github.com/danielmiessler/SecLists/blob/master/Passwords/Default-Credentials/ftp-betterdefaultpasslist.txt",
  },
  check: ({ facts }) =>
    perService(facts, (s) => loginRunOutcome(s.defaultCredentials, `FTP at ${s.url}${s.defaultCredentials?.overTls ? " (tried after AUTH TLS)" : ""}`)),
});

export const FTP_RULES: Rule<FtpFacts>[] = [cleartextLoginRule, authTlsRule, tlsRule, anonymousRule, defaultCredentialsRule];
