// Phase "engine": the SNMPv3 discovery request (RFC 3414 §4) and the engine facts its Report gives
// (RFC 3411 §5 SnmpEngineID, RFC 3414 §2.2 boots and time). Window contract: the request is sent
// on the probe's exchange and awaited in the first wait with the community requests (udp.ts).
import type { SnmpMessage } from "./ber.js";
import { encodeDiscoveryRequest } from "./discovery.js";
import { decodeEngineId } from "./engine-id.js";
import type { SnmpFacts } from "./facts.js";
import { loadAlgorithms } from "./knowledge.js";
import { USM_STATS_NAMES } from "./oids.js";
import type { UdpExchange } from "./udp.js";

/** Engine ids of RFC 3411 §5 size (5..32 octets) are used for the user-name probes; others are recorded only. */
export const usableEngineId = (id: Buffer) => id.length >= 5 && id.length <= 32;

export function sendDiscovery(ex: UdpExchange, onAnswer: (m: SnmpMessage) => void): void {
  const msgId = ex.id();
  ex.send(`m:${msgId}`, encodeDiscoveryRequest(msgId, ex.id()), onAnswer, (m) => !!m.v3);
}

export function engineFacts(discovery: SnmpMessage | undefined, why: string): SnmpFacts["engine"] {
  if (!discovery?.v3) return { answered: false, error: why };
  const h = discovery.v3;
  const decoded = decodeEngineId(h.engineId);
  const enterprises = loadAlgorithms().enterprises;
  const reportOid = discovery.pdu?.varbinds[0]?.oid;
  const engine: SnmpFacts["engine"] = {
    answered: true,
    engineId: h.engineId.subarray(0, 64).toString("hex"),
    engineIdOctets: h.engineId.length,
    scheme: decoded.scheme,
    boots: h.engineBoots,
    timeSeconds: h.engineTime,
    ...(decoded.enterprise !== undefined ? { enterprise: decoded.enterprise } : {}),
    ...(decoded.enterprise !== undefined && enterprises[String(decoded.enterprise)] ? { enterpriseName: enterprises[String(decoded.enterprise)] } : {}),
    ...(decoded.format ? { format: decoded.format } : {}),
    ...(decoded.formatCode !== undefined ? { formatCode: decoded.formatCode } : {}),
    ...(decoded.data !== undefined ? { data: decoded.data } : {}),
    ...(reportOid ? { reportOid: USM_STATS_NAMES[reportOid] ?? reportOid } : {}),
  };
  if (h.engineId.length === 0) engine.error = "the agent answered discovery without an engine ID";
  else if (!usableEngineId(h.engineId)) engine.error = `engine ID of ${h.engineId.length} octets is outside RFC 3411 §5's 5..32`;
  return engine;
}
