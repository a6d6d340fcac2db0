// Facts the SSH probe records (zod): per SSH service, the identification string, every algorithm
// offered in the server's KEXINIT (bounded, with what was irregular), the host keys (and host
// certificates), the DH group-exchange moduli, the auth methods offered to an unauthenticated
// client, and (only when asked) credentialed and default-credential results. Never a secret.
import { z } from "zod";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const SshBanner = z.object({
  /** the identification line as sent, exact bytes (latin1); outputs escape control characters */
  raw: z.string(),
  protocolVersion: z.string(),
  software: z.string(),
  comments: z.string().optional(),
  product: z.string().optional(),
  productVersion: z.string().optional(),
  /** text lines before the identification string (RFC 4253 §4.2), exact bytes, at most 50 */
  preBannerLines: z.array(z.string()),
  /** departures from RFC 4253 §4.2 (e.g. "non-printable characters") */
  violations: z.array(z.string()).optional(),
});
export type SshBanner = z.infer<typeof SshBanner>;

/** A name-list with something irregular: counts, and whether names were left out (bounded facts). */
export const NameListIrregularity = z.object({
  list: z.string(),
  total: z.number().int().nonnegative(),
  kept: z.number().int().nonnegative(),
  truncated: z.boolean(),
  duplicates: z.number().int().nonnegative(),
  empty: z.number().int().nonnegative(),
  overlong: z.number().int().nonnegative(),
  nonPrintable: z.number().int().nonnegative(),
});

/** The server's KEXINIT name-lists (RFC 4253 §7.1), as offered, in the server's order (deduplicated, capped). */
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
  /** name-lists with duplicates, empty, overlong or non-printable names, or more names than kept */
  irregularities: z.array(NameListIrregularity).optional(),
});
export type SshAlgorithms = z.infer<typeof SshAlgorithms>;

/** A public key as read from a blob (host key or certificate CA key). */
export const SshPublicKey = z.object({
  keyType: z.string(),
  bits: z.number().int().nonnegative().optional(),
  /** ECDSA curve identifier */
  curve: z.string().optional(),
  /** security-key (FIDO) application string */
  application: z.string().optional(),
  /** a type otaudit cannot parse: its strength is unknown */
  unknownType: z.boolean().optional(),
  /** the field that could not be parsed */
  parseError: z.string().optional(),
  fingerprintSha256: z.string().optional(),
});
export type SshPublicKey = z.infer<typeof SshPublicKey>;

/** An OpenSSH host certificate (PROTOCOL.certkeys) as served in place of a plain host key. */
export const SshCertificate = z.object({
  /** 1 user, 2 host */
  certType: z.number().int().optional(),
  serial: z.string().optional(),
  keyId: z.string().optional(),
  principals: z.array(z.string()).optional(),
  principalsTotal: z.number().int().nonnegative().optional(),
  /** seconds since the epoch; validBefore null = forever */
  validAfter: z.number().optional(),
  validBefore: z.number().nullable().optional(),
  criticalOptions: z.array(z.string()).optional(),
  extensions: z.array(z.string()).optional(),
  ca: SshPublicKey.optional(),
  signatureAlgorithm: z.string().optional(),
  parseError: z.string().optional(),
});
export type SshCertificate = z.infer<typeof SshCertificate>;

export const SshHostKey = z.object({
  /** key type, e.g. ssh-rsa, ssh-ed25519, ecdsa-sha2-nistp256, ssh-ed25519-cert-v01@openssh.com */
  keyType: z.string(),
  /** offered host-key algorithms that use this key (ssh-rsa, rsa-sha2-256, rsa-sha2-512 share one key) */
  algorithms: z.array(z.string()),
  /**
   * collected: blob read and parsed; unparsed: blob read (fingerprint kept) but a field could not be
   * parsed; unsupported: no key exchange otaudit implements was offered; not_collected: the fetch
   * cap or the time window was reached; error: the fetch failed
   */
  status: z.enum(["collected", "unparsed", "unsupported", "not_collected", "error"]),
  bits: z.number().int().nonnegative().optional(),
  curve: z.string().optional(),
  application: z.string().optional(),
  unknownType: z.boolean().optional(),
  /** key type named in the blob when it differs from the one asked for */
  blobKeyType: z.string().optional(),
  /** OpenSSH-style "SHA256:<base64>" of the public key blob */
  fingerprintSha256: z.string().optional(),
  certificate: SshCertificate.optional(),
  /** host-key algorithm and key exchange used to fetch it */
  fetchedWith: z.string().optional(),
  kex: z.string().optional(),
  parseError: z.string().optional(),
  error: CheckError.optional(),
});
export type SshHostKey = z.infer<typeof SshHostKey>;

