// Facts the EtherNet/IP probe records (zod): ListIdentity over TCP (and UDP unicast), ListServices,
// the session and the CIP Security object reads (class 0x5D, Get_Attribute_Single), and what answered
// on TCP 2221 (EtherNet/IP over TLS) and UDP 2222 (DTLS). Facts, never verdicts. Device strings
// keep their exact bytes (latin1).
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const Identity = z.object({
  encapsulationVersion: z.number().int(),
  socketAddress: z.object({ family: z.number().int(), port: z.number().int(), address: z.string() }),
  vendorId: z.number().int(),
  vendorName: z.string().optional(),
  deviceType: z.number().int(),
  deviceTypeName: z.string().optional(),
  productCode: z.number().int(),
  revision: z.string(),
  status: z.number().int(),
  statusBits: z.object({
    owned: z.boolean(),
    configured: z.boolean(),
    extendedStatus: z.number().int(),
    extendedStatusName: z.string(),
    minorRecoverableFault: z.boolean(),
    minorUnrecoverableFault: z.boolean(),
    majorRecoverableFault: z.boolean(),
    majorUnrecoverableFault: z.boolean(),
    extendedStatus2: z.number().int(),
  }),
  /** 8 hex digits as the device reports it (UDINT) */
  serialNumber: z.string(),
  productName: z.string(),
  state: z.number().int().optional(),
  stateName: z.string().optional(),
});
export type Identity = z.infer<typeof Identity>;

export const CommandResult = z.object({
  status: z.enum(["ok", "encap_error", "error", "timeout", "not_tried"]),
  /** encapsulation status of the reply (§2-3.3) when not 0 */
  encapStatus: z.number().int().optional(),
  message: z.string().optional(),
});

export const CipRead = z.object({
  target: z.string(),
  service: z.number().int(),
  outcome: z.enum(["success", "cip_error", "encap_error", "error", "timeout"]),
  generalStatus: z.number().int().optional(),
  generalStatusName: z.string().optional(),
  dataHex: z.string().optional(),
  message: z.string().optional(),
});
export type CipRead = z.infer<typeof CipRead>;

export const SecureTransport = z.object({
  port: z.number().int(),
  transport: z.enum(["tcp", "udp"]),
  /** offered: a TLS/DTLS ServerHello (or HelloVerifyRequest) came back; refused: connection refused; silent/other: no (D)TLS answer */
  status: z.enum(["offered", "refused", "not_tls", "silent", "error", "not_tried"]),
  detail: z.string().optional(),
  version: z.string().optional(),
  certificate: z.object({ sha256: z.string(), subject: z.string() }).optional(),
});
export type SecureTransport = z.infer<typeof SecureTransport>;

export const EnipFacts = z.object({
  port: z.number().int(),
  url: z.string(),
  reachability: z.enum(["open", "closed", "error"]),
  listIdentity: CommandResult.extend({ identity: Identity.optional(), items: z.number().int().optional() }),
  listServices: CommandResult.extend({
    services: z.array(
      z.object({ typeId: z.number().int(), version: z.number().int(), capabilities: z.number().int(), capabilityNames: z.array(z.string()), name: z.string() }),
    ),
  }),
  session: z.object({ status: z.enum(["registered", "refused", "error", "not_tried"]), unregistered: z.boolean(), message: z.string().optional() }),
  cipSecurity: z.object({
    /** present: the object answered a read; absent: the device said it has no such object/class; unknown otherwise */
    status: z.enum(["present", "absent", "unknown", "not_tried"]),
    reads: z.array(CipRead),
    state: z.number().int().optional(),
    stateName: z.string().optional(),
    profiles: z.array(z.string()).optional(),
    profilesConfigured: z.array(z.string()).optional(),
  }),
  /** ListIdentity by UDP unicast to the same port (one datagram, one wait) */
  udp: z.object({ status: z.enum(["answered", "silent", "error", "not_tried"]), identity: Identity.optional(), message: z.string().optional() }),
  tls: SecureTransport,
  dtls: SecureTransport,
  /** every message the probe sent, in order */
  sent: z.array(z.string()),
  error: ErrorFact.optional(),
});
export type EnipFacts = z.infer<typeof EnipFacts>;
