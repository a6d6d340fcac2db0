// SNMPv3 credentialed checks with net-snmp (RFC 3414 USM): for one user, which security levels
// the agent accepts, strongest first, and the system group read with the first level that works.
// Runs in-process, or in a child started with --openssl-legacy-provider (v3-worker.ts) when the
// user's algorithms (MD5, DES) need Node's legacy OpenSSL provider.
import snmp, { type V3User } from "net-snmp";
import type { LevelAttempt, SecurityLevel } from "./facts.js";
import { SYSTEM_GROUP } from "./oids.js";

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

/** credentials-file names -> net-snmp constants (aes192 has no net-snmp implementation). */
const PRIV_MAP: Record<string, string | undefined> = { des: "des", aes: "aes", aes256: "aes256b" };

export function needsLegacyProvider(user: V3UserSpec): boolean {
  return user.authProtocol === "md5" || user.privProtocol === "des";
}

function levelsToTry(user: V3UserSpec): SecurityLevel[] {
  const levels: SecurityLevel[] = [];
  if (user.authProtocol && user.authKey && user.privProtocol && user.privKey) levels.push("authPriv");
  if (user.authProtocol && user.authKey) levels.push("authNoPriv");
  levels.push("noAuthNoPriv");
  return levels;
}

function valueText(v: unknown): string {
  if (Buffer.isBuffer(v)) {
    const s = v.toString("utf8");
    return /^[\x09\x0a\x0d\x20-\x7e]*$/.test(s) ? s : `0x${v.toString("hex")}`;
  }
  return String(v);
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

function tryLevel(req: V3CheckRequest, level: SecurityLevel): Promise<{ attempt: LevelAttempt; system?: Record<string, string> }> {
  const u = req.user;
  const user: V3User = { name: u.name, level: snmp.SecurityLevel[level] };
  if (level !== "noAuthNoPriv") Object.assign(user, { authProtocol: snmp.AuthProtocols[u.authProtocol!], authKey: u.authKey });
  if (level === "authPriv") Object.assign(user, { privProtocol: snmp.PrivProtocols[PRIV_MAP[u.privProtocol!]!], privKey: u.privKey });
  return new Promise((resolve) => {
    let session: ReturnType<typeof snmp.createV3Session> | undefined;
    let settled = false;
    const done = (attempt: LevelAttempt, system?: Record<string, string>) => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      try {
        session?.close();
      } catch {
        /* already closed */
      }
      resolve({ attempt, system });
    };
    // net-snmp does discovery then the request, each with `timeout`: cap the pair ourselves.
    const guard = setTimeout(() => done({ level, outcome: "no-answer", reason: `no answer within ${2 * req.timeoutMs} ms` }), 2 * req.timeoutMs + 50);
    try {
      session = snmp.createV3Session(req.host, user, { port: req.port, retries: 0, timeout: req.timeoutMs, transport: req.family === 6 ? "udp6" : "udp4" });
      session.on("error", (e: Error) => done({ level, outcome: "error", reason: netSnmpReason(e) }));
      session.get(Object.values(SYSTEM_GROUP), (error, varbinds) => {
        if (error) {
          const name = error.name;
          if (name === "RequestTimedOutError") return done({ level, outcome: "no-answer", reason: "request timed out" });
          if (name === "ResponseInvalidError" || name === "RequestFailedError") return done({ level, outcome: "rejected", reason: netSnmpReason(error) });
          return done({ level, outcome: "error", reason: netSnmpReason(error) });
        }
        const system: Record<string, string> = {};
        const names = Object.keys(SYSTEM_GROUP);
        (varbinds ?? []).forEach((vb, i) => {
          if (!snmp.isVarbindError(vb) && names[i]) system[names[i]!] = valueText(vb.value);
        });
        if (Object.keys(system).length === 0) return done({ level, outcome: "rejected", reason: "answered without any system-group value (not in view)" });
        done({ level, outcome: "accepted" }, system);
      });
    } catch (e) {
      done({ level, outcome: "error", reason: netSnmpReason(e as Error) });
    }
  });
}

/** Try each level the supplied credentials allow, one request at a time (one polite session). */
export async function checkV3User(req: V3CheckRequest): Promise<V3CheckResult> {
  const result: V3CheckResult = { attempts: [] };
  if (req.user.privProtocol && !PRIV_MAP[req.user.privProtocol]) {
    return { attempts: [], error: `privacy protocol ${req.user.privProtocol} is not supported by this tool (net-snmp): user not checked` };
  }
  for (const level of levelsToTry(req.user)) {
    const { attempt, system } = await tryLevel(req, level);
    result.attempts.push(attempt);
    if (system && !result.system) {
      result.system = system;
      result.systemLevel = level;
    }
  }
  return result;
}
