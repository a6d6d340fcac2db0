// SNMP probe (UDP): network I/O only, returns facts. Loaded lazily by index.ts. Phases, each ending
// in ctx.checkpoint (a later crash, cap or abort keeps what was learned, marked incomplete):
//  1 engine (engine.ts) + supplied communities (communities.ts), one wait; user-name probes
//    (users.ts) and the system GET (system.ts) join that wait as soon as discovery / a community
//    answers. Without any credential the default-mode communities go out here too.
//  2 v3 users from the credentials file (users.ts, v3.ts; MD5/DES in the legacy-provider child).
//  3 default-mode communities with credentials: between two reads of the agent's bad-version and
//    bad-community counters (reads.ts), the only proof that unanswered requests were rejected;
//    then, with --intrusive, guesses through the shared login pacing.
//  4 reads with a credential that works: notification targets, snmpEnableAuthenTraps, VACM.
//  5 (--intrusive) write-back SET (write.ts).
// Every wait follows the udp.ts window contract: each request is listened for up to --timeout.
import { ProbeFailure } from "../../src/errors.js";
import type { ProbeContext } from "../../src/plugin.js";
import type { ServiceEndpoint } from "../../src/model/facts.js";
import { encodeOid, type SnmpMessage } from "./ber.js";
import type { SnmpChecks } from "./checks.js";
import { communityReader, versionName } from "./community-reader.js";
import { CommunityRound, guessCommunities, planCommunities, type Accepted } from "./communities.js";
import { engineFacts, sendDiscovery, usableEngineId } from "./engine.js";
import { droppedAnswers, type SnmpFacts, type WaitEnd } from "./facts.js";
import { SYSTEM_GROUP } from "./oids.js";
import { MAX_READ_REQUESTS, readAccess, readCounters, readNotifications, type Reader } from "./reads.js";
import { sendSystemGet } from "./system.js";
import { UdpExchange } from "./udp.js";
import { checkV3Users, planNames, sendNameProbes, userNameFacts } from "./users.js";
import type { V3Service } from "./v3.js";
import { writeTests } from "./write.js";
import { snmpCredentials } from "./declarations.js";

export const DEFAULT_WRITE_OID = SYSTEM_GROUP.sysLocation;

function communityReaderFor(ex: UdpExchange, accepted: Accepted[], ctx: ProbeContext, only?: "supplied"): Reader | undefined {
  const pool = accepted.filter((a) => !only || a.c.source === only);
  const a = pool.find((x) => x.version === 1) ?? pool[0];
  return a ? communityReader(ex, a.version, a.c.value, `${versionName(a.version)} community ${a.c.label}`, ctx.signal) : undefined;
}

