// Typed access to probes/enip/data/vendors.yaml (CIP vendor ids -> names, with its source), through
// the core's data-file loader (read from the package tree, zod-validated, cached);
// test/enip/knowledge.test.ts checks its invariants.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

export const VENDORS_FILE = "probes/enip/data/vendors.yaml";
export const VendorTable = z.object({ source: z.string().min(10), vendors: z.record(z.string().regex(/^\d{1,5}$/), z.string().min(1).max(80)) }).strict();

export function vendorName(id: number): string | undefined {
  return loadDataFile(VENDORS_FILE, VendorTable).vendors[String(id)];
}
