// Facts the SNMP probe records (zod). Communities are labelled: a well-known default by its value,
// a community from the credentials file only as "supplied #n" (the secret never enters facts).
import { z } from "zod";

export const SecurityLevel = z.enum(["noAuthNoPriv", "authNoPriv", "authPriv"]);
export type SecurityLevel = z.infer<typeof SecurityLevel>;
export const AuthProtocol = z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]);
export const PrivProtocol = z.enum(["des", "aes", "aes192", "aes256"]);
const CheckError = z.string().describe("why the check could not run or complete");

export const EngineFacts = z.object({
  /** a Report answered the RFC 3414 §4 discovery probe */
  answered: z.boolean(),
  engineId: z.string().optional().describe("hex"),
  enterprise: z.number().int().optional(),
  enterpriseName: z.string().optional(),
  scheme: z.enum(["rfc3411", "rfc1910", "invalid"]).optional(),
  format: z.string().optional(),
  formatCode: z.number().int().optional(),
  data: z.string().optional(),
  boots: z.number().int().optional(),
  timeSeconds: z.number().int().optional().describe("msgAuthoritativeEngineTime: seconds since the last boot"),
  reportOid: z.string().optional(),
  error: CheckError.optional(),
});

export const CommunityResult = z.object({
  /** the default's value, or "supplied #n" for a credentials-file community */
  label: z.string(),
  source: z.enum(["default", "supplied"]),
  version: z.enum(["v1", "v2c"]),
  accepted: z.boolean(),
  /** accepted, but the answer came after the community wait ended (ms after sending) */
  lateMs: z.number().int().nonnegative().optional(),
});

export const CommunityFacts = z.object({
  /** the check ran (its bounded wait completed) */
  ran: z.boolean(),
  candidates: z.number().int(),
  waitMs: z.number().int(),
  results: z.array(CommunityResult),
  error: CheckError.optional(),
});

export const SystemGroup = z.object({
  via: z.string().describe("which credential read it: 'v2c community public', 'v3 user ops (authPriv)'"),
  sysDescr: z.string().optional(),
  sysObjectID: z.string().optional(),
  sysUpTime: z.string().optional().describe("TimeTicks (hundredths of a second)"),
  sysContact: z.string().optional(),
  sysName: z.string().optional(),
  sysLocation: z.string().optional(),
});

export const LevelAttempt = z.object({
  level: SecurityLevel,
  outcome: z.enum(["accepted", "rejected", "no-answer", "error"]),
  reason: z.string().optional(),
});

export const V3UserFacts = z.object({
  user: z.string(),
  authProtocol: AuthProtocol.optional(),
  privProtocol: PrivProtocol.optional(),
  /** the check ran in a child process with the legacy OpenSSL provider (MD5/DES) */
  legacyProvider: z.boolean(),
  attempts: z.array(LevelAttempt),
  error: CheckError.optional(),
});

export const UserNameFacts = z.object({
  ran: z.boolean(),
  /** the random, surely unknown name got usmStatsUnknownUserNames (RFC 3414 §3.2 step 4) */
  unknownNameReport: z.boolean(),
  names: z.array(
    z.object({
      name: z.string(),
      source: z.enum(["default", "supplied"]),
      answer: z.enum(["unknown-user", "other-report", "response", "no-answer"]),
      detail: z.string().optional(),
    }),
  ),
  error: CheckError.optional(),
});

export const WriteTest = z.object({
  label: z.string(),
  source: z.enum(["default", "supplied"]),
  version: z.enum(["v1", "v2c"]),
  oid: z.string(),
  outcome: z.enum(["writable", "refused", "not-tested", "no-answer", "error"]),
  detail: z.string().optional(),
});

export const SnmpFacts = z.object({
  endpoint: z.string(),
  engine: EngineFacts,
  communities: CommunityFacts,
  system: SystemGroup.optional(),
  systemError: CheckError.optional(),
  v3Users: z.array(V3UserFacts),
  userNames: UserNameFacts,
  /** only with --intrusive */
  writeTests: z.array(WriteTest).optional(),
  wire: z.object({
    malformedDatagrams: z.number().int(),
    unmatchedResponses: z.number().int(),
    portUnreachable: z.boolean(),
  }),
});
export type SnmpFacts = z.infer<typeof SnmpFacts>;
export type V3UserFacts = z.infer<typeof V3UserFacts>;
export type LevelAttempt = z.infer<typeof LevelAttempt>;
export type SystemGroup = z.infer<typeof SystemGroup>;
