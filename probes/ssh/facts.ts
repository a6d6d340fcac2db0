// Facts the SSH probe records (zod): per SSH service, the identification string, every algorithm
// offered in the server's KEXINIT, the host keys, the auth methods offered to an unauthenticated
// client, and (only when asked) credentialed and default-credential results. Never a secret.
import { z } from "zod";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const SshBanner = z.object({
  raw: z.string(),
  protocolVersion: z.string(),
  software: z.string(),
  comments: z.string().optional(),
  product: z.string().optional(),
  productVersion: z.string().optional(),
  /** text lines before the identification string (RFC 4253 §4.2), sanitised */
  preBannerLines: z.array(z.string()),
});
export type SshBanner = z.infer<typeof SshBanner>;

/** The server's KEXINIT name-lists (RFC 4253 §7.1), as offered, in the server's order. */
export const SshAlgorithms = z.object({
  kex: z.array(z.string()),
  hostKey: z.array(z.string()),
  cipherClientToServer: z.array(z.string()),
  cipherServerToClient: z.array(z.string()),
  macClientToServer: z.array(z.string()),
  macServerToClient: z.array(z.string()),
  compressionClientToServer: z.array(z.string()),
  compressionServerToClient: z.array(z.string()),
  /** kex-strict-s-v00@openssh.com offered (Terrapin countermeasure) */
  strictKex: z.boolean(),
});
export type SshAlgorithms = z.infer<typeof SshAlgorithms>;

export const SshHostKey = z.object({
  /** key type, e.g. ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ssh-dss */
  keyType: z.string(),
  /** offered host-key algorithms that use this key (ssh-rsa, rsa-sha2-256, rsa-sha2-512 share one key) */
  algorithms: z.array(z.string()),
  /** collected: key read from a handshake; unsupported: our SSH library cannot negotiate this type */
  status: z.enum(["collected", "unsupported", "not_collected", "error"]),
  bits: z.number().int().positive().optional(),
  /** OpenSSH-style "SHA256:<base64>" of the public key blob */
  fingerprintSha256: z.string().optional(),
  error: CheckError.optional(),
});
export type SshHostKey = z.infer<typeof SshHostKey>;

export const SshAuthMethods = z.object({
  /** the user name used for the `none` request (not an account we expect to exist) */
  username: z.string(),
  /** methods that can continue, from SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1, §5.2) */
  methods: z.array(z.string()).optional(),
  /** the server accepted the `none` method: no authentication at all */
  noneAccepted: z.boolean().optional(),
  error: CheckError.optional(),
});
export type SshAuthMethods = z.infer<typeof SshAuthMethods>;

export const SshAuthStep = z.object({
  method: z.string(),
  /** success; partial = accepted but another factor is demanded (RFC 4252 §5.1 partial success) */
  result: z.enum(["success", "partial", "failure"]),
  /** methods the server allowed next (on partial or failure) */
  next: z.array(z.string()).optional(),
});

export const SshCredentialed = z.object({
  username: z.string(),
  /** kinds of secret the bench credential carried (never the values) */
  factorsGiven: z.array(z.enum(["password", "publickey"])),
  steps: z.array(SshAuthStep),
  authenticated: z.boolean(),
  /** the server demanded another factor after one was accepted */
  mfaObserved: z.boolean(),
  /** a password alone logged in (true), was not enough (false), or was not tested (absent) */
  passwordAloneAccepted: z.boolean().optional(),
  error: CheckError.optional(),
});
export type SshCredentialed = z.infer<typeof SshCredentialed>;

export const SshDefaultCredentials = z.object({
  /** entry ids that the budget allowed, in order (announced before trying) */
  planned: z.array(z.string()),
  budget: z.number().int().nonnegative(),
  delayMs: z.number().int().nonnegative(),
  knownEntries: z.number().int().nonnegative(),
  attempts: z.array(z.object({ id: z.string(), username: z.string(), result: z.enum(["accepted", "rejected", "error"]), error: z.string().optional() })),
  /** the first accepted entry: account and source, never the password */
  accepted: z.object({ id: z.string(), username: z.string(), vendor: z.string(), source: z.string() }).optional(),
  /** why nothing was tried (e.g. no password-based method offered) */
  notTried: z.string().optional(),
  error: CheckError.optional(),
});
export type SshDefaultCredentials = z.infer<typeof SshDefaultCredentials>;

export const SshService = z.object({
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  banner: SshBanner.optional(),
  algorithms: SshAlgorithms.optional(),
  hostKeys: z.array(SshHostKey),
  auth: SshAuthMethods.optional(),
  credentialed: SshCredentialed.optional(),
  defaultCredentials: SshDefaultCredentials.optional(),
  /** the service could not be audited at all (banner or KEXINIT failed) */
  error: CheckError.optional(),
});
export type SshService = z.infer<typeof SshService>;

export const SshFacts = z.object({ services: z.array(SshService).min(1) });
export type SshFacts = z.infer<typeof SshFacts>;
