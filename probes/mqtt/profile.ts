// The MQTT simulator's profile (the `mqtt:` section of fixtures/profiles/*.yaml) and
// profileFromFacts(): recorded broker facts back into a profile (record -> replay -> simulate).
import { z } from "zod";
import type { MqttFacts } from "./facts.js";

const Level = z.union([z.literal(3), z.literal(4), z.literal(5)]);

export const MqttSimProfile = z
  .object({
    /** protocol levels the broker speaks (3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0); others are refused */
    levels: z.array(Level).min(1).default([4, 5]),
    /** accept CONNECT without user name and password */
    anonymous: z.boolean().default(false),
    accounts: z.array(z.object({ username: z.string().min(1), password: z.string() }).strict()).default([]),
    /** serve MQTT on plain TCP (mqtt://) */
    plain: z.boolean().default(true),
    /** also serve MQTT over TLS (mqtts://) with a generated certificate */
    tls: z
      .object({
        keyType: z.enum(["ec-p256", "rsa-2048", "rsa-1024"]).default("ec-p256"),
        minVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.2"),
        maxVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.3"),
      })
      .strict()
      .optional(),
    /** MQTT 5 CONNACK properties the broker sends */
    properties: z
      .object({
        maximumQoS: z.number().int().min(0).max(1).optional(),
        retainAvailable: z.boolean().optional(),
        serverKeepAlive: z.number().int().min(0).max(65535).optional(),
        topicAliasMaximum: z.number().int().min(0).max(65535).optional(),
        reasonString: z.string().optional(),
      })
      .strict()
      .default({}),
  })
  .strict()
  .refine((p) => p.plain || p.tls, "serve at least one listener (plain or tls)");
export type MqttSimProfile = z.output<typeof MqttSimProfile>;

/** A profile reproducing recorded broker facts (accounts are never recorded, so none are replayed). */
export function profileFromFacts(facts: MqttFacts): z.input<typeof MqttSimProfile> {
  const answered = facts.services.filter((s) => s.anonymous?.protocolLevel !== undefined);
  if (answered.length === 0) throw new Error("no MQTT broker answered in these facts");
  const first = answered[0]!.anonymous!;
  const refused = new Set(
    answered.flatMap((s) => s.anonymous!.attempts.filter((a) => a.verdict === "version-refused" || a.result === "closed").map((a) => a.protocolLevel)),
  );
  const levels = ([5, 4, 3] as const).filter((l) => !refused.has(l) && l >= first.protocolLevel!);
  const p = first.properties;
  const tlsService = answered.find((s) => s.tls && s.tlsSession);
  const profile: z.input<typeof MqttSimProfile> = {
    levels: levels.length ? levels : [first.protocolLevel!],
    anonymous: answered.some((s) => s.anonymous!.outcome === "accepted"),
    plain: answered.some((s) => !s.tls),
  };
  if (tlsService) {
    const c = tlsService.tlsSession!.certificate;
    const v = tlsService.tlsSession!.protocol;
    profile.tls = { keyType: c?.keyType === "rsa" ? ((c.keyBits ?? 2048) < 2048 ? "rsa-1024" : "rsa-2048") : "ec-p256" };
    if (v === "TLSv1" || v === "TLSv1.1") Object.assign(profile.tls, { minVersion: v, maxVersion: v });
  }
  if (p) {
    const props: NonNullable<z.input<typeof MqttSimProfile>["properties"]> = {};
    if (p.maximumQoS !== undefined && p.maximumQoS <= 1) props.maximumQoS = p.maximumQoS;
    if (p.retainAvailable !== undefined) props.retainAvailable = p.retainAvailable;
    if (p.serverKeepAlive !== undefined) props.serverKeepAlive = p.serverKeepAlive;
    if (p.topicAliasMaximum !== undefined) props.topicAliasMaximum = p.topicAliasMaximum;
    if (p.reasonString !== undefined) props.reasonString = p.reasonString;
    profile.properties = props;
  }
  return profile;
}
