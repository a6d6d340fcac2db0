// The OPC UA probe (network I/O only, returns facts): the passive phase with our own UACP client
// (passive.ts: GetEndpoints, FindServers, listed servers on the same host, certificates) within one
// absolute budget, then the session-level checks with node-opcua-client (session-checks.ts), loaded
// only when one of them runs. The facts are handed to the core after each phase (ctx.checkpoint),
// so a probe capped or crashing later keeps what it learned. Nothing is ever written to the server.
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { Deadline } from "../../src/net/index.js";
import type { OpcuaFacts } from "./facts.js";
import { UacpProtocolError, UacpRemoteError, UacpTimeoutError } from "./uacp.js";
import { OPCUA_CHECKS } from "./checks.js";
import { passivePhase } from "./passive.js";

/** The passive phase (target + listed servers) ends within this many timeouts, whatever the peer does. */
export const PASSIVE_BUDGET_TIMEOUTS = 6;

function mapPassiveError(e: unknown, explicit: boolean, url: string): ProbeFailure {
  const err = e as NodeJS.ErrnoException;
  if (err instanceof UacpTimeoutError) return new ProbeFailure(err.message === "aborted" ? "aborted" : "timeout", `${url}: ${err.message}`);
  if (err instanceof UacpProtocolError || err instanceof UacpRemoteError) return new ProbeFailure("protocol", `${url}: ${err.message}`);
  if (err?.code === "ECONNREFUSED") return new ProbeFailure(explicit ? "unreachable" : "absent", `${url}: connection refused`);
  if (err?.code === "EHOSTUNREACH" || err?.code === "ENETUNREACH") return new ProbeFailure("unreachable", `${url}: ${err.code}`);
  if (err?.code === "ECONNRESET" || err?.code === "EPIPE") return new ProbeFailure("protocol", `${url}: connection reset by the server`);
  return new ProbeFailure("internal", `${url}: ${err?.message ?? String(e)}`);
}

export async function probeOpcua(ctx: ProbeContext): Promise<OpcuaFacts> {
  const target = ctx.endpoints[0];
  if (!target) throw new ProbeFailure("internal", "no OPC UA endpoint given");
  const path = target.path ?? "";
  const discoveryUrl = target.url;

  // --- passive: UACP Hello/Ack, OPN (None), GetEndpoints, FindServers, CLO (Part 6 §7.1, Part 4 §5.4, §5.5)
  ctx.assertAllowed(OPCUA_CHECKS.endpoints);
  ctx.log.info({ action: "GetEndpoints+FindServers", safety: "passive", endpoint: discoveryUrl }, "listing OPC UA endpoints");
  let passive;
  try {
    passive = await passivePhase(
      ctx,
      { host: target.host, port: target.port, url: discoveryUrl },
      new Deadline(ctx.timeoutMs * PASSIVE_BUDGET_TIMEOUTS, ctx.signal),
    );
  } catch (e) {
    throw mapPassiveError(e, target.explicit, discoveryUrl);
  }
  const facts: OpcuaFacts = {
    discoveryUrl,
    transport: passive.transport,
    endpoints: passive.endpoints,
    endpointList: passive.endpointList,
    discovery: passive.discovery,
    certificates: passive.certificates,
    certificateErrors: passive.certificateErrors,
    anonymousSession: { status: "skipped", message: "no endpoint offers the Anonymous token" },
    trustTest: { status: "not_applicable", message: "no Sign or SignAndEncrypt endpoint with a policy this client can open" },
  };
  const checkpoint = () => ctx.checkpoint(structuredClone(facts));
  checkpoint();
  const { runSessionChecks } = await import("./session-checks.js");
  await runSessionChecks(ctx, facts, { host: target.host, port: target.port, path, url: discoveryUrl }, checkpoint, passive.certificateBytes);
  return facts;
}
