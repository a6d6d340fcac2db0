// SNMP security knowledge loaded from probes/snmp/data/ (zod-validated): default communities,
// default v3 user names, USM algorithms with their weaknesses, enterprise numbers.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

const Source = z.object({ url: z.string().url(), licence: z.string().min(1) }).strict();

export const DefaultsFile = z
  .object({
    communities: z.array(z.object({ community: z.string().min(1), why: z.string().min(1), sources: z.array(Source).min(1) }).strict()).min(2),
    v3UserNames: z.array(z.object({ name: z.string().min(1), why: z.string().min(1), sources: z.array(Source).min(1) }).strict()),
  })
  .strict();
export type DefaultsFile = z.infer<typeof DefaultsFile>;

const Algorithm = z.object({ label: z.string(), spec: z.string(), weak: z.boolean(), reasons: z.array(z.string()) }).strict();
export const AlgorithmsFile = z
  .object({
    reasons: z.record(z.string(), z.string()),
    auth: z.record(z.enum(["md5", "sha", "sha224", "sha256", "sha384", "sha512"]), Algorithm),
    priv: z.record(z.enum(["des", "aes", "aes192", "aes256"]), Algorithm),
    enterprises: z.record(z.string().regex(/^\d+$/), z.string()),
  })
  .strict();
export type AlgorithmsFile = z.infer<typeof AlgorithmsFile>;

export const DEFAULTS_PATH = "probes/snmp/data/default-communities.yaml";
export const ALGORITHMS_PATH = "probes/snmp/data/algorithms.yaml";

export function loadDefaults(): DefaultsFile {
  return loadDataFile(DEFAULTS_PATH, DefaultsFile);
}

export function loadAlgorithms(): AlgorithmsFile {
  return loadDataFile(ALGORITHMS_PATH, AlgorithmsFile);
}
