// tls probe: network I/O only, returns TlsFacts (never verdicts). Per service, one connection at a
// time, each closed with a FIN after the server's first flight, in phases with a checkpoint after
// each (a crash or the engine's cap keeps what was learned):
//   1. versions (scan.ts): one raw ClientHello per version; the TLS <= 1.2 flight's certificates;
//   2. suites (scan.ts): per accepted version, enumerate the server's choices (bounded);
//   3. features (features.ts): DEFLATE compression, weak elliptic curves;
//   4. handshake (handshake.ts): only when no certificate was seen in the clear (TLS 1.3 only).
// Nothing is ever sent after the handshake: no application data, no password, no request.
import { isIP } from "node:net";
import { ProbeFailure, type ProbeFailureCode } from "../../src/errors.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { Deadline } from "../../src/net/index.js";
import type { ProbeContext } from "../../src/plugin.js";
import { CHECKS, WINDOWS } from "./checks.js";
import { recordChain } from "./certs.js";
import type { TlsFacts, TlsService } from "./facts.js";
import { bestLegacy, probeCompression, probeWeakGroups } from "./features.js";
import { readChainByHandshake } from "./handshake.js";
import { HelloBudget, scanSuites, scanVersions, type ScanEnv } from "./scan.js";
import type { VersionName } from "./wire/constants.js";

/** The name the operator reached the service by: the URL's host (scan resolves names; URLs keep them). */
export function serverNameOf(ep: ServiceEndpoint): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(\[[^\]]*\]|[^:/]*)/i.exec(ep.url);
  const host = m ? m[1]!.replace(/^\[|\]$/g, "") : ep.host;
  return host || ep.host;
}

const cutNote = (svc: TlsService, phase: string, detail: string) => (svc.cut ??= []).push({ phase, detail });

type Skip = { skip: true; code: "absent" | "not-tls"; message: string };

/**
 * Audit one TLS endpoint (all phases). Exported for plugins whose protocol runs over TLS (MQTT on
 * 8883, ...): they can keep a TlsService in their facts and judge it with TLS_RULES' functions.
 */
export async function auditTlsService(ctx: ProbeContext, ep: ServiceEndpoint, budget: Deadline, done: TlsService[] = []): Promise<TlsService | Skip> {
  return probeService(ctx, ep, budget, done);
}

