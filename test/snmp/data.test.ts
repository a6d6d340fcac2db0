// Invariants of the SNMP security-knowledge data files (probes/snmp/data/).
import { describe, expect, it } from "vitest";
import { loadAlgorithms, loadDefaults } from "../../probes/snmp/knowledge.js";
import { SNMP_CREDENTIAL_FIELDS } from "../../probes/snmp/declarations.js";

describe("snmp data files", () => {
  it("default communities: unique, short list, each with a public https source and a licence", () => {
    const d = loadDefaults();
    const names = d.communities.map((c) => c.community);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, 2)).toEqual(["public", "private"]);
    // every candidate costs two datagrams in one bounded wait: keep the list short
    expect(names.length).toBeLessThanOrEqual(12);
    for (const c of [...d.communities, ...d.v3UserNames]) {
      for (const s of c.sources) {
        expect(s.url).toMatch(/^https:\/\//);
        expect(s.licence.length).toBeGreaterThan(2);
      }
    }
    const users = d.v3UserNames.map((u) => u.name);
    expect(new Set(users).size).toBe(users.length);
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
  });
});
