// Simulator profile for DNP3 (the `dnp3:` section of a device profile) and profileFromFacts: a
// recorded probe result -> a profile that makes the simulator answer the same way.
import { z } from "zod";
import type { Dnp3Facts } from "./facts.js";

export const Dnp3SimProfile = z
  .object({
    /** the outstation's link address */
    address: z.number().int().min(0).max(0xffef).default(10),
    /** answer only frames from this master address (many outstations do); absent = any source */
    masterAddress: z.number().int().min(0).max(0xffef).optional(),
    /** group 0 attributes the outstation reports (visible strings), by variation */
    attributes: z.record(z.string().regex(/^(2[0-4]\d|25[0-3])$/, "a variation 200..253"), z.string().max(240)).default({}),
    /** g0v209: the Secure Authentication version reported (absent: the attribute is unknown, IIN2.1) */
    saVersion: z.number().int().min(0).max(255).optional(),
    /** answer every READ with an authentication challenge (g120v1), as an outstation that treats READ as critical */
    challengeReads: z.boolean().default(false),
    /** IIN flags always set in responses, e.g. ["need-time", "device-restart"] */
    iin: z.array(z.string()).default([]),
    /** unsolicited responses sent right after the connection opens */
    unsolicitedOnConnect: z.number().int().min(0).max(8).default(0),
    /** deliberate misbehaviour, for robustness tests */
    fault: z.enum(["none", "silent", "bad-crc", "link-only", "wrong-sequence", "close-after-link"]).default("none"),
  })
  .strict();
export type Dnp3SimProfile = z.infer<typeof Dnp3SimProfile>;

/** A recorded result -> a simulator profile that answers the same way (for `otaudit simulate`). */
export function profileFromFacts(facts: Dnp3Facts): z.input<typeof Dnp3SimProfile> {
  const attributes = Object.fromEntries(
    facts.attributes.filter((a) => a.dataType === 1 && a.variation !== 209).map((a) => [String(a.variation), a.value.slice(0, 240)]),
  );
  const identityAnswered = facts.requests.some((r) => r.name === "identity" && r.outcome === "response");
  return {
    address: facts.outstation ?? 10,
    masterAddress: facts.outstation !== undefined ? facts.masterAddress : undefined,
    attributes,
    ...(facts.secureAuth.version !== undefined ? { saVersion: facts.secureAuth.version } : {}),
    challengeReads: facts.secureAuth.status === "challenge-observed",
    iin: facts.iin.flags.filter((f) => !["object-unknown", "function-not-supported", "parameter-error"].includes(f)),
    fault: facts.outstation === undefined ? "silent" : identityAnswered || facts.secureAuth.status === "challenge-observed" ? "none" : "link-only",
  };
}
