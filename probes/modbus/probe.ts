// Modbus/TCP probe (network I/O only; loaded lazily by index.ts). Default mode sends read-only
// requests: Read Device Identification (FC 43 / MEI 14, Modbus Application Protocol 1.1b §6.21) and
// Report Server ID (FC 17, §6.17) to unit ids 1 and 255 (plain-probe.ts), then looks at Modbus/TCP
// Security on port 802 (tls-probe.ts). Only with --intrusive: a full unit sweep and a write-back
// test on the operator's address (write-test.ts). FC 8, broadcasts (unit 0 unless the operator
// names it, see options.ts) and every other state-changing function code are never sent (client.ts
// refuses them). Each phase has an absolute time budget inside the core's per-probe cap, and hands
// its facts to the core (ctx.checkpoint) so a later stall or crash loses nothing.
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { Deadline } from "../../src/net/index.js";
import type { ModbusFacts, PlainEndpointFacts, TlsEndpointFacts, WriteTestFacts } from "./facts.js";
import { CHECKS, parseUnitList, unitPlan } from "./options.js";
import { probePlainEndpoint } from "./plain-probe.js";
import { probeTlsEndpoint } from "./tls-probe.js";
import { modbusTlsCredentials } from "./declarations.js";
import { writeBackTest } from "./write-test.js";

/**
 * Phase budgets in multiples of --timeout. The core aborts a probe after 12 x timeout
 * (src/engine/audit.ts PROBE_CAP_FACTOR); these add up to less, so a slow or hostile device
 * exhausts a phase's budget, not the cap, and every phase still runs.
 */
const PLAIN_BUDGET = 4;
const TLS_BUDGET = 6;
const WRITE_BUDGET = 1;

type Planned = { port: number; url: string; role: "target" | "companion"; explicit: boolean };

export async function probeModbus(ctx: ProbeContext): Promise<ModbusFacts> {
  const host = ctx.endpoints[0]?.host;
  if (!host) throw new ProbeFailure("internal", "no Modbus endpoint given");
  const companions = ctx.options["modbus.companions"] !== "off";
  const fullSweep = ctx.options["modbus.sweep"] === "full";
  if (fullSweep) ctx.assertAllowed(CHECKS.unitSweep);
  const units = unitPlan(parseUnitList(ctx.options["modbus.units"]), fullSweep);

  const plainList: Planned[] = ctx.endpoints
    .filter((e) => e.scheme === "modbus")
    .map((e) => ({ port: e.port, url: e.url, role: "target", explicit: e.explicit }));
  if (plainList.length === 0 && companions) plainList.push({ port: 502, url: endpointUrl("modbus", host, 502), role: "companion", explicit: false });
  const tlsList: Planned[] = ctx.endpoints
    .filter((e) => e.scheme === "modbus+tls")
    .map((e) => ({ port: e.port, url: e.url, role: "target", explicit: e.explicit }));
  if (tlsList.length === 0 && companions) tlsList.push({ port: 802, url: endpointUrl("modbus+tls", host, 802), role: "companion", explicit: false });

  const facts: ModbusFacts = { plain: [], secure: [], writeTest: { status: "not_requested", functionCodes: [] } };
  const checkpoint = () => ctx.checkpoint(structuredClone(facts));

  // plain Modbus/TCP: one budget for all plain endpoints
  const plainDeadline = new Deadline(PLAIN_BUDGET * ctx.timeoutMs, ctx.signal);
  for (const p of plainList) {
    facts.plain.push(await probePlainEndpoint(ctx, { host, ...p }, units, fullSweep, plainDeadline));
    checkpoint();
  }

  // Modbus/TCP Security
  const answeringUnit = facts.plain.flatMap((p) => p.units).find((u) => u.answered)?.unitId ?? 1;
  const credential = modbusTlsCredentials(ctx.credentials)[0];
  const tlsDeadline = new Deadline(TLS_BUDGET * ctx.timeoutMs, ctx.signal);
  for (const t of tlsList) {
    if (ctx.signal.aborted) break;
    const done = facts.secure.length;
    const one = await probeTlsEndpoint(
      { host, port: t.port, url: t.url, role: t.role },
      {
        timeoutMs: ctx.timeoutMs,
        signal: ctx.signal,
        log: ctx.log,
        unitId: answeringUnit,
        deadline: tlsDeadline,
        checkpoint: (partial) => {
          facts.secure[done] = partial;
          checkpoint();
        },
        ...(credential ? { clientCredential: { certificate: credential.certificate, key: credential.key } } : {}),
      },
    );
    facts.secure[done] = one;
    checkpoint();
  }

  facts.writeTest = await writeBackTest(
    ctx,
    facts.plain.find((p) => p.role === "target" && p.reachability === "open"),
    host,
    new Deadline(WRITE_BUDGET * ctx.timeoutMs, ctx.signal),
  );
  try {
    outcome(facts, [...plainList, ...tlsList]);
  } catch (e) {
    // the facts are complete and show that nothing could be audited: report the protocol as failed
    // (absent / unreachable / timeout), not as a probe that stopped early with partial facts
    ctx.checkpoint(undefined);
    throw e;
  }
  return facts;
}

/** Whole-protocol outcome (ARCHITECTURE.md): absent / unreachable / error when nothing could be audited. */
function outcome(facts: ModbusFacts, planned: Planned[]): void {
  const all: (PlainEndpointFacts | TlsEndpointFacts)[] = [...facts.plain, ...facts.secure];
  const targets = all.filter((e) => e.role === "target");
  const useful = facts.plain.some((p) => p.answersUnauthenticated) || facts.secure.some((t) => t.tlsOffered || t.versions.some((v) => v.result !== "error"));
  if (useful || targets.length === 0) return;
  const explicit = planned.some((e) => e.explicit);
  if (targets.every((e) => e.reachability === "closed")) {
    if (!explicit) throw new ProbeFailure("absent", `nothing listens on ${targets.map((t) => t.port).join(", ")}`);
    throw new ProbeFailure("unreachable", `connection refused: ${targets.map((t) => t.url).join(", ")}`);
  }
  const first = targets.find((e) => e.error);
  if (first?.error) {
    const c = first.error.code;
    const code = c === "timeout" ? "timeout" : c === "refused" || c === "unreachable" ? "unreachable" : "protocol";
    throw new ProbeFailure(code, `${first.url}: ${first.error.message}`);
  }
}

export type { WriteTestFacts };