async function probeService(ctx: ProbeContext, ep: ServiceEndpoint, budget: Deadline, done: TlsService[]): Promise<TlsService | Skip> {
  const serverName = serverNameOf(ep);
  const svc: TlsService = {
    port: ep.port,
    url: ep.url,
    serverName,
    serverNameKind: isIP(serverName) ? "ip" : "dns",
    tlsOffered: false,
    service: { proof: "none", detail: "no version accepted" },
    versions: [],
    suites: [],
    certificates: [],
    certificateErrors: [],
  };
  const checkpoint = () => ctx.checkpoint({ services: [...done, svc] } satisfies TlsFacts);
  const env = (window: number): ScanEnv => ({
    host: ep.host,
    port: ep.port,
    serverName,
    url: ep.url,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
    deadline: budget.within(window * ctx.timeoutMs),
    log: ctx.log,
  });

  // 1. versions
  ctx.assertAllowed(CHECKS.versions);
  const scan = await scanVersions(env(WINDOWS.versions));
  if (scan.closed) {
    if (!ep.explicit) return { skip: true, code: "absent", message: `connection refused: ${ep.url}` };
    svc.error = { code: "refused", message: `connection refused: ${ep.url}` };
    return svc;
  }
  svc.versions = scan.versions;
  if (scan.notTls && !ep.explicit) return { skip: true, code: "not-tls", message: `${ep.url} answered with bytes that are not TLS: ${scan.notTls}` };
  if (scan.error) svc.error = scan.error;
  const accepted = scan.versions.filter((v) => v.result === "accepted");
  if (accepted.length) {
    svc.tlsOffered = true;
    svc.service = { proof: "server-flight", detail: `whole server flights for ${accepted.map((v) => v.version).join(", ")}` };
  } else {
    svc.service = {
      proof: "none",
      detail: scan.notTls ? `not TLS: ${scan.notTls}` : scan.versions.map((v) => `${v.version}: ${v.result}${v.detail ? ` (${v.detail})` : ""}`).join("; "),
    };
    if (scan.notTls) svc.error ??= { code: "not-tls", message: `the service does not speak TLS: ${scan.notTls}` };
  }
  // the chain of the highest TLS <= 1.2 flight that carried one (sent in the clear, RFC 5246 §7.3)
  for (const v of ["TLSv1.2", "TLSv1.1", "TLSv1", "SSLv3"] as VersionName[]) {
    const cert = scan.flights[v]?.flight.certificate;
    if (cert?.certificates.length) {
      recordChain(svc, cert.certificates, "server-flight", cert.truncated, cert.count);
      break;
    }
  }
  checkpoint();
  if (!accepted.length) return svc;

  // 2. suites of each accepted version
  ctx.assertAllowed(CHECKS.suites);
  const hellos = new HelloBudget();
  const suitesEnv = env(WINDOWS.suites);
  for (const v of accepted) {
    svc.suites.push(await scanSuites(suitesEnv, v.version, hellos, v.version === "TLSv1.3" ? scan.tls13Shares : undefined));
    checkpoint();
  }

  // 3. compression and weak curves, at the best version up to TLS 1.2
  const best = bestLegacy(svc.versions, svc.suites);
  if (best) {
    ctx.assertAllowed(CHECKS.features);
    const fenv = env(WINDOWS.features);
    if (fenv.deadline.expired) cutNote(svc, "features", "not run: the probe's time budget was spent");
    else {
      svc.compression = await probeCompression(fenv, best);
      const weak = await probeWeakGroups(fenv, best);
      if (weak) svc.weakGroups = weak;
    }
    checkpoint();
  }

  // 4. the chain by a real handshake, when it was not in the clear (TLS 1.3 encrypts it, RFC 8446 §2)
  if (svc.certificates.length === 0 && svc.certificateErrors.length === 0) {
    ctx.assertAllowed(CHECKS.handshake);
    const henv = env(WINDOWS.handshake);
    if (henv.deadline.expired) cutNote(svc, "handshake", "not run: the probe's time budget was spent");
    else {
      const h = await readChainByHandshake(henv);
      svc.handshake = h.facts;
      if (h.chain?.length) {
        recordChain(svc, h.chain, "handshake", false);
        if (svc.service.proof === "server-flight")
          svc.service = { proof: "handshake-completed", detail: `${svc.service.detail}; a ${h.facts.protocol ?? "TLS"} handshake completed` };
      }
    }
  }
  return svc;
}

export async function probeTls(ctx: ProbeContext): Promise<TlsFacts> {
  const budget = new Deadline(ctx.timeoutMs * WINDOWS.overall, ctx.signal);
  const services: TlsService[] = [];
  const skipped: { ep: ServiceEndpoint; skip: Skip }[] = [];
  for (const ep of ctx.endpoints) {
    if (ctx.signal.aborted) break;
    const r = await probeService(ctx, ep, budget, services);
    if ("skip" in r) {
      ctx.log.info({ endpoint: ep.url, code: r.code }, r.message);
      skipped.push({ ep, skip: r });
      continue;
    }
    services.push(r);
  }
  if (services.length === 0 || services.every((s) => s.error && !s.tlsOffered)) {
    const first = services.find((s) => s.error) ?? undefined;
    if (!first && !skipped.length) throw new ProbeFailure("aborted", "aborted before any TLS service was probed");
    if (!first) throw new ProbeFailure("absent", skipped.map((s) => s.skip.message).join("; "));
    const code: ProbeFailureCode =
      first.error!.code === "timeout" ? "timeout" : first.error!.code === "aborted" ? "aborted" : first.error!.code === "refused" ? "unreachable" : "protocol";
    throw new ProbeFailure(code, `${first.url}: ${first.error!.message}`);
  }
  return { services };
}
