// Facts the BACnet/IP probe records (zod): the I-Am answer to a unicast Who-Is, the Device object
// properties read (exact strings; hex when a string did not decode losslessly), services supported,
// network ports (BACnet/SC observable there), the BBMD tables when readable, every datagram that could
// not be used, and every request sent. Facts, never verdicts.
import { z } from "zod";

export const ErrorFact = z.object({ code: z.string(), message: z.string() });

export const ReadFact = z.object({
  service: z.enum(["readProperty", "readPropertyMultiple"]),
  object: z.string(),
  properties: z.array(z.string()),
  outcome: z.enum(["ack", "error", "reject", "abort", "segmented", "timeout", "unparsed", "unreachable"]),
  detail: z.string().optional(),
});

export const PropertyFact = z.object({
  id: z.number().int(),
  name: z.string(),
  /** the value as text (strings as received; lists joined with ", ") */
  value: z.string().optional(),
  /** the raw bytes of a string that did not decode losslessly */
  hex: z.string().optional(),
  /** the device's error for this property (class/code) */
  error: z.string().optional(),
});

export const TableFact = z.object({
  /** entries: the table was returned; nak: BVLC-Result NAK; silent: no answer; error: unusable answer */
  status: z.enum(["entries", "nak", "silent", "error", "not-sent"]),
  entries: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  total: z.number().int(),
  detail: z.string().optional(),
});

export const BacnetFacts = z.object({
  url: z.string(),
  port: z.number().int(),
  whoIs: z.object({
    answered: z.boolean(),
    /** I-Am datagrams received in answer (more than one: a router answering for devices behind it) */
    iAms: z.number().int(),
    instance: z.number().int().optional(),
    maxApdu: z.number().int().optional(),
    /** 0 both, 1 transmit, 2 receive, 3 no segmentation (clause 21 BACnetSegmentation) */
    segmentation: z.number().int().optional(),
    vendorId: z.number().int().optional(),
  }),
  /** the Device object instance the reads named: the I-Am's, else the wildcard 4194303 (clause 12.11.1) */
  addressedAs: z.enum(["instance", "wildcard"]).optional(),
  deviceInstance: z.number().int().optional(),
  reads: z.array(ReadFact),
  properties: z.array(PropertyFact),
  identity: z.object({
    vendorName: z.string().optional(),
    vendorId: z.number().int().optional(),
    /** ASHRAE's name for the vendor id (probes/bacnet/data/vendors.yaml) */
    vendorFromTable: z.string().optional(),
    modelName: z.string().optional(),
    firmwareRevision: z.string().optional(),
    applicationSoftwareVersion: z.string().optional(),
    objectName: z.string().optional(),
    serialNumber: z.string().optional(),
    protocolRevision: z.number().int().optional(),
  }),
  /** protocol-services-supported: the names of the bits set */
  servicesSupported: z.array(z.string()).optional(),
  networkPorts: z.object({
    status: z.enum(["read", "not-read", "unavailable", "too-large"]),
    detail: z.string(),
    ports: z.array(z.object({ instance: z.number().int(), networkType: z.number().int().optional(), typeName: z.string().optional() })),
  }),
  bbmd: z.object({ bdt: TableFact, fdt: TableFact }),
  datagrams: z.object({ received: z.number().int(), malformed: z.number().int(), unmatched: z.number().int(), dropped: z.number().int() }),
  /** the host answered ICMP port unreachable */
  portUnreachable: z.boolean(),
  /** requests sent, in order */
  sent: z.array(z.string()),
  anomalies: z.array(z.string()),
  error: ErrorFact.optional(),
});
export type BacnetFacts = z.infer<typeof BacnetFacts>;
