// Phase "communities": v1 and v2c GETs of sysDescr.0 (RFC 1157 §4.1.2, RFC 3416 §4.2.1) with the
// operator's communities, the documented default read community (defaultMode entries of
// data/default-credentials.yaml) and, with --intrusive only, further default communities through
// the shared login pacing (src/net attemptLogins). An agent silently drops a request with a wrong
// community (RFC 1157 §4.1, RFC 3584 §4.2.1), so silence is recorded as silence, never as
// "rejected": only the agent's own counters (reads.ts) can prove a rejection.
// Window contract: each request is listened for up to the operation timeout from its sending
// (udp.ts); an answer after that is still counted as accepted (lateMs).
import { attemptLogins } from "../../src/net/index.js";
import type { ProbeContext } from "../../src/plugin.js";
import { loginPacing } from "../../src/plugin.js";
import { PDU, type SnmpMessage } from "./ber.js";
import { communityRequest, sameCommunity, versionName } from "./community-reader.js";
import type { CommunityResult, SnmpFacts, WaitEnd } from "./facts.js";
import { communityPlan } from "./knowledge.js";
import { SYSTEM_GROUP } from "./oids.js";
import type { UdpExchange } from "./udp.js";
import { snmpCredentials } from "./declarations.js";

/** Pause between intrusive community guesses unless --login-delay says otherwise. */
export const GUESS_DELAY_MS = 500;

export interface Candidate {
  label: string;
  source: "default" | "supplied";
  mode?: "default" | "intrusive";
  value: string;
}

export interface Accepted {
  c: Candidate;
  version: 0 | 1;
}

export interface CommunityPlan {
  supplied: Candidate[];
  defaults: Candidate[];
  guesses: Candidate[];
}

/** Supplied communities (labelled by position only), default-mode defaults, intrusive guesses. */
export function planCommunities(ctx: ProbeContext): CommunityPlan {
  const { defaultMode, guesses } = communityPlan(ctx.intrusive);
  const known = new Set([...defaultMode, ...guesses].map((e) => e.password));
  const supplied: Candidate[] = [];
  let n = 0;
  for (const c of snmpCredentials(ctx.credentials)) {
    if (c.protocol !== "snmp" || !c.community) continue;
    n++;
    // a supplied community that is also a listed default is sent (and named) as that default
    if (known.has(c.community) || supplied.some((s) => s.value === c.community)) continue;
    supplied.push({ label: `supplied #${n}`, source: "supplied", value: c.community });
  }
  const suppliedDefaults = new Set(snmpCredentials(ctx.credentials).flatMap((c) => (c.protocol === "snmp" && c.community ? [c.community] : [])));
  const toCandidate = (mode: "default" | "intrusive") => (e: { password: string }) => ({
    label: e.password,
    source: "default" as const,
    mode,
    value: e.password,
  });
  return {
    supplied,
    defaults: defaultMode.map(toCandidate("default")),
    // a listed default the operator supplied is their own community: sent once, not guessed
    guesses: guesses.filter((g) => !suppliedDefaults.has(g.password)).map(toCandidate("intrusive")),
  };
}

/** Community requests and their results, recorded in the facts as they go out. */
export class CommunityRound {
  readonly accepted: Accepted[] = [];
  private readonly open: CommunityResult[] = [];

  constructor(
    private readonly ex: UdpExchange,
    private readonly facts: SnmpFacts,
    /** called once per accepted community and version, inside the wait (e.g. to send the system GET) */
    private readonly onAccepted: (a: Accepted) => void,
  ) {}

  /** Send the v1 and the v2c GET of sysDescr.0 for one candidate. */
  send(c: Candidate): void {
    for (const version of [0, 1] as const) {
      const rid = this.ex.id();
      const result: CommunityResult = { label: c.label, source: c.source, ...(c.mode ? { mode: c.mode } : {}), version: versionName(version), accepted: false };
      this.facts.communities.results.push(result);
      this.open.push(result);
      this.ex.send(
        `r:${rid}`,
        communityRequest(PDU.GET, version, c.value, rid, [SYSTEM_GROUP.sysDescr]),
        (_m: SnmpMessage, arrival) => {
          result.accepted = true;
          delete result.waitedFull;
          if (arrival.late) result.lateMs = arrival.ms;
          const a = { c, version };
          this.accepted.push(a);
          this.onAccepted(a);
        },
        sameCommunity(version, c.value),
      );
    }
  }

  /** After a wait: mark every still unanswered request with whether it got its whole wait. */
  settle(end: WaitEnd): void {
    for (const r of this.open.splice(0)) if (!r.accepted) r.waitedFull = end === "all-answered" || end === "timeout";
    this.facts.communities.waitEnded = end;
  }

  /** How many requests were sent so far (a mark for unansweredSince). */
  sent(): number {
    return this.facts.communities.results.length;
  }

  /** Requests sent after the mark that got no answer. */
  unansweredSince(mark: number): number {
    return this.facts.communities.results.slice(mark).filter((r) => !r.accepted).length;
  }

  notTried(label: string, why: string): void {
    (this.facts.communities.notTried ??= []).push({ label, why });
  }
}

/**
 * Intrusive guesses, one candidate at a time through the shared pacing loop. Silence is the only
 * "no" an agent gives a wrong community: it ends one attempt (recorded as no answer), an abort or
 * ICMP port unreachable ends the loop.
 */
export async function guessCommunities(ctx: ProbeContext, ex: UdpExchange, round: CommunityRound, guesses: Candidate[]): Promise<void> {
  const pacing = loginPacing(ctx.options, GUESS_DELAY_MS);
  const run = await attemptLogins(
    guesses,
    pacing,
    async (c) => {
      const before = round.accepted.length;
      round.send(c);
      const end = await ex.wait(ctx.signal);
      round.settle(end);
      if (round.accepted.length > before) return { outcome: "accepted" };
      if (end === "aborted" || end === "port-unreachable") return { outcome: "error", error: end };
      return { outcome: "rejected" };
    },
    ctx.signal,
  );
  const notTried = ctx.signal.aborted ? "run aborted" : undefined;
  for (const n of run.notTried) round.notTried(n.entry.label, notTried ?? (n.why === "accepted-earlier" ? "an earlier guess was accepted" : n.why));
  for (const c of guesses.slice(pacing.budget)) round.notTried(c.label, `beyond --login-budget (${pacing.budget})`);
}
