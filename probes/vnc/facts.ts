// Facts the VNC probe records (zod): per RFB service, the server's ProtocolVersion exactly as sent,
// the version otaudit answered with, and the security types from the handshake alone (RFC 6143
// §7.1.2). Nothing after the security types is ever read or sent.
import { z } from "zod";

export const CheckError = z.object({ code: z.string(), message: z.string() });
export type CheckError = z.infer<typeof CheckError>;

export const VncService = z.object({
  port: z.number().int().min(1).max(65535),
  url: z.string(),
  serverVersion: z
    .object({
      /** the 12 bytes as received (latin1, byte for byte; escaped only at output) */
      raw: z.string().max(12),
      major: z.number().int().nonnegative(),
      minor: z.number().int().nonnegative(),
    })
    .optional(),
  /** the ProtocolVersion otaudit answered with (RFC 6143 §7.1.1) */
  clientVersion: z.enum(["3.3", "3.7", "3.8"]).optional(),
  security: z
    .object({
      /** 3.7/3.8: the types offered, in the server's order; 3.3: the one type the server chose */
      types: z.array(z.number().int().min(0).max(0xffffffff)).max(255),
      serverChosen: z.boolean(),
      failureReason: z.string().max(1024).optional(),
      reasonTruncated: z.boolean().optional(),
    })
    .optional(),
  /** the service could not be audited (no RFB answer, connection failed) */
  error: CheckError.optional(),
});
export type VncService = z.infer<typeof VncService>;

export const VncFacts = z.object({ services: z.array(VncService).min(1) });
export type VncFacts = z.infer<typeof VncFacts>;
