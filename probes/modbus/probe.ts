// Modbus/TCP probe (network I/O only; loaded lazily by index.ts). Default mode sends read-only
// requests: Read Device Identification (FC 43 / MEI 14, Modbus Application Protocol 1.1b §6.21) and
// Report Server ID (FC 17, §6.17) to a short list of unit ids, then looks at Modbus/TCP Security on
// port 802 (tls-probe.ts). Only with --intrusive: a full unit sweep and a write-back test on the
// operator's address (read, write the same value with FC 5/6, read again). FC 8, broadcasts and
// every other state-changing function code are never sent (client.ts refuses them).
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { endpointUrl } from "../../src/engine/targets.js";
import { MbapClient, MbapError, connectTcp, type ModbusReply } from "./client.js";
import type { DeviceIdentity, Exchange, ModbusFacts, PlainEndpointFacts, TlsEndpointFacts, UnitFacts, WriteTestFacts } from "./facts.js";
import {
  DEVICE_ID_OBJECTS,
  FC,
  READ_DEVICE_ID_CODE,
  decodeDeviceIdResponse,
  decodeReadResponse,
  decodeReportServerIdResponse,
  readBitsOrRegistersRequest,
  readDeviceIdRequest,
  reportServerIdRequest,
  writeSingleRequest,
} from "./mbap.js";
import { probeTlsEndpoint } from "./tls-probe.js";
import { CHECKS, DEFAULT_UNITS, parseUnitList, parseWriteTarget } from "./options.js";
import { modbusTlsCredentials } from "./declarations.js";

/** "more follows" is followed at most this many times per stream (a hostile server could loop). */
const MAX_DEVICE_ID_REQUESTS = 8;
/** stop asking further unit ids after this many consecutive timeouts with no answer at all */
const MAX_SILENT_UNITS = 3;
/**
 * Many servers and gateways stay silent for a unit id they do not serve, so each absent unit costs
 * a wait. Once one unit has answered, the device's response time is known: further units get
 * max(UNIT_WAIT_MIN_MS, UNIT_WAIT_RTT_FACTOR x the slowest reply seen), capped by --timeout.
 */
const UNIT_WAIT_MIN_MS = 400;
const UNIT_WAIT_RTT_FACTOR = 10;
/** Gateway exceptions (§7): the gateway answered, the unit behind it did not. */
const GATEWAY_EXCEPTIONS = new Set([0x0a, 0x0b]);

interface Session {
  host: string;
  port: number;
  url: string;
  ctx: ProbeContext;
  client?: MbapClient;
  exchanges: Exchange[];
  sent: number[];
  allowWriteBack?: boolean;
  /** slowest complete reply seen on this endpoint, ms */
  slowestReplyMs?: number;
}

/** How long to wait for a unit's first reply (see UNIT_WAIT_MIN_MS). */
function unitWaitMs(s: Session): number {
  if (s.slowestReplyMs === undefined) return s.ctx.timeoutMs;
  return Math.min(s.ctx.timeoutMs, Math.max(UNIT_WAIT_MIN_MS, UNIT_WAIT_RTT_FACTOR * s.slowestReplyMs));
}

async function clientOf(s: Session): Promise<MbapClient> {
  if (s.client && !s.client.broken && !s.client.socket.destroyed) return s.client;
  if (s.client) await s.client.close();
  // every connection is logged, reconnects after a timeout included (one at a time: the old one is closed)
  s.ctx.log.info({ action: "tcp-connect", safety: "passive", endpoint: s.url }, s.client ? "reconnect" : "connect");
  const socket = await connectTcp({ host: s.host, port: s.port, timeoutMs: s.ctx.timeoutMs, signal: s.ctx.signal });
  s.client = new MbapClient(socket, { timeoutMs: s.ctx.timeoutMs, signal: s.ctx.signal, allowWriteBack: s.allowWriteBack ?? false });
  return s.client;
}

