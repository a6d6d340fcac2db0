// SNMPv3 credentialed checks with net-snmp (RFC 3414 USM) for one user: which security levels the
// agent accepts (each tried, strongest first) and, with the best accepted level, GET/GETNEXT reads
// for reads.ts. Runs in-process, or in a child started with --openssl-legacy-provider
// (v3-worker.ts, driven by v3-child.ts) when the user's algorithms (MD5, DES) need Node's legacy
// OpenSSL provider. Window contract: net-snmp does discovery then the request, each with the
// operation timeout and no retries; every call is capped here at 2 x timeout.
import snmp, { type Session, type V3User, type Varbind as NetSnmpVarbind } from "net-snmp";
import { octetsToText } from "./ber.js";
import type { LevelAttempt, SecurityLevel } from "./facts.js";
import { SYSTEM_GROUP } from "./oids.js";
import type { ReadAnswer, ReadVarbind } from "./reads.js";

export interface V3UserSpec {
  name: string;
  authProtocol?: string;
  authKey?: string;
  privProtocol?: string;
  privKey?: string;
}

export interface V3CheckRequest {
  host: string;
  port: number;
  family: 4 | 6;
  user: V3UserSpec;
  timeoutMs: number;
}

export interface V3CheckResult {
  attempts: LevelAttempt[];
  system?: Record<string, string>;
  systemLevel?: SecurityLevel;
  error?: string;
}

/** What the probe asks of a v3 user: the level check, then reads at the best accepted level. */
export interface V3Service {
  checkLevels(): Promise<V3CheckResult>;
  read(op: "get" | "getNext", level: SecurityLevel, oids: string[]): Promise<ReadAnswer>;
  close(): Promise<void>;
}

/** credentials-file names -> net-snmp constants (aes192 has no net-snmp implementation). */
const PRIV_MAP: Record<string, string | undefined> = { des: "des", aes: "aes", aes256: "aes256b" };

export function needsLegacyProvider(user: V3UserSpec): boolean {
  return user.authProtocol === "md5" || user.privProtocol === "des";
}

export function levelsToTry(user: V3UserSpec): SecurityLevel[] {
  const levels: SecurityLevel[] = [];
  if (user.authProtocol && user.authKey && user.privProtocol && user.privKey) levels.push("authPriv");
  if (user.authProtocol && user.authKey) levels.push("authNoPriv");
  levels.push("noAuthNoPriv");
  return levels;
}

/** Device text from net-snmp values: safe text verbatim, else hex (ber.ts octetsToText). */
function valueText(v: unknown): string {
  if (Buffer.isBuffer(v)) return octetsToText(v);
  return String(v).slice(0, 1024);
}

/**
 * net-snmp's error text, fit for the facts: its digest-mismatch message carries the HMAC it
 * computed with the user's key (key-derived material, RFC 3414 §6.3.2), so that one is replaced by
 * a fixed sentence, and any other long hex run is elided.
 */
export function netSnmpReason(e: Error): string {
  if (/^Authentication digest /i.test(e.message)) return "the response's authentication digest does not match ours (wrong authKey, or an altered response)";
  return e.message.replace(/[0-9a-f]{16,}/gi, "<hex>").slice(0, 200);
}

/** net-snmp varbind -> JSON-safe ReadVarbind (its ObjectType numbers are the BER tags). */
export function fromNetSnmp(vb: NetSnmpVarbind): ReadVarbind {
  const out: ReadVarbind = { oid: vb.oid, tag: vb.type ?? 0 };
  if (snmp.isVarbindError(vb)) return out;
  const v = vb.value;
  if (Buffer.isBuffer(v)) {
    if (vb.type === 0x46)
      out.num = v.length ? BigInt(`0x${v.toString("hex")}`).toString() : "0"; // Counter64 as octets
    else out.hex = v.subarray(0, 1024).toString("hex");
  } else if (typeof v === "number" || typeof v === "bigint") out.num = String(v);
  else if (typeof v === "string" && vb.type === 0x06) out.oidValue = v;
  else if (typeof v === "string" && vb.type === 0x40) out.hex = Buffer.from(v.split(".").map(Number)).toString("hex");
  return out;
}

function userAt(u: V3UserSpec, level: SecurityLevel): V3User {
  const user: V3User = { name: u.name, level: snmp.SecurityLevel[level] };
  if (level !== "noAuthNoPriv") Object.assign(user, { authProtocol: snmp.AuthProtocols[u.authProtocol!], authKey: u.authKey });
  if (level === "authPriv") Object.assign(user, { privProtocol: snmp.PrivProtocols[PRIV_MAP[u.privProtocol!]!], privKey: u.privKey });
  return user;
}

type Outcome =
  | { error: Error; varbinds?: undefined }
  | { error?: undefined; varbinds: NetSnmpVarbind[] }
  | { timeout: true; error?: undefined; varbinds?: undefined };

