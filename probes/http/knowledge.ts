// Loader and schema for the http plugin's knowledge (probes/http/data/web.yaml: HSTS minimum,
// framing headers, firmware/product hint patterns) and its default credentials
// (probes/http/data/default-credentials.yaml, the shared format of src/knowledge/default-credentials.ts).
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

const Explained = z.object({ reason: z.string().min(10), source: z.string().min(3) }).strict();

export const WebKnowledge = z
  .object({
    hsts: Explained.extend({ minMaxAge: z.number().int().min(1) }).strict(),
    framing: Explained,
    hints: z.array(
      z
        .object({
          id: z.string().regex(/^[a-z0-9-]+$/),
          pattern: z.string().min(3),
          flags: z
            .string()
            .regex(/^[im]*$/)
            .default(""),
          why: z.string().min(10),
        })
        .strict(),
    ),
  })
  .strict();
export type WebKnowledge = z.infer<typeof WebKnowledge>;

export const WEB_KNOWLEDGE_FILE = "probes/http/data/web.yaml";
export const HTTP_DEFAULTS_FILE = "probes/http/data/default-credentials.yaml";

export function webKnowledge(): WebKnowledge {
  return loadDataFile(WEB_KNOWLEDGE_FILE, WebKnowledge);
}

let compiled: { id: string; regex: RegExp }[] | undefined;
/** The hint patterns, compiled once. */
export function hintPatterns(): { id: string; regex: RegExp }[] {
  return (compiled ??= webKnowledge().hints.map((h) => ({ id: h.id, regex: new RegExp(h.pattern, h.flags) })));
}

export function httpDefaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(HTTP_DEFAULTS_FILE);
}
