// Transport kit, service loop: the per-endpoint sequence every TCP plugin repeats, written once.
// Endpoints are probed one after another (one polite connection per device at a time); a default
// port with nothing listening is not a service; a service that failed becomes an error fact; the
// probe as a whole fails (ProbeFailure) only when no service taught anything. NetError codes map to
// ProbeFailure codes in one place.
import { ProbeFailure, type ProbeFailureCode } from "../errors.js";
import type { ServiceEndpoint } from "../model/facts.js";
import type { ProbeContext } from "../plugin.js";
import { NetError } from "./tcp.js";

/** A service could not be audited at all. Thrown by a plugin's per-service function. */
export class ServiceFailure extends Error {
  constructor(
    readonly code: ProbeFailureCode,
    message: string,
  ) {
    super(message);
    this.name = "ServiceFailure";
  }
}

/**
 * The ProbeFailure code of a network error: `connect` failures (refused -> absent on a default
 * port, unreachable on a named one), or failures during the `exchange` (timeout, protocol).
 */
export function failureOf(e: unknown, phase: "connect" | "exchange", explicit: boolean): ServiceFailure {
  if (e instanceof ServiceFailure) return e;
  if (e instanceof NetError) {
    if (e.code === "aborted") return new ServiceFailure("aborted", "aborted");
    if (phase === "connect") return new ServiceFailure(e.code === "refused" && !explicit ? "absent" : "unreachable", e.message);
    return new ServiceFailure(e.code === "timeout" ? "timeout" : "protocol", e.message);
  }
  return new ServiceFailure("protocol", (e as Error).message);
}

export interface ServiceLoop<S> {
  ctx: ProbeContext;
  /** protocol title for messages ("VNC") */
  title: string;
  /** audit one endpoint; throw ServiceFailure when it could not be audited at all */
  probe(ep: ServiceEndpoint): Promise<S>;
  /** the fact recorded for a service that failed */
  failed(ep: ServiceEndpoint, f: ServiceFailure): S;
  /** the service taught something (facts beyond an error) */
  learned(s: S): boolean;
  /** hand the services gathered so far to ctx.checkpoint in the plugin's facts shape */
  checkpoint(services: S[]): unknown;
}

/** Run the loop; returns the services, or throws ProbeFailure when none taught anything. */
export async function probeServices<S>(loop: ServiceLoop<S>): Promise<S[]> {
  const { ctx } = loop;
  const services: S[] = [];
  const failures: { ep: ServiceEndpoint; f: ServiceFailure }[] = [];
  for (const ep of ctx.endpoints) {
    if (ctx.signal.aborted) break;
    try {
      services.push(await loop.probe(ep));
    } catch (e) {
      const f = failureOf(e, "exchange", ep.explicit);
      if (!(e instanceof ServiceFailure) && !(e instanceof NetError)) ctx.log.warn({ endpoint: ep.url, err: (e as Error).message }, "unexpected error");
      ctx.log.info({ endpoint: ep.url, code: f.code }, f.message);
      failures.push({ ep, f });
      if (f.code === "absent" && !ep.explicit) continue; // nothing listens on a default port
      services.push(loop.failed(ep, f));
    }
    // a checkpoint only once something was learned: a checkpoint of failures alone would turn a
    // failed probe into "ok" facts
    if (services.some((s) => loop.learned(s))) ctx.checkpoint(loop.checkpoint(services));
  }
  if (!services.some((s) => loop.learned(s))) {
    const first = failures[0];
    if (!first) throw new ProbeFailure("aborted", `aborted before any ${loop.title} service was probed`);
    throw new ProbeFailure(first.f.code, `${first.ep.url}: ${first.f.message}`);
  }
  return services;
}
