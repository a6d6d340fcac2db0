// SNMP rules over hand-made facts: honest outcomes (a check that could not run is error/skipped,
// never pass), valid metadata, and the fixture profiles' snmp sections.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import snmpPlugin from "../../probes/snmp/index.js";
import { SnmpFacts } from "../../probes/snmp/facts.js";
import { SnmpProfile, profileFromFacts } from "../../probes/snmp/profile.js";
import { Iec62443Ref } from "../../src/model/common.js";
import { parseProfile } from "../../src/engine/profiles.js";
import type { FactsEnvelope } from "../../src/model/facts.js";
import { runRules } from "../../src/engine/rules.js";

function facts(over: Partial<SnmpFacts> = {}): SnmpFacts {
  return SnmpFacts.parse({
    endpoint: "snmp://192.0.2.1:161",
    engine: { answered: true, engineId: "80001f8803525400123456", enterprise: 8072 },
    communities: { ran: true, candidates: 7, waitMs: 800, results: [{ label: "public", source: "default", version: "v2c", accepted: false }] },
    v3Users: [],
    userNames: { ran: true, unknownNameReport: true, names: [] },
    wire: { malformedDatagrams: 0, unmatchedResponses: 0, portUnreachable: false },
    ...over,
  });
}

function run(data: SnmpFacts, intrusive = false) {
  const envelope: FactsEnvelope = {
    protocol: "snmp",
    status: "ok",
    endpoints: [],
    startedAt: new Date(0).toISOString(),
    durationMs: 1,
    probeVersion: snmpPlugin.version,
    data,
  };
  return runRules(snmpPlugin, envelope, { host: "192.0.2.1", intrusive, credentialed: data.v3Users.length > 0 });
}

describe("snmp rules", () => {
  it("have valid metadata", () => {
    const ids = snmpPlugin.rules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of snmpPlugin.rules) {
      for (const ref of r.meta.iec62443) expect(Iec62443Ref.safeParse(ref).success, ref).toBe(true);
      expect(r.meta.elements.length).toBeGreaterThan(0);
      expect(r.meta.docs).toMatch(/^https:\/\//);
    }
  });

  it("a community check that did not complete is never a pass (undetermined: incomplete, or error when nothing default was sent)", () => {
    const f = run(
      facts({
        communities: {
          ran: false,
          candidates: 7,
          waitMs: 800,
          results: [{ label: "public", source: "default", version: "v1", accepted: false }],
          error: "aborted before the wait ended",
        },
      }),
    );
    for (const id of ["snmp.v1v2c.enabled", "snmp.community.default"])
      expect(f.find((x) => x.ruleId === id)).toMatchObject({ status: "undetermined", reason: "incomplete" });
    const none = run(facts({ communities: { ran: false, candidates: 7, waitMs: 800, results: [], error: "aborted before the wait ended" } }));
    expect(none.find((x) => x.ruleId === "snmp.community.default")!.status).toBe("error");
  });

  it("a v3 user whose check failed (e.g. the legacy-provider child) is an error in every v3 rule", () => {
    const f = run(
      facts({
        v3Users: [
          { user: "old", authProtocol: "md5", privProtocol: "des", legacyProvider: true, attempts: [], error: "legacy-provider worker failed (exit code 1)" },
        ],
      }),
    );
    for (const id of ["snmp.v3.noauth", "snmp.v3.authnopriv-only", "snmp.v3.weak-algorithms"]) {
      const found = f.filter((x) => x.ruleId === id);
      expect(
        found.map((x) => x.status),
        id,
      ).toEqual(["error"]);
      expect(found[0]!.evidence.user).toBe("old");
    }
  });

  it("without credentials the v3 level rules are skipped, and the write rule needs --intrusive", () => {
    const f = run(facts());
    for (const id of ["snmp.v3.noauth", "snmp.v3.authnopriv-only", "snmp.v3.weak-algorithms"]) expect(f.find((x) => x.ruleId === id)!.status).toBe("skipped");
    expect(f.find((x) => x.ruleId === "snmp.community.write")!.status).toBe("skipped");
  });

  it("names a default community but only labels a supplied one", () => {
    const f = run(
      facts({
        communities: {
          ran: true,
          candidates: 8,
          waitMs: 800,
          results: [
            { label: "public", source: "default", version: "v1", accepted: true },
            { label: "supplied #1", source: "supplied", version: "v2c", accepted: true },
          ],
        },
      }),
    );
    const def = f.filter((x) => x.ruleId === "snmp.community.default");
    expect(def.map((x) => x.evidence.community)).toEqual(["public"]);
    expect(f.find((x) => x.ruleId === "snmp.v1v2c.enabled")!.evidence.communities).toEqual(["public", "supplied #1"]);
  });

  it("fixture profiles validate, and profiles derived from facts validate", () => {
    for (const name of ["legacy-plc", "hardened-controller"]) {
      const text = readFileSync(new URL(`../../fixtures/profiles/${name}.yaml`, import.meta.url), "utf8");
      // validate only the snmp section here (other protocols' sections belong to their tests)
      const doc = parseProfile(
        text
          .split(/^(?=[a-z]+:\s*$)/m)
          .filter((part, i) => i === 0 || part.startsWith("snmp:"))
          .join(""),
        name,
        [snmpPlugin],
      );
      expect(doc.sections.get("snmp")).toBeTruthy();
    }
    const derived = profileFromFacts(
      facts({
        communities: { ran: true, candidates: 8, waitMs: 800, results: [{ label: "supplied #2", source: "supplied", version: "v2c", accepted: true }] },
        v3Users: [{ user: "ops", authProtocol: "sha256", privProtocol: "aes", legacyProvider: false, attempts: [{ level: "authPriv", outcome: "accepted" }] }],
        writeTests: [{ label: "supplied #2", source: "supplied", version: "v2c", oid: "1.3.6.1.2.1.1.6.0", outcome: "writable" }],
      }),
    );
    expect(SnmpProfile.parse(derived)).toMatchObject({
      communities: [{ community: "otaudit-placeholder-2", access: "read-write" }],
      users: [{ name: "ops", level: "authPriv" }],
    });
  });
});

