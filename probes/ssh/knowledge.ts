// Loaders and zod schemas for the SSH plugin's security knowledge (probes/ssh/data/*.yaml):
// the algorithm database (verdicts with named reasons) and the default-credential list.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

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

/** Look an offered algorithm up; names we do not know are `unknown` (reported, never failed). */
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

export const CredentialSource = z.object({ title: z.string().min(5), url: z.url(), licence: z.string().min(2) }).strict();

export const DefaultCredentialEntry = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    vendor: z.string().min(1),
    product: z.string().min(1),
    username: z.string().min(1),
    password: z.string(),
    source: z.string(),
    vendorDoc: z.url().optional(),
  })
  .strict();
export type DefaultCredentialEntry = z.infer<typeof DefaultCredentialEntry>;

export const DefaultCredentialsFile = z
  .object({ sources: z.record(z.string(), CredentialSource), entries: z.array(DefaultCredentialEntry).min(1) })
  .strict();
export type DefaultCredentialsFile = z.infer<typeof DefaultCredentialsFile>;

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDataFile(DEFAULT_CREDENTIALS_FILE, DefaultCredentialsFile);
}