export async function probeSnmp(ctx: ProbeContext, checks: SnmpChecks): Promise<SnmpFacts> {
  const ep: ServiceEndpoint = ctx.endpoints[0]!;
  if (ctx.endpoints.length > 1) ctx.log.info({ endpoints: ctx.endpoints.map((e) => e.url) }, "several SNMP endpoints: probing the first");
  const t = ctx.timeoutMs;
  const plan = planCommunities(ctx);
  const hasV3Users = snmpCredentials(ctx.credentials).some((c) => c.protocol === "snmp" && !!c.username);
  // with a credential, the default-mode communities wait until the agent's counters can be read first
  const canProve = plan.supplied.length > 0 || hasV3Users;
  const writeOid = ctx.options["snmp.writeOid"] ?? DEFAULT_WRITE_OID;
  if (ctx.intrusive) {
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
    communities: { ran: false, candidates: plan.supplied.length + plan.defaults.length, waitMs: t, results: [], notTried: [] },
    v3Users: [],
    userNames: { ran: false, unknownNameReport: false, names: [] },
    wire: { malformedDatagrams: 0, unmatchedResponses: 0, foreignDatagrams: 0, duplicateResponses: 0, floodDropped: 0, portUnreachable: false },
  };
  const syncWire = () => {
    facts.wire = {
      malformedDatagrams: ex.malformed,
      unmatchedResponses: ex.unmatched,
      foreignDatagrams: ex.foreign,
      duplicateResponses: ex.duplicates,
      floodDropped: ex.floodDropped,
      portUnreachable: ex.portUnreachable,
    };
  };
  const checkpoint = () => {
    syncWire();
    ctx.checkpoint(structuredClone(facts));
  };
  let systemSent = false;
  const round = new CommunityRound(ex, facts, (a) => {
    if (systemSent || ctx.signal.aborted) return;
    systemSent = true;
    ctx.assertAllowed(checks.system);
    ctx.log.info(
      { action: "snmp.system.get", safety: checks.system.safety, endpoint: ep.url, via: `${versionName(a.version)} community ${a.c.label}` },
      "GET system group",
    );
    sendSystemGet(ex, a, facts);
  });
  const ends: WaitEnd[] = [];
  const wait = async () => {
    const end = await ex.wait(ctx.signal);
    if (ex.internalError) throw new Error(`snmp probe: ${ex.internalError}`);
    round.settle(end);
    ends.push(end);
    return end;
  };
  const services: V3Service[] = [];
  try {
    // ---- Phase 1: engine discovery + supplied communities (+ defaults without credentials).
    ctx.assertAllowed(checks.engine);
    ctx.assertAllowed(checks.communities);
    const phase1 = [...plan.supplied, ...(canProve ? [] : plan.defaults)];
    ctx.log.info({ action: "snmp.v3.discovery", safety: checks.engine.safety, endpoint: ep.url }, "SNMPv3 engine discovery (RFC 3414 §4)");
    ctx.log.info(
      { action: "snmp.community.get", safety: checks.communities.safety, endpoint: ep.url, candidates: phase1.map((c) => c.label) },
      `v1 and v2c GET of sysDescr.0 with ${phase1.length} communities, each awaited up to ${t} ms`,
    );
    let discovery: SnmpMessage | undefined;
    const names = planNames(ctx);
    let namesSent = false;
    sendDiscovery(ex, (m) => {
      discovery = m;
      if (!m.v3 || !usableEngineId(m.v3.engineId) || ctx.signal.aborted) return;
      ctx.assertAllowed(checks.userNames);
      ctx.log.info(
        { action: "snmp.v3.usernames", safety: checks.userNames.safety, endpoint: ep.url, names: names.filter((n) => !n.random).map((n) => n.name) },
        "noAuthNoPriv GET per user name (no keys)",
      );
      namesSent = true;
      sendNameProbes(ex, m.v3, names);
    });
    for (const c of phase1) round.send(c);
    await wait();
    facts.engine = engineFacts(discovery, ex.portUnreachable ? "ICMP port unreachable" : `no answer to discovery within ${t} ms`);
    facts.userNames = namesSent
      ? userNameFacts(names, !ctx.signal.aborted, t)
      : {
          ran: false,
          unknownNameReport: false,
          names: [],
          error: facts.engine.answered ? (facts.engine.error ?? "engine ID not usable: names not checked") : "SNMPv3 did not answer discovery",
        };
    const answered = () => facts.engine.answered || round.accepted.length > 0;
    if (answered()) checkpoint();

    // ---- Phase 2: v3 users from the credentials file.
    const v3 = await checkV3Users(ctx, ep, facts, checks);
    services.push(...v3.services);
    if (answered()) checkpoint();

    // ---- Phase 3: default-mode communities (between counter reads when a credential works), guesses.
    const budget = { requests: MAX_READ_REQUESTS };
    let reader = communityReaderFor(ex, round.accepted, ctx, "supplied") ?? v3.reader;
    if (canProve && !ctx.signal.aborted && !ex.portUnreachable) {
      let before: Awaited<ReturnType<typeof readCounters>> | undefined;
      if (reader) {
        ctx.assertAllowed(checks.reads);
        ctx.log.info(
          { action: "snmp.reads.counters", safety: checks.reads.safety, endpoint: ep.url, via: reader.via },
          "GET snmpInBadVersions / snmpInBadCommunityNames before the default communities",
        );
        before = await readCounters(reader, budget);
      }
      const mark = round.sent();
      ctx.log.info(
        { action: "snmp.community.get", safety: checks.communities.safety, endpoint: ep.url, candidates: plan.defaults.map((c) => c.label) },
        `v1 and v2c GET of sysDescr.0 with ${plan.defaults.length} default-mode communities, each awaited up to ${t} ms`,
      );
      for (const c of plan.defaults) round.send(c);
      await wait();
      if (plan.guesses.length && !ctx.signal.aborted) {
        ctx.assertAllowed(checks.communityGuesses);
        ctx.log.info(
          { action: "snmp.community.guess", safety: checks.communityGuesses.safety, endpoint: ep.url },
          "intrusive default-community guesses, paced",
        );
        await guessCommunities(ctx, ex, round, plan.guesses);
      }
      if (reader && before) {
        const after = await readCounters(reader, budget);
        const error = [before.error, after.error].filter(Boolean).join("; ");
        facts.communities.proof = {
          via: reader.via,
          before: before.counters,
          after: after.counters,
          unansweredSent: round.unansweredSince(mark),
          ...(error ? { error } : {}),
        };
      }
    } else if (plan.guesses.length && !ctx.signal.aborted && !ex.portUnreachable) {
      ctx.assertAllowed(checks.communityGuesses);
      ctx.log.info({ action: "snmp.community.guess", safety: checks.communityGuesses.safety, endpoint: ep.url }, "intrusive default-community guesses, paced");
      await guessCommunities(ctx, ex, round, plan.guesses);
    }
    if (systemSent && facts.system === undefined && !ctx.signal.aborted) await wait(); // a system GET sent from the last wait
    facts.communities.ran = ends.every((e) => e === "all-answered" || e === "timeout");
    if (!facts.communities.ran)
      facts.communities.error = ends.includes("aborted")
        ? "aborted before every community got its whole wait"
        : "ICMP port unreachable during the community checks";

    if (!answered()) {
      syncWire();
      const where = ep.url;
      const sent = round.sent() / 2;
      if (ex.portUnreachable) throw new ProbeFailure(ep.explicit ? "unreachable" : "absent", `${where}: ICMP port unreachable (no SNMP agent on this port)`);
      if (ctx.signal.aborted) throw new ProbeFailure("aborted", `${where}: aborted before any answer`);
      if (droppedAnswers(facts) > 0) {
        throw new ProbeFailure(
          "protocol",
          `${where}: no usable SNMP answer (${facts.wire.malformedDatagrams} malformed, ${facts.wire.unmatchedResponses} unmatched, ${facts.wire.foreignDatagrams} from another address or port)`,
        );
      }
      if (!ep.explicit) throw new ProbeFailure("absent", `${where}: no answer to SNMPv3 discovery or ${sent} communities within ${t} ms`);
      throw new ProbeFailure(
        "timeout",
        `${where}: no answer within ${t} ms to SNMPv3 discovery or any of ${sent} communities (v1/v2c with an unknown community cannot be ruled out)`,
      );
    }
    checkpoint();

    // ---- Phase 4: reads with a credential that works.
    reader ??= communityReaderFor(ex, round.accepted, ctx);
    if (reader && !ctx.signal.aborted) {
      ctx.assertAllowed(checks.reads);
      ctx.log.info(
        { action: "snmp.reads.notifications", safety: checks.reads.safety, endpoint: ep.url, via: reader.via },
        "bounded GET/GETNEXT of snmpEnableAuthenTraps, SNMP-TARGET-MIB, SNMP-NOTIFICATION-MIB and VACM",
      );
      facts.notifications = await readNotifications(reader, budget);
      facts.access = await readAccess(reader, budget);
    } else if (!reader) facts.readsError = "no community or v3 user could read: notification targets and access tables not read";
    checkpoint();

    // ---- Phase 5 (intrusive): write back the value just read, to the operator-named OID only.
    if (ctx.intrusive && !ctx.signal.aborted) {
      await writeTests(ctx, ex, round.accepted, writeOid, facts, checks);
      checkpoint();
    }
    if (ctx.signal.aborted) throw new ProbeFailure("aborted", `${ep.url}: aborted; facts kept up to the last finished phase`);
  } finally {
    syncWire();
    await Promise.all([ex.close(), ...services.map((s) => s.close())]);
  }
  return facts;
}
