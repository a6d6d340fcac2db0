// Facts the OPC UA probe records (zod): endpoint list from GetEndpoints, server certificates,
// anonymous-session reads, the unknown-client-certificate trust test, credentialed and intrusive
// results. Facts only, never verdicts; no secret ever appears here (user names only).
import { z } from "zod";

/** A step of the probe that could not run or was not run: never turned into a pass by rules. */
export const StepStatus = z.enum(["ok", "error", "skipped"]);

export const SecurityMode = z.enum(["Invalid", "None", "Sign", "SignAndEncrypt"]);
export type SecurityMode = z.infer<typeof SecurityMode>;

export const UserTokenType = z.enum(["Anonymous", "UserName", "Certificate", "IssuedToken", "Unknown"]);

export const UserTokenPolicyFacts = z.object({
  policyId: z.string(),
  tokenType: UserTokenType,
  /** the token's own security policy URI; null/empty means "the endpoint's policy" (Part 4 §7.41) */
  securityPolicyUri: z.string().nullable(),
  issuedTokenType: z.string().nullable().optional(),
});
export type UserTokenPolicyFacts = z.infer<typeof UserTokenPolicyFacts>;

export const CertificateFacts = z.object({
  sha256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  keyAlgorithm: z.string(),
  /** RSA modulus bits or EC curve size */
  keySize: z.number().int().nullable(),
  signatureAlgorithm: z.string(),
  /** signature hash name, e.g. SHA-1, SHA-256 */
  signatureHash: z.string().nullable(),
  sanUris: z.array(z.string()),
  sanDns: z.array(z.string()),
  sanIps: z.array(z.string()),
  selfSigned: z.boolean(),
});
export type CertificateFacts = z.infer<typeof CertificateFacts>;

export const EndpointFacts = z.object({
  endpointUrl: z.string(),
  securityPolicyUri: z.string(),
  securityMode: SecurityMode,
  securityLevel: z.number().int(),
  transportProfileUri: z.string(),
  userTokens: z.array(UserTokenPolicyFacts),
  /** sha256 of the server certificate (see `certificates`), null when the endpoint carries none */
  certificateSha256: z.string().nullable(),
  applicationUri: z.string(),
  productUri: z.string(),
  applicationName: z.string(),
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
});
export type VariableRef = z.infer<typeof VariableRef>;

export const BrowseFacts = z.object({
  status: StepStatus,
  maxDepth: z.number().int(),
  maxNodes: z.number().int(),
  nodesVisited: z.number().int(),
  variablesChecked: z.number().int(),
  /** the node limit stopped the walk before the whole address space was seen */
  truncated: z.boolean(),
  writable: z.array(VariableRef),
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

export const DefaultCredentialFacts = z.object({
  status: StepStatus,
  endpointUrl: z.string().optional(),
  tried: z.number().int(),
  /** user names (never passwords) that activated a session, with the data file's source */
  accepted: z.array(z.object({ username: z.string(), source: z.string() })),
  message: z.string(),
});

export const OpcuaFacts = z.object({
  discoveryUrl: z.string(),
  transport: TransportFacts,
  endpoints: z.array(EndpointFacts),
  certificates: z.array(CertificateFacts),
  /** certificates the probe could not parse: sha256 -> error */
  certificateErrors: z.array(z.object({ sha256: z.string(), error: z.string() })),
  anonymousSession: SessionFacts,
  serverInfo: ServerInfoFacts.optional(),
  anonymousBrowse: BrowseFacts.optional(),
  trustTest: TrustTestFacts,
  credentialedSession: SessionFacts.extend({ username: z.string().optional(), browse: BrowseFacts.optional() }).optional(),
  defaultCredentials: DefaultCredentialFacts.optional(),
});
export type OpcuaFacts = z.infer<typeof OpcuaFacts>;
