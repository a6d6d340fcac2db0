// Phase "write test" (--intrusive only): per accepted community, GET the operator-named OID and SET
// it back to exactly the value just read (RFC 3416 §4.2.5). Write access is proven only by a
// Response with error-status noError that echoes the OID with the value sent (the Response's
// variable-bindings are the request's, §4.2.5); an error status (noAccess, notWritable, readOnly,
// v1 noSuchName) or an exception value (noSuchInstance) is a refusal; anything else is unverified.
// Window contract: one request at a time, each awaited up to the operation timeout (udp.ts).
import type { ProbeContext } from "../../src/plugin.js";
import { PDU, TAG, encodeCommunityMessage, encodePdu, isException, type SnmpMessage } from "./ber.js";
import type { SnmpChecks } from "./checks.js";
import { communityRequest, errorStatusName, sameCommunity, versionName } from "./community-reader.js";
import type { Accepted } from "./communities.js";
import type { SnmpFacts, WriteTest } from "./facts.js";
import type { UdpExchange } from "./udp.js";

async function request(ex: UdpExchange, a: Accepted, datagram: (rid: number) => Buffer, signal: AbortSignal): Promise<SnmpMessage | undefined> {
  const rid = ex.id();
  let answer: SnmpMessage | undefined;
  ex.send(`r:${rid}`, datagram(rid), (m) => (answer = m), sameCommunity(a.version, a.c.value));
  await ex.wait(signal);
  if (!answer) ex.cancel(`r:${rid}`);
  return answer;
}

/** How the agent answered the write-back SET. */
export function classifySet(set: SnmpMessage | undefined, oid: string, sent: Buffer, timeoutMs: number): Pick<WriteTest, "outcome" | "detail"> {
  if (!set) return { outcome: "no-answer", detail: `no answer to the SET within ${timeoutMs} ms (a read-only community is often dropped silently)` };
  const pdu = set.pdu!;
  if (pdu.errorStatus !== 0) return { outcome: "refused", detail: `SET refused: ${errorStatusName(pdu.errorStatus)}` };
  const vb = pdu.varbinds[0];
  if (!vb || pdu.varbinds.length !== 1 || vb.oid !== oid) return { outcome: "unverified", detail: "noError, but the Response does not echo the OID written" };
  if (isException(vb))
    return {
      outcome: "refused",
      detail: `noError with ${vb.type === TAG.NO_SUCH_OBJECT ? "noSuchObject" : vb.type === TAG.NO_SUCH_INSTANCE ? "noSuchInstance" : "endOfMibView"} in place of the value: nothing was written`,
    };
  if (!vb.raw.equals(sent)) return { outcome: "unverified", detail: "noError, but the Response echoes another value than the one sent" };
  return { outcome: "writable", detail: `SET of ${oid} (same value written back) answered noError with the value echoed` };
}

export async function writeTests(ctx: ProbeContext, ex: UdpExchange, accepted: Accepted[], oid: string, facts: SnmpFacts, checks: SnmpChecks): Promise<void> {
  ctx.assertAllowed(checks.write);
  facts.writeTests = [];
  const seen = new Set<string>();
  for (const a of [...accepted].sort((x, y) => y.version - x.version)) {
    if (seen.has(a.c.label)) continue;
    seen.add(a.c.label);
    const test: WriteTest = { label: a.c.label, source: a.c.source, version: versionName(a.version), oid, outcome: "not-tested" };
    facts.writeTests.push(test);
    if (ctx.signal.aborted) {
      test.detail = "not tried: run aborted";
      continue;
    }
    ctx.log.info(
      { action: "snmp.write.get", safety: checks.write.safety, endpoint: ctx.endpoints[0]?.url, community: a.c.label, oid },
      "GET of the write-test OID before writing it back",
    );
    const read = await request(ex, a, (rid) => communityRequest(PDU.GET, a.version, a.c.value, rid, [oid]), ctx.signal);
    if (!read) {
      test.outcome = "no-answer";
      test.detail = `no answer to the GET of ${oid} within ${ex.timeoutMs} ms`;
      continue;
    }
    const vb = read.pdu!.varbinds[0];
    if (read.pdu!.errorStatus !== 0 || !vb || vb.oid !== oid || isException(vb) || vb.type === TAG.NULL) {
      test.detail = `could not read ${oid} first (${read.pdu!.errorStatus ? errorStatusName(read.pdu!.errorStatus) : "no such object or no value"}): nothing written`;
      continue;
    }
    if (ctx.signal.aborted) {
      test.detail = "not tried: run aborted";
      continue;
    }
    ctx.log.info(
      { action: "snmp.write.set", safety: checks.write.safety, endpoint: ctx.endpoints[0]?.url, community: a.c.label, oid },
      "SET writing back the value just read (RFC 3416 §4.2.5)",
    );
    const set = await request(ex, a, (rid) => encodeCommunityMessage(a.version, a.c.value, encodePdu(PDU.SET, rid, [{ oid, raw: vb.raw }])), ctx.signal);
    Object.assign(test, classifySet(set, oid, vb.raw, ex.timeoutMs));
  }
}
