// Facts the S7comm probe records (zod): the COTP connection attempts per TSAP, the S7 "Setup
// communication" answer, each SZL read (module and component identification, protection level,
// operating mode) with its outcome, what points to S7comm-plus, and every PDU the probe sent.
// Facts, never verdicts. Device strings keep their exact bytes (latin1; only NUL padding removed).
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const TsapAttempt = z.object({
  calledTsap: z.number().int().min(0).max(0xffff),
  callingTsap: z.number().int().min(0).max(0xffff),
  outcome: z.enum(["accepted", "disconnect", "closed", "timeout", "reset", "refused", "protocol_error", "error"]),
  detail: z.string().optional(),
});
export type TsapAttempt = z.infer<typeof TsapAttempt>;

export const SzlRead = z.object({
  id: z.number().int().min(0).max(0xffff),
  index: z.number().int().min(0).max(0xffff),
  status: z.enum(["ok", "refused", "error", "timeout", "not_tried"]),
  /** data return code (0xFF success, 0x0A object does not exist, 0x03 access not allowed...) */
  returnCode: z.number().int().optional(),
  /** userdata error code when the CPU refused the request */
  errorCode: z.number().int().optional(),
  fragments: z.number().int(),
  /** stopped before the last fragment (fragment or byte cap) */
  truncated: z.boolean().optional(),
  recordLength: z.number().int().optional(),
  recordsAnnounced: z.number().int().optional(),
  recordsRead: z.number().int().optional(),
  /** the whole list payload as received (hex, capped at 4 KiB of bytes) */
  hex: z.string().optional(),
  message: z.string().optional(),
});
export type SzlRead = z.infer<typeof SzlRead>;

export const Identity = z.object({
  orderNumber: z.string().optional(),
  firmwareVersion: z.string().optional(),
  hardwareVersion: z.string().optional(),
  bootLoaderVersion: z.string().optional(),
  asName: z.string().optional(),
  moduleName: z.string().optional(),
  moduleTypeName: z.string().optional(),
  plantId: z.string().optional(),
  copyright: z.string().optional(),
  serialNumber: z.string().optional(),
  memoryCardSerial: z.string().optional(),
  oemId: z.string().optional(),
  location: z.string().optional(),
});
export type Identity = z.infer<typeof Identity>;

export const Protection = z.object({
  keySwitchLevel: z.number().int(),
  parameterizedLevel: z.number().int(),
  effectiveLevel: z.number().int(),
  modeSelector: z.number().int(),
  modeSelectorName: z.string(),
  startupSwitch: z.number().int(),
});
export type Protection = z.infer<typeof Protection>;

export const S7Facts = z.object({
  port: z.number().int(),
  url: z.string(),
  reachability: z.enum(["open", "closed", "error"]),
  tsapAttempts: z.array(TsapAttempt),
  /** the TSAP pair a connection was accepted for, with the negotiated TPDU size */
  cotp: z.object({ calledTsap: z.number().int(), callingTsap: z.number().int(), tpduSize: z.number().int().optional() }).optional(),
  setup: z.object({
    status: z.enum(["accepted", "refused", "s7plus", "closed", "timeout", "error", "not_tried"]),
    pduLength: z.number().int().optional(),
    maxAmqCalling: z.number().int().optional(),
    maxAmqCalled: z.number().int().optional(),
    errorClass: z.number().int().optional(),
    errorCode: z.number().int().optional(),
    message: z.string().optional(),
  }),
  /** what points to S7comm-plus (S7-1200 V4+ / S7-1500), each an observation, never a guess */
  s7plus: z.object({ indications: z.array(z.string()), protocolVersion: z.number().int().optional() }),
  szl: z.array(SzlRead),
  identity: Identity.optional(),
  protection: Protection.optional(),
  cpuMode: z.object({ code: z.number().int(), name: z.string() }).optional(),
  /** every PDU the probe sent, in order ("COTP CR called 0x0102", "S7 setup communication", "SZL read 0x0011/0x0000") */
  sent: z.array(z.string()),
  error: ErrorFact.optional(),
});
export type S7Facts = z.infer<typeof S7Facts>;
