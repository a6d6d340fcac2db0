// BACnet/IP discovery for sweeps and `scan HOST` (plugin contract v2, discovery.udp): a unicast Who-Is
// (ASHRAE 135 clause 16.10) and, if no I-Am comes back (many devices answer Who-Is only by broadcast,
// which a unicast socket does not receive), one ReadProperty of the Device object's object-identifier
// at the wildcard instance 4194303 (clause 12.11.1). Both are read-only; nothing is broadcast.
import type { UdpDiscoveryAnswer } from "../../src/plugin.js";
import { OBJECT, PROP, WHO_IS, WILDCARD_INSTANCE, readProperty } from "./apdu.js";
import { BVLC, encodeBvlc, npduHeader } from "./bvlc.js";
import { BacnetUdp } from "./udp.js";

export async function discoverBacnet(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<UdpDiscoveryAnswer> {
  let udp: BacnetUdp;
  try {
    udp = await BacnetUdp.open(host, port, timeoutMs);
  } catch (e) {
    return { state: "error", detail: { message: (e as Error).message } };
  }
  try {
    udp.send(encodeBvlc(BVLC.ORIGINAL_UNICAST, Buffer.concat([npduHeader(false), WHO_IS])));
    const iAm = await udp.wait((d) => (d.answer?.kind === "i-am" ? d.answer.iAm : undefined), Date.now() + timeoutMs, signal);
    if (typeof iAm === "object") return { state: "answered", detail: { instance: iAm.instance, vendorId: iAm.vendorId } };
    if (iAm === "unreachable") return { state: "closed", detail: { message: "port unreachable" } };
    const invokeId = 1;
    udp.send(
      encodeBvlc(BVLC.ORIGINAL_UNICAST, Buffer.concat([npduHeader(true), readProperty(invokeId, OBJECT.DEVICE, WILDCARD_INSTANCE, PROP.OBJECT_IDENTIFIER)])),
    );
    const r = await udp.wait(
      (d) => (d.answer && "invokeId" in d.answer && d.answer.invokeId === invokeId ? d.answer : undefined),
      Date.now() + timeoutMs,
      signal,
    );
    if (typeof r === "object") {
      const v = r.kind === "ack" ? r.results[0]?.values?.[0] : undefined;
      return { state: "answered", detail: v?.type === "object" ? { instance: v.instance } : { answer: r.kind } };
    }
    return r === "unreachable"
      ? { state: "closed", detail: { message: "port unreachable" } }
      : { state: "timeout", detail: { message: `no I-Am or ReadProperty answer within ${timeoutMs} ms each` } };
  } finally {
    udp.close();
  }
}
