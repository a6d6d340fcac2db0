// Phase "system group": one GET of the six system-group objects (RFC 3418 §2) with the first
// community that answered (sent from inside the community wait, so it shares that window), or the
// values a v3 user read (users.ts). Values become facts text via ber.ts octetsToText.
import { PDU, isException, valueToText, type Pdu } from "./ber.js";
import { communityRequest, errorStatusName, sameCommunity, versionName } from "./community-reader.js";
import type { Accepted } from "./communities.js";
import type { SnmpFacts, SystemGroup } from "./facts.js";
import { SYSTEM_GROUP } from "./oids.js";
import type { UdpExchange } from "./udp.js";

export function systemFromPdu(pdu: Pdu, via: string): SystemGroup {
  const out: SystemGroup = { via };
  const byOid = new Map(Object.entries(SYSTEM_GROUP).map(([k, v]) => [v, k as keyof typeof SYSTEM_GROUP]));
  for (const vb of pdu.varbinds) {
    const field = byOid.get(vb.oid as (typeof SYSTEM_GROUP)[keyof typeof SYSTEM_GROUP]);
    if (!field || isException(vb) || out[field] !== undefined) continue;
    try {
      out[field] = valueToText(vb);
    } catch {
      /* a value that does not decode: left out */
    }
  }
  return out;
}

/** Send the system-group GET with an accepted community; the answer lands in `facts`. */
export function sendSystemGet(ex: UdpExchange, a: Accepted, facts: SnmpFacts): void {
  const via = `${versionName(a.version)} community ${a.c.label}`;
  const rid = ex.id();
  facts.systemError = `no answer to the system-group GET (${via}) within ${ex.timeoutMs} ms`;
  ex.send(
    `r:${rid}`,
    communityRequest(PDU.GET, a.version, a.c.value, rid, Object.values(SYSTEM_GROUP)),
    (m) => {
      const pdu = m.pdu!;
      if (pdu.errorStatus !== 0) {
        facts.systemError = `agent answered ${errorStatusName(pdu.errorStatus)} (${via})`;
        return;
      }
      facts.system = systemFromPdu(pdu, via);
      delete facts.systemError;
    },
    sameCommunity(a.version, a.c.value),
  );
}
