// Plain Modbus/TCP phase (read-only): for each unit id, Read Device Identification (FC 43 / MEI 14,
// Modbus Application Protocol 1.1b §6.21: basic, regular and - when the conformity level says so -
// extended streams, individual access for a missing mandatory object) and Report Server ID (FC 17,
// §6.17). Bounded: "more follows" is followed at most MAX_STREAM_REQUESTS times and only forward,
// identity bytes per endpoint are capped, exchanges kept are capped, and every request has an
// absolute deadline inside the phase's own deadline.
import type { ProbeContext } from "../../src/plugin.js";
import type { Deadline } from "../../src/net/index.js";
import { MbapChannel, MbapError, type ModbusReply } from "./client.js";
import type { DeviceIdStream, DeviceIdentity, Exchange, PlainEndpointFacts, UnitFacts } from "./facts.js";
import {
  DEVICE_ID_OBJECTS,
  MbapDecodeError,
  READ_DEVICE_ID_CODE,
  decodeDeviceIdResponse,
  decodeReportServerIdResponse,
  readDeviceIdRequest,
  reportServerIdRequest,
} from "./mbap.js";

/** "more follows" is followed at most this many times per stream (a hostile server could loop). */
export const MAX_STREAM_REQUESTS = 8;
/** stop asking further unit ids after this many consecutive timeouts with no answer at all */
const MAX_SILENT_UNITS = 3;
/** exchanges kept per endpoint (a full sweep sends ~1,200); the rest are counted */
const MAX_EXCHANGES = 600;
/** identity bytes read per endpoint; beyond it no further stream is read */
const MAX_IDENTITY_BYTES = 64 * 1024;
/** extended objects (0x80-0xFF) are read for this many answering units at most */
const MAX_EXTENDED_UNITS = 4;
/**
 * Servers and gateways often stay silent for a unit id they do not serve, so each absent unit costs
 * a wait. Once one unit has answered, the device's response time is known: further units get
 * max(UNIT_WAIT_MIN_MS, UNIT_WAIT_RTT_FACTOR x the slowest reply seen), capped by --timeout.
 */
const UNIT_WAIT_MIN_MS = 400;
const UNIT_WAIT_RTT_FACTOR = 10;
/** Gateway exceptions (§7): the gateway answered, the unit behind it did not. */
export const GATEWAY_EXCEPTIONS = new Set([0x0a, 0x0b]);

export interface Session {
  host: string;
  port: number;
  url: string;
  ctx: ProbeContext;
  /** end of this phase (absolute) */
  deadline: Deadline;
  channel?: MbapChannel;
  exchanges: Exchange[];
  exchangesDropped: number;
  answered: boolean;
  sent: number[];
  allowWriteBack?: boolean;
  slowestReplyMs?: number;
  identityBytes: number;
  extendedUnits: number;
}

export function newSession(ctx: ProbeContext, host: string, port: number, url: string, deadline: Deadline, sent: number[] = []): Session {
  return { host, port, url, ctx, deadline, exchanges: [], exchangesDropped: 0, answered: false, sent, identityBytes: 0, extendedUnits: 0 };
}

function unitWaitMs(s: Session): number {
  if (s.slowestReplyMs === undefined) return s.ctx.timeoutMs;
  return Math.min(s.ctx.timeoutMs, Math.max(UNIT_WAIT_MIN_MS, UNIT_WAIT_RTT_FACTOR * s.slowestReplyMs));
}

async function channelOf(s: Session): Promise<MbapChannel> {
  if (s.channel?.usable) return s.channel;
  const again = s.channel !== undefined;
  if (s.channel) await s.channel.close(Math.min(1000, s.ctx.timeoutMs));
  // every connection is logged, reconnects included (one at a time: the old one is closed first)
  s.ctx.log.info({ action: "tcp-connect", safety: "passive", endpoint: s.url }, again ? "reconnect" : "connect");
  s.channel = await MbapChannel.open(
    { host: s.host, port: s.port, timeoutMs: Math.max(1, Math.min(s.ctx.timeoutMs, s.deadline.remaining())), signal: s.ctx.signal },
    { allowWriteBack: s.allowWriteBack ?? false },
  );
  return s.channel;
}

