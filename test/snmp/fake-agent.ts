// A scripted SNMP agent on UDP for tests of peers that snmpd cannot imitate (v1/v2c-only stacks,
// slow RTUs, agents that never answer some requests, hostile ones), with the replies those scripts
// need. A script sees every datagram (decoded when it decodes) and returns nothing (silence), a
// reply, or several replies with options: a delay, sent from another source port, repeated.
import dgram from "node:dgram";
import {
  PDU,
  TAG,
  decodeMessage,
  encodeCommunityMessage,
  encodeInteger,
  encodeOctetString,
  encodePdu,
  encodeV3NoAuthMessage,
  type OutVarbind,
  type SnmpMessage,
} from "../../probes/snmp/ber.js";
import { USM_UNKNOWN_ENGINE, USM_UNKNOWN_USER } from "../../probes/snmp/oids.js";

export interface ReplyOptions {
  reply: Buffer;
  delayMs?: number;
  /** send from a second socket (another source port), as a broken multi-homed agent does */
  fromOtherPort?: boolean;
  /** send from another loopback address (127.0.0.2) */
  fromOtherHost?: boolean;
  /** send this many copies (duplicates, floods) */
  times?: number;
}
export type FakeAnswer = Buffer | ReplyOptions | (Buffer | ReplyOptions)[] | undefined;

export interface FakeAgent {
  port: number;
  /** decoded requests received (at most 10,000) */
  received: SnmpMessage[];
  close(): Promise<void>;
}

/** Bind a UDP agent; `answer` sees every decodable message and returns replies (or nothing: silence). */
export async function startFakeSnmpAgent(answer: (m: SnmpMessage, raw: Buffer) => FakeAnswer, bind: { host?: string; port?: number } = {}): Promise<FakeAgent> {
  const socket = dgram.createSocket("udp4");
  const other = dgram.createSocket("udp4");
  const otherHost = dgram.createSocket("udp4");
  const received: SnmpMessage[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  socket.on("message", (buf, rinfo) => {
    let m: SnmpMessage;
    try {
      m = decodeMessage(buf);
    } catch {
      return; // not SNMP: ignored, as an agent would
    }
    if (received.length < 10_000) received.push(m);
    const a = answer(m, buf);
    if (!a) return;
    for (const one of Array.isArray(a) ? a : [a]) {
      const { reply, delayMs = 0, fromOtherPort = false, fromOtherHost = false, times = 1 } = Buffer.isBuffer(one) ? { reply: one } : one;
      const from = fromOtherHost ? otherHost : fromOtherPort ? other : socket;
      const send = () => {
        if (closed) return;
        for (let i = 0; i < times; i++) from.send(reply, rinfo.port, rinfo.address);
      };
      if (delayMs > 0) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, delayMs);
        timers.add(t);
      } else send();
    }
  });
  const bindTo = (s: dgram.Socket, port: number, host: string) => new Promise<void>((r) => s.bind(port, host, () => r()));
  await Promise.all([bindTo(socket, bind.port ?? 0, bind.host ?? "127.0.0.1"), bindTo(other, 0, bind.host ?? "127.0.0.1"), bindTo(otherHost, 0, "127.0.0.2")]);
  return {
    port: socket.address().port,
    received,
    close: async () => {
      closed = true;
      for (const t of timers) clearTimeout(t);
      await Promise.all([socket, other, otherHost].map((s) => new Promise<void>((r) => s.close(() => r()))));
    },
  };
}

export const ENGINE_ID = "80001f8803525400abcdef";

/** RFC 3414 §4 discovery answer: a Report carrying usmStatsUnknownEngineIDs and the engine's id. */
export function discoveryReport(m: SnmpMessage, engineIdHex = ENGINE_ID, boots = 1, time = 60): Buffer {
  return encodeV3NoAuthMessage({
    msgId: m.v3!.msgId,
    engineId: Buffer.from(engineIdHex, "hex"),
    engineBoots: boots,
    engineTime: time,
    userName: "",
    pdu: encodePdu(PDU.REPORT, m.pdu?.requestId ?? 0, [{ oid: USM_UNKNOWN_ENGINE }]),
  });
}

/** A Report to a v3 request (e.g. a user-name probe): usmStatsUnknownUserNames unless told otherwise. */
export function v3Report(m: SnmpMessage, oid = USM_UNKNOWN_USER, engineIdHex = ENGINE_ID): Buffer {
  return encodeV3NoAuthMessage({
    msgId: m.v3!.msgId,
    engineId: Buffer.from(engineIdHex, "hex"),
    engineBoots: 1,
    engineTime: 60,
    userName: m.v3!.userName.toString(),
    pdu: encodePdu(PDU.REPORT, m.pdu?.requestId ?? 0, [{ oid, raw: encodeInteger(1, TAG.COUNTER32) }]),
  });
}

/** What a plain RFC 3414 agent answers to v3: discovery Reports and unknown-user Reports. */
export function v3Plain(m: SnmpMessage): Buffer | undefined {
  if (!m.v3) return undefined;
  return isDiscovery(m) ? discoveryReport(m) : v3Report(m);
}

/** A v1/v2c GetResponse with the same community: sysDescr gets `sysDescr`, anything else NULL. */
export function communityResponse(m: SnmpMessage, sysDescr: string): Buffer {
  const varbinds = m.pdu!.varbinds.map((vb) => ({
    oid: vb.oid,
    raw: vb.oid.startsWith("1.3.6.1.2.1.1.1") ? encodeOctetString(sysDescr) : Buffer.from([TAG.NULL, 0]),
  }));
  return encodeCommunityMessage(m.version as 0 | 1, m.community!, encodePdu(PDU.RESPONSE, m.pdu!.requestId, varbinds));
}

/** A v1/v2c Response to `m` with the given varbinds, error status and index, PDU type and request id. */
export function responseTo(
  m: SnmpMessage,
  varbinds: OutVarbind[],
  o: { errorStatus?: number; errorIndex?: number; pduType?: number; requestId?: number } = {},
): Buffer {
  return encodeCommunityMessage(
    m.version as 0 | 1,
    m.community!,
    encodePdu(o.pduType ?? PDU.RESPONSE, o.requestId ?? m.pdu!.requestId, varbinds, o.errorStatus ?? 0, o.errorIndex ?? 0),
  );
}

/** Is this the discovery request (v3 with an empty engine id)? */
export const isDiscovery = (m: SnmpMessage) => !!m.v3 && m.v3.engineId.length === 0;
export const hasCommunity = (m: SnmpMessage, community: string) => !m.v3 && m.community?.toString() === community && !!m.pdu;
