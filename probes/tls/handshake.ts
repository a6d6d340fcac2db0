// One real TLS handshake with Node's TLS (observed on the wire by probes/tls/wire/observed-handshake.ts),
// only to read the certificate chain of a server whose chain is not in the clear (TLS 1.3 encrypts
// everything after the ServerHello, RFC 8446 §2). The certificate is recorded, never trusted or
// rejected here (rejectUnauthorized false: judging it is the rules' job). Then close_notify and FIN;
// no application data is ever sent.
import { isIP } from "node:net";
import { Connection } from "../../src/net/index.js";
import type { TlsService } from "./facts.js";
import type { ScanEnv } from "./scan.js";
import { alertName } from "./wire/constants.js";
import { observedHandshake } from "./wire/observed-handshake.js";

export async function readChainByHandshake(env: ScanEnv): Promise<{ facts: NonNullable<TlsService["handshake"]>; chain?: Buffer[] }> {
  env.log.info({ action: "tls-handshake", safety: "passive", endpoint: env.url }, "TLS handshake to read the certificate chain");
  const h = await observedHandshake({
    host: env.host,
    port: env.port,
    timeoutMs: env.timeoutMs,
    signal: env.signal,
    deadline: env.deadline.within(env.timeoutMs),
    ...(isIP(env.serverName) ? {} : { servername: env.serverName }),
  });
  if (h.kind === "failed") {
    const why = h.alert !== undefined ? `alert ${alertName(h.alert)}` : h.code;
    return {
      facts: {
        result: "failed",
        detail: `handshake failed ${h.step === "after-server-hello" ? "after the ServerHello" : h.step === "before-server-hello" ? "before any ServerHello" : `at the ${h.step} step`} (${why}: ${h.message})`,
      },
    };
  }
  await Connection.adopt(h.socket, 1 << 16).close(Math.min(1000, env.timeoutMs));
  return {
    facts: {
      result: "completed",
      protocol: h.protocol,
      cipher: h.cipher,
      ...(h.group ? { group: h.group } : {}),
      detail: `${h.protocol} handshake completed with ${h.cipher}`,
    },
    ...(h.peerChain?.length ? { chain: h.peerChain } : h.peerDer ? { chain: [h.peerDer] } : {}),
  };
}
