// Loader and schema for THE TLS knowledge file (probes/tls/data/tls.yaml), shared by every plugin
// that grades TLS (the tls plugin, Modbus/TCP Security): weak TLS versions, weak cipher-suite
// families and suite parts, certificate signature hashes, protocol features (compression,
// renegotiation) and the expiry warning, each with reason and source; and the matching of a suite
// family against the wire suite registry (probes/tls/wire/suites.ts).
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { Severity } from "../../src/model/common.js";
import { suiteCodes, type SuiteInfo } from "./wire/suites.js";

/** Versions offered one at a time (raw ClientHellos, so SSLv3 too). */
export const TlsVersionName = z.enum(["SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"]);
export type TlsVersionName = z.infer<typeof TlsVersionName>;

const Weak = z.object({ name: z.string().min(1), severity: Severity, reason: z.string().min(10), source: z.string().min(3) });
const Explained = z.object({ reason: z.string().min(10), source: z.string().min(3) }).strict();

export const SuiteMatch = z
  .object({
    keyExchange: z.array(z.string()).optional(),
    authentication: z.array(z.string()).optional(),
    cipherPrefix: z.array(z.string()).optional(),
    exceptCipherPrefix: z.array(z.string()).optional(),
    export: z.boolean().optional(),
  })
  .strict();
export type SuiteMatch = z.infer<typeof SuiteMatch>;

export const TlsKnowledge = z.object({
  versions: z.array(z.object({ version: TlsVersionName, weak: z.boolean(), reason: z.string().min(10), source: z.string().min(3) })),
  weakSuites: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      match: SuiteMatch,
      severity: Severity,
      reason: z.string().min(10),
      source: z.string().min(3),
    }),
  ),
  suiteParts: z.object({
    keyExchange: z.object({ acceptable: z.array(z.string()), weak: z.array(Weak) }),
    cipher: z.object({ acceptable: z.array(z.string()), weak: z.array(Weak) }),
    mac: z.object({ weak: z.array(Weak) }),
  }),
  certificate: z.object({
    weakSignatureHashes: z.array(z.object({ hash: z.string().regex(/^[a-z0-9-]+$/), reason: z.string().min(10), source: z.string().min(3) })),
    acceptableSignatureHashes: z.array(z.string().regex(/^[a-z0-9-]+$/)),
  }),
  features: z.object({ compression: Explained, insecureRenegotiation: Explained }).strict(),
  expiry: z.object({ warningDays: z.number().int().min(1).max(365), source: z.string().min(3) }).strict(),
});
export type TlsKnowledge = z.infer<typeof TlsKnowledge>;

export const TLS_KNOWLEDGE_FILE = "probes/tls/data/tls.yaml";

export function tlsKnowledge(): TlsKnowledge {
  return loadDataFile(TLS_KNOWLEDGE_FILE, TlsKnowledge);
}

/** Does a suite's parts match a family's `match` (all given fields must hold)? */
export function matchesSuite(m: SuiteMatch, s: SuiteInfo): boolean {
  if (s.kind !== "legacy") return false;
  if (m.keyExchange && !m.keyExchange.includes(s.keyExchange)) return false;
  if (m.authentication && !m.authentication.includes(s.authentication)) return false;
  if (m.cipherPrefix && !m.cipherPrefix.some((p) => s.cipher.startsWith(p))) return false;
  if (m.exceptCipherPrefix?.some((p) => s.cipher.startsWith(p))) return false;
  if (m.export !== undefined && s.export !== m.export) return false;
  return true;
}

/** The suite codes a family offers in its ClientHello. */
export function familyCodes(m: SuiteMatch): number[] {
  return suiteCodes((s) => matchesSuite(m, s));
}