/** Host-key algorithm groups offered beyond what was stored (a flood of names), counted only. */
export const SshHostKeyOverflow = z.object({ groups: z.number().int().nonnegative(), stored: z.number().int().nonnegative() });

export const SshGexRequest = z.object({
  label: z.enum(["small", "default", "large"]),
  /** RFC 4419 §3 SSH_MSG_KEX_DH_GEX_REQUEST fields */
  min: z.number().int(),
  n: z.number().int(),
  max: z.number().int(),
  /** size of the modulus p the server sent (SSH_MSG_KEX_DH_GEX_GROUP) */
  bits: z.number().int().nonnegative().optional(),
  /** the generator g, when short (decimal) */
  generator: z.string().optional(),
  /** the server answered the request with SSH_MSG_DISCONNECT (it refuses that range) */
  refused: z.string().optional(),
  error: CheckError.optional(),
});

export const SshGroupExchange = z.object({
  /** the group-exchange algorithm used for the requests */
  algorithm: z.string(),
  requests: z.array(SshGexRequest),
  error: CheckError.optional(),
});
export type SshGroupExchange = z.infer<typeof SshGroupExchange>;

export const SshAuthMethods = z.object({
  /** the user name used for the `none` request (not an account we expect to exist) */
  username: z.string(),
  /** methods that can continue, from SSH_MSG_USERAUTH_FAILURE (RFC 4252 §5.1, §5.2) */
  methods: z.array(z.string()).optional(),
  /** the server accepted the `none` method: no authentication at all */
  noneAccepted: z.boolean().optional(),
  error: CheckError.optional(),
  /** which client sent the request: otaudit's own transport on a key-exchange connection, or ssh2 */
  transport: z.enum(["otaudit", "ssh2"]).optional(),
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
  /** the bench password is the empty string (a value, not an absence) */
  emptyPassword: z.boolean().optional(),
  steps: z.array(SshAuthStep),
  authenticated: z.boolean(),
  /** the server demanded another factor after one was accepted */
  mfaObserved: z.boolean(),
  /** a password alone logged in (true), was not enough (false), or was not tested (absent) */
  passwordAloneAccepted: z.boolean().optional(),
  error: CheckError.optional(),
});
export type SshCredentialed = z.infer<typeof SshCredentialed>;

export const LoginMethod = z.enum(["none", "password", "keyboard-interactive"]);

export const SshDefaultCredentialAttempt = z.object({
  id: z.string(),
  username: z.string(),
  /** the entry's password is the empty string */
  emptyPassword: z.boolean().optional(),
  /** methods the server listed for this user name after `none` (RFC 4252 §5.2) */
  methodsOffered: z.array(z.string()).optional(),
  /** the method the password was sent with; absent when `none` already decided */
  method: LoginMethod.optional(),
  /** the method was not in the server's list: sent anyway (some servers accept unlisted passwords) */
  unadvertised: z.boolean().optional(),
  result: z.enum(["accepted", "rejected", "error"]),
  /** what logged in: `none` (no secret at all) or the password method */
  acceptedBy: LoginMethod.optional(),
  error: z.string().optional(),
});

export const SshDefaultCredentials = z.object({
  /** entry ids that the budget allowed, in order (announced before trying) */
  planned: z.array(z.string()),
  budget: z.number().int().nonnegative(),
  delayMs: z.number().int().nonnegative(),
  knownEntries: z.number().int().nonnegative(),
  attempts: z.array(SshDefaultCredentialAttempt),
  /** the first accepted entry: account, method and source, never the password */
  accepted: z
    .object({
      id: z.string(),
      username: z.string(),
      vendor: z.string().optional(),
      source: z.string(),
      method: LoginMethod.optional(),
      emptyPassword: z.boolean().optional(),
    })
    .optional(),
  /** every planned entry got a definite answer (accepted or rejected) */
  complete: z.boolean().optional(),
  /** planned entries not tried, and why (aborted, stopped after an error, time window) */
  notAttempted: z.array(z.object({ id: z.string(), why: z.string() })).optional(),
  /** why nothing at all was tried (e.g. a login budget of 0) */
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
  hostKeyOverflow: SshHostKeyOverflow.optional(),
  groupExchange: SshGroupExchange.optional(),
  auth: SshAuthMethods.optional(),
  credentialed: SshCredentialed.optional(),
  defaultCredentials: SshDefaultCredentials.optional(),
  /** phases cut short by their time window or the probe's overall budget */
  phasesCut: z.array(z.object({ phase: z.string(), message: z.string() })).optional(),
  /** the service could not be audited at all (banner or KEXINIT failed) */
  error: CheckError.optional(),
});
export type SshService = z.infer<typeof SshService>;

export const SshFacts = z.object({ services: z.array(SshService).min(1) });
export type SshFacts = z.infer<typeof SshFacts>;
