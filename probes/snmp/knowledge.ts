// SNMP security knowledge loaded from probes/snmp/data/ (zod-validated): default communities (the
// shared default-credential format), default v3 user names, USM algorithms with their weaknesses,
// enterprise numbers and the patch-cadence threshold.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialEntry, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

const Source = z.object({ url: z.string().url(), licence: z.string().min(1) }).strict();

export const V3UserNamesFile = z
  .object({
    v3UserNames: z.array(z.object({ name: z.string().min(1), why: z.string().min(1), sources: z.array(Source).min(1) }).strict()),
  })
  .strict();
export type V3UserNamesFile = z.infer<typeof V3UserNamesFile>;

const Algorithm = z.object({ label: z.string(), spec: z.string(), weak: z.boolean(), reasons: z.array(z.string()) }).strict();
export const AlgorithmsFile = z
  .object({
    reasons: z.record(z.string(), z.string()),
    auth: z.record(z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]), Algorithm),
    priv: z.record(z.enum(["des", "aes", "aes192", "aes256"]), Algorithm),
    enterprises: z.record(z.string().regex(/^\d+$/), z.string()),
    cadence: z.object({ maxDaysSinceRestart: z.number().int().positive() }).strict(),
  })
  .strict();
export type AlgorithmsFile = z.infer<typeof AlgorithmsFile>;

export const COMMUNITIES_PATH = "probes/snmp/data/default-credentials.yaml";
export const V3_USER_NAMES_PATH = "probes/snmp/data/v3-user-names.yaml";
export const ALGORITHMS_PATH = "probes/snmp/data/algorithms.yaml";

/** Default communities (entries without user name; `password` is the community). */
export function loadCommunities(): DefaultCredentialsFile {
  return loadDefaultCredentials(COMMUNITIES_PATH);
}

/** The communities a run may send: `defaultMode` ones always, the rest only when intrusive. */
export function communityPlan(intrusive: boolean): { defaultMode: DefaultCredentialEntry[]; guesses: DefaultCredentialEntry[] } {
  const all = loadCommunities().entries;
  return { defaultMode: all.filter((e) => e.defaultMode === true), guesses: intrusive ? all.filter((e) => e.defaultMode !== true) : [] };
}

export function loadV3UserNames(): V3UserNamesFile {
  return loadDataFile(V3_USER_NAMES_PATH, V3UserNamesFile);
}

export function loadAlgorithms(): AlgorithmsFile {
  return loadDataFile(ALGORITHMS_PATH, AlgorithmsFile);
}
