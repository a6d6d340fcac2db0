// The FTP simulator's profile (the `ftp:` section of fixtures/profiles/*.yaml) and
// profileFromFacts(): recorded FTP facts back into a profile (record -> replay -> simulate).
import { z } from "zod";
import type { FtpFacts } from "./facts.js";

const Line = z
  .string()
  .max(512)
  .refine((l) => !/[\r\n]/.test(l), "one line, no CR or LF");

export const FtpSimProfile = z
  .object({
    /** the greeting's lines exactly as sent, codes included ("220 (vsFTPd 3.0.3)", or "220-..." lines then "220 ...") */
    greeting: z.array(Line).min(1).default(["220 FTP server ready."]),
    /** FEAT lines (RFC 2389); null: FEAT is not implemented (500) */
    features: z.array(Line).nullable().default(["PASV", "SIZE"]),
    /** answer AUTH TLS with 234 and a TLS handshake on a generated certificate */
    authTls: z
      .object({ keyType: z.enum(["ec-p256", "rsa-2048", "rsa-1024"]).default("ec-p256") })
      .strict()
      .nullable()
      .default(null),
    /** USER before AUTH TLS: 331 (password asked for in clear) or 530 (encryption required) */
    cleartextLogin: z.enum(["password", "refuse"]).default("password"),
    anonymous: z.boolean().default(false),
    /** anonymous logins only inside TLS (vsftpd force_anon_logins_ssl): USER anonymous in clear gets 530 */
    anonymousTlsOnly: z.boolean().default(false),
    accounts: z.array(z.object({ username: z.string().min(1), password: z.string() }).strict()).default([]),
  })
  .strict()
  .refine((p) => /^\d{3}[ -]/.test(p.greeting[0]!) || /^\d{3}$/.test(p.greeting[0]!), "greeting lines start with a reply code");
export type FtpSimProfile = z.output<typeof FtpSimProfile>;

/** A profile reproducing the first greeted FTP service of recorded facts (no accounts: none are recorded). */
export function profileFromFacts(facts: FtpFacts): z.input<typeof FtpSimProfile> {
  const s = facts.services.find((x) => x.greeting);
  if (!s?.greeting) throw new Error("no FTP greeting in these facts");
  const profile: z.input<typeof FtpSimProfile> = {
    greeting: s.greeting.lines.map((l) => l.replace(/[\r\n]/g, " ").slice(0, 512)),
    features: s.features?.reply?.code === 211 ? s.features.list : null,
    anonymous: s.anonymous?.accepted === true || s.anonymous?.afterTls?.accepted === true,
    anonymousTlsOnly: s.anonymous?.accepted === false && s.anonymous.afterTls?.accepted === true,
    cleartextLogin: s.cleartextUser?.reply?.code === 530 ? "refuse" : "password",
  };
  const t = s.authTls?.tlsSession?.certificate;
  if (s.authTls?.tlsSession) profile.authTls = { keyType: t?.keyType === "rsa" ? ((t.keyBits ?? 2048) < 2048 ? "rsa-1024" : "rsa-2048") : "ec-p256" };
  return profile;
}