/** One request with its exchange fact; MbapError propagates after being recorded. */
export async function exchange(s: Session, unitId: number, pdu: Buffer, detail?: string, waitMs?: number): Promise<ModbusReply> {
  const fc = pdu[0]!;
  const record: Exchange = { unitId, functionCode: fc, outcome: "error", ...(detail ? { detail } : {}) };
  if (s.exchanges.length < MAX_EXCHANGES) s.exchanges.push(record);
  else s.exchangesDropped++;
  const safety = fc === 5 || fc === 6 ? "intrusive" : "read";
  s.ctx.log.info({ action: "modbus-request", safety, endpoint: s.url, unitId, functionCode: fc, detail }, "Modbus request");
  try {
    if (s.deadline.expired) throw new MbapError(s.ctx.signal.aborted ? "aborted" : "timeout", "the phase's time budget is spent");
    const channel = await channelOf(s);
    s.sent.push(fc);
    const t0 = performance.now();
    const reply = await channel.request(unitId, pdu, s.deadline.within(waitMs ?? s.ctx.timeoutMs));
    s.slowestReplyMs = Math.max(s.slowestReplyMs ?? 0, performance.now() - t0);
    s.answered = true;
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

/** Objects a stream may carry (§6.21: each category includes the lower ones; 0x07-0x7F are reserved). */
const inStream = (readCode: number, id: number): boolean => (readCode === 1 ? id <= 0x02 : readCode === 2 ? id <= 0x06 : id <= 0x06 || id >= 0x80);

interface StreamResult {
  reply: ModbusReply;
  requests: number;
  conformity?: number;
  stopped?: string;
}

/** One Read Device Identification stream (§6.21), following "more follows" forward only, bounded. */
async function readStream(
  s: Session,
  unitId: number,
  readCode: number,
  firstObject: number,
  into: Map<number, string>,
  anomalies: string[],
  firstWaitMs?: number,
): Promise<StreamResult> {
  let objectId = firstObject;
  let requests = 0;
  let conformity: number | undefined;
  const note = (a: string) => void (anomalies.length < 16 && anomalies.push(a));
  for (;;) {
    requests++;
    const reply = await exchange(
      s,
      unitId,
      readDeviceIdRequest(readCode, objectId),
      `MEI 14 read code ${readCode} object ${objectId}`,
      requests === 1 ? firstWaitMs : undefined,
    );
    if (reply.kind === "exception") return { reply, requests, ...(conformity !== undefined ? { conformity } : {}) };
    const r = decodeDeviceIdResponse(reply.pdu);
    conformity = r.conformityLevel;
    if (r.readCode !== readCode) note(`read code ${r.readCode} in the answer to read code ${readCode}`);
    if (r.trailing) note(`${r.trailing} bytes after the last object (read code ${readCode})`);
    const inAnswer = new Set<number>();
    for (const o of r.objects) {
      // the same object again in a later stream is normal (a server restarts at object 0 for an id it lacks)
      if (inAnswer.has(o.id)) note(`object 0x${o.id.toString(16)} repeated in one answer`);
      inAnswer.add(o.id);
      if (readCode === 4 ? o.id !== objectId : !inStream(readCode, o.id)) note(`object 0x${o.id.toString(16)} in read code ${readCode}`);
      if (into.has(o.id)) continue;
      if (s.identityBytes + o.value.length > MAX_IDENTITY_BYTES) return { reply, requests, conformity, stopped: "identity byte budget spent" };
      into.set(o.id, o.value);
      s.identityBytes += o.value.length;
    }
    if (r.moreFollowsByte !== 0x00 && r.moreFollowsByte !== 0xff) note(`More Follows byte 0x${r.moreFollowsByte.toString(16)} (0x00 or 0xFF expected)`);
    if (readCode === 4 || !r.moreFollows) return { reply, requests, conformity };
    if (r.nextObjectId <= objectId)
      return { reply, requests, conformity, stopped: `next object id 0x${r.nextObjectId.toString(16)} does not advance (a loop)` };
    if (requests >= MAX_STREAM_REQUESTS) return { reply, requests, conformity, stopped: `stopped after ${MAX_STREAM_REQUESTS} requests` };
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

export function errorFact(e: unknown): { code: string; message: string } {
  if (e instanceof MbapError) return { code: e.kind, message: e.message };
  if (e instanceof MbapDecodeError) return { code: "unparsed", message: e.message };
  return { code: "protocol", message: (e as Error).message };
}

/** Streams after the basic one: regular always (a read), extended when the conformity level says 3, individual for missing mandatory objects. */
async function moreStreams(
  s: Session,
  unitId: number,
  conformity: number | undefined,
  objects: Map<number, string>,
  anomalies: string[],
  streams: DeviceIdStream[],
): Promise<number | undefined> {
  const plan: { readCode: number; first: number }[] = [{ readCode: READ_DEVICE_ID_CODE.regular, first: 0x03 }];
  if (((conformity ?? 0) & 0x7f) === 3 && s.extendedUnits < MAX_EXTENDED_UNITS) {
    s.extendedUnits++;
    plan.push({ readCode: READ_DEVICE_ID_CODE.extended, first: 0x80 });
  }
  if ((conformity ?? 0) & 0x80) for (const id of [0, 1, 2]) plan.push({ readCode: READ_DEVICE_ID_CODE.specific, first: id });
  for (const p of plan) {
    if (p.readCode === READ_DEVICE_ID_CODE.specific && objects.has(p.first)) continue;
    if (s.identityBytes >= MAX_IDENTITY_BYTES) break;
    try {
      const r = await readStream(s, unitId, p.readCode, p.first, objects, anomalies);
      conformity = r.conformity ?? conformity;
      streams.push({
        readCode: p.readCode,
        status: r.reply.kind === "exception" ? "exception" : "ok",
        requests: r.requests,
        ...(r.reply.kind === "exception" ? { exception: { code: r.reply.exceptionCode, name: r.reply.exceptionName } } : {}),
        ...(r.stopped ? { stopped: r.stopped } : {}),
      });
    } catch (e) {
      streams.push({ readCode: p.readCode, status: "error", requests: 1, stopped: errorFact(e).message });
      if (!(e instanceof MbapError && e.kind === "timeout") && !(e instanceof MbapDecodeError)) throw e;
    }
  }
  return conformity;
}

export async function probeUnit(s: Session, unitId: number): Promise<UnitFacts> {
  const unit: UnitFacts = { unitId, answered: false };
  const objects = new Map<number, string>();
  const anomalies: string[] = [];
  const streams: DeviceIdStream[] = [];
  const withObjects = () => ({
    identity: identityOf(objects),
    objects: [...objects.entries()].sort((a, b) => a[0] - b[0]).map(([id, value]) => ({ id, value })),
    streams,
    ...(anomalies.length ? { anomalies } : {}),
  });
  try {
    // the basic stream is also the "does this unit answer" request (every server answers FC 43 with data or an exception)
    const basic = await readStream(s, unitId, READ_DEVICE_ID_CODE.basic, 0, objects, anomalies, unitWaitMs(s));
    streams.push({
      readCode: 1,
      status: basic.reply.kind === "exception" ? "exception" : "ok",
      requests: basic.requests,
      ...(basic.stopped ? { stopped: basic.stopped } : {}),
    });
    if (basic.reply.kind === "exception") {
      unit.answered = !GATEWAY_EXCEPTIONS.has(basic.reply.exceptionCode);
      unit.deviceId = {
        status: "exception",
        ...withObjects(),
        requests: basic.requests,
        exception: { code: basic.reply.exceptionCode, name: basic.reply.exceptionName },
      };
      if (!unit.answered) return unit;
    } else {
      unit.answered = true;
      const conformity = await moreStreams(s, unitId, basic.conformity, objects, anomalies, streams);
      unit.deviceId = {
        status: "ok",
        ...withObjects(),
        requests: streams.reduce((n, x) => n + x.requests, 0),
        ...(conformity !== undefined ? { conformityLevel: conformity } : {}),
      };
    }
  } catch (e) {
    unit.deviceId = { status: "error", ...withObjects(), requests: streams.reduce((n, x) => n + x.requests, 0) + 1, error: errorFact(e) };
    if (e instanceof MbapDecodeError)
      unit.answered = true; // it answered, with something malformed
    else throw Object.assign(e as Error, { unit });
  }
  try {
    const reply = await exchange(s, unitId, reportServerIdRequest());
    if (reply.kind === "exception") unit.serverId = { status: "exception", exception: { code: reply.exceptionCode, name: reply.exceptionName } };
    else {
      const r = decodeReportServerIdResponse(reply.pdu);
      unit.serverId = { status: "ok", hex: r.data.toString("hex"), text: printable(r.data), ...(r.runIndicator ? { runIndicator: r.runIndicator } : {}) };
    }
  } catch (e) {
    unit.serverId = { status: "error", error: errorFact(e) };
    if (!(e instanceof MbapDecodeError) && !(e instanceof MbapError && e.kind === "timeout")) throw Object.assign(e as Error, { unit });
  }
  return unit;
}

export async function probePlainEndpoint(
  ctx: ProbeContext,
  t: { host: string; port: number; url: string; role: "target" | "companion" },
  units: number[],
  fullSweep: boolean,
  deadline: Deadline,
): Promise<PlainEndpointFacts> {
  const s = newSession(ctx, t.host, t.port, t.url, deadline);
  const facts: PlainEndpointFacts = {
    port: t.port,
    url: t.url,
    role: t.role,
    reachability: "open",
    answersUnauthenticated: false,
    unitsTried: [],
    fullSweep,
    units: [],
    exchanges: s.exchanges,
    functionCodesSent: s.sent,
    unitZero: units.includes(0) ? "tried-on-request" : "not-tried",
  };
  try {
    await channelOf(s);
  } catch (e) {
    const err = e as MbapError;
    facts.reachability = err.kind === "refused" ? "closed" : "error";
    if (err.kind !== "refused") facts.error = errorFact(e);
    return facts;
  }
  let silent = 0;
  let lastTimeout = "";
  try {
    for (const unitId of units) {
      if (ctx.signal.aborted || deadline.expired) {
        facts.error ??= ctx.signal.aborted
          ? { code: "aborted", message: "stopped: run deadline or interrupt" }
          : { code: "timeout", message: `time budget spent after units ${facts.unitsTried.join(", ")}` };
        break;
      }
      facts.unitsTried.push(unitId);
      try {
        facts.units.push(await probeUnit(s, unitId));
        silent = 0;
      } catch (e) {
        const unit = (e as { unit?: UnitFacts }).unit;
        if (unit) facts.units.push(unit);
        if (e instanceof MbapError && e.kind === "timeout") {
          // a unit that does not exist may simply stay silent; try the next
          lastTimeout = e.message;
          if (++silent >= MAX_SILENT_UNITS && !facts.units.some((u) => u.answered)) {
            facts.error = { code: "timeout", message: `no reply from units ${facts.unitsTried.join(", ")} (last: ${e.message})` };
            break;
          }
          continue;
        }
        facts.error = errorFact(e); // framing violation or close: do not keep talking to a broken peer
        break;
      }
    }
    if (!facts.error && !s.answered && facts.unitsTried.length)
      facts.error = { code: "timeout", message: `no reply from units ${facts.unitsTried.join(", ")}${lastTimeout ? ` (last: ${lastTimeout})` : ""}` };
  } finally {
    await s.channel?.close(Math.min(1000, ctx.timeoutMs));
  }
  facts.answersUnauthenticated = s.answered;
  if (s.exchangesDropped) facts.exchangesDropped = s.exchangesDropped;
  return facts;
}
