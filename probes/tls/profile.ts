// Simulator profile schema for a TLS service (the `tls:` section of fixtures/profiles/*.yaml), and
// profileFromFacts: a recorded probe result -> a profile that makes the simulator answer the same way
// (versions, suites per version in the order the server chose them, groups, DH size, compression,
// renegotiation_info, weak-curve acceptance, and a certificate of the same key type, size,
// signature hash, validity, names and self-signedness; the key itself is fresh).
import { z } from "zod";
import { TlsVersionName, type TlsFacts } from "./facts.js";
import { GROUPS } from "./wire/constants.js";
import { suiteByName, suiteLabel } from "./wire/suites.js";

const DAY = 86_400_000;

export const SimCertificate = z
  .object({
    keyType: z.enum(["rsa", "ec"]).default("ec"),
    /** RSA modulus bits */
    rsaBits: z.union([z.literal(1024), z.literal(2048), z.literal(3072), z.literal(4096)]).default(2048),
    curve: z.enum(["P-256", "P-384"]).default("P-256"),
    signHash: z.enum(["SHA-1", "SHA-256", "SHA-384"]).default("SHA-256"),
    /** issued by a generated CA (a chain of two) instead of self-signed */
    caIssued: z.boolean().default(false),
    commonName: z.string().max(200).default("otaudit-sim"),
    sanDns: z.array(z.string().max(200)).max(16).default([]),
    sanIp: z.array(z.string().max(64)).max(16).default([]),
    /** validity relative to the simulator's start, in days (negative = in the past) */
    notBeforeDays: z.number().int().default(-1),
    notAfterDays: z.number().int().default(365),
  })
  .strict();

const SuiteName = z.string().refine((n) => suiteByName(n) !== undefined, "an IANA cipher-suite name (see probes/tls/wire/suites-data.ts)");
const GroupName = z.string().refine((n) => Object.values(GROUPS).some((g) => g.name === n), "a named group (probes/tls/wire/constants.ts GROUPS)");

export const TlsSimProfile = z
  .object({
    /** versions the server accepts */
    versions: z.array(TlsVersionName).min(1).default(["TLSv1.2", "TLSv1.3"]),
    /** per version, the suites the server accepts, in its order of preference */
    suites: z.partialRecord(TlsVersionName, z.array(SuiteName).min(1)).default({
      "TLSv1.2": ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"],
      "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"],
    }),
    /** named groups in the server's order of preference */
    groups: z.array(GroupName).min(1).default(["x25519", "secp256r1"]),
    /** DHE prime size for DHE suites */
    dhBits: z.union([z.literal(512), z.literal(1024), z.literal(2048), z.literal(3072)]).default(2048),
    compression: z.boolean().default(false),
    renegotiationInfo: z.boolean().default(true),
    /** with only weak curves offered, choose the first of them instead of refusing */
    acceptsWeakCurves: z.boolean().default(false),
    certificate: SimCertificate.default(SimCertificate.parse({})),
  })
  .strict();
export type TlsSimProfile = z.infer<typeof TlsSimProfile>;

/** A recorded result -> a simulator profile that answers the same way (for `otaudit simulate`). */
export function profileFromFacts(facts: TlsFacts): z.input<typeof TlsSimProfile> {
  const s = facts.services.find((x) => x.tlsOffered);
  if (!s) return {};
  const versions = s.versions.filter((v) => v.result === "accepted").map((v) => v.version);
  const suites: Record<string, string[]> = {};
  for (const scan of s.suites) {
    const names = scan.accepted.map((a) => suiteLabel(a.code)).filter((n) => suiteByName(n));
    if (names.length) suites[scan.version] = names;
  }
  for (const v of s.versions)
    if (v.result === "accepted" && !suites[v.version] && v.cipherCode !== undefined && suiteByName(suiteLabel(v.cipherCode)))
      suites[v.version] = [suiteLabel(v.cipherCode)];
  const groupCodes = [
    ...new Set(
      [...s.versions.map((v) => v.group), ...s.suites.flatMap((x) => x.accepted.map((a) => a.group))].filter(
        (g): g is number => g !== undefined && GROUPS[g] !== undefined,
      ),
    ),
  ];
  const dh = s.suites.flatMap((x) => x.accepted.map((a) => a.dhBits)).find((b) => b !== undefined);
  const leaf = s.certificates[0];
  const profile: z.input<typeof TlsSimProfile> = {
    versions: versions.filter((v) => suites[v]),
    suites,
    ...(groupCodes.length ? { groups: groupCodes.map((g) => GROUPS[g]!.name) } : {}),
    ...(dh ? { dhBits: dh <= 512 ? 512 : dh <= 1024 ? 1024 : dh <= 2048 ? 2048 : 3072 } : {}),
    compression: s.compression?.method === 1,
    renegotiationInfo: !s.versions.some((v) => v.renegotiationInfo === false),
    acceptsWeakCurves: s.weakGroups?.result === "accepted",
  };
  if (leaf) {
    const started = Date.now();
    const days = (iso: string, fallback: number) => (Number.isFinite(Date.parse(iso)) ? Math.round((Date.parse(iso) - started) / DAY) : fallback);
    const hash = leaf.signatureHash === "sha1" ? "SHA-1" : leaf.signatureHash === "sha384" ? "SHA-384" : "SHA-256";
    profile.certificate = {
      keyType: leaf.keyAlgorithm === "ec" ? "ec" : "rsa",
      ...(leaf.keyAlgorithm !== "ec"
        ? {
            rsaBits: ((leaf.keyBits ?? 2048) <= 1024 ? 1024 : (leaf.keyBits ?? 2048) <= 2048 ? 2048 : (leaf.keyBits ?? 2048) <= 3072 ? 3072 : 4096) as
              | 1024
              | 2048
              | 3072
              | 4096,
          }
        : {}),
      ...(leaf.keyAlgorithm === "ec" ? { curve: (leaf.keyBits ?? 256) > 256 ? "P-384" : "P-256" } : {}),
      signHash: hash,
      caIssued: !leaf.selfSigned,
      commonName: (leaf.commonName ?? "otaudit-sim").slice(0, 200),
      sanDns: (leaf.sanDns ?? []).slice(0, 16).map((d) => d.slice(0, 200)),
      sanIp: (leaf.sanIp ?? []).slice(0, 16),
      notBeforeDays: days(leaf.notBefore, -1),
      notAfterDays: days(leaf.notAfter, 365),
    };
  }
  return profile;
}
