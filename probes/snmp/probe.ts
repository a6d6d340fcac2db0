// SNMP probe (UDP): network I/O only, returns facts. Loaded lazily by index.ts.
// Phase A, one bounded wait: the SNMPv3 discovery probe (RFC 3414 §4) and every candidate
// community as v1 and v2c GETs of sysDescr.0 (RFC 1157 §4.1.2, RFC 3416 §4.2.1), all on one
// connected UDP socket with distinct request ids. Phase B: the system group with a community that
// worked, and the v3 user-name check. Phase C: v3 users from the credentials file (net-snmp; MD5
// and DES in a child with the legacy OpenSSL provider). Phase D (--intrusive only): write-back SET.
import { spawn } from "node:child_process";
import dgram from "node:dgram";
import { randomBytes, randomInt } from "node:crypto";
import { isIP } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ProbeFailure } from "../../src/errors.js";
import type { CheckDecl, ProbeContext } from "../../src/plugin.js";
import { PACKAGE_ROOT } from "../../src/version.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import {
  BerParseError,
  PDU,
  SNMP_VERSION,
  decodeMessage,
  encodeCommunityMessage,
  encodeOid,
  encodePdu,
  encodeV3NoAuthMessage,
  isException,
  valueToText,
  type Pdu,
  type SnmpMessage,
} from "./ber.js";
import { decodeEngineId } from "./engine-id.js";
import type { SnmpFacts, SystemGroup, V3UserFacts } from "./facts.js";
import { loadAlgorithms, loadDefaults } from "./knowledge.js";
import { SYSTEM_GROUP, USM_STATS_NAMES, USM_UNKNOWN_USER } from "./oids.js";
import { checkV3User, needsLegacyProvider, type V3CheckRequest, type V3CheckResult, type V3UserSpec } from "./v3.js";
import { snmpCredentials } from "./declarations.js";

/** Longest single wait for answers that may never come (wrong communities are silently dropped). */
export const COMMUNITY_WAIT_CAP_MS = 800;
/** The community wait is at least this many times the agent's engine-discovery round trip. */
export const SLOW_AGENT_FACTOR = 4;
export const DEFAULT_WRITE_OID = SYSTEM_GROUP.sysLocation;

/** RFC 3416 §3 error-status names. */
const ERROR_STATUS = ["noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable", "inconsistentName"];
const errorStatusName = (n: number) => ERROR_STATUS[n] ?? `error-status ${n}`;

interface Candidate {
  label: string;
  source: "default" | "supplied";
  value: string;
}

type Waiter = (msg: SnmpMessage) => void;

/** One connected UDP socket to the agent; replies matched by request id (v1/v2c) or msgID (v3). */
class UdpExchange {
  malformed = 0;
  unmatched = 0;
  portUnreachable = false;
  private readonly waiters = new Map<string, { waiter: Waiter; check?: (m: SnmpMessage) => boolean }>();
  /** waiters whose window ended but that still count an answer (slow agents: a late answer is still an answer) */
  private readonly late = new Map<string, { waiter: Waiter; check?: (m: SnmpMessage) => boolean }>();
  private wake: (() => void) | undefined;
  private extend: ((totalMs: number) => void) | undefined;
  private nextId = randomInt(1, 0x3fffffff);

  private constructor(private readonly socket: dgram.Socket) {
    socket.on("message", (buf) => this.onMessage(buf));
    socket.on("error", (e: NodeJS.ErrnoException) => {
      // A connected UDP socket reports ICMP port unreachable as ECONNREFUSED (Linux, RFC 1122 §4.1.3.3).
      if (e.code === "ECONNREFUSED") this.portUnreachable = true;
      this.wake?.();
    });
  }

