// Simulator profile schema for EtherNet/IP (the `enip:` section of fixtures/profiles/*.yaml), and
// profileFromFacts: a recorded probe result -> a profile that makes the simulator look the same.
import { z } from "zod";
import type { EnipFacts } from "./facts.js";

export const EnipSimProfile = z
  .object({
    identity: z
      .object({
        vendorId: z.number().int().min(0).max(0xffff).default(1),
        deviceType: z.number().int().min(0).max(0xffff).default(0x0e),
        productCode: z.number().int().min(0).max(0xffff).default(55),
        revision: z
          .string()
          .regex(/^\d{1,3}\.\d{1,3}$/)
          .default("20.11"),
        status: z.number().int().min(0).max(0xffff).default(0x0060),
        serialNumber: z
          .string()
          .regex(/^[0-9a-f]{1,8}$/)
          .default("c0ffee01"),
        productName: z.string().max(64).default("1756-L61/B LOGIX5561"),
        state: z.number().int().min(0).max(255).default(3),
      })
      .strict()
      .default({
        vendorId: 1,
        deviceType: 0x0e,
        productCode: 55,
        revision: "20.11",
        status: 0x0060,
        serialNumber: "c0ffee01",
        productName: "1756-L61/B LOGIX5561",
        state: 3,
      }),
    /** answer ListIdentity by UDP too */
    udp: z.boolean().default(true),
    /** serve TCP (false: a UDP-only device) */
    tcp: z.boolean().default(true),
    /** RegisterSession refused with encapsulation status 0x0069 */
    refuseSession: z.boolean().default(false),
    cipSecurity: z
      .object({
        present: z.boolean().default(false),
        state: z.number().int().min(0).max(3).default(2),
        profiles: z.number().int().min(0).max(0xffff).default(0x0002),
        configured: z.number().int().min(0).max(0xffff).default(0x0002),
      })
      .strict()
      .default({ present: false, state: 2, profiles: 2, configured: 2 }),
    /** serve EtherNet/IP over TLS on tcp/2221 of the simulator's host (a throwaway certificate) */
    tls: z.boolean().default(false),
    /** highest TLS version the 2221 service offers (TLS 1.2 sends its certificate in clear) */
    tlsMaxVersion: z.enum(["TLSv1.2", "TLSv1.3"]).default("TLSv1.3"),
    /** answer a DTLS ClientHello on udp/2222 with a HelloVerifyRequest */
    dtls: z.boolean().default(false),
  })
  .strict();
export type EnipSimProfile = z.infer<typeof EnipSimProfile>;

export function profileFromFacts(facts: EnipFacts): z.input<typeof EnipSimProfile> {
  const id = facts.listIdentity.identity ?? facts.udp.identity;
  const cs = facts.cipSecurity;
  const bits = (names: string[] | undefined) =>
    (names?.includes("EtherNet/IP Confidentiality Profile") ? 2 : 0) |
    (names?.includes("CIP Authorization Profile") ? 4 : 0) |
    (names?.includes("CIP User Authentication Profile") ? 8 : 0);
  return {
    ...(id
      ? {
          identity: {
            vendorId: id.vendorId,
            deviceType: id.deviceType,
            productCode: id.productCode,
            revision: /^\d{1,3}\.\d{1,3}$/.test(id.revision) ? id.revision : "1.1",
            status: id.status,
            serialNumber: id.serialNumber.slice(0, 8),
            productName: id.productName.slice(0, 64),
            state: id.state ?? 3,
          },
        }
      : {}),
    udp: facts.udp.status === "answered",
    tcp: facts.reachability === "open",
    refuseSession: facts.session.status === "refused",
    cipSecurity: { present: cs.status === "present", state: cs.state ?? 2, profiles: bits(cs.profiles), configured: bits(cs.profilesConfigured) },
    tls: facts.tls.status === "offered",
    ...(facts.tls.version === "TLSv1.2" ? { tlsMaxVersion: "TLSv1.2" as const } : {}),
    dtls: facts.dtls.status === "offered",
  };
}
