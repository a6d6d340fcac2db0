// What the EtherNet/IP plugin declares to the core (plugin contract v2): the cleartext scheme
// (plain EtherNet/IP has no security of its own; CIP Security runs on other ports) and a UDP
// discovery request (one ListIdentity datagram, CIP Vol. 2 §2-4.2) for devices that answer on UDP
// 44818 only. Today the core calls `discovery.udp` for UDP plugins only; the probe itself sends the
// same datagram once after the TCP ListIdentity (whether TCP 44818 answered or not: checks.ts says
// so), so `scan HOST` and URL targets find UDP-only devices.
import type { PluginDiscoveryDecl } from "../../src/plugin.js";

export const ENIP_DISCOVERY: PluginDiscoveryDecl = {
  cleartextSchemes: ["enip"],
  async udp(host, port, timeoutMs, signal) {
    const { Deadline } = await import("../../src/net/index.js");
    const { udpListIdentity } = await import("./transports.js");
    const r = await udpListIdentity(host, port, new Deadline(timeoutMs, signal));
    if (r.status === "answered")
      return { state: "answered", detail: { vendorId: r.identity!.vendorId, productCode: r.identity!.productCode, productName: r.identity!.productName } };
    if (r.status === "silent") return { state: "timeout" };
    return r.message?.includes("unreachable") ? { state: "closed" } : { state: "error", detail: { message: r.message } };
  },
};
