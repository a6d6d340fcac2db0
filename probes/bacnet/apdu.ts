// BACnet application layer as the probe uses it (ASHRAE 135-2020 clauses 20.1, 16.10, 15.5, 15.7):
// Who-Is (unconfirmed service 8) and its I-Am (service 0), ReadProperty (confirmed 12) and
// ReadPropertyMultiple (confirmed 14) of the Device object, and the answers: Complex-ACK, Error,
// Reject, Abort. Requests never accept segmented responses (SA bit 0, clause 20.1.2.4): a device must
// answer in one APDU or abort, so no segment is ever acknowledged or reassembled. Only read services
// are ever encoded (checked before every send). Decoders throw only BacnetDecodeError.
import { BacnetDecodeError, TagReader, closing, encodeContextObject, encodeContextUnsigned, opening, unsignedOf, type BacnetValue } from "./tags.js";

export const PDU = { CONFIRMED: 0, UNCONFIRMED: 1, SIMPLE_ACK: 2, COMPLEX_ACK: 3, SEGMENT_ACK: 4, ERROR: 5, REJECT: 6, ABORT: 7 } as const;
export const SERVICE = { I_AM: 0, WHO_IS: 8, READ_PROPERTY: 12, READ_PROPERTY_MULTIPLE: 14 } as const;
/** Confirmed services the probe may send: ReadProperty and ReadPropertyMultiple only. */
export const SENDABLE_CONFIRMED: ReadonlySet<number> = new Set([SERVICE.READ_PROPERTY, SERVICE.READ_PROPERTY_MULTIPLE]);

export const OBJECT = { DEVICE: 8, NETWORK_PORT: 56 } as const;
/** "The device that receives the request" (clause 12.11.1 Object_Identifier: instance 4194303 in ReadProperty). */
export const WILDCARD_INSTANCE = 4194303;

/** Property identifiers (clause 21, BACnetPropertyIdentifier). */
export const PROP = {
  APPLICATION_SOFTWARE_VERSION: 12,
  DESCRIPTION: 28,
  FIRMWARE_REVISION: 44,
  LOCATION: 58,
  MAX_APDU_LENGTH_ACCEPTED: 62,
  MODEL_NAME: 70,
  OBJECT_IDENTIFIER: 75,
  OBJECT_LIST: 76,
  OBJECT_NAME: 77,
  PROTOCOL_SERVICES_SUPPORTED: 97,
  PROTOCOL_VERSION: 98,
  SEGMENTATION_SUPPORTED: 107,
  SYSTEM_STATUS: 112,
  VENDOR_IDENTIFIER: 120,
  VENDOR_NAME: 121,
  PROTOCOL_REVISION: 139,
  SERIAL_NUMBER: 372,
  NETWORK_TYPE: 427,
} as const;

export const PROP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(PROP).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, "-")]));

/** The Device object properties a default run reads, in one RPM or one RP each. */
export const DEVICE_PROPERTIES = [
  PROP.OBJECT_IDENTIFIER,
  PROP.OBJECT_NAME,
  PROP.VENDOR_NAME,
  PROP.VENDOR_IDENTIFIER,
  PROP.MODEL_NAME,
  PROP.FIRMWARE_REVISION,
  PROP.APPLICATION_SOFTWARE_VERSION,
  PROP.PROTOCOL_VERSION,
  PROP.PROTOCOL_REVISION,
  PROP.LOCATION,
  PROP.DESCRIPTION,
  PROP.SYSTEM_STATUS,
  PROP.MAX_APDU_LENGTH_ACCEPTED,
  PROP.SEGMENTATION_SUPPORTED,
  PROP.SERIAL_NUMBER,
] as const;

/** BACnetServicesSupported bit positions (clause 21) the facts name. */
export const SERVICE_BITS: Record<number, string> = {
  5: "subscribeCOV",
  6: "atomicReadFile",
  7: "atomicWriteFile",
  10: "createObject",
  11: "deleteObject",
  12: "readProperty",
  14: "readPropertyMultiple",
  15: "writeProperty",
  16: "writePropertyMultiple",
  17: "deviceCommunicationControl",
  18: "confirmedPrivateTransfer",
  20: "reinitializeDevice",
  24: "authenticate",
  25: "requestKey",
  26: "i-Am",
  32: "timeSynchronization",
  33: "who-Has",
  34: "who-Is",
  35: "readRange",
  36: "utcTimeSynchronization",
  40: "writeGroup",
  47: "who-Am-I",
  48: "you-Are",
};

