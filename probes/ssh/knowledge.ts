// Loaders and zod schemas for the SSH plugin's security knowledge (probes/ssh/data/*.yaml):
// the algorithm database (verdicts with named reasons), the default-credential list (shared
// format) and the hardening hints per server family.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

export const ALGORITHM_CATEGORIES = ["kex", "hostKey", "cipher", "mac", "compression"] as const;
export type AlgorithmCategory = (typeof ALGORITHM_CATEGORIES)[number];

export const ALGORITHM_FLAGS = [
  "CBC",
  "CHACHA20_POLY1305",
  "ETM",
  "ENCRYPT_AND_MAC",
  "AEAD",
  "STRICT_KEX",
  "EXT_INFO",
  "PREAUTH_COMPRESSION",
  "DELAYED_COMPRESSION",
] as const;

const WeakSeverity = z.enum(["critical", "high", "medium", "low"]);

export const AlgorithmEntry = z
  .object({
    status: z.enum(["weak", "ok", "marker"]),
    severity: WeakSeverity.optional(),
    reasons: z.array(z.string()).default([]),
    notes: z.array(z.string()).default([]),
    flags: z.array(z.enum(ALGORITHM_FLAGS)).default([]),
  })
  .strict();
export type AlgorithmEntry = z.infer<typeof AlgorithmEntry>;

const Category = z.record(z.string(), AlgorithmEntry);

export const AlgorithmDatabase = z
  .object({
    reasons: z.record(z.string().regex(/^[A-Z0-9_]+$/), z.object({ text: z.string().min(10), ref: z.url() }).strict()),
    kex: Category,
    hostKey: Category,
    cipher: Category,
    mac: Category,
    compression: Category,
  })
  .strict();
export type AlgorithmDatabase = z.infer<typeof AlgorithmDatabase>;

export const ALGORITHMS_FILE = "probes/ssh/data/algorithms.yaml";
export const DEFAULT_CREDENTIALS_FILE = "probes/ssh/data/default-credentials.yaml";

export function algorithmDatabase(): AlgorithmDatabase {
  return loadDataFile(ALGORITHMS_FILE, AlgorithmDatabase);
}

export interface AlgorithmVerdict {
  name: string;
  status: "weak" | "ok" | "marker" | "unknown";
  severity?: z.infer<typeof WeakSeverity>;
  reasons: string[];
  flags: string[];
}

/** Look an offered algorithm up; names we do not know are `unknown` (undetermined, never passed). */
export function classify(category: AlgorithmCategory, name: string, db = algorithmDatabase()): AlgorithmVerdict {
  const e = Object.hasOwn(db[category], name) ? db[category][name] : undefined;
  if (!e) return { name, status: "unknown", reasons: [], flags: [] };
  const v: AlgorithmVerdict = { name, status: e.status, reasons: e.reasons, flags: e.flags };
  if (e.severity) v.severity = e.severity;
  return v;
}

export function reasonText(code: string, db = algorithmDatabase()): string {
  return db.reasons[code]?.text ?? code;
}

/** The one default-credential data format (src/knowledge/default-credentials.ts); SSH entries carry a username. */
export function defaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(DEFAULT_CREDENTIALS_FILE);
}
