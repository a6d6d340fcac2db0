// Facts the OPC UA probe records (zod): endpoint list from GetEndpoints, server certificates,
// anonymous-session reads, the unknown-client-certificate trust test, credentialed and intrusive
// results. Facts only, never verdicts; no secret ever appears here (user names only).
import { z } from "zod";

/** A step of the probe that could not run or was not run: never turned into a pass by rules. */
export const StepStatus = z.enum(["ok", "error", "skipped"]);

export const SecurityMode = z.enum(["Invalid", "None", "Sign", "SignAndEncrypt"]);
export type SecurityMode = z.infer<typeof SecurityMode>;

export const UserTokenType = z.enum(["Anonymous", "UserName", "Certificate", "IssuedToken", "Unknown"]);

/**
 * How many authentication factors a user token gives remote access (fleet signal, element 9):
 * none = Anonymous; single = a password (UserName) or a certificate (X509) alone; unknown =
 * IssuedToken (an identity provider may enforce MFA, not observable here) or an unknown token type.
 */
export const AuthFactors = z.enum(["none", "single", "unknown"]);
export type AuthFactors = z.infer<typeof AuthFactors>;

/**
 * Would a password sent with this UserName token cross the network readable? Decided once, by the
 * probe (probes/opcua/security.ts), from the endpoint's mode and policy, the token's policy and the
 * server certificate (OPC 10000-4 §7.36.3, §7.41); rules read this decision, never re-derive it.
 * protected: a SignAndEncrypt channel with a known policy, or a known encrypting token policy and a
 * server certificate; cleartext: token policy None (exactly) outside such a channel, or no server
 * certificate to encrypt with; unknown: a policy URI that is not known exactly (case variants too).
 */
export const PasswordExposure = z.object({
  status: z.enum(["protected", "cleartext", "unknown"]),
  /** what protects it (protected only) */
  by: z.enum(["channel", "token"]).optional(),
  reason: z.string(),
});
export type PasswordExposure = z.infer<typeof PasswordExposure>;

export const UserTokenPolicyFacts = z.object({
  policyId: z.string(),
  tokenType: UserTokenType,
  /** the raw UserTokenType value (Part 4 §7.42), kept when it is not one of the four known */
  tokenTypeValue: z.number().int().optional(),
  /** the token's own security policy URI; null/empty means "the endpoint's policy" (Part 4 §7.41) */
  securityPolicyUri: z.string().nullable(),
  issuedTokenType: z.string().nullable().optional(),
  authFactors: AuthFactors.optional(),
  /** UserName tokens only */
  passwordExposure: PasswordExposure.optional(),
});
export type UserTokenPolicyFacts = z.infer<typeof UserTokenPolicyFacts>;

