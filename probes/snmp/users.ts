// Phase "v3 users": (1) user names without keys: one noAuthNoPriv GET per name, whose Report tells
// an unknown name (usmStatsUnknownUserNames, RFC 3414 §3.2 step 3) from a known one that needs
// authentication (usmStatsUnsupportedSecLevels, step 4) or is answered; (2) each credentials-file
// user's security levels through net-snmp (v3.ts; MD5/DES in the legacy-provider child).
// Window contract: the name probes go out as soon as discovery answered, inside the first wait;
// each level attempt is capped at 2 x timeout (v3.ts), a child command by its own budget.
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import type { ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { PDU, encodePdu, encodeV3NoAuthMessage, isException, type SnmpMessage, type V3Header } from "./ber.js";
import type { SnmpChecks } from "./checks.js";
import { errorStatusName } from "./community-reader.js";
import type { SnmpFacts, V3UserFacts } from "./facts.js";
import { loadV3UserNames } from "./knowledge.js";
import { SYSTEM_GROUP, USM_STATS_NAMES, USM_UNKNOWN_USER } from "./oids.js";
import type { Reader } from "./reads.js";
import type { LevelAttempt, SecurityLevel } from "./facts.js";
import type { V3Service, V3UserSpec } from "./v3.js";
import { snmpCredentials } from "./declarations.js";

export interface NameProbe {
  name: string;
  source: "default" | "supplied";
  random: boolean;
  answer?: SnmpMessage;
}

/** A random (surely unknown) name first, then supplied names, then the RFC 3414 default names. */
export function planNames(ctx: ProbeContext): NameProbe[] {
  const supplied = [...new Set(snmpCredentials(ctx.credentials).flatMap((c) => (c.protocol === "snmp" && c.username ? [c.username] : [])))];
  const probes: NameProbe[] = [{ name: `otaudit-${randomBytes(6).toString("hex")}`, source: "default", random: true }];
  for (const n of supplied) probes.push({ name: n, source: "supplied", random: false });
  for (const d of loadV3UserNames().v3UserNames) if (!supplied.includes(d.name)) probes.push({ name: d.name, source: "default", random: false });
  return probes;
}

export function sendNameProbes(
  ex: { id(): number; send(key: string, d: Buffer, h: (m: SnmpMessage) => void, check?: (m: SnmpMessage) => boolean): void },
  engine: V3Header,
  probes: NameProbe[],
): void {
  for (const probe of probes) {
    const msgId = ex.id();
    const pdu = encodePdu(PDU.GET, ex.id(), [{ oid: SYSTEM_GROUP.sysDescr }]);
    ex.send(
      `m:${msgId}`,
      encodeV3NoAuthMessage({ msgId, engineId: engine.engineId, engineBoots: engine.engineBoots, engineTime: engine.engineTime, userName: probe.name, pdu }),
      (m) => (probe.answer = m),
      (m) => !!m.v3,
    );
  }
}

type NameAnswer = Pick<SnmpFacts["userNames"]["names"][number], "answer" | "detail" | "dataReturned">;

export function classifyName(m: SnmpMessage | undefined): NameAnswer {
  if (!m) return { answer: "no-answer" };
  if (m.v3?.encrypted) return { answer: "other-report", detail: "encrypted answer" };
  const pdu = m.pdu;
  const oid = pdu?.varbinds[0]?.oid;
  if (pdu?.type === PDU.REPORT)
    return oid === USM_UNKNOWN_USER
      ? { answer: "unknown-user" }
      : { answer: "other-report", detail: USM_STATS_NAMES[oid ?? ""] ?? oid ?? "report without varbind" };
  if (!pdu || pdu.type !== PDU.RESPONSE) return { answer: "other-report", detail: `PDU type 0x${(pdu?.type ?? 0).toString(16)}` };
  if (pdu.errorStatus !== 0) return { answer: "response", detail: errorStatusName(pdu.errorStatus) };
  if (pdu.varbinds.length === 0 || pdu.varbinds.every(isException)) return { answer: "response", detail: "a Response without values (nothing in view)" };
  return { answer: "response", dataReturned: true, detail: "data returned without authentication" };
}

export function userNameFacts(probes: NameProbe[], ran: boolean, timeoutMs: number): SnmpFacts["userNames"] {
  const random = probes.find((p) => p.random)!;
  const r = classifyName(random.answer);
  const facts: SnmpFacts["userNames"] = { ran, unknownNameReport: r.answer === "unknown-user", names: [] };
  if (r.answer !== "unknown-user") facts.randomAnswer = r.answer === "no-answer" ? "no answer" : `${r.answer}${r.detail ? `: ${r.detail}` : ""}`;
  for (const p of probes.filter((x) => !x.random)) facts.names.push({ name: p.name, source: p.source, ...classifyName(p.answer) });
  if (!random.answer) facts.error = `no answer for a random user name within ${timeoutMs} ms`;
  return facts;
}

export interface V3Outcome {
  /** a reader at the best level of the first user that read values */
  reader?: Reader;
  services: V3Service[];
}

/** The strongest accepted level that returned values (for reads), if any. */
export function readableLevel(attempts: LevelAttempt[]): SecurityLevel | undefined {
  return (["authPriv", "authNoPriv", "noAuthNoPriv"] as const).find((l) => attempts.some((a) => a.level === l && a.outcome === "accepted" && !a.emptyView));
}

/**
 * Level checks for each credentials-file user, one after another; services stay open for reads.
 * net-snmp (v3.ts) is loaded only when there is a user to check.
 */
export async function checkV3Users(ctx: ProbeContext, ep: ServiceEndpoint, facts: SnmpFacts, checks: SnmpChecks): Promise<V3Outcome> {
  const out: V3Outcome = { services: [] };
  for (const c of snmpCredentials(ctx.credentials)) {
    if (c.protocol !== "snmp" || !c.username || ctx.signal.aborted) continue;
    ctx.assertAllowed(checks.v3Users);
    const user: V3UserSpec = { name: c.username, authProtocol: c.authProtocol, authKey: c.authKey, privProtocol: c.privProtocol, privKey: c.privKey };
    const base = { user: c.username, ...(c.authProtocol ? { authProtocol: c.authProtocol } : {}), ...(c.privProtocol ? { privProtocol: c.privProtocol } : {}) };
    if (!facts.engine.answered) {
      facts.v3Users.push({ ...base, legacyProvider: false, attempts: [], error: "SNMPv3 engine did not answer discovery: user not checked" });
      continue;
    }
    const { openV3Service } = await import("./v3-child.js");
    const { service, legacy } = openV3Service(
      { host: ep.host, port: ep.port, family: isIP(ep.host) === 6 ? 6 : 4, user, timeoutMs: ctx.timeoutMs },
      ctx.signal,
    );
    out.services.push(service);
    ctx.log.info(
      {
        action: "snmp.v3.levels",
        safety: checks.v3Users.safety,
        endpoint: ep.url,
        user: c.username,
        auth: c.authProtocol,
        priv: c.privProtocol,
        legacyProvider: legacy,
      },
      "SNMPv3 security levels for a supplied user",
    );
    const r = await service.checkLevels();
    const uf: V3UserFacts = { ...base, legacyProvider: legacy, attempts: r.attempts };
    if (r.error) uf.error = r.error;
    else if (r.attempts.length && r.attempts.every((a) => a.outcome === "error")) uf.error = r.attempts[0]?.reason ?? "no attempt could run";
    facts.v3Users.push(uf);
    if (r.system && !facts.system) facts.system = { via: `v3 user ${c.username} (${r.systemLevel})`, ...r.system };
    const level = readableLevel(r.attempts);
    if (level && !out.reader) {
      out.reader = {
        via: `v3 user ${c.username} (${level})`,
        version: "v3",
        get: (oids) => service.read("get", level, oids),
        getNext: (oids) => service.read("getNext", level, oids),
      };
    }
  }
  return out;
}
