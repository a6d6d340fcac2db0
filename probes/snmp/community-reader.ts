// A Reader (reads.ts) over the probe's own UDP exchange with a community that worked: one v1 or
// v2c GET / GETNEXT at a time (RFC 1157 §4.1.2-3, RFC 3416 §4.2.1-2), answers matched by request id
// and community, each awaited up to the operation timeout (udp.ts window contract).
import { MAX_TEXT_OCTETS, PDU, TAG, decodeInteger, decodeOid, encodeCommunityMessage, encodePdu, isException, type SnmpMessage, type Varbind } from "./ber.js";
import type { ReadAnswer, ReadVarbind, Reader } from "./reads.js";
import type { UdpExchange } from "./udp.js";

/** RFC 3416 §3 error-status names. */
const ERROR_STATUS = [
  "noError",
  "tooBig",
  "noSuchName",
  "badValue",
  "readOnly",
  "genErr",
  "noAccess",
  "wrongType",
  "wrongLength",
  "wrongEncoding",
  "wrongValue",
  "noCreation",
  "inconsistentValue",
  "resourceUnavailable",
  "commitFailed",
  "undoFailed",
  "authorizationError",
  "notWritable",
  "inconsistentName",
];
export const errorStatusName = (n: number) => ERROR_STATUS[n] ?? `error-status ${n}`;

export const versionName = (v: 0 | 1) => (v === 0 ? "v1" : "v2c");

/** A Response of this version and community (v2c Reports or other PDUs are not answers here). */
export function sameCommunity(version: number, community: string) {
  return (m: SnmpMessage) => m.version === version && m.community?.toString("utf8") === community && m.pdu?.type === PDU.RESPONSE;
}

export function communityRequest(type: number, version: 0 | 1, community: string, requestId: number, oids: string[]): Buffer {
  return encodeCommunityMessage(
    version,
    community,
    encodePdu(
      type,
      requestId,
      oids.map((oid) => ({ oid })),
    ),
  );
}

/** A decoded varbind as a JSON-safe ReadVarbind (a value that does not decode keeps only its tag). */
export function toReadVarbind(vb: Varbind): ReadVarbind {
  const out: ReadVarbind = { oid: vb.oid, tag: vb.type };
  if (isException(vb)) return out;
  try {
    switch (vb.type) {
      case TAG.OCTET_STRING:
      case TAG.IP_ADDRESS:
      case TAG.OPAQUE:
        out.hex = vb.value.subarray(0, MAX_TEXT_OCTETS).toString("hex");
        break;
      case TAG.INTEGER:
      case TAG.COUNTER32:
      case TAG.GAUGE32:
      case TAG.TIMETICKS:
      case TAG.COUNTER64:
        out.num = decodeInteger(vb.value, { tag: vb.type, start: 0, end: vb.value.length }).toString();
        break;
      case TAG.OID:
        out.oidValue = decodeOid(vb.value, { tag: TAG.OID, start: 0, end: vb.value.length });
        break;
    }
  } catch {
    /* a value that does not decode: tag only */
  }
  return out;
}

export function communityReader(ex: UdpExchange, version: 0 | 1, community: string, via: string, signal: AbortSignal): Reader {
  const request = async (type: number, oids: string[]): Promise<ReadAnswer> => {
    if (signal.aborted) return { ok: false, why: "error", detail: "aborted" };
    const rid = ex.id();
    let answer: SnmpMessage | undefined;
    ex.send(`r:${rid}`, communityRequest(type, version, community, rid, oids), (m) => (answer = m), sameCommunity(version, community));
    await ex.wait(signal);
    if (!answer) {
      ex.cancel(`r:${rid}`);
      return { ok: false, why: "no-answer", detail: `no answer within ${ex.timeoutMs} ms` };
    }
    const pdu = answer.pdu!;
    if (pdu.errorStatus !== 0) return { ok: false, why: "error-status", detail: errorStatusName(pdu.errorStatus) };
    return { ok: true, varbinds: pdu.varbinds.map(toReadVarbind) };
  };
  return {
    via,
    version: versionName(version),
    get: (oids) => request(PDU.GET, oids),
    getNext: (oids) => request(PDU.GET_NEXT, oids),
  };
}
