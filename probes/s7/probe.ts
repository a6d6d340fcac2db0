// S7comm probe (network I/O only; loaded lazily by index.ts). Default and only mode, all reads:
//   1. COTP Connection Request (ISO 8073 §13.3 over RFC 1006) for the TSAPs of checks.ts, one
//      connection at a time, until one is accepted (a refused TSAP's connection is closed first);
//   2. S7 "Setup communication" (job 0xF0) on the accepted connection;
//   3. Read SZL 0x0011, 0x001C, 0x0232 index 4 and 0x0424 (userdata group 4, subfunction 1), each
//      with its follow-up fragments (at most MAX_FRAGMENTS, MAX_LIST_BYTES);
//   then a TCP FIN. Never a write, a PLC control (start/stop), a block upload/download, a password
//   or an S7comm-plus session (session.ts refuses to send anything else).
// Why each is safe on a fragile CPU: an engineering station (STEP 7 "accessible nodes", TIA
// "online diagnostics") and HMIs send exactly these on every connect; the SZL reads are the ones
// nmap's s7-info (category "discovery, version", not "intrusive") sends, plus the protection and
// mode lists which STEP 7 reads for its "module information" dialogue. Each phase has a budget
// inside the core's per-probe cap and hands its facts to the core (ctx.checkpoint).
import type { ProbeContext } from "../../src/plugin.js";
import { ProbeFailure } from "../../src/errors.js";
import { Deadline, sleep } from "../../src/net/index.js";
import { CALLING_TSAP, CHECKS, DEFAULT_TSAPS, SZL_READS, szlLabel } from "./checks.js";
import type { S7Facts, SzlRead } from "./facts.js";
import { S7Error, S7Session } from "./session.js";
import {
  MODE_SELECTOR,
  decodeComponentIdentification,
  decodeCpuMode,
  decodeModuleIdentification,
  decodeProtection,
  parseSzlList,
  type SzlList,
} from "./szl.js";
import {
  ERROR_CLASSES,
  ROSCTR,
  S7PLUS_PROTOCOL_ID,
  disconnectReason,
  parseS7,
  parseS7PlusHeader,
  parseSetupAnswer,
  parseSzlFragment,
  readSzlNextRequest,
  readSzlRequest,
  setupCommunication,
  tsapName,
} from "./wire.js";

/** Budgets in multiples of --timeout (the core caps a probe at 12 x timeout). */
const CONNECT_BUDGET = 5;
const READ_BUDGET = 5;
/** fragments followed per SZL list, and bytes kept per list */
export const MAX_FRAGMENTS = 8;
export const MAX_LIST_BYTES = 8192;
/** pause between two COTP connection attempts (polite pacing; a CPU has few connection resources) */
const TSAP_PAUSE_MS = 100;

