// Simulator profile for BACnet/IP (the `bacnet:` section of a device profile) and profileFromFacts: a
// recorded probe result -> a profile that makes the simulator answer the same way.
import { z } from "zod";
import type { BacnetFacts } from "./facts.js";

const Entry = z.object({ address: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/), port: z.number().int().min(0).max(65535) });

export const BacnetSimProfile = z
  .object({
    instance: z.number().int().min(0).max(4194302).default(1234),
    vendorId: z.number().int().min(0).max(65535).default(260),
    vendorName: z.string().max(200).optional(),
    modelName: z.string().max(200).optional(),
    firmwareRevision: z.string().max(200).optional(),
    applicationSoftwareVersion: z.string().max(200).optional(),
    objectName: z.string().max(200).default("otaudit simulated controller"),
    location: z.string().max(200).optional(),
    description: z.string().max(200).optional(),
    serialNumber: z.string().max(200).optional(),
    protocolRevision: z.number().int().min(0).max(99).default(14),
    /** answer Who-Is with a unicast I-Am (false: stay silent to Who-Is, like devices that only broadcast I-Am) */
    iAm: z.boolean().default(true),
    /** ReadPropertyMultiple supported (else only ReadProperty) */
    rpm: z.boolean().default(true),
    /** Network Port objects (revision >= 17) with their network type (5 ipv4, 11 secure-connect) */
    networkPorts: z.array(z.object({ instance: z.number().int().min(0).max(4194302), networkType: z.number().int().min(0).max(255) })).default([]),
    /** a BBMD: its broadcast distribution table (absent: Read-BDT is NAKed) */
    bdt: z.array(Entry.extend({ mask: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/) })).optional(),
    /** registered foreign devices (absent: Read-FDT is NAKed) */
    fdt: z.array(Entry.extend({ ttl: z.number().int().min(0).max(65535) })).optional(),
    /** Read-BDT / Read-FDT: answered (the tables or a NAK), or ignored like a device without BVLL table support */
    tableReads: z.enum(["answer", "silent"]).default("answer"),
    /** deliberate misbehaviour, for robustness tests */
    fault: z.enum(["none", "silent", "segmented-ack", "lying-bvlc-length", "abort-rpm", "flood"]).default("none"),
  })
  .strict();
export type BacnetSimProfile = z.infer<typeof BacnetSimProfile>;

export function profileFromFacts(facts: BacnetFacts): z.input<typeof BacnetSimProfile> {
  const id = facts.identity;
  const text = (name: string) => facts.properties.find((p) => p.name === name && p.value !== undefined)?.value;
  return {
    instance: facts.deviceInstance ?? facts.whoIs.instance ?? 1234,
    vendorId: id.vendorId ?? 260,
    ...(id.vendorName ? { vendorName: id.vendorName } : {}),
    ...(id.modelName ? { modelName: id.modelName } : {}),
    ...(id.firmwareRevision ? { firmwareRevision: id.firmwareRevision } : {}),
    ...(id.applicationSoftwareVersion ? { applicationSoftwareVersion: id.applicationSoftwareVersion } : {}),
    ...(id.objectName ? { objectName: id.objectName } : {}),
    ...(text("location") ? { location: text("location") } : {}),
    ...(text("description") ? { description: text("description") } : {}),
    ...(id.serialNumber ? { serialNumber: id.serialNumber } : {}),
    ...(id.protocolRevision !== undefined ? { protocolRevision: id.protocolRevision } : {}),
    iAm: facts.whoIs.answered,
    rpm: facts.reads.some((r) => r.service === "readPropertyMultiple" && r.outcome === "ack"),
    networkPorts: facts.networkPorts.ports.filter((p) => p.networkType !== undefined).map((p) => ({ instance: p.instance, networkType: p.networkType! })),
    ...(facts.bbmd.bdt.status === "entries"
      ? { bdt: facts.bbmd.bdt.entries.map((e) => ({ address: String(e.address), port: Number(e.port), mask: String(e.mask) })) }
      : {}),
    ...(facts.bbmd.bdt.status === "silent" && facts.bbmd.fdt.status === "silent" ? { tableReads: "silent" as const } : {}),
    ...(facts.bbmd.fdt.status === "entries"
      ? { fdt: facts.bbmd.fdt.entries.map((e) => ({ address: String(e.address), port: Number(e.port), ttl: Number(e.ttl) })) }
      : {}),
  };
}