  static open(host: string, port: number, timeoutMs: number): Promise<UdpExchange> {
    const socket = dgram.createSocket(isIP(host) === 6 ? "udp6" : "udp4");
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new ProbeFailure("unreachable", `could not resolve or connect UDP socket to ${host}:${port} within ${timeoutMs} ms`));
      }, timeoutMs);
      socket.once("error", (e) => {
        clearTimeout(timer);
        try {
          socket.close();
        } catch {
          /* not open */
        }
        reject(new ProbeFailure("unreachable", `UDP socket to ${host}:${port}: ${e.message}`));
      });
      socket.connect(port, host, () => {
        clearTimeout(timer);
        socket.removeAllListeners("error");
        resolve(new UdpExchange(socket));
      });
    });
  }

  id(): number {
    this.nextId = (this.nextId % 0x7ffffffe) + 1;
    return this.nextId;
  }

  private onMessage(buf: Buffer): void {
    let msg: SnmpMessage;
    try {
      msg = decodeMessage(buf);
    } catch (e) {
      if (e instanceof BerParseError) this.malformed++;
      else this.malformed++;
      return;
    }
    const key = msg.version === SNMP_VERSION.v3 ? `m:${msg.v3!.msgId}` : `r:${msg.pdu?.requestId}`;
    const lateEntry = this.late.get(key);
    if (lateEntry && (!lateEntry.check || lateEntry.check(msg))) {
      this.late.delete(key);
      lateEntry.waiter(msg);
      return;
    }
    const entry = this.waiters.get(key);
    if (!entry || (entry.check && !entry.check(msg))) {
      this.unmatched++;
      return;
    }
    this.waiters.delete(key);
    entry.waiter(msg);
    if (this.waiters.size === 0) this.wake?.();
  }

  /** Send a datagram and register the handler for its answer. */
  send(key: string, datagram: Buffer, waiter: Waiter, check?: (m: SnmpMessage) => boolean): void {
    this.waiters.set(key, { waiter, check });
    this.socket.send(datagram, (err) => {
      if (err) this.wake?.();
    });
  }

  /**
   * Wait until every pending answer came, ms elapsed (extendable while waiting, see extendWindow),
   * the port was refused or the run aborted. With `keepLate`, unanswered waiters stay registered
   * for the rest of the exchange, so an answer that arrives after the window is still counted.
   */
  async window(ms: number, signal: AbortSignal, untilAllAnswered: boolean, keepLate = false): Promise<void> {
    if (signal.aborted) return;
    const started = Date.now();
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout;
      const finish = () => {
        clearTimeout(timer);
        signal.removeEventListener("abort", finish);
        this.wake = undefined;
        this.extend = undefined;
        resolve();
      };
      timer = setTimeout(finish, ms);
      this.extend = (totalMs: number) => {
        if (totalMs <= ms) return;
        ms = totalMs;
        clearTimeout(timer);
        timer = setTimeout(finish, Math.max(0, started + ms - Date.now()));
      };
      signal.addEventListener("abort", finish, { once: true });
      this.wake = () => {
        if (this.portUnreachable || (untilAllAnswered && this.waiters.size === 0)) finish();
      };
      this.wake();
    });
    if (keepLate) for (const [k, v] of this.waiters) this.late.set(k, v);
    this.waiters.clear();
  }

  /** Lengthen the current window to `totalMs` from its start (never shortens it). */
  extendWindow(totalMs: number): void {
    this.extend?.(totalMs);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.socket.close(() => resolve());
      } catch {
        resolve();
      }
    });
  }
}

function communityGet(version: 0 | 1, community: string, requestId: number, oids: string[]): Buffer {
  return encodeCommunityMessage(version, community, encodePdu(PDU.GET, requestId, oids.map((oid) => ({ oid }))));
}

const versionName = (v: 0 | 1) => (v === 0 ? "v1" : "v2c");

function sameCommunity(version: number, community: string) {
  return (m: SnmpMessage) => m.version === version && m.community?.toString("utf8") === community && m.pdu?.type === PDU.RESPONSE;
}

function systemFromPdu(pdu: Pdu, via: string): SystemGroup {
  const out: SystemGroup = { via };
  const byOid = new Map(Object.entries(SYSTEM_GROUP).map(([k, v]) => [v, k as keyof typeof SYSTEM_GROUP]));
  for (const vb of pdu.varbinds) {
    const field = byOid.get(vb.oid as (typeof SYSTEM_GROUP)[keyof typeof SYSTEM_GROUP]);
    if (!field || isException(vb)) continue;
    try {
      out[field] = valueToText(vb).slice(0, 1024);
    } catch {
      /* malformed value: left out */
    }
  }
  return out;
}

