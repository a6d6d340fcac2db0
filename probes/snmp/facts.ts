// Facts the SNMP probe records (zod). Communities are labelled: a well-known default by its value,
// a community from the credentials file only as "supplied #n" (the secret never enters facts).
// Device strings are kept exactly: safe text verbatim, anything with control characters as 0x-hex
// (ber.ts octetsToText); every list has a bound (probe phases cap what they record).
import { z } from "zod";

export const SecurityLevel = z.enum(["noAuthNoPriv", "authNoPriv", "authPriv"]);
export type SecurityLevel = z.infer<typeof SecurityLevel>;
export const AuthProtocol = z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]);
export const PrivProtocol = z.enum(["des", "aes", "aes192", "aes256"]);
const CheckError = z.string().describe("why the check could not run or complete");
/** Why a bounded wait for answers ended (the window contract of probes/snmp/udp.ts). */
export const WaitEnd = z.enum(["all-answered", "timeout", "aborted", "port-unreachable"]);
export type WaitEnd = z.infer<typeof WaitEnd>;

export const EngineFacts = z.object({
  /** a Report answered the RFC 3414 §4 discovery probe */
  answered: z.boolean(),
  engineId: z.string().optional().describe("hex (at most the first 64 octets)"),
  engineIdOctets: z.number().int().optional(),
  enterprise: z.number().int().optional(),
  enterpriseName: z.string().optional(),
  scheme: z.enum(["rfc3411", "rfc1910", "invalid"]).optional(),
  format: z.string().optional(),
  formatCode: z.number().int().optional(),
  data: z.string().optional(),
  boots: z.number().int().optional().describe("msgAuthoritativeEngineBoots: restarts since the engine id was configured"),
  timeSeconds: z.number().int().optional().describe("msgAuthoritativeEngineTime: seconds since the last restart"),
  reportOid: z.string().optional(),
  error: CheckError.optional(),
});

export const CommunityResult = z.object({
  /** the default's value, or "supplied #n" for a credentials-file community */
  label: z.string(),
  source: z.enum(["default", "supplied"]),
  /** for defaults: sent in every run (`default`, the defaultMode entries) or only with --intrusive (`intrusive`) */
  mode: z.enum(["default", "intrusive"]).optional(),
  version: z.enum(["v1", "v2c"]),
  accepted: z.boolean(),
  /** accepted, but the answer came after the request's own wait (ms after sending) */
  lateMs: z.number().int().nonnegative().optional(),
  /** not accepted: the request was listened for its whole wait (false: the run was aborted first) */
  waitedFull: z.boolean().optional(),
});

/** SNMPv2-MIB snmp group counters (RFC 3418 §2) read with a working credential. */
export const SnmpCounters = z.object({
  snmpInBadVersions: z.number().int().nonnegative().optional(),
  snmpInBadCommunityNames: z.number().int().nonnegative().optional(),
});

/**
 * Positive evidence that unanswered community requests were rejected: the agent's own counters,
 * read with a working credential before and after the requests (deltas covering every request).
 */
export const RejectionProof = z.object({
  via: z.string(),
  before: SnmpCounters.optional(),
  after: SnmpCounters.optional(),
  /** v1/v2c datagrams sent between the two reads that got no answer */
  unansweredSent: z.number().int().nonnegative(),
  error: CheckError.optional(),
});

