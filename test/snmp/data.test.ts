// Invariants of the SNMP security-knowledge data files (probes/snmp/data/): the default communities
// in the shared default-credential format (what a default run may send), v3 user names,
// algorithms, enterprise numbers, the restart-cadence threshold.
import { describe, expect, it } from "vitest";
import { communityPlan, loadAlgorithms, loadCommunities, loadV3UserNames } from "../../probes/snmp/knowledge.js";
import { SNMP_CHECKS } from "../../probes/snmp/checks.js";
import { checkDefaultCredentialsInvariants } from "../../src/knowledge/default-credentials.js";
import { SNMP_CREDENTIAL_FIELDS } from "../../probes/snmp/declarations.js";

describe("snmp data files", () => {
  it("default communities: the shared format's invariants hold; no user names; short list", () => {
    const d = loadCommunities();
    expect(checkDefaultCredentialsInvariants(d)).toEqual([]);
    for (const e of d.entries) expect(e.username, e.id).toBeUndefined(); // a community has no user
    for (const s of Object.values(d.sources)) expect(s.url).toMatch(/^https:\/\//);
    // every candidate costs two datagrams and, unanswered, a whole --timeout: keep the list short
    expect(d.entries.length).toBeLessThanOrEqual(12);
  });

  it("a default run sends exactly the documented read community 'public'; everything else needs --intrusive", () => {
    const d = loadCommunities();
    expect(d.entries.filter((e) => e.defaultMode).map((e) => e.password)).toEqual(["public"]);
    // a defaultMode entry must be documented: a CVE record or vendor documentation beside the list it comes from
    for (const e of d.entries.filter((x) => x.defaultMode))
      expect(e.vendorDoc ?? (d.sources[e.source]!.url.includes("cve.org") ? "cve" : undefined), e.id).toBeTruthy();
    expect(d.entries.find((e) => e.password === "private")?.defaultMode).not.toBe(true); // a write community guess is intrusive
    expect(communityPlan(false)).toMatchObject({ guesses: [] });
    expect(communityPlan(false).defaultMode.map((e) => e.password)).toEqual(["public"]);
    expect(communityPlan(true).guesses.map((e) => e.password)).toContain("private");
    // the check descriptions say the same thing (they are what `otaudit rules` and the README show)
    expect(SNMP_CHECKS.communities.safety).toBe("read");
    expect(SNMP_CHECKS.communities.description).toContain("'public'");
    expect(SNMP_CHECKS.communityGuesses.safety).toBe("intrusive");
  });

  it("v3 user names: unique, each with a public https source and a licence", () => {
    const names = loadV3UserNames().v3UserNames;
    expect(new Set(names.map((u) => u.name)).size).toBe(names.length);
    for (const u of names) for (const s of u.sources) expect(s.url).toMatch(/^https:\/\//);
  });

  it("algorithms: weak iff reasons given, every reason defined, every credentials-file algorithm known", () => {
    const a = loadAlgorithms();
    for (const alg of [...Object.values(a.auth), ...Object.values(a.priv)]) {
      expect(alg!.weak).toBe(alg!.reasons.length > 0);
      for (const r of alg!.reasons) expect(a.reasons[r]).toBeTruthy();
    }
    const used = new Set([...Object.values(a.auth), ...Object.values(a.priv)].flatMap((x) => x!.reasons));
    for (const r of Object.keys(a.reasons)) expect(used.has(r)).toBe(true);
    expect(Object.keys(a.auth).sort()).toEqual([...SNMP_CREDENTIAL_FIELDS.authProtocol.unwrap().options].sort());
    expect(Object.keys(a.priv).sort()).toEqual([...SNMP_CREDENTIAL_FIELDS.privProtocol.unwrap().options].sort());
    expect(a.auth.md5!.weak && a.auth.sha!.weak && a.priv.des!.weak).toBe(true);
    expect(a.auth.sha256!.weak || a.priv.aes!.weak).toBe(false);
    expect(a.enterprises["8072"]).toBe("Net-SNMP");
    expect(a.cadence.maxDaysSinceRestart).toBeGreaterThanOrEqual(180);
  });
});