/** Run one user's v3 check, in a child with the legacy OpenSSL provider when MD5/DES need it. */
async function runV3Check(req: V3CheckRequest, legacy: boolean, levels: number, signal: AbortSignal): Promise<V3CheckResult> {
  if (!legacy) return checkV3User(req);
  const here = fileURLToPath(import.meta.url);
  const fromSource = here.endsWith(".ts");
  const worker = join(dirname(here), fromSource ? "v3-worker.ts" : "v3-worker.js");
  const args = ["--openssl-legacy-provider", ...(fromSource ? ["--import", "tsx"] : []), worker];
  const budget = levels * (2 * req.timeoutMs + 100) + 5000; // child start-up included
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.NODE_OPTIONS; // vitest's or the user's loaders must not leak into the worker
    const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), budget);
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort, { once: true });
    child.on("exit", () => signal.removeEventListener("abort", onAbort));
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => {
      clearTimeout(timer);
      resolve({ attempts: [], error: `legacy-provider worker could not start: ${e.message}` });
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out) as V3CheckResult);
      } catch {
        const why = sig ? `killed (${sig}) after ${budget} ms` : `exit code ${code}`;
        resolve({ attempts: [], error: `legacy-provider worker failed (${why}): ${err.trim().split("\n").slice(-1)[0] ?? ""}`.slice(0, 300) });
      }
    });
    child.stdin.end(JSON.stringify(req));
  });
}

