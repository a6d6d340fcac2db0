// The SNMP section of a device profile (fixtures/profiles/*.yaml), validated with zod, and its
// derivation from recorded facts (`otaudit simulate RECORDING`). zod only: safe for index.ts.
import { z } from "zod";
import type { SnmpFacts } from "./facts.js";

const Level = z.enum(["noAuthNoPriv", "authNoPriv", "authPriv"]);
const Access = z.enum(["read-only", "read-write"]);

export const SnmpProfileUser = z
  .object({
    name: z.string().min(1),
    level: Level,
    authProtocol: z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]).optional(),
    authKey: z.string().min(8, "USM keys are at least 8 characters (RFC 3414 §11.2)").optional(),
    privProtocol: z.enum(["des", "aes", "aes256"]).optional(),
    privKey: z.string().min(8, "USM keys are at least 8 characters (RFC 3414 §11.2)").optional(),
    access: Access.default("read-only"),
  })
  .strict()
  .superRefine((u, ctx) => {
    if (u.level !== "noAuthNoPriv" && !(u.authProtocol && u.authKey))
      ctx.addIssue({ code: "custom", path: ["authKey"], message: `${u.level} needs authProtocol and authKey` });
    if (u.level === "authPriv" && !(u.privProtocol && u.privKey))
      ctx.addIssue({ code: "custom", path: ["privKey"], message: "authPriv needs privProtocol and privKey" });
  });

export const SnmpProfile = z
  .object({
    /** SnmpEngineID as hex (RFC 3411 §5, 5..32 octets); a Net-SNMP style one is made up when absent */
    engineId: z
      .string()
      .regex(/^([0-9a-fA-F]{2}){5,32}$/, "5 to 32 octets of hex")
      .optional(),
    system: z
      .object({
        sysDescr: z.string().default("otaudit SNMP simulator"),
        sysObjectID: z
          .string()
          .regex(/^\d+(\.\d+)+$/)
          .default("1.3.6.1.4.1.8072.3.2.10"),
        sysContact: z.string().default(""),
        sysName: z.string().default("simulated-device"),
        sysLocation: z.string().default(""),
      })
      .strict()
      .default({ sysDescr: "otaudit SNMP simulator", sysObjectID: "1.3.6.1.4.1.8072.3.2.10", sysContact: "", sysName: "simulated-device", sysLocation: "" }),
    communities: z
      .array(
        z
          .object({
            community: z.string().min(1),
            versions: z
              .array(z.enum(["v1", "v2c"]))
              .min(1)
              .default(["v1", "v2c"]),
            access: Access.default("read-only"),
          })
          .strict(),
      )
      .default([]),
    users: z.array(SnmpProfileUser).default([]),
    /** SNMP versions the agent processes; a message of another version is dropped and counted in snmpInBadVersions */
    versions: z
      .array(z.enum(["v1", "v2c", "v3"]))
      .min(1)
      .default(["v1", "v2c", "v3"]),
  })
  .strict();
export type SnmpProfile = z.infer<typeof SnmpProfile>;

/** A profile that behaves like the recorded device, as far as the facts show. Secrets the facts do
 * not hold (supplied communities, v3 keys) become placeholders. */
export function profileFromFacts(facts: SnmpFacts): SnmpProfile {
  const communities = new Map<string, { versions: Set<"v1" | "v2c">; access: "read-only" | "read-write" }>();
  for (const r of facts.communities.results.filter((x) => x.accepted)) {
    const name = r.source === "default" ? r.label : `otaudit-placeholder-${r.label.replace(/\D/g, "")}`;
    const entry = communities.get(name) ?? { versions: new Set(), access: "read-only" as const };
    entry.versions.add(r.version);
    if (facts.writeTests?.some((w) => w.label === r.label && w.outcome === "writable")) entry.access = "read-write";
    communities.set(name, entry);
  }
  const users = facts.v3Users.flatMap((u) => {
    const accepted = u.attempts.filter((a) => a.outcome === "accepted").map((a) => a.level);
    if (accepted.length === 0) return [];
    const level = accepted.includes("noAuthNoPriv") ? "noAuthNoPriv" : accepted.includes("authNoPriv") ? "authNoPriv" : "authPriv";
    const priv = u.privProtocol === "aes192" ? "aes" : u.privProtocol;
    return [
      {
        name: u.user,
        level,
        access: "read-only" as const,
        ...(level !== "noAuthNoPriv" && u.authProtocol ? { authProtocol: u.authProtocol, authKey: "placeholder-auth-key" } : {}),
        ...(level === "authPriv" && priv ? { privProtocol: priv, privKey: "placeholder-priv-key" } : {}),
      },
    ];
  });
  return SnmpProfile.parse({
    ...(facts.engine.engineId && facts.engine.engineId.length >= 10 && facts.engine.engineId.length <= 64 ? { engineId: facts.engine.engineId } : {}),
    system: {
      ...(facts.system?.sysDescr !== undefined ? { sysDescr: facts.system.sysDescr } : {}),
      ...(facts.system?.sysObjectID && /^\d+(\.\d+)+$/.test(facts.system.sysObjectID) ? { sysObjectID: facts.system.sysObjectID } : {}),
      ...(facts.system?.sysContact !== undefined ? { sysContact: facts.system.sysContact } : {}),
      ...(facts.system?.sysName !== undefined ? { sysName: facts.system.sysName } : {}),
      ...(facts.system?.sysLocation !== undefined ? { sysLocation: facts.system.sysLocation } : {}),
    },
    communities: [...communities].map(([community, e]) => ({ community, versions: [...e.versions].sort(), access: e.access })),
    users,
  });
}
