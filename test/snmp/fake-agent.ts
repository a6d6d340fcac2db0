// A scripted SNMP agent on UDP for tests of peers that snmpd cannot imitate (v1/v2c-only stacks,
// slow RTUs, agents that never answer some requests), with the two replies those scripts need.
import dgram from "node:dgram";
import { PDU, TAG, decodeMessage, encodeCommunityMessage, encodeOctetString, encodePdu, encodeV3NoAuthMessage, type SnmpMessage } from "../../probes/snmp/ber.js";
import { USM_UNKNOWN_ENGINE } from "../../probes/snmp/oids.js";

export type FakeAnswer = Buffer | { reply: Buffer; delayMs: number } | undefined;

export interface FakeAgent {
  port: number;
  close(): Promise<void>;
}

/** Bind a UDP agent; `answer` sees every decodable message and returns a reply (or nothing: silence). */
export async function startFakeSnmpAgent(answer: (m: SnmpMessage) => FakeAnswer, bind: { host?: string; port?: number } = {}): Promise<FakeAgent> {
  const socket = dgram.createSocket("udp4");
  socket.on("message", (buf, rinfo) => {
    let m: SnmpMessage;
    try {
      m = decodeMessage(buf);
    } catch {
      return; // not SNMP: ignored, as an agent would
    }
    const a = answer(m);
    if (!a) return;
    const { reply, delayMs } = Buffer.isBuffer(a) ? { reply: a, delayMs: 0 } : a;
    const send = () => socket.send(reply, rinfo.port, rinfo.address);
    if (delayMs > 0) setTimeout(send, delayMs);
    else send();
  });
  await new Promise<void>((r) => socket.bind(bind.port ?? 0, bind.host ?? "127.0.0.1", () => r()));
  return { port: socket.address().port, close: () => new Promise<void>((r) => socket.close(() => r())) };
}

/** RFC 3414 §4 discovery answer: a Report carrying usmStatsUnknownEngineIDs and the engine's id. */
export function discoveryReport(m: SnmpMessage, engineIdHex = "80001f8803525400abcdef"): Buffer {
  return encodeV3NoAuthMessage({ msgId: m.v3!.msgId, engineId: Buffer.from(engineIdHex, "hex"), engineBoots: 1, engineTime: 60, userName: "", pdu: encodePdu(PDU.REPORT, m.pdu?.requestId ?? 0, [{ oid: USM_UNKNOWN_ENGINE }]) });
}

/** A v1/v2c GetResponse with the same community: sysDescr gets `sysDescr`, anything else NULL. */
export function communityResponse(m: SnmpMessage, sysDescr: string): Buffer {
  const varbinds = m.pdu!.varbinds.map((vb) => ({ oid: vb.oid, raw: vb.oid.startsWith("1.3.6.1.2.1.1.1") ? encodeOctetString(sysDescr) : Buffer.from([TAG.NULL, 0]) }));
  return encodeCommunityMessage(m.version as 0 | 1, m.community!, encodePdu(PDU.RESPONSE, m.pdu!.requestId, varbinds));
}

/** Is this the discovery request (v3 with an empty engine id)? */
export const isDiscovery = (m: SnmpMessage) => !!m.v3 && m.v3.engineId.length === 0;
export const hasCommunity = (m: SnmpMessage, community: string) => !m.v3 && m.community?.toString() === community && !!m.pdu;
