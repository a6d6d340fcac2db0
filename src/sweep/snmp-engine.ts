// SNMP engine discovery for the sweep (RFC 3414 §4): an SNMPv3 GetRequest with an empty
// msgAuthoritativeEngineID, noAuthNoPriv, reportable flag set. An SNMP engine answers with a Report
// (usmStatsUnknownEngineIDs) carrying its engine id, boots and time. No community, no user name:
// nothing that could count as a password attempt. Minimal BER (ITU-T X.690 §8) for this one message.
import { createSocket } from "node:dgram";
import { isIP } from "node:net";

export interface SnmpEngineResult {
  state: "answered" | "closed" | "timeout" | "error";
  engineId?: string; // hex
  boots?: number;
  timeSeconds?: number;
  message?: string;
}

// ---- X.690 §8.1 definite-length TLV encoding ----
function tlv(tag: number, body: Buffer): Buffer {
  const len = body.length;
  const lenBytes = len < 0x80 ? Buffer.from([len]) : len < 0x100 ? Buffer.from([0x81, len]) : Buffer.from([0x82, len >> 8, len & 0xff]);
  return Buffer.concat([Buffer.from([tag]), lenBytes, body]);
}
function int(n: number): Buffer {
  // X.690 §8.3: two's complement, minimal octets (our values are non-negative)
  const bytes: number[] = [];
  let v = n;
  do {
    bytes.unshift(v & 0xff);
    v = Math.floor(v / 256);
  } while (v > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return tlv(0x02, Buffer.from(bytes));
}
const octets = (b: Buffer | string) => tlv(0x04, typeof b === "string" ? Buffer.from(b) : b);
const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts));

/** The discovery message of RFC 3414 §4 (message layout: RFC 3412 §6). */
export function encodeDiscoveryRequest(msgId: number, requestId: number): Buffer {
  const usm = seq(octets(""), int(0), int(0), octets(""), octets(""), octets("")); // RFC 3414 §2.4
  const pdu = tlv(0xa0, Buffer.concat([int(requestId), int(0), int(0), seq()])); // GetRequest-PDU, no varbinds
  const scoped = seq(octets(""), octets(""), pdu);
  // msgFlags 0x04: reportable, noAuthNoPriv; msgSecurityModel 3: USM; msgMaxSize 65507
  const header = seq(int(msgId), int(65507), octets(Buffer.from([0x04])), int(3));
  return seq(int(3), header, octets(usm), scoped);
}

interface Tlv {
  tag: number;
  value: Buffer;
  next: number;
}
function readTlv(buf: Buffer, at: number): Tlv {
  if (at + 2 > buf.length) throw new Error("truncated TLV");
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let p = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || p + n > buf.length) throw new Error("unsupported length");
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw new Error("truncated value");
  return { tag, value: buf.subarray(p, p + len), next: p + len };
}
function children(value: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let p = 0; p < value.length; ) {
    const t = readTlv(value, p);
    out.push(t);
    p = t.next;
  }
  return out;
}
function toInt(t: Tlv): number {
  if (t.tag !== 0x02) throw new Error("expected INTEGER");
  let v = 0;
  for (const b of t.value) v = v * 256 + b;
  return v;
}

/** Parse a discovery Report: msgID and the USM parameters (throws on a malformed datagram). */
export function decodeDiscoveryResponse(buf: Buffer): { msgId: number; engineId: string; boots: number; timeSeconds: number } {
  const top = readTlv(buf, 0);
  if (top.tag !== 0x30) throw new Error("not a SEQUENCE");
  const [version, header, secParams] = children(top.value);
  if (!version || toInt(version) !== 3 || !header || !secParams || secParams.tag !== 0x04) throw new Error("not an SNMPv3 message");
  const msgId = toInt(children(header.value)[0]!);
  const usm = readTlv(secParams.value, 0);
  const [engineId, boots, time] = children(usm.value);
  if (!engineId || engineId.tag !== 0x04 || !boots || !time) throw new Error("malformed USM parameters");
  return { msgId, engineId: engineId.value.toString("hex"), boots: toInt(boots), timeSeconds: toInt(time) };
}

/**
 * Send one discovery request (plus `retries` repeats) and wait for the Report. A connected UDP
 * socket turns an ICMP port-unreachable into an immediate `closed`.
 */
export function discoverSnmpEngine(host: string, port: number, timeoutMs: number, signal?: AbortSignal, retries = 1): Promise<SnmpEngineResult> {
  return new Promise((resolve) => {
    const sock = createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    const msgId = 1 + Math.floor(Math.random() * 0x7ffffff0);
    const request = encodeDiscoveryRequest(msgId, msgId);
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (r: SnmpEngineResult) => {
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
    const onAbort = () => finish({ state: "error", message: "aborted" });
    const send = () => {
      attempts++;
      sock.send(request, (err) => err && finish({ state: "error", message: err.message }));
      timer = setTimeout(() => (attempts <= retries ? send() : finish({ state: "timeout", message: `no answer within ${timeoutMs} ms x${attempts}` })), timeoutMs);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    sock.on("error", (err: NodeJS.ErrnoException) => finish(err.code === "ECONNREFUSED" ? { state: "closed", message: "port unreachable" } : { state: "error", message: err.message }));
    sock.on("message", (msg) => {
      try {
        const r = decodeDiscoveryResponse(msg);
        if (r.msgId !== msgId) return; // not ours (RFC 3412 §7.2 step 10: match msgID)
        finish({ state: "answered", engineId: r.engineId, boots: r.boots, timeSeconds: r.timeSeconds });
      } catch {
        /* malformed datagram: keep waiting for a proper answer until the timeout */
      }
    });
    if (signal?.aborted) return onAbort();
    sock.connect(port, host, () => send());
  });
}
