// Facts the FTP probe records (zod): per FTP service, the greeting, FEAT (RFC 2389), the answer to
// a USER before any AUTH TLS (does the server ask for a password over cleartext?), the anonymous
// login (RFC 1635), AUTH TLS (RFC 4217) with what its handshake showed, and (--intrusive only)
// default-credential attempts. Reply lines are kept byte for byte; never a password.
import { z } from "zod";
import { LoginRunFacts } from "../../src/knowledge/login-run.js";
import { TlsSessionFacts } from "../../src/net/tls-session.js";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const FtpReplyFacts = z.object({
  code: z.number().int().min(100).max(599),
  /** the reply's lines, byte for byte (latin1), without line ends */
  lines: z.array(z.string()).max(100),
});
export type FtpReplyFacts = z.infer<typeof FtpReplyFacts>;

/** One anonymous login (RFC 1635). */
export const AnonymousLogin = z.object({
  userReply: FtpReplyFacts.optional(),
  /** reply to PASS with the RFC 1635 e-mail-style token (absent when USER already decided) */
  passReply: FtpReplyFacts.optional(),
  /** 230 seen: logged in as anonymous; false: 530 */
  accepted: z.boolean().optional(),
  error: CheckError.optional(),
});
export type AnonymousLogin = z.infer<typeof AnonymousLogin>;

export const FtpService = z.object({
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  greeting: FtpReplyFacts.optional(),
  features: z
    .object({
      reply: FtpReplyFacts.optional(),
      /** feature lines of a 211 reply (command names upper-cased) */
      list: z.array(z.string()).max(100),
      error: CheckError.optional(),
    })
    .optional(),
  /** USER <probe name> sent before any AUTH TLS; no password follows, ever */
  cleartextUser: z.object({ username: z.string(), reply: FtpReplyFacts.optional(), error: CheckError.optional() }).optional(),
  anonymous: AnonymousLogin.extend({
    /** the same login inside TLS, when it was refused in clear and AUTH TLS completed (a server may take anonymous logins only over TLS) */
    afterTls: AnonymousLogin.optional(),
  }).optional(),
  authTls: z
    .object({
      reply: FtpReplyFacts.optional(),
      tlsSession: TlsSessionFacts.optional(),
      error: CheckError.optional(),
    })
    .optional(),
  /** --intrusive: default credentials; overTls: the attempts ran after AUTH TLS */
  defaultCredentials: LoginRunFacts.extend({ overTls: z.boolean() }).optional(),
  error: CheckError.optional(),
});
export type FtpService = z.infer<typeof FtpService>;

export const FtpFacts = z.object({ services: z.array(FtpService).min(1) });
export type FtpFacts = z.infer<typeof FtpFacts>;