/** Network types (BACnetNetworkType, 135-2020): 5 ipv4, 9 ipv6, 11 secure-connect. */
export const NETWORK_TYPES: Record<number, string> = {
  0: "ethernet",
  1: "arcnet",
  2: "mstp",
  3: "ptp",
  4: "lontalk",
  5: "ipv4",
  6: "zigbee",
  7: "virtual",
  9: "ipv6",
  10: "serial",
  11: "secure-connect",
};

export const WHO_IS = Buffer.from([0x10, SERVICE.WHO_IS]);

/** Confirmed request header: no segmentation, segmented response NOT accepted, max APDU 1476 (code 5). */
function confirmedHeader(invokeId: number, service: number): Buffer {
  if (!SENDABLE_CONFIRMED.has(service)) throw new Error(`confirmed service ${service} is never sent by this probe`);
  return Buffer.from([0x00, 0x05, invokeId & 0xff, service]);
}

export function readProperty(invokeId: number, objectType: number, instance: number, property: number, arrayIndex?: number): Buffer {
  return Buffer.concat([
    confirmedHeader(invokeId, SERVICE.READ_PROPERTY),
    encodeContextObject(0, objectType, instance),
    encodeContextUnsigned(1, property),
    ...(arrayIndex !== undefined ? [encodeContextUnsigned(2, arrayIndex)] : []),
  ]);
}

export function readPropertyMultiple(invokeId: number, objectType: number, instance: number, properties: readonly number[]): Buffer {
  return Buffer.concat([
    confirmedHeader(invokeId, SERVICE.READ_PROPERTY_MULTIPLE),
    encodeContextObject(0, objectType, instance),
    opening(1),
    ...properties.map((p) => encodeContextUnsigned(0, p)),
    closing(1),
  ]);
}

export interface IAm {
  instance: number;
  maxApdu: number;
  segmentation: number;
  vendorId: number;
}

export interface PropertyResult {
  property: number;
  values?: BacnetValue[];
  error?: { errorClass: number; errorCode: number };
}

export type Answer =
  | { kind: "i-am"; iAm: IAm }
  | { kind: "unconfirmed"; service: number }
  | { kind: "ack"; invokeId: number; service: number; objectType?: number; instance?: number; results: PropertyResult[] }
  | { kind: "segmented"; invokeId: number; service: number }
  | { kind: "simple-ack"; invokeId: number; service: number }
  | { kind: "error"; invokeId: number; service: number; errorClass: number; errorCode: number }
  | { kind: "reject"; invokeId: number; reason: number }
  | { kind: "abort"; invokeId: number; reason: number; server: boolean }
  | { kind: "other"; pduType: number };

function appValue(r: TagReader, number: number, what: string): number {
  const t = r.tag();
  if (t.context || t.number !== number)
    throw new BacnetDecodeError(`${what}: expected application tag ${number}, got ${t.context ? "context" : "application"} ${t.number}`);
  return unsignedOf(r.content(t), what);
}

function decodeIAm(r: TagReader): IAm {
  const t = r.tag();
  if (t.context || t.number !== 12 || t.length !== 4) throw new BacnetDecodeError("I-Am: expected a device object identifier");
  const id = r.content(t).readUInt32BE(0);
  if (id >>> 22 !== OBJECT.DEVICE) throw new BacnetDecodeError(`I-Am names object type ${id >>> 22}, not a device`);
  return {
    instance: id & 0x3fffff,
    maxApdu: appValue(r, 2, "I-Am max APDU"),
    segmentation: appValue(r, 9, "I-Am segmentation"),
    vendorId: appValue(r, 2, "I-Am vendor id"),
  };
}

