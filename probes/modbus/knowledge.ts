// Loader and schema for the Modbus/TCP Security knowledge file (probes/modbus/data/tls.yaml):
// weak TLS versions, weak cipher-suite families and certificate limits, each with reason and source.
import { z } from "zod";
import { loadDataFile } from "../../src/data.js";
import { Severity } from "../../src/model/common.js";
import { TlsVersionName } from "./facts.js";

export const TlsKnowledge = z.object({
  versions: z.array(z.object({ version: TlsVersionName, weak: z.boolean(), reason: z.string().min(10), source: z.string().min(3) })),
  weakSuites: z.array(
    z.object({
      id: z.string().regex(/^[a-z0-9-]+$/),
      openssl: z.string().min(1),
      severity: Severity,
      reason: z.string().min(10),
      source: z.string().min(3),
    }),
  ),
  certificate: z.object({
    minRsaBits: z.number().int().min(1024),
    minEcBits: z.number().int().min(160),
    weakSignatureHashes: z.array(z.object({ hash: z.string().regex(/^[a-z0-9-]+$/), reason: z.string().min(10), source: z.string().min(3) })),
  }),
});
export type TlsKnowledge = z.infer<typeof TlsKnowledge>;

export const TLS_KNOWLEDGE_FILE = "probes/modbus/data/tls.yaml";

export function tlsKnowledge(): TlsKnowledge {
  return loadDataFile(TLS_KNOWLEDGE_FILE, TlsKnowledge);
}
