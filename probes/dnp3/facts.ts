// Facts the DNP3 probe records (zod): which outstation address answered a link status request, the
// device attributes it gave to a READ (exact bytes, latin1), the internal indications of every
// response, what Secure Authentication showed (the SA version attribute, or a challenge), and every
// frame the probe sent. Facts, never verdicts.
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const LinkStatusFact = z.object({
  /** outstation address the request went to */
  address: z.number().int().min(0).max(0xffef),
  /** link-status: LINK_STATUS came back; not-supported / nack: the link layer answered otherwise */
  outcome: z.enum(["link-status", "not-supported", "nack", "other", "timeout", "closed", "error"]),
  /** the secondary function code received */
  function: z.number().int().optional(),
  /** DFC: the outstation's receive buffers are full */
  dfc: z.boolean().optional(),
  detail: z.string().optional(),
});

export const IinFact = z.object({
  /** IIN1 and IIN2 as received, hex "iin1iin2" */
  raw: z.string(),
  flags: z.array(z.string()),
});

export const RequestFact = z.object({
  name: z.enum(["identity", "sa-version"]),
  functionCode: z.number().int(),
  /** object headers requested, e.g. "g0v252" */
  objects: z.array(z.string()),
  outcome: z.enum(["response", "auth-challenge", "auth-error", "timeout", "closed", "protocol-error", "not-sent"]),
  /** response function code (129 response, 131 authentication response) */
  responseFunction: z.number().int().optional(),
  iin: IinFact.optional(),
  /** object headers in the response, and where decoding stopped (an object it cannot size) */
  headers: z.array(z.string()).optional(),
  stoppedAt: z.string().optional(),
  /** the response asked for an application confirm (never sent: see probe.ts) */
  confirmRequested: z.boolean().optional(),
  detail: z.string().optional(),
});
export type RequestFact = z.infer<typeof RequestFact>;

export const AttributeFact = z.object({
  variation: z.number().int(),
  name: z.string(),
  dataType: z.number().int(),
  /** value as text (strings as received, latin1; numbers in decimal; other types hex) */
  value: z.string(),
});

export const SecureAuthFact = z.object({
  /**
   * version-reported: attribute g0v209 answered; challenge-observed: the outstation answered a READ
   * with an authentication challenge (g120v1); auth-error: with an SA error object (g120v7);
   * attribute-unknown: g0v209 answered with IIN2.1 object unknown or no value; not-observed: no answer
   */
  status: z.enum(["version-reported", "challenge-observed", "auth-error", "attribute-unknown", "not-observed"]),
  version: z.number().int().optional(),
  challenge: z.object({ user: z.number().int(), macAlgorithm: z.number().int(), reason: z.number().int() }).optional(),
  detail: z.string(),
});
export type SecureAuthFact = z.infer<typeof SecureAuthFact>;

export const SentFact = z.object({
  /** "link" (a link-layer-only frame) or "app" */
  layer: z.enum(["link", "app"]),
  linkFunction: z.number().int(),
  appFunction: z.number().int().optional(),
  dest: z.number().int(),
  src: z.number().int(),
});

export const Dnp3Facts = z.object({
  url: z.string(),
  port: z.number().int(),
  reachability: z.enum(["open", "closed", "error"]),
  masterAddress: z.number().int(),
  addressesTried: z.array(z.number().int()),
  linkStatus: z.array(LinkStatusFact),
  /** the outstation address that answered (link status or an application response) */
  outstation: z.number().int().optional(),
  requests: z.array(RequestFact),
  attributes: z.array(AttributeFact),
  identity: z.object({
    manufacturer: z.string().optional(),
    productModel: z.string().optional(),
    softwareVersion: z.string().optional(),
    hardwareVersion: z.string().optional(),
    serialNumber: z.string().optional(),
    deviceName: z.string().optional(),
    userId: z.string().optional(),
  }),
  secureAuth: SecureAuthFact,
  /** union of IIN flags over all responses, and how many responses carried IIN */
  iin: z.object({ responses: z.number().int(), flags: z.array(z.string()) }),
  unsolicited: z.number().int(),
  /** frames that failed their CRC (each is discarded, §9.2.4.1.3) */
  crcErrors: z.number().int(),
  /** frames for another address, segments out of sequence, other oddities (bounded list) */
  anomalies: z.array(z.string()),
  sent: z.array(SentFact),
  error: ErrorFact.optional(),
});
export type Dnp3Facts = z.infer<typeof Dnp3Facts>;