/** Error class and code (clause 21: two application enumerations), optionally inside context tag `n`. */
function errorOf(r: TagReader): { errorClass: number; errorCode: number } {
  return { errorClass: appValue(r, 9, "error class"), errorCode: appValue(r, 9, "error code") };
}

function decodeAck(r: TagReader, invokeId: number, service: number): Answer {
  if (service === SERVICE.READ_PROPERTY) {
    const obj = r.contextObject(0, "ReadProperty-ACK object");
    const property = r.contextUnsigned(1, "ReadProperty-ACK property");
    if (r.peek().context && r.peek().number === 2) r.contextUnsigned(2, "array index");
    r.expectOpening(3, "ReadProperty-ACK value");
    const values = r.valuesUntilClosing(3, "ReadProperty-ACK value");
    return { kind: "ack", invokeId, service, ...obj, results: [{ property, values }] };
  }
  if (service === SERVICE.READ_PROPERTY_MULTIPLE) {
    const obj = r.contextObject(0, "RPM-ACK object");
    r.expectOpening(1, "RPM-ACK results");
    const results: PropertyResult[] = [];
    for (;;) {
      const t = r.peek();
      if (t.closing && t.number === 1) {
        r.tag();
        break;
      }
      if (results.length >= 64) throw new BacnetDecodeError("RPM-ACK with more than 64 results");
      const property = r.contextUnsigned(2, "RPM-ACK property");
      if (r.peek().context && r.peek().number === 3 && !r.peek().opening) r.contextUnsigned(3, "array index");
      const o = r.tag();
      if (o.opening && o.number === 4) results.push({ property, values: r.valuesUntilClosing(4, "RPM-ACK value") });
      else if (o.opening && o.number === 5) {
        results.push({ property, error: errorOf(r) });
        const c = r.tag();
        if (!c.closing || c.number !== 5) throw new BacnetDecodeError("RPM-ACK error: closing tag 5 missing");
      } else throw new BacnetDecodeError("RPM-ACK: expected a value (opening tag 4) or an error (opening tag 5)");
    }
    return { kind: "ack", invokeId, service, ...obj, results };
  }
  return { kind: "ack", invokeId, service, results: [] };
}

/** Decode an APDU (the NPDU's payload). */
export function decodeApdu(b: Buffer): Answer {
  if (b.length < 1) throw new BacnetDecodeError("empty APDU");
  const type = b[0]! >> 4;
  const need = (n: number, what: string) => {
    if (b.length < n) throw new BacnetDecodeError(`${what} shorter than ${n} bytes`);
  };
  switch (type) {
    case PDU.UNCONFIRMED: {
      need(2, "unconfirmed request");
      const service = b[1]!;
      if (service === SERVICE.I_AM) return { kind: "i-am", iAm: decodeIAm(new TagReader(b, 2)) };
      return { kind: "unconfirmed", service };
    }
    case PDU.COMPLEX_ACK: {
      need(3, "Complex-ACK");
      if (b[0]! & 0x08) return { kind: "segmented", invokeId: b[1]!, service: b.length > 4 ? b[4]! : -1 };
      return decodeAck(new TagReader(b, 3), b[1]!, b[2]!);
    }
    case PDU.SIMPLE_ACK:
      need(3, "Simple-ACK");
      return { kind: "simple-ack", invokeId: b[1]!, service: b[2]! };
    case PDU.ERROR: {
      need(3, "Error-PDU");
      const r = new TagReader(b, 3);
      const e = b[2] === SERVICE.READ_PROPERTY_MULTIPLE && r.peek().opening ? (r.tag(), errorOf(r)) : errorOf(r);
      return { kind: "error", invokeId: b[1]!, service: b[2]!, ...e };
    }
    case PDU.REJECT:
      need(3, "Reject-PDU");
      return { kind: "reject", invokeId: b[1]!, reason: b[2]! };
    case PDU.ABORT:
      need(3, "Abort-PDU");
      return { kind: "abort", invokeId: b[1]!, reason: b[2]!, server: (b[0]! & 0x01) !== 0 };
    default:
      return { kind: "other", pduType: type };
  }
}