export async function probeSnmp(ctx: ProbeContext, checks: Record<"engine" | "communities" | "system" | "userNames" | "v3Users" | "write", CheckDecl>): Promise<SnmpFacts> {
  const ep: ServiceEndpoint = ctx.endpoints[0]!;
  if (ctx.endpoints.length > 1) ctx.log.info({ endpoints: ctx.endpoints.map((e) => e.url) }, "several SNMP endpoints: probing the first");
  const defaults = loadDefaults();
  const algorithms = loadAlgorithms();
  const t = ctx.timeoutMs;
  const communityWait = Math.min(t, COMMUNITY_WAIT_CAP_MS);

  // Candidates: well-known defaults by value, supplied communities labelled only by position.
  const candidates: Candidate[] = defaults.communities.map((c) => ({ label: c.community, source: "default" as const, value: c.community }));
  let suppliedIndex = 0;
  for (const c of snmpCredentials(ctx.credentials)) {
    if (c.protocol !== "snmp" || !c.community) continue;
    suppliedIndex++;
    if (candidates.some((k) => k.value === c.community)) continue;
    candidates.push({ label: `supplied #${suppliedIndex}`, source: "supplied", value: c.community });
  }

  if (ctx.intrusive) {
    const writeOid = ctx.options["snmp.writeOid"] ?? DEFAULT_WRITE_OID;
    try {
      encodeOid(writeOid);
    } catch {
      throw new ProbeFailure("internal", `snmp.writeOid: not a numeric OID: ${writeOid}`);
    }
  }
  const ex = await UdpExchange.open(ep.host, ep.port, t);
  const facts: SnmpFacts = {
    endpoint: ep.url,
    engine: { answered: false },
    communities: { ran: false, candidates: candidates.length, waitMs: communityWait, results: [] },
    v3Users: [],
    userNames: { ran: false, unknownNameReport: false, names: [] },
    wire: { malformedDatagrams: 0, unmatchedResponses: 0, portUnreachable: false },
  };
  try {
    // ---- Phase A: discovery + all community candidates, one bounded wait.
    ctx.assertAllowed(checks.engine);
    ctx.assertAllowed(checks.communities);
    ctx.log.info({ action: "snmp.v3.discovery", safety: checks.engine.safety, endpoint: ep.url }, "SNMPv3 engine discovery (RFC 3414 §4)");
    ctx.log.info({ action: "snmp.community.get", safety: checks.communities.safety, endpoint: ep.url, candidates: candidates.map((c) => c.label) }, `GET sysDescr.0 with ${candidates.length} candidate communities (v1 and v2c), one ${communityWait} ms wait`);
    let discovery: SnmpMessage | undefined;
    const discoveryMsgId = ex.id();
    const phaseStart = Date.now();
    let phaseDone = false; // set when the community wait ends; later answers are marked late
    ex.send(
      `m:${discoveryMsgId}`,
      encodeV3NoAuthMessage({ msgId: discoveryMsgId, engineId: Buffer.alloc(0), engineBoots: 0, engineTime: 0, userName: "", pdu: encodePdu(PDU.GET, ex.id(), []) }),
      (m) => {
        discovery = m;
        // a slow agent (e.g. an RTU on a cellular link) answers communities slowly too: wait at
        // least SLOW_AGENT_FACTOR x its discovery round trip, up to the operation timeout
        ex.extendWindow(Math.min(t, SLOW_AGENT_FACTOR * (Date.now() - phaseStart)));
      },
    );
    const accepted: { c: Candidate; version: 0 | 1 }[] = [];
    for (const c of candidates) {
      for (const version of [0, 1] as const) {
        const rid = ex.id();
        facts.communities.results.push({ label: c.label, source: c.source, version: versionName(version), accepted: false });
        const result = facts.communities.results[facts.communities.results.length - 1]!;
        ex.send(`r:${rid}`, communityGet(version, c.value, rid, [SYSTEM_GROUP.sysDescr]), () => {
          result.accepted = true;
          if (phaseDone) result.lateMs = Date.now() - phaseStart; // answered after the wait: still accepted
          else accepted.push({ c, version });
        }, sameCommunity(version, c.value));
      }
    }
    await ex.window(communityWait, ctx.signal, true, true);
    phaseDone = true;
    facts.communities.waitMs = Math.min(t, Math.max(communityWait, Date.now() - phaseStart));
    facts.communities.ran = !ctx.signal.aborted && !ex.portUnreachable;
    if (ctx.signal.aborted) facts.communities.error = "aborted before the wait ended";

    if (discovery?.v3) {
      const h = discovery.v3;
      const decoded = decodeEngineId(h.engineId);
      const reportOid = discovery.pdu?.varbinds[0]?.oid;
      facts.engine = {
        answered: true,
        engineId: decoded.hex,
        scheme: decoded.scheme,
        boots: h.engineBoots,
        timeSeconds: h.engineTime,
        ...(decoded.enterprise !== undefined ? { enterprise: decoded.enterprise } : {}),
        ...(decoded.enterprise !== undefined && algorithms.enterprises[String(decoded.enterprise)] ? { enterpriseName: algorithms.enterprises[String(decoded.enterprise)] } : {}),
        ...(decoded.format ? { format: decoded.format } : {}),
        ...(decoded.formatCode !== undefined ? { formatCode: decoded.formatCode } : {}),
        ...(decoded.data !== undefined ? { data: decoded.data } : {}),
        ...(reportOid ? { reportOid: USM_STATS_NAMES[reportOid] ?? reportOid } : {}),
      };
      if (h.engineId.length === 0) facts.engine.error = "the agent answered discovery without an engine ID";
    } else {
      facts.engine.error = ex.portUnreachable ? "ICMP port unreachable" : `no answer to discovery within ${communityWait} ms`;
    }

    const anyAnswer = facts.engine.answered || accepted.length > 0;
    if (!anyAnswer) {
      const where = `${ep.url}`;
      if (ex.portUnreachable) throw new ProbeFailure(ep.explicit ? "unreachable" : "absent", `${where}: ICMP port unreachable (no SNMP agent on this port)`);
      if (ctx.signal.aborted) throw new ProbeFailure("aborted", `${where}: aborted before any answer`);
      if (ex.malformed > 0 || ex.unmatched > 0) {
        throw new ProbeFailure("protocol", `${where}: no valid SNMP answer (${ex.malformed} malformed datagrams, ${ex.unmatched} responses with unknown request ids or communities)`);
      }
      if (!ep.explicit) throw new ProbeFailure("absent", `${where}: no answer to SNMPv3 discovery or ${candidates.length} communities within ${communityWait} ms`);
      throw new ProbeFailure("timeout", `${where}: no answer within ${communityWait} ms to SNMPv3 discovery or any of ${candidates.length} candidate communities (v1/v2c with an unknown community cannot be ruled out)`);
    }

    // ---- Phase B: system group with a working community, and the v3 user-name check, together.
    const best = accepted.find((a) => a.version === 1) ?? accepted[0];
    let systemPdu: { pdu: Pdu; via: string } | undefined;
    if (best) {
      ctx.assertAllowed(checks.system);
      const via = `${versionName(best.version)} community ${best.c.label}`;
      ctx.log.info({ action: "snmp.system.get", safety: checks.system.safety, endpoint: ep.url, via }, "GET system group");
      const rid = ex.id();
      ex.send(`r:${rid}`, communityGet(best.version, best.c.value, rid, Object.values(SYSTEM_GROUP)), (m) => (systemPdu = { pdu: m.pdu!, via }), sameCommunity(best.version, best.c.value));
    }
    const engine = discovery?.v3;
    const nameProbes: { name: string; source: "default" | "supplied"; random: boolean; answer?: SnmpMessage }[] = [];
    if (engine && engine.engineId.length > 0) {
      ctx.assertAllowed(checks.userNames);
      const supplied = [...new Set(snmpCredentials(ctx.credentials).flatMap((c) => (c.protocol === "snmp" && c.username ? [c.username] : [])))];
      nameProbes.push({ name: `otaudit-${randomBytes(6).toString("hex")}`, source: "default", random: true });
      for (const n of supplied) nameProbes.push({ name: n, source: "supplied", random: false });
      for (const d of defaults.v3UserNames) if (!supplied.includes(d.name)) nameProbes.push({ name: d.name, source: "default", random: false });
      ctx.log.info({ action: "snmp.v3.usernames", safety: checks.userNames.safety, endpoint: ep.url, names: nameProbes.filter((n) => !n.random).map((n) => n.name) }, "noAuthNoPriv GET per user name (no keys) to see whether reports reveal valid names");
      for (const probe of nameProbes) {
        const msgId = ex.id();
        const pdu = encodePdu(PDU.GET, ex.id(), [{ oid: SYSTEM_GROUP.sysDescr }]);
        ex.send(`m:${msgId}`, encodeV3NoAuthMessage({ msgId, engineId: engine.engineId, engineBoots: engine.engineBoots, engineTime: engine.engineTime, userName: probe.name, pdu }), (m) => (probe.answer = m));
      }
    }
    if (best || nameProbes.length) await ex.window(t, ctx.signal, true);
    if (best) {
      if (systemPdu) facts.system = systemFromPdu(systemPdu.pdu, systemPdu.via);
      if (systemPdu && systemPdu.pdu.errorStatus !== 0) facts.systemError = `agent answered ${errorStatusName(systemPdu.pdu.errorStatus)}`;
      if (!systemPdu) facts.systemError = `no answer to the system-group GET within ${t} ms`;
    }
    if (nameProbes.length) {
      facts.userNames.ran = !ctx.signal.aborted;
      const classify = (m: SnmpMessage | undefined) => {
        if (!m) return { answer: "no-answer" as const };
        const oid = m.pdu?.varbinds[0]?.oid;
        if (m.pdu?.type === PDU.REPORT) return oid === USM_UNKNOWN_USER ? { answer: "unknown-user" as const } : { answer: "other-report" as const, detail: USM_STATS_NAMES[oid ?? ""] ?? oid ?? "report" };
        if (m.v3?.encrypted) return { answer: "other-report" as const, detail: "encrypted answer" };
        return { answer: "response" as const, detail: m.pdu && m.pdu.errorStatus !== 0 ? errorStatusName(m.pdu.errorStatus) : "data returned without authentication" };
      };
      const random = nameProbes.find((n) => n.random)!;
      facts.userNames.unknownNameReport = classify(random.answer).answer === "unknown-user";
      for (const n of nameProbes.filter((p) => !p.random)) facts.userNames.names.push({ name: n.name, source: n.source, ...classify(n.answer) });
      if (!random.answer) facts.userNames.error = `no answer for a random user name within ${t} ms`;
    } else {
      facts.userNames.error = facts.engine.answered ? "engine ID missing: names not checked" : "SNMPv3 did not answer discovery";
    }

    // ---- Phase C: v3 users from the credentials file, one at a time.
    for (const c of snmpCredentials(ctx.credentials)) {
      if (c.protocol !== "snmp" || !c.username || ctx.signal.aborted) continue;
      ctx.assertAllowed(checks.v3Users);
      const user: V3UserSpec = { name: c.username, authProtocol: c.authProtocol, authKey: c.authKey, privProtocol: c.privProtocol, privKey: c.privKey };
      const legacy = needsLegacyProvider(user);
      ctx.log.info({ action: "snmp.v3.levels", safety: checks.v3Users.safety, endpoint: ep.url, user: c.username, auth: c.authProtocol, priv: c.privProtocol, legacyProvider: legacy }, "SNMPv3 security levels for a supplied user");
      const levels = 1 + (user.authKey ? 1 : 0) + (user.privKey ? 1 : 0);
      const r: V3CheckResult = facts.engine.answered
        ? await runV3Check({ host: ep.host, port: ep.port, family: isIP(ep.host) === 6 ? 6 : 4, user, timeoutMs: t }, legacy, levels, ctx.signal)
        : { attempts: [], error: "SNMPv3 engine did not answer discovery: user not checked" };
      const uf: V3UserFacts = { user: c.username, legacyProvider: legacy, attempts: r.attempts, ...(c.authProtocol ? { authProtocol: c.authProtocol } : {}), ...(c.privProtocol ? { privProtocol: c.privProtocol } : {}) };
      if (r.error) uf.error = r.error;
      else if (r.attempts.every((a) => a.outcome === "error")) uf.error = r.attempts[0]?.reason ?? "no attempt could run";
      facts.v3Users.push(uf);
      if (r.system && !facts.system) facts.system = { via: `v3 user ${c.username} (${r.systemLevel})`, ...r.system };
    }
    if (facts.system) delete facts.systemError;

    // ---- Phase D (intrusive): write back the value just read, to the operator-named OID only.
    if (ctx.intrusive && !ctx.signal.aborted) {
      ctx.assertAllowed(checks.write);
      const oid = ctx.options["snmp.writeOid"] ?? DEFAULT_WRITE_OID;
      facts.writeTests = [];

      const seen = new Set<string>();
      const ordered = [...accepted].sort((a, b) => b.version - a.version);
      for (const a of ordered) {
        if (seen.has(a.c.label)) continue;
        seen.add(a.c.label);
        const test = { label: a.c.label, source: a.c.source, version: versionName(a.version), oid } as NonNullable<SnmpFacts["writeTests"]>[number];
        facts.writeTests.push(test);
        if (ctx.signal.aborted) {
          // an accepted community left untested is "not determined", never silently missing
          test.outcome = "not-tested";
          test.detail = "not tried: run aborted";
          continue;
        }
        ctx.log.info({ action: "snmp.write.get", safety: checks.write.safety, endpoint: ep.url, community: a.c.label, oid }, "GET of the write-test OID before writing it back");
        const readId = ex.id();
        let read: SnmpMessage | undefined;
        ex.send(`r:${readId}`, communityGet(a.version, a.c.value, readId, [oid]), (m) => (read = m), sameCommunity(a.version, a.c.value));
        await ex.window(t, ctx.signal, true);
        const vb = read?.pdu?.varbinds[0];
        if (!read) {
          test.outcome = "no-answer";
          test.detail = `no answer to the GET of ${oid} within ${t} ms`;
          continue;
        }
        if (read.pdu!.errorStatus !== 0 || !vb || isException(vb) || vb.oid !== oid) {
          test.outcome = "not-tested";
          test.detail = `could not read ${oid} first (${read.pdu!.errorStatus ? errorStatusName(read.pdu!.errorStatus) : "no such object"}): nothing written`;
          continue;
        }
        ctx.log.info({ action: "snmp.write.set", safety: checks.write.safety, endpoint: ep.url, community: a.c.label, oid }, "SET writing back the value just read (RFC 3416 §4.2.5)");
        const setId = ex.id();
        let set: SnmpMessage | undefined;
        ex.send(`r:${setId}`, encodeCommunityMessage(a.version, a.c.value, encodePdu(PDU.SET, setId, [{ oid, raw: vb.raw }])), (m) => (set = m), sameCommunity(a.version, a.c.value));
        await ex.window(t, ctx.signal, true);
        if (!set) {
          test.outcome = "no-answer";
          test.detail = `no answer to the SET within ${t} ms (a read-only community is often dropped silently)`;
        } else if (set.pdu!.errorStatus === 0) {
          test.outcome = "writable";
          test.detail = `SET of ${oid} (same value written back) succeeded`;
        } else {
          test.outcome = "refused";
          test.detail = `SET refused: ${errorStatusName(set.pdu!.errorStatus)}`;
        }
      }
    }
  } finally {
    facts.wire = { malformedDatagrams: ex.malformed, unmatchedResponses: ex.unmatched, portUnreachable: ex.portUnreachable };
    await ex.close();
  }
  return facts;
}
