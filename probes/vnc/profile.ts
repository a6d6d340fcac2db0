// The VNC simulator's profile (the `vnc:` section of fixtures/profiles/*.yaml) and
// profileFromFacts(): recorded RFB facts back into a profile (record -> replay -> simulate).
import { z } from "zod";
import type { VncFacts } from "./facts.js";

export const VncSimProfile = z
  .object({
    /** the ProtocolVersion the server sends, exactly 12 bytes: "RFB 003.008\n" (the newline is added when missing) */
    version: z
      .string()
      .default("RFB 003.008")
      .transform((v) => (v.endsWith("\n") ? v : `${v}\n`))
      .refine((v) => /^RFB \d{3}\.\d{3}\n$/.test(v), 'an RFB ProtocolVersion, e.g. "RFB 003.008"'),
    /** 3.7/3.8: the types offered in order; 3.3: the first one is the type the server chooses */
    securityTypes: z.array(z.number().int().min(0).max(255)).max(255).default([2]),
    /** refuse every connection with this reason (types count 0, RFC 6143 §7.1.2) */
    failureReason: z.string().optional(),
  })
  .strict();
export type VncSimProfile = z.output<typeof VncSimProfile>;

/** A profile reproducing the first audited RFB service of recorded facts. */
export function profileFromFacts(facts: VncFacts): z.input<typeof VncSimProfile> {
  const s = facts.services.find((x) => x.serverVersion && x.security);
  if (!s?.serverVersion || !s.security) throw new Error("no audited RFB service in these facts");
  const profile: z.input<typeof VncSimProfile> = { version: s.serverVersion.raw, securityTypes: s.security.types.filter((t) => t <= 255) };
  if (s.security.failureReason !== undefined) profile.failureReason = s.security.failureReason;
  return profile;
}