export const CommunityFacts = z.object({
  /** every planned default-mode and supplied community request got its whole wait (or an answer) */
  ran: z.boolean(),
  candidates: z.number().int(),
  /** how long each request was listened for (the operation timeout) */
  waitMs: z.number().int(),
  waitEnded: WaitEnd.optional(),
  results: z.array(CommunityResult),
  /** intrusive guesses planned within the login budget but not sent, and why */
  notTried: z.array(z.object({ label: z.string(), why: z.string() })).optional(),
  proof: RejectionProof.optional(),
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
  /**
   * accepted: a Response without error status (data, or only noSuchObject/noSuchInstance: the user
   * authenticated and its view is empty); denied: an authenticated Response with an error status
   * (the key works, the access table refuses the level); rejected: a USM Report (unknown user,
   * wrong digest, unsupported level, decryption error).
   */
  outcome: z.enum(["accepted", "denied", "rejected", "no-answer", "error"]),
  /** accepted, but every value was an exception: nothing in view */
  emptyView: z.boolean().optional(),
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
  /** the random, surely unknown name got usmStatsUnknownUserNames (RFC 3414 §3.2 step 3) */
  unknownNameReport: z.boolean(),
  /** what the random name got, when not that report */
  randomAnswer: z.string().optional(),
  names: z.array(
    z.object({
      name: z.string(),
      source: z.enum(["default", "supplied"]),
      answer: z.enum(["unknown-user", "other-report", "response", "no-answer"]),
      /** a Response with values (not exceptions, no error status) to a request without keys */
      dataReturned: z.boolean().optional(),
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
  /**
   * writable: the SET's Response has error-status noError and echoes the OID with the value sent;
   * refused: an error status (noAccess, notWritable, noSuchName, ...) or an exception value;
   * unverified: noError, but the echo does not match what was sent
   */
  outcome: z.enum(["writable", "refused", "unverified", "not-tested", "no-answer", "error"]),
  detail: z.string().optional(),
});

/** Notification (trap/inform) configuration read with a working credential (element 2). */
export const NotificationTarget = z.object({
  /** snmpTargetAddrName (the row index), as text or 0x-hex */
  name: z.string(),
  /** snmpTargetAddrTDomain: udp-ipv4 / udp-ipv6 (RFC 3417 §2, RFC 3419) or the OID */
  domain: z.string().optional(),
  /** snmpTargetAddrTAddress rendered as host:port for UDP domains, else hex */
  address: z.string().optional(),
  tags: z.string().optional(),
  params: z.string().optional(),
  /** snmpTargetParamsMPModel / SecurityModel / SecurityLevel of the target's params row (RFC 3413 §4.1.1) */
  mpModel: z.string().optional(),
  securityLevel: z.string().optional(),
  /** from snmpNotifyTable rows whose tag is in the target's tag list (RFC 3413 §4.1.2) */
  notifyTypes: z.array(z.enum(["trap", "inform"])).optional(),
});

export const NotificationFacts = z.object({
  via: z.string(),
  /** snmpEnableAuthenTraps.0 (RFC 3418 §2): enabled(1) / disabled(2) */
  authenTraps: z.enum(["enabled", "disabled"]).optional(),
  authenTrapsError: CheckError.optional(),
  /** snmpTargetSpinLock.0 read: the SNMP-TARGET-MIB is implemented and in view */
  targetMib: z.enum(["present", "absent", "unknown"]),
  targets: z.array(NotificationTarget),
  /** every table walk reached its end within the request bound */
  complete: z.boolean(),
  error: CheckError.optional(),
});

/** VACM (RFC 3415) security-to-group mappings by security model, read with a working credential. */
export const AccessFacts = z.object({
  via: z.string(),
  /** vacmSecurityToGroupTable has entries for security model 1 (v1) or 2 (v2c): community access is configured */
  communityGroups: z.enum(["present", "absent", "unknown"]),
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
  notifications: NotificationFacts.optional(),
  access: AccessFacts.optional(),
  /** why the reads with a working credential (counters, notifications, VACM) did not run */
  readsError: CheckError.optional(),
  /** only with --intrusive */
  writeTests: z.array(WriteTest).optional(),
  wire: z.object({
    malformedDatagrams: z.number().int(),
    unmatchedResponses: z.number().int(),
    /** datagrams from another address or port than the agent's (RFC 3417 §2: answers come from the agent's port) */
    foreignDatagrams: z.number().int().optional(),
    /** exact repeats of an answer already taken (harmless, counted) */
    duplicateResponses: z.number().int().optional(),
    /** datagrams beyond the per-probe decode bound, counted but not decoded */
    floodDropped: z.number().int().optional(),
    portUnreachable: z.boolean(),
  }),
});
export type SnmpFacts = z.infer<typeof SnmpFacts>;
export type V3UserFacts = z.infer<typeof V3UserFacts>;
export type LevelAttempt = z.infer<typeof LevelAttempt>;
export type SystemGroup = z.infer<typeof SystemGroup>;
export type CommunityResult = z.infer<typeof CommunityResult>;
export type SnmpCounters = z.infer<typeof SnmpCounters>;
export type NotificationFacts = z.infer<typeof NotificationFacts>;
export type NotificationTarget = z.infer<typeof NotificationTarget>;
export type AccessFacts = z.infer<typeof AccessFacts>;
export type WriteTest = z.infer<typeof WriteTest>;

/** Answers that arrived but were dropped (not matched, not decodable, from elsewhere, beyond bounds). */
export function droppedAnswers(f: SnmpFacts): number {
  return f.wire.malformedDatagrams + f.wire.unmatchedResponses + (f.wire.foreignDatagrams ?? 0) + (f.wire.floodDropped ?? 0);
}
