// Typed access to the FTP plugin's knowledge: factory-default accounts (shared format,
// src/knowledge/default-credentials.ts) and greeting patterns that name a product for advisories.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { loadDefaultCredentials, type DefaultCredentialsFile } from "../../src/knowledge/default-credentials.js";

export const DEFAULT_CREDENTIALS_FILE = "probes/ftp/data/default-credentials.yaml";
export const PRODUCTS_FILE = "probes/ftp/data/products.yaml";
/** greeting text the patterns look at */
export const MAX_GREETING_TEXT = 2048;

export function defaultCredentials(): DefaultCredentialsFile {
  return loadDefaultCredentials(DEFAULT_CREDENTIALS_FILE);
}

export const ProductPattern = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/),
    vendor: z.string().optional(),
    product: z.string().min(2),
    pattern: z.string().min(3),
    version: z.number().int().min(1).optional(),
    examples: z.array(z.string()).min(1),
  })
  .strict();
export const ProductsFile = z.object({ products: z.array(ProductPattern).min(1) }).strict();
export type ProductsFile = z.infer<typeof ProductsFile>;

export function productPatterns(): ProductsFile {
  return loadDataFile(PRODUCTS_FILE, ProductsFile);
}

/** The product a greeting names, if a known pattern matches. */
export function recogniseProduct(greeting: string, file = productPatterns()): { vendor?: string; product: string; version?: string } | undefined {
  const text = greeting.slice(0, MAX_GREETING_TEXT);
  for (const p of file.products) {
    const m = new RegExp(p.pattern).exec(text);
    if (!m) continue;
    const version = p.version ? m[p.version] : undefined;
    return { product: p.product, ...(p.vendor ? { vendor: p.vendor } : {}), ...(version ? { version } : {}) };
  }
  return undefined;
}