/** One request with its exchange fact; MbapError propagates after being recorded. */
async function exchange(s: Session, unitId: number, pdu: Buffer, detail?: string, timeoutMs?: number): Promise<ModbusReply> {
  const fc = pdu[0]!;
  const record: Exchange = { unitId, functionCode: fc, outcome: "error", ...(detail ? { detail } : {}) };
  s.exchanges.push(record);
  const safety = fc === FC.WRITE_SINGLE_COIL || fc === FC.WRITE_SINGLE_REGISTER ? "intrusive" : "read";
  s.ctx.log.info({ action: "modbus-request", safety, endpoint: s.url, unitId, functionCode: fc, detail }, "Modbus request");
  try {
    const client = await clientOf(s);
    s.sent.push(fc);
    const t0 = performance.now();
    const reply = await client.request(unitId, pdu, timeoutMs);
    s.slowestReplyMs = Math.max(s.slowestReplyMs ?? 0, performance.now() - t0);
    if (reply.kind === "exception") Object.assign(record, { outcome: "exception", exceptionCode: reply.exceptionCode, exceptionName: reply.exceptionName });
    else record.outcome = "response";
    return reply;
  } catch (e) {
    const err = e instanceof MbapError ? e : new MbapError("protocol", (e as Error).message);
    record.outcome = err.kind === "timeout" ? "timeout" : err.kind === "protocol" ? "protocol_error" : err.kind === "closed" ? "closed" : "error";
    record.message = err.message;
    throw err;
  }
}

function printable(b: Buffer): string {
  return (b.toString("latin1").match(/[\x20-\x7e]{3,}/g) ?? []).join(" ").trim();
}

/** Read Device Identification stream (§6.21), following "more follows" / next object id with a bound. */
async function readDeviceIdStream(s: Session, unitId: number, readCode: number, firstObject: number, into: Map<number, string>, firstWaitMs?: number): Promise<{ reply: ModbusReply; requests: number; conformity?: number }> {
  let objectId = firstObject;
  let requests = 0;
  let conformity: number | undefined;
  for (;;) {
    requests++;
    const reply = await exchange(s, unitId, readDeviceIdRequest(readCode, objectId), `MEI 14 read code ${readCode} object ${objectId}`, requests === 1 ? firstWaitMs : undefined);
    if (reply.kind === "exception") return { reply, requests, ...(conformity !== undefined ? { conformity } : {}) };
    const r = decodeDeviceIdResponse(reply.pdu);
    conformity = r.conformityLevel;
    for (const o of r.objects) if (!into.has(o.id)) into.set(o.id, o.value);
    if (!r.moreFollows || requests >= MAX_DEVICE_ID_REQUESTS || r.nextObjectId <= objectId) return { reply, requests, conformity };
    objectId = r.nextObjectId;
  }
}

function identityOf(objects: Map<number, string>): DeviceIdentity {
  const id: DeviceIdentity = {};
  for (const d of DEVICE_ID_OBJECTS) {
    const v = objects.get(d.id);
    if (v !== undefined) id[d.key] = v;
  }
  return id;
}

function errorFact(e: unknown): { code: string; message: string } {
  if (e instanceof MbapError) return { code: e.kind, message: e.message };
  return { code: "protocol", message: (e as Error).message };
}

async function probeUnit(s: Session, unitId: number): Promise<UnitFacts> {
  const unit: UnitFacts = { unitId, answered: false };
  const objects = new Map<number, string>();
  // Basic stream first: it is also the "does this unit answer" request (read-only, every server must
  // answer FC 43 with data or an exception).
  try {
    const basic = await readDeviceIdStream(s, unitId, READ_DEVICE_ID_CODE.basic, 0, objects, unitWaitMs(s));
    let requests = basic.requests;
    if (basic.reply.kind === "exception") {
      unit.answered = !GATEWAY_EXCEPTIONS.has(basic.reply.exceptionCode);
      unit.deviceId = { status: "exception", identity: {}, objects: [], requests, exception: { code: basic.reply.exceptionCode, name: basic.reply.exceptionName } };
      if (!unit.answered) return unit;
    } else {
      unit.answered = true;
      let conformity = basic.conformity;
      try {
        // regular objects 0x03..0x06 (a server that has none answers with an exception; basic stays)
        const regular = await readDeviceIdStream(s, unitId, READ_DEVICE_ID_CODE.regular, 0x03, objects);
        requests += regular.requests;
        conformity = regular.conformity ?? conformity;
      } catch (e) {
        if (!(e instanceof MbapError) || e.kind !== "timeout") throw e;
      }
      unit.deviceId = {
        status: "ok",
        identity: identityOf(objects),
        objects: [...objects.entries()].sort((a, b) => a[0] - b[0]).map(([id, value]) => ({ id, value })),
        requests,
        ...(conformity !== undefined ? { conformityLevel: conformity } : {}),
      };
    }
  } catch (e) {
    unit.deviceId = { status: "error", identity: identityOf(objects), objects: [], requests: 0, error: errorFact(e) };
    throw Object.assign(e as Error, { unit });
  }
  // Report Server ID (§6.17): one byte PDU, read-only
  try {
    const reply = await exchange(s, unitId, reportServerIdRequest());
    if (reply.kind === "exception") unit.serverId = { status: "exception", exception: { code: reply.exceptionCode, name: reply.exceptionName } };
    else {
      const { data } = decodeReportServerIdResponse(reply.pdu);
      unit.serverId = { status: "ok", hex: data.toString("hex"), text: printable(data) };
    }
  } catch (e) {
    unit.serverId = { status: "error", error: errorFact(e) };
    if (!(e instanceof MbapError) || e.kind !== "timeout") throw Object.assign(e as Error, { unit });
  }
  return unit;
}

