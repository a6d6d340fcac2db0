// IEC 60870-5-104 probe (network I/O only; loaded lazily by index.ts). Default mode sends ONE APDU per
// connection: TESTFR act (IEC 60870-5-104 §5.3), the keep-alive every station must confirm with
// TESTFR con whether or not data transfer is active. On port 2404 in clear; on port 19998 inside a
// TLS session (IEC 62351-3), after recording the handshake. Never sent, on purpose:
// - STARTDT act (§5.3) activates data transfer: the station starts sending spontaneous and cyclic
//   I-frames to us, and in a redundancy group it may make OUR connection the active one, taking data
//   away from the real SCADA master (§10.3: one active connection per group). So STOPDT is never
//   needed either.
// - a general interrogation (C_IC_NA_1, type 100) makes the station send its whole process image:
//   load on a fragile RTU and no security fact. No command (C_*) of any type is sent.
// nmap's iec-identify sends STARTDT and a GI (it is classed intrusive); this probe does not, so the
// station's common address and identity stay unobserved (said so in the facts and rules).
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { Connection, Deadline, NetError } from "../../src/net/index.js";
import { Iec104DecodeError, TESTFR_ACT, apduLength, decodeApdu } from "./apci.js";
import { IEC104_CHECKS } from "./declarations.js";
import type { Iec104Facts, PlainFacts, TlsFacts } from "./facts.js";
import { probeTls } from "./tls.js";

const BUDGET_FACTOR = 10;
const MAX_APDUS = 256;
const MAX_ANOMALIES = 16;
const MAX_TYPE_IDS = 16;

type Planned = { port: number; url: string; role: "target" | "companion"; explicit: boolean };
export type Exchange = Pick<PlainFacts, "testfr" | "received" | "anomalies"> & { closed: boolean };

/**
 * Send TESTFR act on an open connection and read until TESTFR con, a hang-up or the deadline.
 * Everything else the station sends is counted (never answered: no S-frame acks, no TESTFR con of
 * ours); I-frames before STARTDT are a protocol anomaly (§5.3: no data transfer before STARTDT).
 */
export async function testfrExchange(conn: Connection, deadline: Deadline, sent: string[]): Promise<Exchange> {
  const ex: Exchange = { testfr: "silent", received: { u: {}, s: 0, i: 0, typeIds: [] }, anomalies: [], closed: false };
  const anomaly = (s: string) => ex.anomalies.length < MAX_ANOMALIES && !ex.anomalies.includes(s) && ex.anomalies.push(s);
  conn.write(TESTFR_ACT);
  sent.push("TESTFR act");
  try {
    for (let n = 0; n < MAX_APDUS; n++) {
      const a = decodeApdu(await conn.read(apduLength, deadline, "an IEC 104 APDU"));
      if (a.format === "U") {
        ex.received.u[a.function] = (ex.received.u[a.function] ?? 0) + 1;
        if (a.function === "TESTFR con") {
          ex.testfr = "testfr-con";
          return ex;
        }
        if (a.function !== "TESTFR act") anomaly(`${a.function} received unasked`);
      } else if (a.format === "S") {
        ex.received.s++;
        anomaly("S-format APDU received before any I-format was sent");
      } else {
        ex.received.i++;
        if (ex.received.typeIds.length < MAX_TYPE_IDS && !ex.received.typeIds.includes(a.typeId)) ex.received.typeIds.push(a.typeId);
        anomaly("I-format APDU before STARTDT (IEC 60870-5-104 §5.3: no data transfer before STARTDT)");
      }
      ex.testfr = "other";
    }
    anomaly(`more than ${MAX_APDUS} APDUs without TESTFR con (a flood)`);
    ex.testfr = "error";
  } catch (e) {
    if (e instanceof Iec104DecodeError) {
      anomaly(`framing: ${e.message}`);
      ex.testfr = "error";
    } else if (e instanceof NetError) {
      if (e.code === "timeout") ex.testfr = ex.testfr === "other" ? "other" : "silent";
      else if (e.code === "closed" || e.code === "reset") {
        ex.testfr = "closed";
        ex.closed = true;
      } else ex.testfr = "error";
      if (e.code === "too-large") anomaly(e.message);
    } else throw e;
  }
  return ex;
}

