// SNMP engine discovery for sweeps and the surface view (RFC 3414 §4): an SNMPv3 GetRequest with an
// empty msgAuthoritativeEngineID and user name, noAuthNoPriv, reportable. An SNMP engine answers
// with a Report (usmStatsUnknownEngineIDs) carrying its engine ID, boots and time. No community, no
// user name: nothing that could count as a password attempt. The codec is the probe's own (ber.ts).
import { createSocket } from "node:dgram";
import { isIP } from "node:net";
import type { UdpDiscoveryAnswer } from "../../src/plugin.js";
import { BerParseError, decodeMessage, encodePdu, encodeV3NoAuthMessage, PDU } from "./ber.js";
import { decodeEngineId } from "./engine-id.js";

/** The discovery message of RFC 3414 §4 (message layout RFC 3412 §6, no varbinds). */
export function encodeDiscoveryRequest(msgId: number, requestId: number): Buffer {
  return encodeV3NoAuthMessage({ msgId, engineId: Buffer.alloc(0), engineBoots: 0, engineTime: 0, userName: "", pdu: encodePdu(PDU.GET, requestId, []) });
}

export interface DiscoveryReport {
  msgId: number;
  engineId: string;
  boots: number;
  timeSeconds: number;
}

/** An SNMPv3 answer's msgID and USM parameters (throws BerParseError on a malformed datagram). */
export function decodeDiscoveryResponse(buf: Uint8Array): DiscoveryReport {
  const m = decodeMessage(buf);
  if (!m.v3) throw new BerParseError("not an SNMPv3 message");
  return { msgId: m.v3.msgId, engineId: m.v3.engineId.toString("hex"), boots: m.v3.engineBoots, timeSeconds: m.v3.engineTime };
}

/**
 * Send one discovery request (plus `retries` repeats) and wait for the Report. A connected UDP
 * socket turns an ICMP port-unreachable into an immediate `closed`. The engine ID, its enterprise
 * number and the boot count are kept as discovery detail (engine time changes every second).
 */
export function discoverEngine(host: string, port: number, timeoutMs: number, signal?: AbortSignal, retries = 0): Promise<UdpDiscoveryAnswer> {
  return new Promise((resolve) => {
    const sock = createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    const msgId = 1 + Math.floor(Math.random() * 0x7ffffff0);
    const request = encodeDiscoveryRequest(msgId, msgId);
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (r: UdpDiscoveryAnswer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      try {
        sock.close();
      } catch {
        /* already closed */
      }
      resolve(r);
    };
    const onAbort = () => finish({ state: "error", detail: { message: "aborted" } });
    const send = () => {
      attempts++;
      sock.send(request, (err) => err && finish({ state: "error", detail: { message: err.message } }));
      timer = setTimeout(
        () => (attempts <= retries ? send() : finish({ state: "timeout", detail: { message: `no answer within ${timeoutMs} ms x${attempts}` } })),
        timeoutMs,
      );
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    sock.on("error", (err: NodeJS.ErrnoException) =>
      finish(err.code === "ECONNREFUSED" ? { state: "closed", detail: { message: "port unreachable" } } : { state: "error", detail: { message: err.message } }),
    );
    sock.on("message", (msg) => {
      let r: DiscoveryReport;
      try {
        r = decodeDiscoveryResponse(msg);
      } catch {
        return; // malformed datagram: keep waiting for a proper answer until the timeout
      }
      if (r.msgId !== msgId) return; // not ours (RFC 3412 §7.2 step 10: match msgID)
      const id = decodeEngineId(Buffer.from(r.engineId, "hex"));
      finish({ state: "answered", detail: { engineId: r.engineId, ...(id.enterprise !== undefined ? { enterprise: id.enterprise } : {}), boots: r.boots } });
    });
    if (signal?.aborted) return onAbort();
    sock.connect(port, host, () => send());
  });
}
