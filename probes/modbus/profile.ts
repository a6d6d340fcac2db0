// Simulator profile schema for Modbus/TCP (the `modbus:` section of fixtures/profiles/*.yaml), and
// profileFromFacts: a recorded probe result -> a profile that makes the simulator look the same.
import { z } from "zod";
import type { ModbusFacts } from "./facts.js";

const Identity = z
  .object({
    vendorName: z.string().max(200),
    productCode: z.string().max(200),
    revision: z.string().max(200),
    vendorUrl: z.string().max(200),
    productName: z.string().max(200),
    modelName: z.string().max(200),
    userApplicationName: z.string().max(200),
  })
  .partial()
  .strict();

export const ModbusSimProfile = z
  .object({
    /** unit ids that answer; a request to another unit gets `missingUnit` */
    units: z.array(z.number().int().min(0).max(255)).min(1).default([1]),
    missingUnit: z.enum(["gateway-exception", "silent"]).default("gateway-exception"),
    identity: Identity.default({}),
    /** extended (vendor-specific) identification objects 0x80-0xFF by decimal id (§6.21, read code 3) */
    extendedObjects: z.record(z.string().regex(/^(12[89]|1[3-9]\d|2[0-4]\d|25[0-5])$/, "an object id 128..255"), z.string().max(240)).default({}),
    /** Report Server ID data (FC 17) as text; absent = FC 17 answered with ILLEGAL FUNCTION */
    serverId: z.string().max(240).optional(),
    /** FC 43 / MEI 14 supported */
    deviceIdentification: z.boolean().default(true),
    /** coil and holding register values by address */
    coils: z.record(z.string().regex(/^\d+$/), z.boolean()).default({}),
    holding: z.record(z.string().regex(/^\d+$/), z.number().int().min(0).max(65535)).default({}),
    /** refuse FC 5/6 with ILLEGAL FUNCTION (a write-protected controller) */
    writeProtected: z.boolean().default(false),
    /** serve plain Modbus/TCP */
    plain: z.boolean().default(true),
    tls: z
      .object({
        enabled: z.boolean().default(true),
        requireClientCert: z.boolean().default(true),
        minVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.2"),
        maxVersion: z.enum(["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]).default("TLSv1.3"),
        /** OpenSSL cipher string for TLS <= 1.2 (e.g. "ALL:eNULL@SECLEVEL=0" for a legacy device) */
        ciphers: z.string().optional(),
        keyType: z.enum(["ec-p256", "ec-p384", "rsa-2048", "rsa-1024"]).default("ec-p256"),
        signHash: z.enum(["SHA-256", "SHA-1"]).default("SHA-256"),
        /** requests from a client certificate without the role extension get ILLEGAL FUNCTION */
        requireRole: z.boolean().default(false),
        /** role written into the generated client certificate */
        clientRole: z.string().default("operator"),
        expired: z.boolean().default(false),
      })
      .strict()
      .optional(),
    /** deliberate misbehaviour, for robustness tests */
    fault: z.enum(["none", "wrong-transaction-id", "length-too-long", "exception-always", "silent", "over-long-pdu", "accept-hang"]).default("none"),
  })
  .strict();
export type ModbusSimProfile = z.infer<typeof ModbusSimProfile>;

/** A recorded result -> a simulator profile that answers the same way (for `otaudit simulate`). */
export function profileFromFacts(facts: ModbusFacts): z.input<typeof ModbusSimProfile> {
  const plain = facts.plain.find((p) => p.answersUnauthenticated);
  const units = plain?.units.filter((u) => u.answered) ?? [];
  const first = units.find((u) => u.deviceId?.status === "ok");
  const serverId = units.find((u) => u.serverId?.status === "ok")?.serverId;
  const secure = facts.secure.find((t) => t.tlsOffered);
  const accepted = secure?.versions.filter((v) => v.result === "accepted").map((v) => v.version) ?? [];
  const extended = Object.fromEntries((first?.deviceId?.objects ?? []).filter((o) => o.id >= 0x80).map((o) => [String(o.id), o.value.slice(0, 240)]));
  const profile: z.input<typeof ModbusSimProfile> = {
    units: units.length ? units.map((u) => u.unitId) : [1],
    identity: first?.deviceId?.identity ?? {},
    ...(Object.keys(extended).length ? { extendedObjects: extended } : {}),
    deviceIdentification: units.length === 0 || units.some((u) => u.deviceId?.status === "ok"),
    plain: Boolean(plain),
  };
  if (serverId?.hex) {
    const data = Buffer.from(serverId.hex, "hex");
    // the last byte is usually the run indicator (§6.17: 0x00 OFF, 0xFF ON); the simulator adds its own
    profile.serverId = (data.length > 1 && (data[data.length - 1] === 0xff || data[data.length - 1] === 0x00) ? data.subarray(0, -1) : data).toString("latin1");
  }
  if (facts.writeTest.status === "refused") profile.writeProtected = true;
  if (secure) {
    const sorted = (["TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"] as const).filter((v) => accepted.includes(v));
    profile.tls = {
      requireClientCert: secure.clientCertificate.required !== "not_required",
      minVersion: sorted[0] ?? "TLSv1.2",
      maxVersion: sorted[sorted.length - 1] ?? "TLSv1.3",
      ...(secure.certificate?.keyAlgorithm === "rsa" ? { keyType: (secure.certificate.keyBits ?? 2048) < 2048 ? "rsa-1024" : "rsa-2048" } : {}),
    };
  }
  return profile;
}
