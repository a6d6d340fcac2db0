// The facts envelope: what the core records around each protocol plugin's own facts.
import { z } from "zod";

export const ServiceEndpoint = z.object({
  protocol: z.string(),
  scheme: z.string(),
  host: z.string(),
  port: z.number().int().min(1).max(65535),
  transport: z.enum(["tcp", "udp"]),
  url: z.string(),
  /** true when the operator named this service (URL target); false for a default port of a host target */
  explicit: z.boolean(),
  path: z.string().optional(),
});
export type ServiceEndpoint = z.infer<typeof ServiceEndpoint>;

/**
 * ok: the probe ran and `data` holds its facts (sub-checks may still carry their own errors);
 * absent: a host target's default ports had nothing listening (not an error, nothing to audit);
 * unreachable: an explicitly named service could not be reached;
 * error: the probe failed (timeout, protocol violation, internal error).
 */
export const ProbeStatus = z.enum(["ok", "absent", "unreachable", "error"]);
export type ProbeStatus = z.infer<typeof ProbeStatus>;

export const ProbeErrorFact = z.object({ code: z.string(), message: z.string() });
export type ProbeErrorFact = z.infer<typeof ProbeErrorFact>;

export function factsEnvelope<T extends z.ZodType>(data: T) {
  return z.object({
    protocol: z.string(),
    status: ProbeStatus,
    endpoints: z.array(ServiceEndpoint),
    error: ProbeErrorFact.optional(),
    /** the probe stopped early (cap, deadline, crash, a part that failed validation): `data` is its last checkpoint */
    incomplete: ProbeErrorFact.optional(),
    startedAt: z.string(),
    durationMs: z.number().nonnegative(),
    probeVersion: z.string(),
    data: data.optional(),
  });
}
export const AnyFactsEnvelope = factsEnvelope(z.unknown());
export type FactsEnvelope<T = unknown> = Omit<z.infer<typeof AnyFactsEnvelope>, "data"> & { data?: T };