async function probePlainEndpoint(ctx: ProbeContext, host: string, port: number, url: string, role: "target" | "companion", units: number[], fullSweep: boolean): Promise<PlainEndpointFacts> {
  const s: Session = { host, port, url, ctx, exchanges: [], sent: [] };
  const facts: PlainEndpointFacts = { port, url, role, reachability: "open", answersUnauthenticated: false, unitsTried: [], fullSweep, units: [], exchanges: s.exchanges, functionCodesSent: s.sent };
  try {
    await clientOf(s);
  } catch (e) {
    const err = e as MbapError;
    facts.reachability = err.kind === "refused" ? "closed" : "error";
    if (err.kind !== "refused") facts.error = errorFact(e);
    return facts;
  }
  let silent = 0;
  try {
    for (const unitId of units) {
      if (ctx.signal.aborted) {
        facts.error ??= { code: "aborted", message: "stopped: run deadline or interrupt" };
        break;
      }
      facts.unitsTried.push(unitId);
      try {
        const unit = await probeUnit(s, unitId);
        facts.units.push(unit);
        silent = 0;
      } catch (e) {
        const unit = (e as { unit?: UnitFacts }).unit;
        if (unit) facts.units.push(unit);
        if (e instanceof MbapError && e.kind === "timeout") {
          // a unit that does not exist may simply stay silent; try the next on a fresh connection
          if (++silent >= MAX_SILENT_UNITS && !facts.units.some((u) => u.answered)) {
            facts.error = { code: "timeout", message: `no reply from units ${facts.unitsTried.join(", ")} within ${ctx.timeoutMs} ms each (last: ${e.message})` };
            break;
          }
          continue;
        }
        facts.error = errorFact(e); // framing violation or close: do not keep talking to a broken peer
        break;
      }
    }
  } finally {
    await s.client?.close();
  }
  facts.answersUnauthenticated = s.exchanges.some((x) => x.outcome === "response" || x.outcome === "exception");
  return facts;
}

async function writeBackTest(ctx: ProbeContext, plain: PlainEndpointFacts | undefined, host: string): Promise<WriteTestFacts> {
  const spec = ctx.options["modbus.write"];
  if (!spec) return { status: "not_requested", functionCodes: [] };
  const result: WriteTestFacts = { status: "error", target: spec, functionCodes: [] };
  try {
    ctx.assertAllowed(CHECKS.writeBack);
  } catch (e) {
    result.detail = (e as Error).message;
    return result;
  }
  const target = parseWriteTarget(spec);
  if (typeof target === "string") return { ...result, detail: target };
  if (!plain || plain.reachability !== "open") return { ...result, detail: "no reachable plain Modbus/TCP endpoint to test" };
  const s: Session = { host, port: plain.port, url: plain.url, ctx, exchanges: [], sent: result.functionCodes, allowWriteBack: true };
  const readFc = target.type === "coil" ? FC.READ_COILS : FC.READ_HOLDING_REGISTERS;
  const writeFc = target.type === "coil" ? FC.WRITE_SINGLE_COIL : FC.WRITE_SINGLE_REGISTER;
  const readValue = async (): Promise<number | { exception: ModbusReply & { kind: "exception" } }> => {
    const r = await exchange(s, target.unitId, readBitsOrRegistersRequest(readFc, target.address, 1), `${target.type} ${target.address}`);
    if (r.kind === "exception") return { exception: r };
    return decodeReadResponse(r.pdu, 1)[0]!;
  };
  try {
    const before = await readValue();
    if (typeof before !== "number") {
      result.exception = { code: before.exception.exceptionCode, name: before.exception.exceptionName, functionCode: readFc };
      result.detail = "the read was refused, so nothing was written";
      return result;
    }
    result.valueRead = before;
    ctx.log.warn({ action: "write-back", safety: "intrusive", endpoint: plain.url, unitId: target.unitId, functionCode: writeFc, address: target.address, value: before }, "writing back the value just read");
    const w = await exchange(s, target.unitId, writeSingleRequest(writeFc, target.address, target.type === "coil" ? before === 1 : before), `${target.type} ${target.address} := ${before}`);
    if (w.kind === "exception") {
      result.status = "refused";
      result.exception = { code: w.exceptionCode, name: w.exceptionName, functionCode: writeFc };
      result.detail = `write of the unchanged value refused with ${w.exceptionName}`;
      return result;
    }
    const after = await readValue();
    if (typeof after === "number") result.valueAfter = after;
    result.status = "accepted";
    result.detail = `unit ${target.unitId} accepted function code ${writeFc} on ${target.type} ${target.address} without authentication${typeof after === "number" && after !== before ? ` (value changed afterwards: ${before} -> ${after}, the process may be writing it)` : ""}`;
    return result;
  } catch (e) {
    result.detail = errorFact(e).message;
    return result;
  } finally {
    await s.client?.close();
  }
}

