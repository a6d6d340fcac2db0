// VNC probe: network I/O only, returns VncFacts. Per RFB service, one TCP connection:
//   1. read the server's ProtocolVersion (RFC 6143 §7.1.1, 12 bytes);
//   2. answer with the version chosen by chooseClientVersion (the only bytes otaudit sends);
//   3. read the security types (3.7/3.8: the offered list, §7.1.2) or the type the server chose
//      (3.3), including a failure reason when the server refuses;
//   4. close with FIN. No security type is selected, no authentication starts: whatever follows
//      (a VNC Authentication challenge, ServerInit) is never asked for.
// Each read has an absolute deadline of ctx.timeoutMs; the receive buffer is bounded.
import type { ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { Connection, Deadline } from "../../src/net/index.js";
import { failureOf, probeServices, ServiceFailure } from "../../src/net/services.js";
import { CHECKS } from "./checks.js";
import type { VncFacts, VncService } from "./facts.js";
import {
  chooseClientVersion,
  encodeClientVersion,
  parseSecurityList,
  parseSecurityType,
  parseVersion,
  RfbWireError,
  securityListFrame,
  securityTypeFrame,
  VERSION_LENGTH,
} from "./rfb.js";

/** nothing an RFB server says before the security types comes near this */
const MAX_BUFFERED = 16 * 1024;

async function probeService(ep: ServiceEndpoint, ctx: ProbeContext): Promise<VncService> {
  ctx.assertAllowed(CHECKS.handshake);
  ctx.log.info({ action: CHECKS.handshake.id, safety: CHECKS.handshake.safety, endpoint: ep.url }, "rfb version and security types");
  let conn: Connection;
  try {
    conn = await Connection.open({ host: ep.host, port: ep.port, timeoutMs: ctx.timeoutMs, signal: ctx.signal, maxBuffered: MAX_BUFFERED });
  } catch (e) {
    throw failureOf(e, "connect", ep.explicit);
  }
  const service: VncService = { port: ep.port, url: ep.url };
  try {
    const versionBytes = await conn.readExactly(VERSION_LENGTH, new Deadline(ctx.timeoutMs, ctx.signal), "the RFB ProtocolVersion");
    const version = parseVersion(versionBytes);
    service.serverVersion = version;
    const clientVersion = chooseClientVersion(version);
    service.clientVersion = clientVersion;
    conn.write(encodeClientVersion(clientVersion));
    const deadline = new Deadline(ctx.timeoutMs, ctx.signal);
    service.security =
      clientVersion === "3.3"
        ? parseSecurityType(await conn.read(securityTypeFrame, deadline, "the security type"))
        : parseSecurityList(await conn.read(securityListFrame, deadline, "the security types"));
  } catch (e) {
    const f = e instanceof RfbWireError ? new ServiceFailure("protocol", e.message) : failureOf(e, "exchange", ep.explicit);
    if (!service.serverVersion) throw f; // not a single RFB byte understood: the service failed
    service.error = { code: f.code, message: f.message };
  } finally {
    await conn.close(Math.min(ctx.timeoutMs, 1000));
  }
  return service;
}

export async function probeVnc(ctx: ProbeContext): Promise<VncFacts> {
  const services = await probeServices<VncService>({
    ctx,
    title: "VNC",
    probe: (ep) => probeService(ep, ctx),
    failed: (ep, f) => ({ port: ep.port, url: ep.url, error: { code: f.code === "absent" ? "unreachable" : f.code, message: f.message } }),
    learned: (s) => s.serverVersion !== undefined,
    checkpoint: (services) => ({ services }),
  });
  return { services };
}
