// Typed access to the VNC plugin's security knowledge (probes/vnc/data/security-types.yaml):
// what each RFB security type number means and how far the handshake alone can judge it.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";

export const SECURITY_TYPES_FILE = "probes/vnc/data/security-types.yaml";

export const SecurityTypeEntry = z
  .object({
    name: z.string().min(2),
    status: z.enum(["none", "weak", "depends", "invalid"]),
    severity: z.enum(["critical", "high", "medium", "low"]).optional(),
    reasons: z.array(z.string()).min(1),
  })
  .strict();
export type SecurityTypeEntry = z.infer<typeof SecurityTypeEntry>;

export const SecurityTypeDatabase = z
  .object({
    reasons: z.record(z.string().regex(/^[A-Z0-9_]+$/), z.object({ text: z.string().min(10), ref: z.url() }).strict()),
    types: z.record(z.string().regex(/^\d{1,10}$/), SecurityTypeEntry),
  })
  .strict();
export type SecurityTypeDatabase = z.infer<typeof SecurityTypeDatabase>;

export function securityTypeDatabase(): SecurityTypeDatabase {
  return loadDataFile(SECURITY_TYPES_FILE, SecurityTypeDatabase);
}

export interface SecurityTypeVerdict {
  type: number;
  name: string;
  status: SecurityTypeEntry["status"] | "unknown";
  severity?: SecurityTypeEntry["severity"];
  reasons: string[];
}

/** Look a type number up; numbers the data does not list are `unknown` (never judged good). */
export function classifyType(type: number, db = securityTypeDatabase()): SecurityTypeVerdict {
  const e = Object.hasOwn(db.types, String(type)) ? db.types[String(type)] : undefined;
  if (!e) return { type, name: `type ${type}`, status: "unknown", reasons: [] };
  return { type, name: e.name, status: e.status, reasons: e.reasons, ...(e.severity ? { severity: e.severity } : {}) };
}

export function reasonText(code: string, db = securityTypeDatabase()): string {
  return db.reasons[code]?.text ?? code;
}

/** "VNC Authentication (2)" */
export function typeLabel(type: number, db = securityTypeDatabase()): string {
  return `${classifyType(type, db).name} (${type})`;
}