export async function probeModbus(ctx: ProbeContext): Promise<ModbusFacts> {
  const plainTargets = ctx.endpoints.filter((e) => e.scheme === "modbus");
  const tlsTargets = ctx.endpoints.filter((e) => e.scheme === "modbus+tls");
  const host = ctx.endpoints[0]?.host;
  if (!host) throw new ProbeFailure("internal", "no Modbus endpoint given");
  const companions = ctx.options["modbus.companions"] !== "off";

  const extra = parseUnitList(ctx.options["modbus.units"]);
  const fullSweep = ctx.options["modbus.sweep"] === "full";
  let units = [...new Set([...DEFAULT_UNITS, ...extra])];
  if (fullSweep) {
    ctx.assertAllowed(CHECKS.unitSweep);
    units = [...new Set([...units, ...Array.from({ length: 247 }, (_, i) => i + 1)])];
  }

  const plainList: { port: number; url: string; role: "target" | "companion"; explicit: boolean }[] = plainTargets.map((e) => ({ port: e.port, url: e.url, role: "target" as const, explicit: e.explicit }));
  if (plainList.length === 0 && companions) plainList.push({ port: 502, url: endpointUrl("modbus", host, 502), role: "companion" as const, explicit: false });
  const tlsList: { port: number; url: string; role: "target" | "companion"; explicit: boolean }[] = tlsTargets.map((e) => ({ port: e.port, url: e.url, role: "target" as const, explicit: e.explicit }));
  if (tlsList.length === 0 && companions) tlsList.push({ port: 802, url: endpointUrl("modbus+tls", host, 802), role: "companion" as const, explicit: false });

  const plain: PlainEndpointFacts[] = [];
  for (const p of plainList) plain.push(await probePlainEndpoint(ctx, host, p.port, p.url, p.role, units, fullSweep));

  const answeringUnit = plain.flatMap((p) => p.units).find((u) => u.answered)?.unitId ?? 1;
  const credential = modbusTlsCredentials(ctx.credentials)[0];
  const secure: TlsEndpointFacts[] = [];
  for (const t of tlsList) {
    if (ctx.signal.aborted) break;
    secure.push(
      await probeTlsEndpoint(
        { host, port: t.port, url: t.url, role: t.role },
        {
          timeoutMs: ctx.timeoutMs,
          signal: ctx.signal,
          log: ctx.log,
          unitId: answeringUnit,
          ...(credential && credential.protocol === "modbus-tls" ? { clientCredential: { certificate: credential.certificate, key: credential.key } } : {}),
        },
      ),
    );
  }

  const writeTest = await writeBackTest(ctx, plain.find((p) => p.role === "target" && p.reachability === "open"), host);

  // Whole-protocol outcome (ARCHITECTURE.md): absent / unreachable / error when nothing could be audited
  const all = [...plain, ...secure];
  const targets = all.filter((e) => e.role === "target");
  const useful = plain.some((p) => p.answersUnauthenticated) || secure.some((t) => t.tlsOffered);
  const explicit = [...plainList, ...tlsList].some((e) => e.explicit);
  if (!useful) {
    if (targets.every((e) => e.reachability === "closed")) {
      if (!explicit) throw new ProbeFailure("absent", `nothing listens on ${targets.map((t) => t.port).join(", ")}`);
      throw new ProbeFailure("unreachable", `connection refused: ${targets.map((t) => t.url).join(", ")}`);
    }
    const first = targets.find((e) => e.error)?.error;
    if (first) {
      const code = first.code === "timeout" ? "timeout" : first.code === "refused" || first.code === "unreachable" ? "unreachable" : "protocol";
      throw new ProbeFailure(code, `${targets.find((e) => e.error)!.url}: ${first.message}`);
    }
  }
  return { plain, secure, writeTest };
}
