// Simulator profile for IEC 60870-5-104 (the `iec104:` section of a device profile) and
// profileFromFacts: a recorded probe result -> a profile that answers the same way.
import { z } from "zod";
import type { Iec104Facts } from "./facts.js";

export const Iec104SimProfile = z
  .object({
    /** serve plain IEC 104 (tcp/2404) */
    plain: z.boolean().default(true),
    /** IEC 62351-3 TLS (tcp/19998) */
    tls: z
      .object({
        requireClientCert: z.boolean().default(true),
        minVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.2"),
        maxVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.3"),
        keyType: z.enum(["ec-p256", "rsa-2048"]).default("ec-p256"),
      })
      .strict()
      .optional(),
    /** deliberate misbehaviour, for robustness tests */
    fault: z.enum(["none", "silent", "close-on-testfr", "i-frames-before-startdt", "garbage"]).default("none"),
  })
  .strict();
export type Iec104SimProfile = z.infer<typeof Iec104SimProfile>;

export function profileFromFacts(facts: Iec104Facts): z.input<typeof Iec104SimProfile> {
  const plain = facts.plain.find((p) => p.reachability === "open");
  const tls = facts.tls.find((t) => t.proof !== "none");
  const fault = !plain
    ? "none"
    : plain.testfr === "closed"
      ? "close-on-testfr"
      : plain.testfr === "silent"
        ? "silent"
        : plain.received.i > 0
          ? "i-frames-before-startdt"
          : "none";
  return {
    plain: Boolean(plain),
    fault,
    ...(tls
      ? {
          tls: {
            requireClientCert: tls.proof === "client-certificate-alert",
            ...(tls.protocol === "TLSv1.3" || tls.protocol === "TLSv1.2" ? { minVersion: tls.protocol, maxVersion: tls.protocol } : {}),
            keyType: tls.certificate?.keyAlgorithm === "rsa" ? "rsa-2048" : "ec-p256",
          },
        }
      : {}),
  };
}