export async function probeS7(ctx: ProbeContext): Promise<S7Facts> {
  const ep = ctx.endpoints[0];
  if (!ep) throw new ProbeFailure("internal", "no S7 endpoint given");
  const named = ctx.options["s7.tsap"];
  const plan = [...new Set([...(named ? [Number.parseInt(named, 16)] : []), ...DEFAULT_TSAPS])];
  const facts: S7Facts = {
    port: ep.port,
    url: ep.url,
    reachability: "error",
    tsapAttempts: [],
    setup: { status: "not_tried" },
    s7plus: { indications: [] },
    szl: [],
    sent: [],
  };
  const checkpoint = () => ctx.checkpoint(structuredClone(facts));

  const connectDeadline = new Deadline(CONNECT_BUDGET * ctx.timeoutMs, ctx.signal);
  let session: S7Session | undefined;
  try {
    for (const [i, called] of plan.entries()) {
      if (connectDeadline.expired) break;
      if (i > 0) await sleep(TSAP_PAUSE_MS, ctx.signal);
      ctx.log.info({ action: "s7-cotp-connect", safety: CHECKS.cotp.safety, endpoint: ep.url, calledTsap: tsapName(called) }, "COTP connection request");
      let s: S7Session;
      try {
        s = await S7Session.open(
          { host: ep.host, port: ep.port, timeoutMs: Math.max(1, Math.min(ctx.timeoutMs, connectDeadline.remaining())), signal: ctx.signal },
          facts.sent,
        );
      } catch (e) {
        const err = e as S7Error;
        facts.tsapAttempts.push({
          calledTsap: called,
          callingTsap: CALLING_TSAP,
          outcome: err.kind === "refused" ? "refused" : err.kind === "timeout" ? "timeout" : "error",
          detail: err.message,
        });
        if (err.kind === "refused") facts.reachability = "closed";
        else facts.error = { code: err.kind, message: err.message };
        break; // TCP itself failed: no other TSAP can do better
      }
      facts.reachability = "open";
      try {
        const t = await s.connect(called, CALLING_TSAP, connectDeadline.within(ctx.timeoutMs));
        if (t.kind === "cc") {
          facts.tsapAttempts.push({ calledTsap: called, callingTsap: CALLING_TSAP, outcome: "accepted" });
          facts.cotp = { calledTsap: called, callingTsap: CALLING_TSAP, ...(t.tpduSize ? { tpduSize: t.tpduSize } : {}) };
          session = s;
          break;
        }
        facts.tsapAttempts.push({ calledTsap: called, callingTsap: CALLING_TSAP, outcome: "disconnect", detail: `COTP DR: ${disconnectReason(t.reason)}` });
      } catch (e) {
        const err = e as S7Error;
        facts.tsapAttempts.push({
          calledTsap: called,
          callingTsap: CALLING_TSAP,
          outcome:
            err.kind === "timeout"
              ? "timeout"
              : err.kind === "closed"
                ? "closed"
                : err.kind === "reset"
                  ? "reset"
                  : err.kind === "protocol"
                    ? "protocol_error"
                    : "error",
          detail: err.message,
        });
      }
      await s.close(Math.min(1000, ctx.timeoutMs));
      checkpoint();
    }
    checkpoint();
    if (session) await readPhase(ctx, session, facts, new Deadline(READ_BUDGET * ctx.timeoutMs, ctx.signal));
  } finally {
    await session?.close(Math.min(1000, ctx.timeoutMs));
  }
  checkpoint();
  try {
    outcome(facts, ep.explicit);
  } catch (e) {
    // the facts are complete and show nothing could be audited: report the protocol as failed
    ctx.checkpoint(undefined);
    throw e;
  }
  return facts;
}

async function readPhase(ctx: ProbeContext, s: S7Session, facts: S7Facts, deadline: Deadline): Promise<void> {
  ctx.log.info({ action: "s7-setup-communication", safety: CHECKS.setup.safety, endpoint: facts.url }, "S7 setup communication");
  try {
    const answer = await s.exchange(setupCommunication(s.nextRef()), "S7 setup communication", deadline.within(ctx.timeoutMs));
    if (answer[0] === S7PLUS_PROTOCOL_ID) {
      facts.setup = { status: "s7plus", message: "answered with an S7comm-plus frame (protocol id 0x72)" };
      facts.s7plus.indications.push("the Setup communication job was answered with an S7comm-plus frame (protocol id 0x72)");
      if (answer.length >= 4) facts.s7plus.protocolVersion = parseS7PlusHeader(answer).version;
      return;
    }
    const p = parseS7(answer);
    if (p.rosctr !== ROSCTR.ACK_DATA || (p.errorClass ?? 0) !== 0) {
      facts.setup = {
        status: "refused",
        errorClass: p.errorClass,
        errorCode: p.errorCode,
        message: `ROSCTR ${p.rosctr}, error class 0x${(p.errorClass ?? 0).toString(16)} (${ERROR_CLASSES[p.errorClass ?? 0] ?? "unknown"}) code 0x${(p.errorCode ?? 0).toString(16)}`,
      };
      facts.s7plus.indications.push("the COTP connection was accepted but the S7comm Setup communication was refused");
      return;
    }
    facts.setup = { status: "accepted", ...parseSetupAnswer(p) };
  } catch (e) {
    const err = e instanceof S7Error ? e : new S7Error("protocol", (e as Error).message);
    facts.setup = { status: err.kind === "timeout" ? "timeout" : err.kind === "closed" || err.kind === "reset" ? "closed" : "error", message: err.message };
    if (err.kind === "closed" || err.kind === "reset")
      facts.s7plus.indications.push("the COTP connection was accepted but the peer hung up on the S7comm Setup communication");
    return;
  }
  ctx.checkpoint(structuredClone(facts));
  for (const r of SZL_READS) {
    if (deadline.expired || s.broken) {
      facts.szl.push({
        id: r.id,
        index: r.index,
        status: "not_tried",
        fragments: 0,
        message: s.broken
          ? `connection unusable: ${s.broken}`
          : ctx.signal.aborted
            ? "stopped: run deadline or interrupt"
            : "the read phase's time budget is spent",
      });
      continue;
    }
    ctx.log.info({ action: "s7-read-szl", safety: CHECKS.szl.safety, endpoint: facts.url, szl: szlLabel(r.id, r.index) }, "S7 read SZL");
    const { read, list } = await readList(ctx, s, r.id, r.index, deadline);
    facts.szl.push(read);
    if (list) apply(facts, r.id, list, read);
    ctx.checkpoint(structuredClone(facts));
  }
}