async function probePlain(ctx: ProbeContext, host: string, p: Planned, deadline: Deadline): Promise<PlainFacts> {
  const facts: PlainFacts = {
    url: p.url,
    port: p.port,
    role: p.role,
    reachability: "error",
    testfr: "not-sent",
    received: { u: {}, s: 0, i: 0, typeIds: [] },
    sent: [],
    anomalies: [],
  };
  let conn: Connection;
  try {
    conn = await Connection.open({
      host,
      port: p.port,
      timeoutMs: Math.max(1, Math.min(ctx.timeoutMs, deadline.remaining())),
      signal: ctx.signal,
      maxBuffered: 8192,
    });
  } catch (e) {
    const code = e instanceof NetError ? e.code : "unreachable";
    facts.reachability = code === "refused" ? "closed" : "error";
    facts.error = { code, message: (e as Error).message };
    return facts;
  }
  facts.reachability = "open";
  try {
    ctx.log.info({ action: "testfr", safety: IEC104_CHECKS.testfr.safety, endpoint: p.url }, "IEC 104 TESTFR act");
    const ex = await testfrExchange(conn, deadline.within(ctx.timeoutMs), facts.sent);
    Object.assign(facts, { testfr: ex.testfr, received: ex.received, anomalies: ex.anomalies });
  } finally {
    await conn.close(Math.min(1000, ctx.timeoutMs));
  }
  return facts;
}

export async function probeIec104(ctx: ProbeContext): Promise<Iec104Facts> {
  const host = ctx.endpoints[0]?.host;
  if (!host) throw new ProbeFailure("internal", "no IEC 104 endpoint given");
  const plainList: Planned[] = ctx.endpoints
    .filter((e) => e.scheme === "iec104")
    .map((e) => ({ port: e.port, url: e.url, role: "target", explicit: e.explicit }));
  const tlsList: Planned[] = ctx.endpoints
    .filter((e) => e.scheme === "iec104+tls")
    .map((e) => ({ port: e.port, url: e.url, role: "target", explicit: e.explicit }));
  // the other port of the pair is looked at too (a companion), unless turned off (tests: iec104.companions=off)
  const companions = ctx.options["iec104.companions"] !== "off";
  if (plainList.length === 0 && companions) plainList.push({ port: 2404, url: endpointUrl("iec104", host, 2404), role: "companion", explicit: false });
  if (tlsList.length === 0 && companions) tlsList.push({ port: 19998, url: endpointUrl("iec104+tls", host, 19998), role: "companion", explicit: false });
  const facts: Iec104Facts = { plain: [], tls: [] };
  const budget = new Deadline(BUDGET_FACTOR * ctx.timeoutMs, ctx.signal);
  for (const p of plainList) {
    if (ctx.signal.aborted) break;
    facts.plain.push(await probePlain(ctx, host, p, budget));
    ctx.checkpoint(structuredClone(facts));
  }
  for (const t of tlsList) {
    if (ctx.signal.aborted) break;
    ctx.log.info({ action: "tls-handshake", safety: IEC104_CHECKS.tls.safety, endpoint: t.url }, "IEC 62351-3 TLS handshake, then TESTFR act");
    facts.tls.push(await probeTls(ctx, host, t, budget));
    ctx.checkpoint(structuredClone(facts));
  }
  try {
    outcome(facts, [...plainList, ...tlsList]);
  } catch (e) {
    // the facts are complete and show that nothing could be audited: the protocol failed (absent,
    // unreachable, timeout), it did not stop early with partial facts
    ctx.checkpoint(undefined);
    throw e;
  }
  return facts;
}

/** Whole-protocol outcome: absent / unreachable when no target port could be reached at all. */
function outcome(facts: Iec104Facts, planned: Planned[]): void {
  const all: (PlainFacts | TlsFacts)[] = [...facts.plain, ...facts.tls];
  const targets = all.filter((e) => e.role === "target");
  if (all.some((e) => e.reachability === "open") || targets.length === 0) return;
  if (targets.every((e) => e.reachability === "closed")) {
    if (!planned.some((e) => e.explicit)) throw new ProbeFailure("absent", `nothing listens on ${targets.map((t) => t.port).join(", ")}`);
    throw new ProbeFailure("unreachable", `connection refused: ${targets.map((t) => t.url).join(", ")}`);
  }
  const first = targets.find((e) => e.error);
  if (first?.error) throw new ProbeFailure(first.error.code === "timeout" ? "timeout" : "unreachable", `${first.url}: ${first.error.message}`);
}