describe("snmp rules: a pass needs the evidence it names (strip it and no pass remains)", () => {
  const good = (): SnmpFacts =>
    facts({
      communities: {
        ran: true,
        candidates: 1,
        waitMs: 1000,
        waitEnded: "timeout",
        results: [
          { label: "public", source: "default", mode: "default", version: "v1", accepted: false, waitedFull: true },
          { label: "public", source: "default", mode: "default", version: "v2c", accepted: false, waitedFull: true },
        ],
        proof: {
          via: "v3 user ops (authPriv)",
          before: { snmpInBadVersions: 5, snmpInBadCommunityNames: 10 },
          after: { snmpInBadVersions: 7, snmpInBadCommunityNames: 10 },
          unansweredSent: 2,
        },
      },
      access: { via: "v3 user ops (authPriv)", communityGroups: "absent" },
      v3Users: [
        {
          user: "ops",
          authProtocol: "sha256",
          privProtocol: "aes",
          legacyProvider: false,
          attempts: [
            { level: "authPriv", outcome: "accepted" },
            { level: "authNoPriv", outcome: "denied", reason: "AuthorizationError" },
            { level: "noAuthNoPriv", outcome: "denied", reason: "AuthorizationError" },
          ],
        },
      ],
      userNames: { ran: true, unknownNameReport: true, names: [{ name: "ops", source: "supplied", answer: "unknown-user" }] },
      notifications: {
        via: "v3 user ops (authPriv)",
        authenTraps: "enabled",
        targetMib: "present",
        targets: [{ name: "nms", address: "192.0.2.9:162", mpModel: "v3", securityLevel: "authPriv", notifyTypes: ["inform"] }],
        complete: true,
      },
      writeTests: [{ label: "public", source: "default", version: "v2c", oid: "1.3.6.1.2.1.1.6.0", outcome: "refused", detail: "SET refused: noAccess" }],
    });
  const passes = (f: SnmpFacts) =>
    run(f, true)
      .filter((x) => x.status === "pass")
      .map((x) => x.ruleId)
      .sort();

  it("the complete facts pass every rule they can", () => {
    expect(passes(good())).toEqual(
      [
        "snmp.community.default",
        "snmp.community.write",
        "snmp.logging.authen-traps",
        "snmp.logging.notification-targets",
        "snmp.v1v2c.enabled",
        "snmp.v3.authnopriv-only",
        "snmp.v3.noauth",
        "snmp.v3.user-enumeration",
        "snmp.v3.weak-algorithms",
      ].sort(),
    );
  });

  const strip: [string, (f: SnmpFacts) => void, string[]][] = [
    [
      "no counter proof and no VACM read",
      (f) => {
        delete f.communities.proof;
        delete f.access;
      },
      ["snmp.community.default", "snmp.v1v2c.enabled"],
    ],
    [
      "counters that did not move",
      (f) => {
        f.communities.proof!.after = { ...f.communities.proof!.before };
        delete f.access;
      },
      ["snmp.community.default", "snmp.v1v2c.enabled"],
    ],
    [
      "a dropped answer",
      (f) => {
        f.wire.unmatchedResponses = 1;
      },
      ["snmp.community.default", "snmp.v1v2c.enabled"],
    ],
    [
      "a request that did not get its whole wait",
      (f) => {
        f.communities.results[0]!.waitedFull = false;
        f.communities.ran = false;
      },
      ["snmp.community.default", "snmp.v1v2c.enabled"],
    ],
    [
      "no answers at the v3 levels",
      (f) => {
        for (const a of f.v3Users[0]!.attempts) a.outcome = "no-answer";
      },
      ["snmp.v3.authnopriv-only", "snmp.v3.noauth", "snmp.v3.weak-algorithms", "snmp.v3.user-enumeration"],
    ],
    [
      "an unknown user (every level a Report)",
      (f) => {
        for (const a of f.v3Users[0]!.attempts) Object.assign(a, { outcome: "rejected", reason: "Unknown User Name" });
      },
      ["snmp.v3.authnopriv-only", "snmp.v3.noauth", "snmp.v3.weak-algorithms", "snmp.v3.user-enumeration"],
    ],
    [
      "notification settings not read",
      (f) => {
        delete f.notifications;
        f.readsError = "no credential could read";
      },
      ["snmp.logging.authen-traps", "snmp.logging.notification-targets"],
    ],
    [
      "a target walk cut short with no rows",
      (f) => {
        f.notifications!.targets = [];
        f.notifications!.complete = false;
        f.notifications!.error = "read budget spent";
      },
      ["snmp.logging.authen-traps", "snmp.logging.notification-targets"],
    ],
    [
      "a write answer that echoes another value",
      (f) => {
        f.writeTests![0]!.outcome = "unverified";
      },
      ["snmp.community.write"],
    ],
  ];
  for (const [what, mutate, gone] of strip) {
    it(`${what}: ${gone.join(", ")} no longer pass`, () => {
      const f = structuredClone(good());
      mutate(f);
      const left = passes(f);
      for (const id of gone) expect(left, id).not.toContain(id);
    });
  }
});