/** One SZL list: the first request, then follow-ups while the CPU says more follows (bounded). */
async function readList(ctx: ProbeContext, s: S7Session, id: number, index: number, deadline: Deadline): Promise<{ read: SzlRead; list?: SzlList }> {
  const read: SzlRead = { id, index, status: "error", fragments: 0 };
  const chunks: Buffer[] = [];
  let bytes = 0;
  try {
    let frame = readSzlRequest(s.nextRef(), id, index);
    for (;;) {
      const pdu = parseS7(
        await s.exchange(frame, `SZL read ${szlLabel(id, index)}${read.fragments ? ` (fragment ${read.fragments + 1})` : ""}`, deadline.within(ctx.timeoutMs)),
      );
      const f = parseSzlFragment(pdu);
      read.fragments++;
      if (f.errorCode !== 0 || f.returnCode !== 0xff) {
        Object.assign(read, { status: "refused", returnCode: f.returnCode, ...(f.errorCode ? { errorCode: f.errorCode } : {}) });
        return { read };
      }
      chunks.push(f.payload);
      bytes += f.payload.length;
      if (!f.more) break;
      if (read.fragments >= MAX_FRAGMENTS || bytes >= MAX_LIST_BYTES) {
        read.truncated = true;
        break;
      }
      frame = readSzlNextRequest(s.nextRef(), f.sequence);
    }
    const payload = Buffer.concat(chunks).subarray(0, MAX_LIST_BYTES);
    const list = parseSzlList(payload);
    Object.assign(read, {
      status: "ok",
      returnCode: 0xff,
      recordLength: list.recordLength,
      recordsAnnounced: list.announced,
      recordsRead: list.records.length,
      hex: payload.subarray(0, 4096).toString("hex"),
    });
    return { read, list };
  } catch (e) {
    const err = e instanceof S7Error ? e : new S7Error("protocol", (e as Error).message);
    read.status = err.kind === "timeout" ? "timeout" : "error";
    read.message = err.message;
    if (chunks.length) read.hex = Buffer.concat(chunks).subarray(0, 4096).toString("hex");
    return { read };
  }
}

function apply(facts: S7Facts, id: number, list: SzlList, read: SzlRead): void {
  try {
    if (id === 0x0011) {
      const m = decodeModuleIdentification(list);
      facts.identity = {
        ...facts.identity,
        ...(m.orderNumber ? { orderNumber: m.orderNumber } : {}),
        ...(m.firmwareVersion ? { firmwareVersion: m.firmwareVersion } : {}),
        ...(m.hardwareVersion ? { hardwareVersion: m.hardwareVersion } : {}),
        ...(m.bootLoaderVersion ? { bootLoaderVersion: m.bootLoaderVersion } : {}),
      };
    } else if (id === 0x001c) {
      facts.identity = { ...facts.identity, ...decodeComponentIdentification(list).fields };
    } else if (id === 0x0232) {
      const p = decodeProtection(list);
      facts.protection = { ...p, modeSelectorName: MODE_SELECTOR[p.modeSelector] ?? `unknown (${p.modeSelector})` };
    } else if (id === 0x0424) {
      facts.cpuMode = decodeCpuMode(list);
    }
  } catch (e) {
    read.status = "error";
    read.message = `unparsed: ${(e as Error).message}`;
  }
}

/** Whole-protocol outcome: absent / unreachable / error when nothing could be audited. */
function outcome(facts: S7Facts, explicit: boolean): void {
  if (facts.cotp || facts.tsapAttempts.some((a) => a.outcome === "disconnect")) return;
  if (facts.reachability === "closed") {
    throw new ProbeFailure(explicit ? "unreachable" : "absent", `nothing listens on tcp/${facts.port}`);
  }
  if (facts.reachability === "error") {
    const code = facts.error?.code === "timeout" ? "timeout" : facts.error?.code === "aborted" ? "timeout" : "unreachable";
    throw new ProbeFailure(code, `${facts.url}: ${facts.error?.message ?? "could not connect"}`);
  }
  // TCP open, but no TSAP accepted and none refused with a COTP disconnect: not an S7 device we can audit
  const last = facts.tsapAttempts[facts.tsapAttempts.length - 1];
  if (last && facts.tsapAttempts.every((a) => a.outcome === "timeout"))
    throw new ProbeFailure("timeout", `${facts.url}: no COTP answer to ${facts.tsapAttempts.length} connection requests`);
}
