// The one data format for default credentials (passwords, communities, PINs) that every plugin's
// `probes/<id>/data/default-credentials.yaml` uses: named public sources, each with its licence, and
// entries that cite one. Facts and reports name an entry's id and user, never its secret.
// `checkDefaultCredentialsInvariants` is what every plugin's data test calls.
import { z } from "zod";
import { loadDataFile } from "../data.js";

export const CredentialSource = z
  .object({
    title: z.string().min(5),
    url: z.url(),
    /** licence of the source (SPDX id or a short statement such as "fact cited, no text copied") */
    licence: z.string().min(2),
  })
  .strict();
export type CredentialSource = z.infer<typeof CredentialSource>;

export const DefaultCredentialEntry = z
  .object({
    /** stable id, named in facts and reports (never the secret) */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    vendor: z.string().min(1).optional(),
    product: z.string().min(1).optional(),
    /** user name; absent for secrets without one (an SNMP community, a VNC password, a PIN) */
    username: z.string().optional(),
    /** the default secret; "" is an empty password */
    password: z.string(),
    /** key of `sources` */
    source: z.string(),
    /** vendor documentation that states the default, where the source cites one */
    vendorDoc: z.url().optional(),
    /** why this entry is on the list, when it is not obvious from vendor/product */
    why: z.string().optional(),
    /** tried in default mode too (class `read`), e.g. a public read community; default false: intrusive only */
    defaultMode: z.boolean().optional(),
  })
  .strict();
export type DefaultCredentialEntry = z.infer<typeof DefaultCredentialEntry>;

export const DefaultCredentialsFile = z
  .object({
    sources: z.record(z.string(), CredentialSource),
    entries: z.array(DefaultCredentialEntry).min(1),
  })
  .strict();
export type DefaultCredentialsFile = z.infer<typeof DefaultCredentialsFile>;

export function loadDefaultCredentials(relPath: string): DefaultCredentialsFile {
  return loadDataFile(relPath, DefaultCredentialsFile);
}

/** Invariants every default-credentials file keeps; returns problems (empty when fine). */
export function checkDefaultCredentialsInvariants(file: DefaultCredentialsFile): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  const pairs = new Set<string>();
  for (const e of file.entries) {
    if (ids.has(e.id)) problems.push(`duplicate id ${e.id}`);
    ids.add(e.id);
    const pair = `${e.username ?? ""}\u0000${e.password}`;
    if (pairs.has(pair)) problems.push(`duplicate credential in ${e.id}`);
    pairs.add(pair);
    if (!Object.hasOwn(file.sources, e.source)) problems.push(`${e.id}: unknown source ${e.source}`);
  }
  for (const key of Object.keys(file.sources)) if (!file.entries.some((e) => e.source === key)) problems.push(`source ${key} is not cited`);
  return problems;
}