export const CertificateFacts = z.object({
  sha256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyAlgorithm: z.string(),
  /** RSA/DSA modulus bits or EC curve size */
  keySize: z.number().int().nullable(),
  /** named curve of an EC key (e.g. prime256v1) */
  curve: z.string().nullable().optional(),
  signatureAlgorithm: z.string(),
  /** signature hash name, e.g. SHA-1, SHA-256 */
  signatureHash: z.string().nullable(),
  sanUris: z.array(z.string()),
  sanDns: z.array(z.string()),
  sanIps: z.array(z.string()),
  selfSigned: z.boolean(),
  /**
   * The chain as the server sent it (OPC 10000-6 §6.2.6: DER certificates concatenated, own first):
   * self-signed (its signature checks against its own key), verified (each certificate is signed by
   * the next, ending in a self-signed root), incomplete (an issuer is not included: cannot be
   * verified here), broken (a signature does not verify).
   */
  chain: z
    .object({
      status: z.enum(["self-signed", "verified", "incomplete", "broken"]),
      length: z.number().int(),
      detail: z.string(),
    })
    .optional(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const EndpointFacts = z.object({
  endpointUrl: z.string(),
  securityPolicyUri: z.string(),
  securityMode: SecurityMode,
  /** the raw MessageSecurityMode value (Part 4 §7.20): 0 Invalid, 1 None, 2 Sign, 3 SignAndEncrypt; others are not valid */
  securityModeValue: z.number().int().optional(),
  securityLevel: z.number().int(),
  transportProfileUri: z.string(),
  userTokens: z.array(UserTokenPolicyFacts),
  /** sha256 of the server certificate (see `certificates`), null when the endpoint carries none */
  certificateSha256: z.string().nullable(),
  applicationUri: z.string(),
  productUri: z.string(),
  applicationName: z.string(),
  /** the discovery URL whose GetEndpoints listed it (the target's, or a server FindServers named) */
  listedBy: z.string().optional(),
  /** user token policies beyond the kept ones (parsed, not kept) */
  userTokensDropped: z.number().int().optional(),
});
export type EndpointFacts = z.infer<typeof EndpointFacts>;

export const TransportFacts = z.object({
  protocolVersion: z.number().int(),
  receiveBufferSize: z.number().int(),
  sendBufferSize: z.number().int(),
  maxMessageSize: z.number().int(),
  maxChunkCount: z.number().int(),
});

export const VariableRef = z.object({
  nodeId: z.string(),
  browseName: z.string(),
  userAccessLevel: z.number().int().optional(),
  /** NodeIds from the Objects folder down to the node's parent, as browsed */
  ancestors: z.array(z.string()).optional(),
});
export type VariableRef = z.infer<typeof VariableRef>;

/** A node with an access right the session's user holds (UserExecutable, UserWriteMask bits). */
export const NodeRef = z.object({
  nodeId: z.string(),
  browseName: z.string(),
  nodeClass: z.enum(["Object", "Variable", "Method"]),
  /** names of the AttributeWriteMask bits set in UserWriteMask (OPC 10000-3 §8.60) */
  writableAttributes: z.array(z.string()).optional(),
  /** NodeIds from the Objects folder down to the node's parent, as browsed */
  ancestors: z.array(z.string()).optional(),
});
export type NodeRef = z.infer<typeof NodeRef>;

export const BrowseFacts = z.object({
  status: StepStatus,
  maxDepth: z.number().int(),
  maxNodes: z.number().int(),
  nodesVisited: z.number().int(),
  variablesChecked: z.number().int(),
  /** the node or depth limit stopped the walk before the whole address space was seen */
  truncated: z.boolean(),
  /** Variables whose UserAccessLevel has CurrentWrite (OPC 10000-3 §8.57) */
  writable: z.array(VariableRef),
  methodsChecked: z.number().int().optional(),
  /** Methods whose UserExecutable is true (read, never called) */
  executable: z.array(NodeRef).optional(),
  /** nodes whose UserWriteMask lets this user change attributes (e.g. AccessLevel, WriteMask) */
  writableAttributes: z.array(NodeRef).optional(),
  /** attribute reads answered with a Bad status: neither writable nor not writable */
  unreadable: z.object({ count: z.number().int(), sample: z.array(z.object({ nodeId: z.string(), attribute: z.string(), status: z.string() })) }).optional(),
  /** entries beyond the kept list sizes (counted, not kept) */
  dropped: z.number().int().optional(),
  error: z.string().optional(),
});

export const SessionFacts = z.object({
  /** activated, rejected by the server, channel refused (untrusted client cert), error, or skipped */
  status: z.enum(["activated", "rejected", "channel_rejected", "error", "skipped"]),
  endpointUrl: z.string().optional(),
  securityPolicyUri: z.string().optional(),
  securityMode: SecurityMode.optional(),
  message: z.string(),
});
export type SessionFacts = z.infer<typeof SessionFacts>;

export const ServerInfoFacts = z.object({
  status: StepStatus,
  manufacturerName: z.string().optional(),
  productName: z.string().optional(),
  productUri: z.string().optional(),
  softwareVersion: z.string().optional(),
  buildNumber: z.string().optional(),
  serverState: z.string().optional(),
  auditing: z.boolean().optional(),
  auditingStatus: StepStatus,
  namespaces: z.array(z.string()).optional(),
  /** ServerStatus.CurrentTime / StartTime (OPC 10000-5 §12.10) */
  currentTime: z.string().optional(),
  startTime: z.string().optional(),
  /** our clock just before and just after the Read that returned CurrentTime (clock skew, element 2) */
  localTimeBefore: z.string().optional(),
  localTimeAfter: z.string().optional(),
  /** ServerCapabilities.ServerProfileArray (OPC 10000-5 §6.3.2) */
  serverProfiles: z.array(z.string()).optional(),
  serverProfilesStatus: StepStatus.optional(),
  /** ServerDiagnostics.EnabledFlag and ServerDiagnosticsSummary counters (OPC 10000-5 §6.3.3, §12.9) */
  diagnostics: z.object({ enabled: z.boolean().optional(), counters: z.record(z.string(), z.number()) }).optional(),
  diagnosticsStatus: StepStatus.optional(),
  error: z.string().optional(),
});

export const TrustTestFacts = z.object({
  /** accepted: a secure channel opened with a never-seen self-signed client certificate */
  status: z.enum(["accepted", "rejected", "not_applicable", "error", "skipped"]),
  endpointUrl: z.string().optional(),
  securityPolicyUri: z.string().optional(),
  securityMode: SecurityMode.optional(),
  message: z.string(),
});

export const DiscoveryFacts = z.object({
  status: StepStatus,
  /** servers FindServers returned (at most KEEP_LIMITS.servers kept) and how many it announced */
  declared: z.number().int().optional(),
  servers: z.array(
    z.object({
      applicationUri: z.string(),
      productUri: z.string(),
      applicationName: z.string(),
      /** ApplicationType (Part 4 §7.2): 0 Server, 1 Client, 2 ClientAndServer, 3 DiscoveryServer */
      applicationType: z.number().int(),
      discoveryUrls: z.array(z.string()),
      discoveryUrlsDropped: z.number().int().optional(),
    }),
  ),
  /** discovery URLs of listed servers: GetEndpoints on the same host; other hosts are not contacted */
  contacted: z.array(z.object({ url: z.string(), status: z.enum(["ok", "error", "skipped"]), reason: z.string(), endpoints: z.number().int().optional() })),
  error: z.string().optional(),
});

export const DefaultCredentialFacts = z.object({
  status: StepStatus,
  endpointUrl: z.string().optional(),
  tried: z.number().int(),
  /** attempts planned within the login budget (tried < planned: cut short) */
  planned: z.number().int().optional(),
  /** user names (never passwords) that activated a session, with the data file's source */
  accepted: z.array(z.object({ username: z.string(), source: z.string(), id: z.string().optional() })),
  message: z.string(),
});

export const OpcuaFacts = z.object({
  discoveryUrl: z.string(),
  transport: TransportFacts,
  endpoints: z.array(EndpointFacts),
  /** the target's GetEndpoints answer: endpoints announced, kept, and a parse error that ended the list */
  endpointList: z.object({ declared: z.number().int(), kept: z.number().int(), error: z.string().optional() }).optional(),
  discovery: DiscoveryFacts.optional(),
  certificates: z.array(CertificateFacts),
  /** certificates the probe could not parse: sha256 -> error */
  certificateErrors: z.array(z.object({ sha256: z.string(), error: z.string() })),
  anonymousSession: SessionFacts,
  serverInfo: ServerInfoFacts.optional(),
  anonymousBrowse: BrowseFacts.optional(),
  trustTest: TrustTestFacts,
  credentialedSession: SessionFacts.extend({ username: z.string().optional(), browse: BrowseFacts.optional() }).optional(),
  defaultCredentials: DefaultCredentialFacts.optional(),
  /** intrusive: ActivateSession with a fresh self-signed X.509 user certificate, then CloseSession */
  userCertificateTest: TrustTestFacts.optional(),
});
export type OpcuaFacts = z.infer<typeof OpcuaFacts>;
