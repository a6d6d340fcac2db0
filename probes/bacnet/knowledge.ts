// Typed access to the BACnet knowledge file probes/bacnet/data/vendors.yaml (ASHRAE vendor ids).
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

export const VendorTable = z.object({ source: z.string().min(10), vendors: z.record(z.string().regex(/^\d+$/), z.string().min(1)) }).strict();
export type VendorTable = z.infer<typeof VendorTable>;

export function vendorTable(): VendorTable {
  return loadDataFile("probes/bacnet/data/vendors.yaml", VendorTable);
}

/** ASHRAE's name for a vendor id, when the table has it. */
export function vendorNameOf(id: number): string | undefined {
  return vendorTable().vendors[String(id)];
}