/** One request on a session, capped at 2 x timeout (discovery + request). */
function call(session: Session, op: "get" | "getNext", oids: string[], timeoutMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      session.removeListener("error", onError);
      resolve(o);
    };
    const onError = (e: Error) => done({ error: e });
    const guard = setTimeout(() => done({ timeout: true }), 2 * timeoutMs + 50);
    session.on("error", onError);
    try {
      session[op](oids, (error, varbinds) => (error ? done({ error }) : done({ varbinds: varbinds ?? [] })));
    } catch (e) {
      done({ error: e as Error });
    }
  });
}

/** How a level attempt ended, from net-snmp's outcome (see LevelAttempt.outcome). */
function classify(level: SecurityLevel, o: Outcome): LevelAttempt {
  if ("timeout" in o) return { level, outcome: "no-answer", reason: "no answer within 2 x timeout (discovery and request)" };
  if (o.error) {
    const e = o.error as Error & { code?: number; status?: number };
    if (e.name === "RequestTimedOutError") return { level, outcome: "no-answer", reason: "request timed out" };
    // an (authenticated, above noAuthNoPriv) Response with an error status: USM accepted the credential
    if (e.name === "RequestFailedError") return { level, outcome: "denied", reason: netSnmpReason(e) };
    // a USM Report (usmStats*, RFC 3414 §3.2): net-snmp's EAuthFailure
    if (e.name === "ResponseInvalidError" && e.code === 5) return { level, outcome: "rejected", reason: netSnmpReason(e) };
    return { level, outcome: "error", reason: netSnmpReason(e) };
  }
  const values = o.varbinds!;
  if (values.length > 0 && values.every((vb) => snmp.isVarbindError(vb)))
    return {
      level,
      outcome: "accepted",
      emptyView: true,
      reason: "a Response whose values are all exceptions (noSuchObject/noSuchInstance): authenticated, nothing in view",
    };
  return { level, outcome: "accepted" };
}

/** The in-process service (also what the legacy-provider child runs). */
export class NetSnmpV3Service implements V3Service {
  private readonly sessions = new Map<SecurityLevel, Session>();

  constructor(private readonly req: V3CheckRequest) {}

  private session(level: SecurityLevel): Session {
    let s = this.sessions.get(level);
    if (!s) {
      s = snmp.createV3Session(this.req.host, userAt(this.req.user, level), {
        port: this.req.port,
        retries: 0,
        timeout: this.req.timeoutMs,
        transport: this.req.family === 6 ? "udp6" : "udp4",
      });
      s.on("error", () => undefined); // socket errors surface through call()
      this.sessions.set(level, s);
    }
    return s;
  }

  private drop(level: SecurityLevel): void {
    const s = this.sessions.get(level);
    this.sessions.delete(level);
    try {
      s?.close();
    } catch {
      /* already closed */
    }
  }

  async checkLevels(): Promise<V3CheckResult> {
    if (this.req.user.privProtocol && !PRIV_MAP[this.req.user.privProtocol]) {
      return { attempts: [], error: `privacy protocol ${this.req.user.privProtocol} is not supported by this tool (net-snmp): user not checked` };
    }
    const result: V3CheckResult = { attempts: [] };
    const names = Object.keys(SYSTEM_GROUP);
    for (const level of levelsToTry(this.req.user)) {
      let o: Outcome;
      try {
        o = await call(this.session(level), "get", Object.values(SYSTEM_GROUP), this.req.timeoutMs);
      } catch (e) {
        o = { error: e as Error };
      }
      const attempt = classify(level, o);
      result.attempts.push(attempt);
      if (attempt.outcome !== "accepted") this.drop(level); // keep sessions only for levels that read
      if (attempt.outcome === "accepted" && !attempt.emptyView && !result.system && o.varbinds) {
        const system: Record<string, string> = {};
        o.varbinds.forEach((vb, i) => {
          if (!snmp.isVarbindError(vb) && names[i]) system[names[i]!] = valueText(vb.value);
        });
        result.system = system;
        result.systemLevel = level;
      }
    }
    return result;
  }

  async read(op: "get" | "getNext", level: SecurityLevel, oids: string[]): Promise<ReadAnswer> {
    const o = await call(this.session(level), op, oids, this.req.timeoutMs);
    if ("timeout" in o) return { ok: false, why: "no-answer", detail: `no answer within ${2 * this.req.timeoutMs} ms` };
    if (o.error) {
      if (o.error.name === "RequestTimedOutError") return { ok: false, why: "no-answer", detail: "request timed out" };
      if (o.error.name === "RequestFailedError") return { ok: false, why: "error-status", detail: netSnmpReason(o.error) };
      return { ok: false, why: "error", detail: netSnmpReason(o.error) };
    }
    return { ok: true, varbinds: o.varbinds!.slice(0, 256).map(fromNetSnmp) };
  }

  async close(): Promise<void> {
    for (const level of [...this.sessions.keys()]) this.drop(level);
  }
}
